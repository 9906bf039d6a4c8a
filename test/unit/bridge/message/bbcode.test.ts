import { describe, expect, it } from 'vitest';
import { mentionsUser, neutralizeBBCode, promptFromContent } from '../../../../bridge/message/bbcode.js';

describe('bbcode', () => {
  it('removes the mention of the bot and keeps other mentions as @name', () => {
    expect(promptFromContent('[at=bot1]AI Assistant[/at] ask [at=u2]Bob[/at] about [b]this[/b]', 'bot1')).toBe('ask @Bob about this');
  });
  it('finds mentions in meta or in content', () => {
    expect(mentionsUser('hi', ['bot1'], 'bot1')).toBe(true);
    expect(mentionsUser('[at=bot1]AI[/at] hi', undefined, 'bot1')).toBe(true);
    expect(mentionsUser('[at=u2]Bob[/at] hi', ['u2'], 'bot1')).toBe(false);
  });
  it('makes agent output inert: no mention of everyone, no cards', () => {
    const out = neutralizeBBCode('hello [at=all]everyone[/at] and [card type=x]y[/card], arrays a[0] stay');
    expect(out).not.toMatch(/\[at=/);
    expect(out).not.toMatch(/\[card/);
    expect(out).toContain('a[0]');
    expect(neutralizeBBCode('[Answered by the coding expert] and [link](http://x) [b]bold[/b]')).toBe('[Answered by the coding expert] and [link](http://x) ［b］bold［/b］');
  });
});
