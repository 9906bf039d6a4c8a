/** The numbers of the admin Feedback section (plugins/.../settings/feedback-summary.ts). */
import { describe, expect, it } from 'vitest';
import { newestWeeksFirst, totalsByAgent, upRate } from '../../../plugins/com.yourcompany.ai/src/settings/feedback-summary.js';
import type { FeedbackWeek } from '../../../protocol/feedback.js';

const weeks: FeedbackWeek[] = [
  { week: '2026-05-04', agentId: 'helper', up: 3, down: 1 },
  { week: '2026-05-04', agentId: 'coder', up: 1, down: 0 },
  { week: '2026-05-11', agentId: 'helper', up: 2, down: 2 },
];

describe('the admin Feedback section', () => {
  it("adds up each agent's votes over the weeks, the agents with the most votes first", () => {
    expect(totalsByAgent(weeks)).toEqual([
      { agentId: 'helper', up: 5, down: 3 },
      { agentId: 'coder', up: 1, down: 0 },
    ]);
  });

  it('gives the share of 👍 as a rounded percentage, and no rate without votes', () => {
    expect(upRate(5, 3)).toBe('63%');
    expect(upRate(0, 2)).toBe('0%');
    expect(upRate(0, 0)).toBe('–');
  });

  it('lists the latest week first', () => {
    expect(newestWeeksFirst(weeks).map((w) => `${w.week} ${w.agentId}`)).toEqual(['2026-05-11 helper', '2026-05-04 coder', '2026-05-04 helper']);
  });
});
