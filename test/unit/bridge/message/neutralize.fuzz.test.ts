/**
 * Differential, seeded: random agent output (tags Tailchat acts on, tabs, newlines, case, nesting,
 * attributes, quotes, stray brackets, URLs) is neutralised and then read back exactly as Tailchat's
 * web client reads stored content (test/support/tailchat-bbcode.ts on @bbob/parser 2.8.1).
 */
import fc from 'fast-check';
import { createLexer } from '@bbob/parser/lib/lexer.js';
import { describe, expect, it } from 'vitest';
import { forEachTagCandidate, lexTag, neutralizeBBCode } from '../../../../bridge/message/neutralize.js';
import { CLIENT_OPTIONS, clientParse, clientRender, clientUrlRegex, TAILCHAT_REGISTERED_TAGS, tagNodes } from '../../../support/tailchat-bbcode.js';

const SEED = 20_261_207;
const RUNS = 4000;
const ACTED: ReadonlySet<string> = new Set(TAILCHAT_REGISTERED_TAGS);

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('[', ']', '[/', '=', '"', ' ', '\t', '\n', '\\', '!', "'", '［', '］') },
  { weight: 6, arbitrary: fc.constantFrom(...TAILCHAT_REGISTERED_TAGS, 'IMG', 'Card', 'AT', 'Url', 'MD', 'I', 'B', 'İ', 'K', 'note', 'foo', 'image', 'bold', 'index') },
  { weight: 3, arbitrary: fc.constantFrom('url=', 'type=file', 'type="file"', 'height=1', 'all', 'https://x.example/p.png?d=SECRET', 'http://a.com/[img', 'www.example.org', 'x', '0', '(', ')', '*', '`') },
  { weight: 2, arbitrary: fc.string({ maxLength: 3 }) },
);
const agentText = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
/** Well-formed hostile tags too, so the interesting shapes are not left to chance. */
const hostileTag = fc
  .tuple(
    fc.constantFrom('img', 'IMG', 'card', 'at', 'url', 'md', 'emoji', 'b', 'i', 'code'),
    fc.constantFrom('', '=all', '=https://x.example/p.png', ' type=file url=https://x.example/f', '\turl=https://x.example/p.png?d=SECRET', '\ttype=file url=x', ' a="b c"', '\n'),
    fc.constantFrom('', 'payload', 'https://x.example/p.png?d=SECRET', '[b]x[/b]'),
    fc.constantFrom('', '[/img]', '[/card]', '[/at]', '[/url]', '[/I]', '[/x]'),
  )
  .map(([name, attrs, content, close]) => `[${name}${attrs}]${content}${close}`);
const text = fc.oneof(agentText, fc.array(fc.oneof(agentText, hostileTag), { maxLength: 6 }).map((p) => p.join('')));

const options = Object.entries(CLIENT_OPTIONS);

describe('neutralizeBBCode against Tailchat\'s own parser (seeded fuzz)', () => {
  it('leaves no tag the client acts on: not in the parsed content, not after the client links URLs', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const out = neutralizeBBCode(raw);
        for (const [which, opts] of options) {
          const parsed = clientParse(out, opts);
          for (const node of parsed) {
            if (typeof node !== 'string') expect(ACTED.has(node.tag), `${which}: top-level [${node.tag}] in ${JSON.stringify(out)}`).toBe(false);
          }
          // At any depth an acted name is only ever an empty, attribute-less tag (shown as its text).
          for (const node of tagNodes(parsed)) {
            if (ACTED.has(node.tag.toLowerCase())) expect({ attrs: node.attrs, content: node.content }, `${which}: ${JSON.stringify(out)}`).toEqual({ attrs: {}, content: [] });
          }
          // What the client renders: of the tags it acts on, only the links it makes of bare URLs,
          // labelled with the URL itself (other names render as their text).
          for (const node of clientRender(out, opts)) {
            if (typeof node === 'string' || !ACTED.has(node.tag)) continue;
            expect(node.tag, `${which}: rendered [${node.tag}] in ${JSON.stringify(out)}`).toBe('url');
            expect(node.attrs).toEqual({});
            expect(node.content.every((c) => typeof c === 'string')).toBe(true);
            expect(node.content.join('')).toMatch(new RegExp(`^(?:${clientUrlRegex().source})$`, 'i'));
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('changes nothing but brackets, into their full-width look-alikes', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const out = neutralizeBBCode(raw);
        expect(out.length).toBe(raw.length);
        for (let i = 0; i < raw.length; i++) {
          if (out[i] !== raw[i]) expect([raw[i], out[i]]).toSatisfy(([a, b]) => (a === '[' && b === '［') || (a === ']' && b === '］'));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('reads a tag only where bbob does, as bbob does (the slices it lexes alone equal the whole-message lexer)', () => {
    fc.assert(
      fc.property(text, (raw) => {
        // Each `[` is either a one-character word or the start of exactly one tag token.
        const tokens = createLexer(raw).tokenize().filter((t) => t.isTag() || (t.type === 1 && t.value === '['));
        const opens = [...raw.matchAll(/\[/g)].map((m) => m.index);
        expect(tokens.length).toBe(opens.length);
        const whole = new Map<number, string>();
        tokens.forEach((t, k) => t.isTag() && whole.set(opens[k]!, t.getValue().toLowerCase()));
        const sliced = new Map<number, string>();
        forEachTagCandidate(raw, (open, close) => {
          const shape = lexTag(raw.slice(open, close + 1));
          if (shape) sliced.set(open, (shape.closing ? '/' : '') + shape.name);
        });
        expect(sliced).toEqual(whole);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
