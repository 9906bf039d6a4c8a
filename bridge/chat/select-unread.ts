/**
 * `/summarize unread`: the messages of the panel after the user's read position and before the
 * command. Where the read position comes from matters (see `readPositionFor`): Tailchat's web
 * client marks a panel read as soon as its messages are on screen, so by the time a typed command
 * arrives Tailchat's own read position is usually already at the end.
 */
import { commandMetaOf } from '../../protocol/command-meta.js';
import type { AddedMessage } from '../message/incoming.js';
import type { HistoryMessage, TailchatHost } from '../tailchat/host.js';
import { isOlder, PAGE_SIZE, type PageReader } from './history-pages.js';

export type ReadPosition =
  /** `lastReadId` null = the user never read this panel. */
  | { known: true; lastReadId: string | null; from: 'client' | 'tailchat' }
  | { known: false };

/**
 * The read position the command means. The plugin's "Summarize unread" action sends the one the
 * browser saw when the panel was opened, before the web client moved it (`readUpTo` in the
 * command meta); a typed command falls back to what Tailchat stores now (`chat.ack`).
 */
export async function readPositionFor(event: AddedMessage, host: Pick<TailchatHost, 'getReadPosition'>): Promise<ReadPosition> {
  const fromClient = commandMetaOf(event.meta)?.readUpTo;
  if (fromClient !== undefined) return { known: true, lastReadId: fromClient, from: 'client' };
  try {
    return { known: true, lastReadId: await host.getReadPosition(event.converseId, event.author), from: 'tailchat' };
  } catch {
    return { known: false }; // e.g. bot mode: it cannot read another user's read state
  }
}

export interface UnreadSelection {
  /** Oldest first. */
  messages: HistoryMessage[];
  /** True when more unread messages exist than `max`: only the newest `max` are here. */
  truncated: boolean;
}

/**
 * Messages newer than `lastReadId` (all, when null) and older than `beforeId`, newest `max` at
 * most, oldest first. `keep` drops what a transcript should not show (recalled, system).
 */
export async function readUnread(read: PageReader, beforeId: string, lastReadId: string | null, max: number, keep: (m: HistoryMessage) => boolean = () => true): Promise<UnreadSelection> {
  const out: HistoryMessage[] = [];
  let cursor: string | undefined = beforeId;
  for (;;) {
    const page = await read(cursor);
    for (const m of page) {
      if (lastReadId !== null && !isOlder(lastReadId, m._id)) return { messages: out.reverse(), truncated: false };
      if (!keep(m)) continue;
      if (out.length === max) return { messages: out.reverse(), truncated: true };
      out.push(m);
    }
    if (page.length < PAGE_SIZE) return { messages: out.reverse(), truncated: false };
    cursor = page[page.length - 1]!._id;
  }
}
