/**
 * `/summarize [N]`, `/summarize thread [message id]`, `/summarize unread`: what to summarize
 * (selected in summary-source.ts), read through Tailchat's own paging and turned into a
 * transcript. A transcript larger than one prompt is cut into chunks that are summarized one by
 * one and then together (map → reduce), so no hard "last 30 messages" limit applies.
 */
import { SYSTEM_USER_ID } from '../message/incoming.js';
import { promptFromContent } from '../message/bbcode.js';
import type { ReadGrant } from '../permission/reads.js';
import type { HistoryMessage, TailchatHost } from '../tailchat/host.js';

export const DEFAULT_SUMMARY_COUNT = 100;
export const MAX_SUMMARY_COUNT = 2_000;

export const SUMMARY_INSTRUCTION = summaryInstruction({ kind: 'last', count: DEFAULT_SUMMARY_COUNT });
export const COMBINE_INSTRUCTION = 'These are summaries of consecutive parts of one chat transcript. Combine them into one concise summary: topics, decisions, open questions, who is doing what.';

export type SummaryRequest = { kind: 'last'; count: number } | { kind: 'thread'; messageId?: string } | { kind: 'unread' };

/** `/summarize` arguments: a count, `thread` (optionally with a message id) or `unread`. */
export function parseSummaryRequest(arg: string | undefined): SummaryRequest {
  const [word = '', second] = (arg ?? '').trim().split(/\s+/);
  switch (word.toLowerCase()) {
    case 'thread':
      return second && /^[0-9a-f]{24}$/i.test(second) ? { kind: 'thread', messageId: second.toLowerCase() } : { kind: 'thread' };
    case 'unread':
      return { kind: 'unread' };
    default:
      return { kind: 'last', count: parseCount(word) };
  }
}

const SCOPE: Record<SummaryRequest['kind'], string> = {
  last: 'the latest messages of a chat panel',
  thread: 'a reply thread (a message and the replies to it)',
  unread: 'the chat messages the reader has not read yet',
};

/** The first line of a summary prompt: what the transcript is. */
export function summaryInstruction(request: SummaryRequest, note?: string): string {
  const lead = request.kind === 'last' ? 'Summarize the following chat transcript for someone who missed it' : `Summarize the following transcript of ${SCOPE[request.kind]}`;
  return `${lead}: the topics, decisions, open questions and who is doing what. Be concise.${note ? ` (${note})` : ''}`;
}

/** The reduce step's first line over the partial summaries of a long transcript. */
export function combineInstruction(request: SummaryRequest, note?: string): string {
  return `${COMBINE_INSTRUCTION} The transcript is ${SCOPE[request.kind]}.${note ? ` (${note})` : ''}`;
}

export function parseCount(arg: string | undefined): number {
  const n = Number.parseInt(arg ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_SUMMARY_COUNT) : DEFAULT_SUMMARY_COUNT;
}

/** Up to `count` messages before `beforeId`, oldest first, skipping recalled and system ones. */
export async function readHistory(host: Pick<TailchatHost, 'fetchConverseMessages'>, grant: ReadGrant, beforeId: string, count: number): Promise<HistoryMessage[]> {
  const out: HistoryMessage[] = [];
  let cursor: string | undefined = beforeId;
  while (out.length < count) {
    const page = await host.fetchConverseMessages(grant.converseId, cursor, grant.userId);
    if (page.length === 0) break;
    for (const m of page) if (!m.hasRecall && m.author !== SYSTEM_USER_ID && out.length < count) out.push(m);
    cursor = page[page.length - 1]!._id;
    if (page.length < 50) break;
  }
  return out.reverse();
}

export async function transcriptLines(host: TailchatHost, messages: HistoryMessage[], botUserId: string): Promise<string[]> {
  const names = new Map<string, string>();
  const nameOf = async (id: string | undefined) => {
    if (!id) return 'someone';
    if (!names.has(id)) names.set(id, (await host.getUserInfo(id).catch(() => null))?.nickname ?? id);
    return names.get(id)!;
  };
  const lines: string[] = [];
  for (const m of messages) {
    const text = promptFromContent(m.content, botUserId).replace(/\s*\n\s*/g, ' ');
    if (text) lines.push(`${await nameOf(m.author)}: ${text}`);
  }
  return lines;
}

/** Consecutive lines grouped into chunks of at most `maxChars` (a longer line is cut). */
export function chunkLines(lines: string[], maxChars: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (let line of lines) {
    if (line.length > maxChars) line = `${line.slice(0, maxChars - 1)}…`;
    if (current && current.length + 1 + line.length > maxChars) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}
