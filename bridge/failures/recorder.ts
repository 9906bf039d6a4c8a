/**
 * Called by the runner when a run ends with an error reply: counts it in /metrics by engine and
 * cause, logs it, and keeps it for the group's admins (bridge/store/failures.ts). Never throws: a
 * store that is down costs an entry in the list, not the reply.
 */
import type { FailureCause } from '../../protocol/admin.js';
import type { EngineLogger as Logger } from '../engine/logger.js';
import { failureMetrics } from '../observability/metrics.js';
import type { FailureLog } from './log.js';

export interface EndedInError {
  runId: string;
  engineId: string;
  cause: FailureCause;
  /** Absent in a DM: those are counted and logged, not listed (no group admin reads them). */
  groupId?: string;
  converseId: string;
  /** The stored error reply; absent when it could not be stored. */
  messageId?: string;
  /** Who caused the run: the prompt's author, or who clicked Regenerate / Retry. */
  requester: string;
}

export type FailureRecorder = (failure: EndedInError) => Promise<void>;

export function createFailureRecorder(log: FailureLog | undefined, logger: Logger, now: () => number = Date.now): FailureRecorder {
  return async (f) => {
    failureMetrics.recorded(f.engineId, f.cause);
    logger.info('reply ended in an error', { runId: f.runId, engine: f.engineId, cause: f.cause, groupId: f.groupId, messageId: f.messageId });
    if (!log || !f.groupId) return;
    try {
      await log.record({
        at: new Date(now()).toISOString(),
        groupId: f.groupId,
        converseId: f.converseId,
        runId: f.runId,
        ...(f.messageId ? { messageId: f.messageId } : {}),
        engine: f.engineId,
        cause: f.cause,
        requester: f.requester,
      });
    } catch (err) {
      logger.warn('failed reply not kept for the admin list (store unavailable)', { runId: f.runId, groupId: f.groupId, error: err instanceof Error ? err.message : String(err) });
    }
  };
}
