/**
 * Agent output is untrusted (prompt injection steers it). Before it is stored as a Tailchat
 * message, every BBCode tag Tailchat's web client would act on (an image that loads by itself, a
 * file card, a mention, a link with a fake label, markdown that may load images, …) is made
 * inert; everything else stays exactly as the model wrote it.
 *
 * What counts as a tag is decided by the tokenizer Tailchat's client uses, @bbob/parser 2.8.1's
 * lexer (the version its web build bundles), not by a pattern of our own: a tab after the tag
 * name, upper case, attributes without quotes all read the way the client reads them.
 * test/unit/bridge/message/neutralize.fuzz.test.ts parses the result exactly as the client does.
 */
import { createLexer } from '@bbob/parser/lib/lexer.js';

/**
 * The tags Tailchat 1.11.11's `com.msgbyte.bbcode` plugin registers (`src/tags/__all__.ts`).
 * Its parser is created before they are registered, so its `onlyAllowTags` is empty and every
 * `[name]` is a tag to it; unregistered names render as their text, these do something.
 * Names are compared in lower case, as the parser lowercases them (`TagNode.toTagNode`).
 */
export const TAILCHAT_ACTED_TAGS: ReadonlySet<string> = new Set(['_text', 'b', 'i', 'u', 's', 'url', 'img', 'code', 'at', 'emoji', 'markdown', 'md', 'card']);

/** A cheap necessary condition, so only brackets that may open one of those tags are lexed. */
const ACTED_PREFIX = /\/?(?:_text|b|i|u|s|url|img|code|at|emoji|markdown|md|card)/iy;

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]

export interface TagShape {
  /** Lower case, without the `/` of a closing tag. */
  name: string;
  closing: boolean;
  hasAttrs: boolean;
}

/**
 * The tag bbob reads at `text[open..close]`, if any. Only the last `[` before a `]` can start a
 * tag (bbob rejects a `[` whose text up to the next `]` holds another `[`), and what it reads
 * there depends on nothing outside those brackets, so lexing that slice alone is what the client
 * does with the whole message; the fuzz test checks this against the whole-message lexer.
 */
export function lexTag(slice: string): TagShape | undefined {
  const [first, ...rest] = createLexer(slice).tokenize();
  if (!first?.isTag()) return undefined;
  const value = first.getValue();
  const closing = value.startsWith('/');
  return { name: (closing ? value.slice(1) : value).toLowerCase(), closing, hasAttrs: rest.some((t) => t.isAttrName() || t.isAttrValue()) };
}

/**
 * Calls `visit` with each `]` and the last `[` before it (since the previous `]`): the only
 * places bbob can read a tag. `segmentStart` is just after the previous `]`.
 */
export function forEachTagCandidate(text: string, visit: (open: number, close: number, segmentStart: number) => void): void {
  let segmentStart = 0;
  let lastOpen = -1;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === OPEN) lastOpen = j;
    else if (c === CLOSE) {
      if (lastOpen >= 0) visit(lastOpen, j, segmentStart);
      segmentStart = j + 1;
      lastOpen = -1;
    }
  }
}

/**
 * Makes untrusted text inert as BBCode for Tailchat's clients: the brackets of each tag the client
 * would act on become look-alike full-width brackets (`［img］`), so it shows as text. Markdown
 * links, `[1]`, `a[i]` and unknown tags stay as written. Linear in the text's length.
 */
export function neutralizeBBCode(text: string): string {
  if (!text.includes('[')) return text;
  const lower = text.toLowerCase();
  const closable = new Map<string, boolean>();
  const shapes = new Map<string, TagShape | undefined>();

  /**
   * `[i]` with no attributes and no `[/i…` anywhere is never a tag to the client: its parser
   * leaves such a tag empty and Tailchat shows an empty tag as its text. Keeping it keeps code
   * like `a[i]` intact. Anything else with an acted name is neutralised.
   */
  const acted = (open: number, close: number): boolean => {
    ACTED_PREFIX.lastIndex = open + 1;
    if (!ACTED_PREFIX.test(text)) return false;
    const slice = text.slice(open, close + 1);
    let shape = shapes.get(slice);
    if (!shapes.has(slice)) shapes.set(slice, (shape = lexTag(slice)));
    if (!shape || !TAILCHAT_ACTED_TAGS.has(shape.name)) return false;
    if (shape.closing || shape.hasAttrs) return true;
    let hasClosing = closable.get(shape.name);
    if (hasClosing === undefined) closable.set(shape.name, (hasClosing = lower.includes(`[/${shape.name}`)));
    return hasClosing;
  };

  let out = '';
  let emitted = 0;
  forEachTagCandidate(text, (open, close, segmentStart) => {
    if (!acted(open, close)) return;
    // Every `[` since the previous `]`: once this `]` is gone, an earlier `[` of the segment
    // would see the next `]` further on and could become a tag of its own.
    out += text.slice(emitted, segmentStart) + text.slice(segmentStart, close).replaceAll('[', '［') + '］';
    emitted = close + 1;
  });
  return emitted === 0 ? text : out + text.slice(emitted);
}
