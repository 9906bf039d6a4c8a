/**
 * What a vote can be about (bridge/feedback/votes.ts) and the admin report of a group's votes
 * (bridge/feedback/report.ts): only finished replies of agent bot users, the agent taken from the
 * author (never from meta a member could forge), weeks starting on Monday (UTC), the latest 👎
 * without who voted.
 */
import { describe, expect, it } from 'vitest';
import { feedbackReportOf, reportStart, retentionCutoff, weekOf } from '../../../../bridge/feedback/report.js';
import { votableReply, type FeedbackRecord } from '../../../../bridge/feedback/votes.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { voteReplyParams } from '../../../../protocol/feedback.js';

const AGENTS = ['bot-assistant', 'bot-reviewer'];
const reply = (author: string, status: string, extra: Record<string, unknown> = {}) => ({
  _id: 'm1',
  author,
  converseId: 'c1',
  groupId: 'g1',
  meta: { [AI_META_KEY]: { v: 1, runId: 'tc-p1', engine: 'scripted', status, blocks: [], ...extra } },
});

describe('which replies can be rated', () => {
  it('a finished reply of an agent: run, engine and agent come from the stored message', () => {
    expect(votableReply(reply('bot-reviewer', 'done'), AGENTS)).toEqual({ votable: true, runId: 'tc-p1', engine: 'scripted', agentUserId: 'bot-reviewer', converseId: 'c1', groupId: 'g1' });
  });
  it('a DM reply has no group', () => {
    const { groupId: _none, ...dm } = reply('bot-assistant', 'done');
    expect(votableReply(dm, AGENTS)).toMatchObject({ votable: true, converseId: 'c1' });
    expect(votableReply(dm, AGENTS)).not.toHaveProperty('groupId');
  });
  it("a member's message carrying our meta is not an agent reply", () => {
    expect(votableReply(reply('mallory', 'done'), AGENTS)).toEqual({ votable: false, why: 'not-an-agent-reply' });
  });
  it("an agent's message without our meta (a refusal, a notice) is not a rateable reply", () => {
    expect(votableReply({ author: 'bot-assistant', converseId: 'c1', meta: {} }, AGENTS)).toEqual({ votable: false, why: 'not-an-agent-reply' });
  });
  it('a reply still streaming, or one that failed or was stopped, cannot be rated', () => {
    for (const status of ['queued', 'streaming', 'error', 'aborted']) expect(votableReply(reply('bot-assistant', status), AGENTS)).toEqual({ votable: false, why: 'not-finished' });
  });
});

describe('vote params', () => {
  it('a comment goes only with a 👎, and is capped', () => {
    expect(voteReplyParams.safeParse({ messageId: 'm', vote: 'down', comment: 'wrong file' }).success).toBe(true);
    expect(voteReplyParams.safeParse({ messageId: 'm', vote: 'up', comment: 'great' }).success).toBe(false);
    expect(voteReplyParams.safeParse({ messageId: 'm', vote: 'down', comment: 'x'.repeat(1001) }).success).toBe(false);
    expect(voteReplyParams.safeParse({ messageId: 'm', vote: 'maybe' }).success).toBe(false);
  });
});

describe('weeks', () => {
  it('start on Monday, UTC', () => {
    expect(weekOf(new Date('2026-12-07T00:00:00Z'))).toBe('2026-12-07'); // a Monday
    expect(weekOf(new Date('2026-12-13T23:59:59Z'))).toBe('2026-12-07'); // the Sunday after
    expect(weekOf(new Date('2026-12-14T00:00:00Z'))).toBe('2026-12-14');
    expect(weekOf(new Date('2027-01-01T12:00:00Z'))).toBe('2026-12-28'); // across the year
  });
  it('a report of n weeks starts n-1 Mondays before this week; votes are kept 27 weeks', () => {
    const now = new Date('2026-12-09T10:00:00Z');
    expect(reportStart(now, 1).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(reportStart(now, 8).toISOString()).toBe('2026-10-19T00:00:00.000Z');
    expect(retentionCutoff(now).toISOString()).toBe('2026-06-08T00:00:00.000Z');
  });
});

describe('the admin report', () => {
  const record = (at: string, agentId: string, vote: 'up' | 'down', comment?: string): FeedbackRecord => ({
    runId: `r-${at}`,
    messageId: `m-${at}`,
    converseId: 'c1',
    groupId: 'g1',
    agentId,
    engine: 'scripted',
    userId: 'voter',
    vote,
    ...(comment ? { comment } : {}),
    at,
  });
  it('counts votes per agent per week, oldest week first, and lists the latest 👎 with comments but not the voter', () => {
    const newestFirst = [
      record('2026-12-08T10:00:00.000Z', 'reviewer', 'down', 'missed the bug'),
      record('2026-12-07T10:00:00.000Z', 'assistant', 'up'),
      record('2026-12-06T10:00:00.000Z', 'assistant', 'down'),
      record('2026-12-01T10:00:00.000Z', 'assistant', 'up'),
    ];
    const report = feedbackReportOf('g1', newestFirst);
    expect(report.weeks).toEqual([
      { week: '2026-11-30', agentId: 'assistant', up: 1, down: 1 },
      { week: '2026-12-07', agentId: 'assistant', up: 1, down: 0 },
      { week: '2026-12-07', agentId: 'reviewer', up: 0, down: 1 },
    ]);
    expect(report.latestDown.map((d) => [d.agentId, d.comment])).toEqual([
      ['reviewer', 'missed the bug'],
      ['assistant', undefined],
    ]);
    expect(JSON.stringify(report)).not.toContain('voter');
  });
  it('lists at most ten 👎', () => {
    const many = Array.from({ length: 15 }, (_, i) => record(`2026-12-07T10:${String(59 - i).padStart(2, '0')}:00.000Z`, 'assistant', 'down'));
    expect(feedbackReportOf('g1', many).latestDown).toHaveLength(10);
  });
});
