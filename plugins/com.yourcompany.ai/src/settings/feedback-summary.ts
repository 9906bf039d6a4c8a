/**
 * The numbers of the admin Feedback section, from `getFeedback`'s weeks: each agent's 👍 and 👎
 * over the whole period and the share of 👍. No React, no host imports here.
 */
import type { FeedbackWeek } from '../../../../protocol/feedback';

export interface AgentTotals {
  agentId: string;
  up: number;
  down: number;
}

/** Per agent over all the weeks; the agents with the most votes first. */
export function totalsByAgent(weeks: readonly FeedbackWeek[]): AgentTotals[] {
  const totals = new Map<string, AgentTotals>();
  for (const week of weeks) {
    const row = totals.get(week.agentId) ?? { agentId: week.agentId, up: 0, down: 0 };
    row.up += week.up;
    row.down += week.down;
    totals.set(week.agentId, row);
  }
  return [...totals.values()].sort((a, b) => b.up + b.down - (a.up + a.down) || a.agentId.localeCompare(b.agentId));
}

/** "75%": the share of 👍 among the votes, rounded; "–" without votes (no rate to speak of). */
export function upRate(up: number, down: number): string {
  const votes = up + down;
  return votes === 0 ? '–' : `${Math.round((up / votes) * 100)}%`;
}

/** The week table newest first (the server sends the oldest first): the admin reads the latest. */
export function newestWeeksFirst(weeks: readonly FeedbackWeek[]): FeedbackWeek[] {
  return [...weeks].sort((a, b) => b.week.localeCompare(a.week) || a.agentId.localeCompare(b.agentId));
}
