/**
 * 👍 / 👎 on agent replies: which message may be voted on, and what a vote records. The caller's
 * right to vote (they read the reply where it was posted) is the policy table's (voteReply); this
 * module decides what the vote is about, from the stored message alone: its author must be an
 * agent's bot user (any member can post a message carrying our meta) and its run must have
 * finished. Agent, engine and run come from that message, never from the caller.
 */
import { z } from 'zod';
import { AI_META_KEY } from '../../protocol/blocks.js';
import type { Vote } from '../../protocol/feedback.js';

/** One user's vote on one reply (a reply split over several messages is one reply: its run). */
export interface FeedbackRecord {
  runId: string;
  /** The message voted on (the client asks for votes by message id). */
  messageId: string;
  converseId: string;
  /** Absent in a DM. */
  groupId?: string;
  agentId: string;
  engine: string;
  userId: string;
  vote: Vote;
  comment?: string;
  /** ISO time of the last change. */
  at: string;
}

export interface FeedbackStore {
  /** Sets the user's vote on the run (replaces an earlier one). */
  put(record: FeedbackRecord): Promise<void>;
  /** Takes the user's vote on the run back; false when there was none. */
  remove(runId: string, userId: string): Promise<boolean>;
  /** The user's votes among these messages: messageId → vote. */
  mine(userId: string, messageIds: readonly string[]): Promise<Record<string, Vote>>;
  /** The group's votes since an ISO time, newest first, at most `max`. */
  since(groupId: string, sinceIso: string, max: number): Promise<FeedbackRecord[]>;
}

/** What the server reads of a stored message (chat.message.getMessage as the caller). */
export interface StoredReply {
  _id?: unknown;
  author?: unknown;
  converseId?: unknown;
  groupId?: unknown;
  meta?: Record<string, unknown> | null;
}

const finishedMeta = z.looseObject({ runId: z.string().min(1), engine: z.string().min(1), status: z.string() });

export type NotVotable = 'not-an-agent-reply' | 'not-finished';

export type VotableReply = { votable: true; runId: string; engine: string; agentUserId: string; converseId: string; groupId?: string } | { votable: false; why: NotVotable };

/** Only a finished (`done`) reply written by an agent's bot user can be graded. */
export function votableReply(message: StoredReply, agentUserIds: readonly string[]): VotableReply {
  const author = message.author === undefined || message.author === null ? '' : String(message.author);
  if (!agentUserIds.includes(author)) return { votable: false, why: 'not-an-agent-reply' };
  const meta = finishedMeta.safeParse(message.meta?.[AI_META_KEY]);
  if (!meta.success) return { votable: false, why: 'not-an-agent-reply' };
  if (meta.data.status !== 'done') return { votable: false, why: 'not-finished' };
  return {
    votable: true,
    runId: meta.data.runId,
    engine: meta.data.engine,
    agentUserId: author,
    converseId: String(message.converseId),
    ...(message.groupId ? { groupId: String(message.groupId) } : {}),
  };
}

export const NOT_VOTABLE_TEXT: Record<NotVotable, string> = {
  'not-an-agent-reply': 'Only replies of the AI agents can be rated.',
  'not-finished': 'This reply has not finished yet: rate it when it is done.',
};
