/**
 * BBCode tags as Tailchat's clients write them into message content: `[name]`, `[name=value]`,
 * `[name key=value …]`, `[/name]`. For reading what people send (prompts, mentions, attachments);
 * what the agent sends is made inert with Tailchat's own tokenizer (neutralize.ts).
 */

export interface TagToken {
  /** Index of the `[`. */
  start: number;
  /** Index just after the `]`. */
  end: number;
  /** Lower case, without the `/`. */
  name: string;
  closing: boolean;
  /** What follows the name: `=value` or ` key=value …` (empty for none). */
  attrs: string;
}

/**
 * Only the names Tailchat's client writes (other bracketed text is text here). Neither the name
 * nor the attributes may hold a bracket, so a failed match at one `[` never reads past the next
 * bracket: every character is examined from at most one `[`, and the scan is linear however the
 * brackets are arranged (the lazy `[\s\S]*?` patterns this replaced were not).
 */
const TAG = /\[(\/?)(at|b|i|u|s|url|img|code|emoji|card|markdown|md)(?![\w-])([=\s][^[\]]*)?\]/gi;

/** Every tag in `text`, in order. */
export function tagTokens(text: string): TagToken[] {
  const tokens: TagToken[] = [];
  if (!text.includes('[')) return tokens;
  const re = new RegExp(TAG);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    tokens.push({ start: m.index, end: re.lastIndex, name: m[2]!.toLowerCase(), closing: m[1] === '/', attrs: m[3] ?? '' });
  }
  return tokens;
}
