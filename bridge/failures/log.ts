/**
 * The replies of a group that ended in an error, for its admins (the settings panel's list).
 * Kept in the plugin's own collection (bridge/store/failures.ts): the latest `FAILURES_CAP` per
 * group, one entry per run.
 */
import type { FailedReply } from '../../protocol/admin.js';

/** Failures kept per group; older ones are removed when a new one is written. */
export const FAILURES_CAP = 50;

export interface FailureLog {
  /** Records one failed reply; the same run recorded again (two instances, a redelivery) stays one entry. */
  record(failure: FailedReply): Promise<void>;
  /** Newest first, at most `limit` (≤ the cap). */
  recent(groupId: string, limit: number): Promise<FailedReply[]>;
}
