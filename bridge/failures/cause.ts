/**
 * The cause admins read for a failed reply: the engine's error kind (protocol/blocks.ts) or the
 * runner's own reason (queue full, a run that could not be resumed), in words an admin acts on.
 * One fixed list, so it can be a metric label and a stored field without growing.
 */
import { z } from 'zod';
import type { FailureCause } from '../../protocol/admin.js';

export const FAILURE_CAUSES = [
  'engine-down',
  'engine-auth',
  'timed-out',
  'rate-limited',
  'busy',
  'refused',
  'denied',
  'too-long',
  'bad-response',
  'interrupted',
  'other',
] as const satisfies readonly FailureCause[];

export const failureCause = z.enum(FAILURE_CAUSES);

/** Error kinds as the engines report them → the cause; a kind not listed here is `other`. */
const BY_KIND: Record<string, FailureCause> = {
  unavailable: 'engine-down',
  auth: 'engine-auth',
  timeout: 'timed-out',
  rate_limit: 'rate-limited',
  refusal: 'refused',
  denied: 'denied',
  context_length: 'too-long',
  bad_response: 'bad-response',
  // A run that could not be resumed or re-sent by itself (its engine went away mid-run).
  interrupted: 'interrupted',
};

/**
 * The cause of a reply that ended with an error of this kind (undefined or unknown: `other`). The
 * engine's own cause refines it: a run the gateway lost after it had used tools was interrupted
 * (not repeated, so nothing ran twice), not an engine that is down.
 */
export function causeOfErrorKind(kind: string | undefined, engineCause?: string): FailureCause {
  if (engineCause === 'interrupted-after-tools') return 'interrupted';
  return (kind !== undefined && Object.hasOwn(BY_KIND, kind) ? BY_KIND[kind] : undefined) ?? 'other';
}
