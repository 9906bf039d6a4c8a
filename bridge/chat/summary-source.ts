/**
 * Which messages a `/summarize` command means, read on behalf of the member who asked, through
 * the grant bridge/permission/reads.ts gave them for this converse (Tailchat's paging itself
 * checks nothing): the last N, a reply thread, or what they had not read.
 * Returns the messages and the prompt's first line, or the short reply to give instead.
 */
import { SYSTEM_USER_ID, type AddedMessage } from '../message/incoming.js';
import { promptFromContent } from '../message/bbcode.js';
import type { ReadGrant } from '../permission/reads.js';
import type { HistoryMessage, TailchatHost } from '../tailchat/host.js';
import { pageReader } from './history-pages.js';
import { readThread } from './select-thread.js';
import { readPositionFor, readUnread } from './select-unread.js';
import { combineInstruction, MAX_SUMMARY_COUNT, readHistory, summaryInstruction, type SummaryRequest } from './summarize.js';
import { TEXT } from './texts.js';

export type SummarySource =
  /** `instruction` leads a one-chunk prompt, `combine` the reduce step of a long one. */
  | { ok: true; messages: HistoryMessage[]; instruction: string; combine: string }
  | { ok: false; reply: string };

const readable = (m: HistoryMessage) => !m.hasRecall && m.author !== SYSTEM_USER_ID;

/** An earlier summary command (its answer replies to it, so leaving it out leaves out both). */
function isSummaryCommand(m: HistoryMessage, botUserId: string): boolean {
  return /(^|\s)\/summar(ize|y)(\s|$)/i.test(promptFromContent(m.content, botUserId));
}

function prompts(request: SummaryRequest, note?: string) {
  return { instruction: summaryInstruction(request, note), combine: combineInstruction(request, note) };
}

export async function selectSummarySource(request: SummaryRequest, event: AddedMessage, grant: ReadGrant, host: TailchatHost, botUserId: string): Promise<SummarySource> {
  if (grant.converseId !== event.converseId) throw new Error('summary source: the read grant is for another converse');
  const read = pageReader(host, grant);
  switch (request.kind) {
    case 'last':
      return { ok: true, messages: await readHistory(host, grant, event.messageId, request.count), ...prompts(request) };
    case 'thread': {
      const startId = request.messageId ?? event.meta.reply?._id;
      if (!startId) return { ok: false, reply: TEXT.threadNeedsTarget };
      // Recalled messages still link their replies into the thread; only their text is left out.
      const thread = await readThread(read, startId, event.messageId, (m) => isSummaryCommand(m, botUserId));
      if (!thread) return { ok: false, reply: TEXT.threadNotFound };
      const note = thread.complete ? undefined : 'The thread began before the messages that were read; its start is missing.';
      return { ok: true, messages: thread.messages.filter(readable), ...prompts(request, note) };
    }
    case 'unread': {
      const position = await readPositionFor(event, host);
      if (!position.known) return { ok: false, reply: TEXT.readStateUnavailable };
      const unread = await readUnread(read, event.messageId, position.lastReadId, MAX_SUMMARY_COUNT, readable);
      if (unread.messages.length === 0) return { ok: false, reply: position.from === 'tailchat' ? TEXT.nothingUnreadTyped : TEXT.nothingUnread };
      const note = unread.truncated ? `Only the newest ${MAX_SUMMARY_COUNT} unread messages are included.` : undefined;
      return { ok: true, messages: unread.messages, ...prompts(request, note) };
    }
  }
}
