/**
 * 👍 / 👎 on agent replies: the actions the web client calls and what they answer. One vote per
 * user per reply (per run: a reply split over several messages is one reply), changeable, with an
 * optional comment on 👎. Who may call what: bridge/policy/table.ts; the work: bridge/feedback/.
 */
import { z } from 'zod';
import { agentSlug } from './actions.js';

const id = z.string().min(1).max(128);

export const vote = z.enum(['up', 'down']);
export type Vote = z.infer<typeof vote>;

/** Longest comment kept with a 👎 (longer is refused, not cut: the voter sees why). */
export const MAX_FEEDBACK_COMMENT = 1_000;

/** `none` takes the caller's vote back. A comment only goes with `down`. */
export const voteReplyParams = z
  .object({
    messageId: id,
    vote: z.enum(['up', 'down', 'none']),
    comment: z.string().trim().max(MAX_FEEDBACK_COMMENT, `must be at most ${MAX_FEEDBACK_COMMENT} characters`).optional(),
  })
  .refine((p) => p.comment === undefined || p.comment === '' || p.vote === 'down', { message: 'a comment goes only with a 👎', path: ['comment'] });
export type VoteReplyParams = z.infer<typeof voteReplyParams>;

export const voteReplyResult = z.object({ vote: vote.nullable() });

/** The caller's own votes on some replies of one panel or DM (the messages a client shows). */
export const getMyVotesParams = z.object({ messageIds: z.array(id).min(1).max(100) });
export const myVotesView = z.object({
  /** messageId → the caller's vote, for the messages they voted on. */
  votes: z.record(z.string(), vote),
  /** false: this deployment has no plugin database (AI_MONGO_URL), so no votes are kept. */
  kept: z.boolean(),
});
export type MyVotesView = z.infer<typeof myVotesView>;

/** Weeks of feedback the admin view shows (kept: FEEDBACK_RETENTION_WEEKS). */
export const MAX_FEEDBACK_WEEKS = 26;
export const getFeedbackParams = z.object({ groupId: id, weeks: z.number().int().min(1).max(MAX_FEEDBACK_WEEKS).optional() });

/** Votes of one agent in one UTC week (weeks start on Monday). */
export const feedbackWeek = z.object({
  /** The Monday the week starts on, `YYYY-MM-DD`. */
  week: z.string(),
  agentId: agentSlug,
  up: z.number().int().min(0),
  down: z.number().int().min(0),
});
export type FeedbackWeek = z.infer<typeof feedbackWeek>;

/** A 👎 as admins read it: which reply, which agent, the comment; not who voted. */
export const downVote = z.object({
  at: z.string(),
  agentId: agentSlug,
  engine: z.string(),
  runId: z.string(),
  messageId: z.string(),
  converseId: z.string(),
  comment: z.string().optional(),
});
export type DownVote = z.infer<typeof downVote>;

export const feedbackReport = z.object({
  groupId: z.string(),
  /** Oldest first; only weeks with votes. */
  weeks: z.array(feedbackWeek),
  /** Newest first, at most LATEST_DOWN_VOTES. */
  latestDown: z.array(downVote),
  kept: z.boolean(),
});
export type FeedbackReport = z.infer<typeof feedbackReport>;
export const LATEST_DOWN_VOTES = 10;

export const FEEDBACK_ACTIONS = {
  voteReply: 'voteReply',
  getMyVotes: 'getMyVotes',
  getFeedback: 'getFeedback',
} as const;
