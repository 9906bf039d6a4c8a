/**
 * Counts a run when it ends (runner side): one run, and the tokens of its engine's usage events,
 * for the group (or the direct messages), its user, agent and engine, in the current UTC month.
 * Also feeds the Prometheus counters. Never throws: a store that is down costs a count, not a reply.
 */
import type { EngineLogger as Logger } from '../engine/logger.js';
import type { RunRequest, Usage } from '../engine/types.js';
import { usageMetrics } from '../observability/metrics.js';
import { countersFor, tokensOf, utcMonth } from './counts.js';
import type { UsageStore } from './store.js';

export interface FinishedRun {
  request: Pick<RunRequest, 'runId' | 'agentId' | 'requester' | 'origin'>;
  engineId: string;
  status: string;
  /** The run's usage as the engine last reported it (events carry run totals so far). */
  usage?: Usage;
}

export type UsageRecorder = (run: FinishedRun) => Promise<void>;

/** The agent id runs without one count under. */
export const DEFAULT_AGENT = 'main';

export function createUsageRecorder(store: UsageStore | undefined, logger: Logger, now: () => number = Date.now): UsageRecorder {
  return async (run) => {
    const agentId = run.request.agentId ?? DEFAULT_AGENT;
    const groupId = run.request.origin.groupId;
    const counted = tokensOf(run.usage);
    usageMetrics.recorded(run.engineId, agentId, counted);
    const month = utcMonth(now());
    const fields = { runId: run.request.runId, groupId, userId: run.request.requester.userId, agentId, engine: run.engineId, month, status: run.status, ...counted };
    // One line per run: with a log shipper this is a durable record too (also of DMs without Redis).
    logger.info('usage', fields);
    if (!store) return;
    try {
      const increments = countersFor({ ...(groupId ? { groupId } : {}), userId: run.request.requester.userId, agentId, engineId: run.engineId, ...(run.usage ? { usage: run.usage } : {}) });
      await store.add(groupId ? { groupId } : { direct: true }, month, increments);
    } catch (err) {
      logger.warn('usage not recorded (store unavailable)', { ...fields, store: store.kind, error: err instanceof Error ? err.message : String(err) });
    }
  };
}
