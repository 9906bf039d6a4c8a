/**
 * Which scheduled task made an agent's message: `meta['com.yourcompany.ai.scheduled']`, checked by
 * hand (no zod, no host imports: unit tests import this file). Read only on messages of agent
 * users (MessageView.tsx): anyone may post any meta, so on a member's message it means nothing.
 */
import type { ScheduledMeta } from '../../../../protocol/automations';
import { SCHEDULED_META_KEY } from '../automations-contract';

export type { ScheduledMeta };

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The task's meta of a message, or undefined when it has none (or not in the protocol's shape). */
export function scheduledOf(meta: Record<string, unknown> | undefined): ScheduledMeta | undefined {
  const raw = meta?.[SCHEDULED_META_KEY] as Partial<Record<keyof ScheduledMeta, unknown>> | null | undefined;
  if (!raw || typeof raw !== 'object') return undefined;
  const { jobId, runId, name, creatorId } = raw;
  if (!text(jobId) || !text(runId) || typeof name !== 'string' || !text(creatorId)) return undefined;
  return { jobId, runId, name, creatorId };
}

