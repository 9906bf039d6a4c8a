import { describe, expect, it } from 'vitest';
import { capIntake, mentionsUser, promptFromContent } from '../../../../bridge/message/bbcode.js';

describe('bbcode intake', () => {
  it('removes the mention of the bot and keeps other mentions as @name', () => {
    expect(promptFromContent('[at=bot1]AI Assistant[/at] ask [at=u2]Bob[/at] about [b]this[/b]', 'bot1')).toBe('ask @Bob about this');
  });
  it('finds mentions in meta or in content', () => {
    expect(mentionsUser('hi', ['bot1'], 'bot1')).toBe(true);
    expect(mentionsUser('[at=bot1]AI[/at] hi', undefined, 'bot1')).toBe(true);
    expect(mentionsUser('[at=u2]Bob[/at] hi', ['u2'], 'bot1')).toBe(false);
    expect(mentionsUser('[at=u2][at=bot1]AI[/at] hi', undefined, 'bot1')).toBe(true);
    expect(mentionsUser('[at=bot1]AI without its closing tag', undefined, 'bot1')).toBe(false);
  });
  it('leaves images and file cards as placeholders, any case, and keeps text that only looks like tags', () => {
    expect(promptFromContent('see [IMG width=1 height=1]https://t/static/a.png[/IMG] and [card type=file url=https://t/f]r.pdf[/card]', 'bot')).toBe('see [image] and [file: r.pdf]');
    expect(promptFromContent('what is [note] and [link](http://x) in a[0]?', 'bot')).toBe('what is [note] and [link](http://x) in a[0]?');
  });
  it('an unclosed tag costs nothing and hides nothing after it', () => {
    expect(promptFromContent('[img]never closed, [at=bot]AI[/at] still read', 'bot')).toBe('never closed, still read');
  });
  it('reads only the start of a long message', () => {
    expect(capIntake('abcdef', 4)).toBe('abcd');
    expect(capIntake('abc', 4)).toBe('abc');
  });
});
