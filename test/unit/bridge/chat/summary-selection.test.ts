/**
 * What `/summarize thread` and `/summarize unread` select, over a paged history that behaves like
 * Tailchat's fetchConverseMessage (50 per page, newest first, strictly older than the cursor).
 */
import { describe, expect, it } from 'vitest';
import { AI_COMMAND_META_KEY } from '../../../../protocol/command-meta.js';
import type { AddedMessage } from '../../../../bridge/message/incoming.js';
import type { PageReader } from '../../../../bridge/chat/history-pages.js';
import { readThread, threadOf } from '../../../../bridge/chat/select-thread.js';
import { readPositionFor, readUnread } from '../../../../bridge/chat/select-unread.js';
import { parseSummaryRequest, summaryInstruction, combineInstruction } from '../../../../bridge/chat/summarize.js';
import type { HistoryMessage } from '../../../../bridge/tailchat/host.js';

/** Time-ordered ids like ObjectIds: `id(2) > id(1)`, also as strings. */
const id = (n: number) => n.toString(16).padStart(24, '0');
const msg = (n: number, replyTo?: number, extra: Partial<HistoryMessage> = {}): HistoryMessage => ({
  _id: id(n),
  author: 'U1',
  content: `message ${n}`,
  ...(replyTo !== undefined ? { meta: { reply: { _id: id(replyTo), author: 'U1', content: '' } } } : {}),
  ...extra,
});

/** A converse's history with Tailchat's paging; counts the pages read. */
function history(messages: HistoryMessage[]) {
  const sorted = [...messages].sort((a, b) => (a._id < b._id ? 1 : -1));
  const reads: Array<string | undefined> = [];
  const read: PageReader = async (beforeId) => {
    reads.push(beforeId);
    return sorted.filter((m) => beforeId === undefined || m._id < beforeId).slice(0, 50);
  };
  return { read, reads };
}
const numbers = (ms: HistoryMessage[]) => ms.map((m) => Number.parseInt(m._id, 16));

describe('/summarize arguments', () => {
  it('reads a count, thread (with an optional message id) or unread', () => {
    expect(parseSummaryRequest(undefined)).toEqual({ kind: 'last', count: 100 });
    expect(parseSummaryRequest('30')).toEqual({ kind: 'last', count: 30 });
    expect(parseSummaryRequest('thread')).toEqual({ kind: 'thread' });
    expect(parseSummaryRequest('Thread 6B0478E618EB13A7AF80C2BE')).toEqual({ kind: 'thread', messageId: '6b0478e618eb13a7af80c2be' });
    expect(parseSummaryRequest('thread not-an-id')).toEqual({ kind: 'thread' });
    expect(parseSummaryRequest('unread')).toEqual({ kind: 'unread' });
  });
  it('tells the engine what the transcript is, in both the one-prompt and the combining form', () => {
    expect(summaryInstruction({ kind: 'thread' })).toContain('a reply thread');
    expect(summaryInstruction({ kind: 'unread' }, 'note here')).toMatch(/not read yet.*\(note here\)$/);
    expect(combineInstruction({ kind: 'unread' })).toMatch(/^These are summaries .* not read yet\.$/);
  });
});

