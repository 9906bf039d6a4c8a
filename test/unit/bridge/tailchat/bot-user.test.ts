import { describe, expect, it } from 'vitest';
import { createBotUserDetector } from '../../../../bridge/tailchat/bot-user.js';

describe('"is this author a bot" cache', () => {
  it('asks Tailchat once per user, and holds at most maxEntries users', async () => {
    const asked: string[] = [];
    const isBot = createBotUserDetector({ getUserInfo: async (userId: string) => (asked.push(userId), { _id: userId, type: userId.startsWith('b') ? 'pluginBot' : 'normalUser' }) } as never, 2);
    expect(await isBot('b1')).toBe(true);
    expect(await isBot('u1')).toBe(false);
    expect(await isBot('b1')).toBe(true);
    expect(asked).toEqual(['b1', 'u1']);
    // A month of new authors: the cache never holds more than its bound (it starts over).
    for (let i = 0; i < 10; i++) await isBot(`u${i + 10}`);
    asked.length = 0;
    expect(await isBot('b1')).toBe(true);
    expect(asked).toEqual(['b1']);
  });
});
