/**
 * `/summarize thread`: a reply thread is a root message and every message that replies to it or
 * to a reply in it (Tailchat's replies point at one message, `meta.reply._id`; the web client
 * shows them as quotes, there is no separate thread store). Replies are always newer than what
 * they answer, so paging back from the command until the root is found sees the whole thread.
 */
import type { HistoryMessage } from '../tailchat/host.js';
import { isOlder, PAGE_SIZE, replyTargetOf, type PageReader } from './history-pages.js';

/** Pages read at most looking for a thread's root: 40 × 50 = the last 2,000 messages. */
export const THREAD_PAGE_CAP = 40;

export interface ThreadSelection {
  /** The thread, oldest first (the root first when it was found). */
  messages: HistoryMessage[];
  rootId: string;
  /** False when the page cap ended the search before the root (the thread's start is missing). */
  complete: boolean;
}

/**
 * Pure: the thread of `startId` among `messages` (any order). The root is found by following
 * reply links up as far as they lead within `messages`; then every message reachable from it by
 * replies. `leaveOut` messages are not part of it, nor is anything that replies to them (the
 * earlier summary commands and the agent's answers to them).
 */
export function threadOf(messages: HistoryMessage[], startId: string, leaveOut: (m: HistoryMessage) => boolean = () => false): { rootId: string; messages: HistoryMessage[] } {
  const byId = new Map(messages.map((m) => [m._id, m]));
  let rootId = startId;
  const climbed = new Set([rootId]);
  for (;;) {
    const current = byId.get(rootId);
    const parent = current && replyTargetOf(current);
    if (!parent || !byId.has(parent) || climbed.has(parent)) break;
    climbed.add(parent);
    rootId = parent;
  }
  const inThread = new Set([rootId]);
  const out: HistoryMessage[] = [];
  const root = byId.get(rootId);
  if (root && !leaveOut(root)) out.push(root);
  for (const m of [...messages].sort((a, b) => (isOlder(a._id, b._id) ? -1 : 1))) {
    const parent = replyTargetOf(m);
    if (m._id === rootId || !parent || !inThread.has(parent) || leaveOut(m)) continue;
    inThread.add(m._id);
    out.push(m);
  }
  return { rootId, messages: out };
}

/**
 * Pages back from `beforeId` (the command) until the thread's root of `startId` is in hand: the
 * first message up the reply links that replies to nothing, or whose parent is gone (deleted, or
 * older than everything Tailchat still lists). Undefined when `startId` itself is not found.
 */
export async function readThread(read: PageReader, startId: string, beforeId: string, leaveOut?: (m: HistoryMessage) => boolean, pageCap = THREAD_PAGE_CAP): Promise<ThreadSelection | undefined> {
  const byId = new Map<string, HistoryMessage>();
  let cursor: string | undefined = beforeId;
  let oldest: string | undefined;
  let exhausted = false;
  for (let pages = 0; pages < pageCap && !exhausted; pages++) {
    const page = await read(cursor);
    for (const m of page) byId.set(m._id, m);
    if (page.length > 0) oldest = cursor = page[page.length - 1]!._id;
    exhausted = page.length < PAGE_SIZE;
    if (rootFound(byId, startId, oldest)) break;
  }
  if (!byId.has(startId)) return undefined;
  const thread = threadOf([...byId.values()], startId, leaveOut);
  return { ...thread, complete: exhausted || rootFound(byId, startId, oldest) };
}

/** Whether climbing the reply links from `startId` ends at a message that is in hand. */
function rootFound(byId: Map<string, HistoryMessage>, startId: string, oldest: string | undefined): boolean {
  let id = startId;
  for (let hops = 0; hops <= byId.size; hops++) {
    const m = byId.get(id);
    if (!m) return false;
    const parent = replyTargetOf(m);
    // No parent, or a parent we already paged past without seeing it (deleted): this is the top.
    if (!parent || (oldest !== undefined && !byId.has(parent) && !isOlder(parent, oldest))) return true;
    id = parent;
  }
  return true; // a reply cycle cannot happen in Tailchat; stop rather than loop
}