describe('thread selection', () => {
  it('is the root and every reply to it or to its replies, oldest first; other messages stay out', () => {
    const messages = [msg(1), msg(2), msg(3, 2), msg(4), msg(5, 3), msg(6, 4), msg(7, 2), msg(8, 5)];
    // Asked from a reply deep in the thread: climbs to the root (2) first.
    expect(numbers(threadOf(messages, id(5)).messages)).toEqual([2, 3, 5, 7, 8]);
    expect(threadOf(messages, id(5)).rootId).toBe(id(2));
    // A message that replies to nothing and got no replies is a thread of one.
    expect(numbers(threadOf(messages, id(1)).messages)).toEqual([1]);
  });
  it('leaves out earlier summary commands together with the answers to them', () => {
    const messages = [msg(1), msg(2, 1, { content: '/summarize thread' }), msg(3, 2, { author: 'BOT' }), msg(4, 1)];
    const isCommand = (m: HistoryMessage) => m.content.startsWith('/summarize');
    expect(numbers(threadOf(messages, id(4), isCommand).messages)).toEqual([1, 4]);
  });
  it('pages back from the command until the root is found, and no further', async () => {
    // Root 10, 300 messages of chatter with replies spread over them, command at 400.
    const messages = Array.from({ length: 399 }, (_, i) => msg(i + 1));
    for (const n of [120, 250, 390]) messages[n - 1] = msg(n, n === 120 ? 10 : n === 250 ? 120 : 250);
    const { read, reads } = history(messages);
    const thread = await readThread(read, id(390), id(400));
    expect(numbers(thread!.messages)).toEqual([10, 120, 250, 390]);
    expect(thread!.complete).toBe(true);
    expect(reads.length).toBe(8); // 399 → 10 is 390 messages back: 8 pages of 50
  });
  it('says so when the page cap ends the search before the root', async () => {
    const messages = Array.from({ length: 399 }, (_, i) => msg(i + 1));
    messages[389] = msg(390, 5);
    const thread = await readThread(history(messages).read, id(390), id(400), undefined, 2);
    expect(thread!.complete).toBe(false);
    expect(numbers(thread!.messages)).toEqual([390]);
  });
  it('treats a message whose parent is gone (deleted) as the root', async () => {
    const messages = [msg(1), msg(3, 2), msg(4, 3)]; // 2 was deleted
    const thread = await readThread(history(messages).read, id(4), id(10));
    expect(numbers(thread!.messages)).toEqual([3, 4]);
    expect(thread!.complete).toBe(true);
  });
  it('is undefined when the message is not in the panel', async () => {
    expect(await readThread(history([msg(1), msg(2)]).read, id(99), id(100))).toBeUndefined();
  });
});

describe('unread selection', () => {
  const messages = Array.from({ length: 130 }, (_, i) => msg(i + 1));
  it('is what came after the read position and before the command, oldest first', async () => {
    const { read, reads } = history(messages);
    const unread = await readUnread(read, id(121), id(60), 2000);
    expect(numbers(unread.messages)).toEqual(Array.from({ length: 60 }, (_, i) => 61 + i));
    expect(unread.truncated).toBe(false);
    expect(reads.length).toBe(2); // stops at the page that reaches the read position
  });
  it('is everything when the panel was never read, the newest `max` when there are more', async () => {
    expect((await readUnread(history(messages).read, id(121), null, 2000)).messages).toHaveLength(120);
    const capped = await readUnread(history(messages).read, id(121), null, 100);
    expect(numbers(capped.messages)[0]).toBe(21);
    expect(capped.truncated).toBe(true);
  });
  it('is empty when everything was read; skips what `keep` rejects', async () => {
    expect((await readUnread(history(messages).read, id(121), id(120), 2000)).messages).toEqual([]);
    const odd = await readUnread(history(messages).read, id(11), id(0), 2000, (m) => Number.parseInt(m._id, 16) % 2 === 1);
    expect(numbers(odd.messages)).toEqual([1, 3, 5, 7, 9]);
  });
});

describe('read position', () => {
  const event = (meta: AddedMessage['meta'] = {}): AddedMessage => ({ type: 'add', groupId: 'G1', converseId: 'P1', messageId: id(500), author: 'U1', content: '/summarize unread', meta });
  const tailchat = (position: string | null | Error) => ({
    getReadPosition: async () => {
      if (position instanceof Error) throw position;
      return position;
    },
  });
  it('prefers what the browser saw when the panel was opened (the plugin action), even "never read"', async () => {
    expect(await readPositionFor(event({ [AI_COMMAND_META_KEY]: { v: 1, readUpTo: id(40) } }), tailchat(id(499)))).toEqual({ known: true, lastReadId: id(40), from: 'client' });
    expect(await readPositionFor(event({ [AI_COMMAND_META_KEY]: { v: 1, readUpTo: null } }), tailchat(id(499)))).toEqual({ known: true, lastReadId: null, from: 'client' });
  });
  it("falls back to Tailchat's stored read state, and ignores a malformed meta", async () => {
    expect(await readPositionFor(event(), tailchat(id(499)))).toEqual({ known: true, lastReadId: id(499), from: 'tailchat' });
    expect(await readPositionFor(event({ [AI_COMMAND_META_KEY]: { v: 1, readUpTo: 'x; drop' } }), tailchat(null))).toEqual({ known: true, lastReadId: null, from: 'tailchat' });
    expect(await readPositionFor(event(), tailchat(new Error('bot mode')))).toEqual({ known: false });
  });
});
