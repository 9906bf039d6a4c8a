/**
 * Tailchat's message history as pages: `chat.message.fetchConverseMessage` returns up to 50
 * messages older than a cursor, newest first, read as a given user (so only what they may see).
 * Message ids are ObjectIds: same-length hex whose order is the order of creation, which the
 * selections rely on to know when they have paged far enough.
 */
import type { ReadGrant } from '../permission/reads.js';
import type { HistoryMessage, TailchatHost } from '../tailchat/host.js';

export const PAGE_SIZE = 50;

/** One page older than `beforeId` (exclusive), newest first; an empty page = no more. */
export type PageReader = (beforeId: string | undefined) => Promise<HistoryMessage[]>;

/** Tailchat checks nothing on this read, so only a checked grant (bridge/permission/reads.ts) opens it. */
export function pageReader(host: Pick<TailchatHost, 'fetchConverseMessages'>, grant: ReadGrant): PageReader {
  return (beforeId) => host.fetchConverseMessages(grant.converseId, beforeId, grant.userId);
}

/** True when message id `a` was created before `b`. */
export function isOlder(a: string, b: string): boolean {
  return a.length === b.length ? a < b : a.length < b.length;
}

/** The id a message replies to (Tailchat's `meta.reply._id`), if any. */
export function replyTargetOf(message: HistoryMessage): string | undefined {
  const reply = message.meta?.reply;
  if (typeof reply !== 'object' || reply === null) return undefined;
  const id = (reply as { _id?: unknown })._id;
  return typeof id === 'string' && id ? id : undefined;
}
