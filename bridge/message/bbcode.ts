/**
 * Tailchat message content is BBCode; the agent needs plain text. This runs on every message
 * that reaches the chat side (inside Tailchat's own process when deployed there), so everything
 * here is linear in the content's length, and callers cap the length first (`capIntake`).
 * Agent output goes the other way: bridge/message/neutralize.ts.
 */
import { tagTokens, type TagToken } from './tags.js';

/** Tags removed from prompt text (their content stays). */
const STRIPPED = new Set(['b', 'i', 'u', 's', 'url', 'img', 'code', 'emoji', 'card', 'markdown', 'md']);
/** Tags replaced together with their content, so paired with their closing tag. */
const PAIRED = new Set(['at', 'img', 'card']);
const FILE_CARD = /(?:^|\s)type=(?:"file"|file)(?=[\s"]|$)/i;

/** The part of a message that is read at all; beyond `maxChars` nothing is parsed. */
export function capIntake(text: string, maxChars: number): string {
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/**
 * Pairs each opening tag with the first closing tag of its name after it, in one pass: a pointer
 * per name only moves forward, so the whole pairing is linear.
 */
function closingFinder(tokens: readonly TagToken[]): (name: string, after: number) => number {
  const closings = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    if (!t.closing || !PAIRED.has(t.name)) return;
    const list = closings.get(t.name);
    if (list) list.push(i);
    else closings.set(t.name, [i]);
  });
  const cursor = new Map<string, number>();
  return (name, after) => {
    const list = closings.get(name);
    if (!list) return -1;
    let p = cursor.get(name) ?? 0;
    while (p < list.length && list[p]! <= after) p++;
    cursor.set(name, p);
    return p < list.length ? list[p]! : -1;
  };
}

/** `text` without the tags of STRIPPED (their content stays). */
function stripTags(text: string): string {
  let out = '';
  let at = 0;
  for (const t of tagTokens(text)) {
    if (!STRIPPED.has(t.name)) continue;
    out += text.slice(at, t.start);
    at = t.end;
  }
  return out + text.slice(at);
}

/** Text for the engine: mentions of the bot removed, other mentions as `@name`, tags stripped. */
export function promptFromContent(content: string, botUserId: string): string {
  const tokens = tagTokens(content);
  const closingOf = closingFinder(tokens);
  let out = '';
  let at = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start < at) continue; // inside a pair already replaced
    const close = t.closing || !PAIRED.has(t.name) ? -1 : closingOf(t.name, i);
    const inner = close >= 0 ? content.slice(t.end, tokens[close]!.start) : '';
    let replacement: string | undefined;
    if (t.name === 'at' && t.attrs.startsWith('=') && close >= 0) {
      replacement = t.attrs.slice(1) === botUserId ? '' : `@${stripTags(inner)}`;
    } else if (t.name === 'img' && close >= 0) {
      // Images and file cards become placeholders, not links: the engine gets the files
      // themselves (bridge/attachments/), and summaries read "[image]" instead of a storage URL.
      replacement = ' [image] ';
    } else if (t.name === 'card' && close >= 0 && FILE_CARD.test(t.attrs)) {
      replacement = ` [file: ${stripTags(inner).trim()}] `;
    }
    if (replacement !== undefined) {
      out += content.slice(at, t.start) + replacement;
      at = tokens[close]!.end;
    } else if (STRIPPED.has(t.name)) {
      out += content.slice(at, t.start);
      at = t.end;
    }
  }
  return (out + content.slice(at)).replace(/[ \t]+/g, ' ').trim();
}

export function mentionsUser(content: string, mentions: string[] | undefined, userId: string): boolean {
  if (mentions?.includes(userId)) return true;
  // Tailchat writes `[at=<id>]<name>[/at]`; its client reads tag names in any case.
  const open = new RegExp(`\\[at=${userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]`, 'i').exec(content);
  return open !== null && /\[\/at\]/i.test(content.slice(open.index + open[0].length));
}

export function atTag(userId: string, nickname: string): string {
  return `[at=${userId}]${nickname.replace(/[[\]]/g, '')}[/at]`;
}
