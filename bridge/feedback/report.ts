/**
 * The admin view of a group's feedback: votes per agent per UTC week, and the latest 👎 with
 * their comments. Who voted is kept (one vote per user per reply) but not shown.
 */
import { LATEST_DOWN_VOTES, type DownVote, type FeedbackReport, type FeedbackWeek } from '../../protocol/feedback.js';
import type { FeedbackRecord } from './votes.js';

/** Votes older than this are deleted as new ones are written (the view shows at most 26 weeks). */
export const FEEDBACK_RETENTION_WEEKS = 27;
/** Most votes one report reads (a bound on the work of one admin request). */
export const REPORT_READ_CAP = 100_000;

const DAY = 86_400_000;

/** The Monday (UTC) starting the week of `at`, as `YYYY-MM-DD`. */
export function weekOf(at: Date): string {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(midnight - sinceMonday * DAY).toISOString().slice(0, 10);
}

/** The start of the oldest week of a report of `weeks` weeks ending with the current one. */
export function reportStart(now: Date, weeks: number): Date {
  return new Date(Date.parse(`${weekOf(now)}T00:00:00.000Z`) - (weeks - 1) * 7 * DAY);
}

export function retentionCutoff(now: Date): Date {
  return reportStart(now, FEEDBACK_RETENTION_WEEKS);
}

/** `records` newest first (as the store reads them). */
export function feedbackReportOf(groupId: string, records: readonly FeedbackRecord[], kept = true): FeedbackReport {
  const byKey = new Map<string, FeedbackWeek>();
  for (const r of records) {
    const week = weekOf(new Date(r.at));
    const key = `${week} ${r.agentId}`;
    const row = byKey.get(key) ?? { week, agentId: r.agentId, up: 0, down: 0 };
    row[r.vote] += 1;
    byKey.set(key, row);
  }
  const weeks = [...byKey.values()].sort((a, b) => a.week.localeCompare(b.week) || a.agentId.localeCompare(b.agentId));
  const latestDown: DownVote[] = records
    .filter((r) => r.vote === 'down')
    .slice(0, LATEST_DOWN_VOTES)
    .map((r) => ({ at: r.at, agentId: r.agentId, engine: r.engine, runId: r.runId, messageId: r.messageId, converseId: r.converseId, ...(r.comment ? { comment: r.comment } : {}) }));
  return { groupId, weeks, latestDown, kept };
}
