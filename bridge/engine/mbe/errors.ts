/**
 * Typed MBE failures. Every failure of a call (HTTP or MCP) becomes one MbeError with a kind the
 * pipeline can act on: degrade (surprise, route, memory), tell the user (generate), reconnect
 * (unreachable), or stop quietly (aborted by the user).
 */
import type { ErrorKind } from '../../../protocol/blocks.js';
import { OPERATION_NAMES, type MbeOperation } from './wire.js';

export type MbeErrorKind =
  /** Could not talk to MBE at all (connection refused/reset, MCP child gone). Triggers a health re-check. */
  | 'unreachable'
  /** MBE answered with a failure (5xx, 404, MCP tool error). */
  | 'unavailable'
  | 'timeout'
  | 'auth'
  | 'rate_limit'
  /** MBE answered 2xx with something that is not the documented shape. */
  | 'bad_response'
  /** The run was stopped; not a failure to report. */
  | 'aborted';

export class MbeError extends Error {
  constructor(
    readonly kind: MbeErrorKind,
    readonly operation: MbeOperation,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MbeError';
  }
}

/** What the chat side shows for each kind (bridge/run/execute.ts picks the user text by kind). */
export function toErrorKind(kind: MbeErrorKind): ErrorKind {
  switch (kind) {
    case 'unreachable':
    case 'unavailable':
      return 'unavailable';
    case 'aborted':
      return 'unknown';
    default:
      return kind;
  }
}

/** HTTP status → kind. 4xx other than auth/rate limit mean our request and MBE disagree (paths). */
export function kindOfStatus(status: number): MbeErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  return 'unavailable';
}

export function opName(op: MbeOperation): string {
  return OPERATION_NAMES[op];
}

export function isAborted(err: unknown): boolean {
  return err instanceof MbeError && err.kind === 'aborted';
}

/** Any thrown value as an MbeError (unexpected throws become 'unavailable', never a crash). */
export function asMbeError(err: unknown, op: MbeOperation): MbeError {
  if (err instanceof MbeError) return err;
  return new MbeError('unavailable', op, `MBE ${opName(op)} failed: ${err instanceof Error ? err.message : String(err)}`);
}
