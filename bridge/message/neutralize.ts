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

/** Each `[` of the segment before `close`, and `close` itself, as full-width look-alikes. */
function replaceSegments(text: string, segments: readonly { segmentStart: number; close: number }[]): string {
  if (segments.length === 0) return text;
  let out = '';
  let emitted = 0;
  for (const { segmentStart, close } of segments) {
    // Every `[` since the previous `]`: once this `]` is gone, an earlier `[` of the segment
    // would see the next `]` further on and could become a tag of its own.
    out += text.slice(emitted, segmentStart) + text.slice(segmentStart, close).replaceAll('[', '［') + '］';
    emitted = close + 1;
  }
  return out + text.slice(emitted);
}

interface Candidate {
  segmentStart: number;
  close: number;
  /** Set for a bare opening tag (`[i]`), which is inert unless a closing `[/i…` remains. */
  bare?: string;
}

/**
 * Makes untrusted text inert as BBCode for Tailchat's clients: the brackets of each tag the client
 * would act on become look-alike full-width brackets (`［img］`), so it shows as text. Markdown
 * links, `[1]`, `a[i]` and unknown tags stay as written. Linear in the text's length.
 */
export function neutralizeBBCode(text: string): string {
  if (!text.includes('[')) return text;
  const shapes = new Map<string, TagShape | undefined>();
  const shapeAt = (open: number, close: number): TagShape | undefined => {
    ACTED_PREFIX.lastIndex = open + 1;
    if (!ACTED_PREFIX.test(text)) return undefined;
    const slice = text.slice(open, close + 1);
    if (!shapes.has(slice)) shapes.set(slice, lexTag(slice));
    const shape = shapes.get(slice);
    return shape && TAILCHAT_ACTED_TAGS.has(shape.name) ? shape : undefined;
  };

  const candidates: Candidate[] = [];
  const closed = new Set<string>();
  forEachTagCandidate(text, (open, close, segmentStart) => {
    const shape = shapeAt(open, close);
    if (!shape) return;
    if (shape.closing) closed.add(shape.name);
    candidates.push(shape.closing || shape.hasAttrs ? { segmentStart, close } : { segmentStart, close, bare: shape.name });
  });
  const always = candidates.filter((c) => c.bare === undefined);
  if (always.length === candidates.length) return replaceSegments(text, always);

  /**
   * `[i]` without attributes is a tag to the client only when `[/i…` occurs in the message (its
   * parser then collects what follows; else it leaves the tag empty, and Tailchat shows an empty
   * tag as its text). Looked for once the other tags are inert, so code such as `a[i]` stays
   * intact beside a neutralised `[/img]`; neutralising more afterwards only removes brackets.
   * A pair such as `[b]…[/b]` is neutralised whole, so it reads the same at both ends.
   */
  const lower = replaceSegments(text, always).toLowerCase();
  const closable = new Map<string, boolean>();
  const isClosable = (name: string) => {
    if (!closable.has(name)) closable.set(name, closed.has(name) || lower.includes(`[/${name}`));
    return closable.get(name)!;
  };
  return replaceSegments(text, candidates.filter((c) => c.bare === undefined || isClosable(c.bare)));
}
