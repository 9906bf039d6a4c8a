/**
 * The plugin bot's Tailchat user id, resolved once per process. `user.ensurePluginBot` is a
 * find-or-create without a lock: called concurrently (the chat and runner services start
 * together) it can create two bot users, or fail on MongoDB's unique email index. So calls are
 * shared per bot id, and a failure (the losing side of a race with another instance) is retried.
 */
import type { BotIdentity, TailchatHost } from './host.js';

const resolved = new Map<string, Promise<string>>();

export function resolveBotUserId(host: Pick<TailchatHost, 'ensurePluginBot'>, bot: BotIdentity, retries = 3): Promise<string> {
  let pending = resolved.get(bot.id);
  if (!pending) {
    pending = (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await host.ensurePluginBot(bot);
        } catch (err) {
          if (attempt >= retries) throw err;
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
    })();
    pending.catch(() => resolved.delete(bot.id));
    resolved.set(bot.id, pending);
  }
  return pending;
}

/**
 * "Is this author a bot?" (plugin bots and open-platform bots never start runs), cached per
 * user: a user's type does not change.
 */
export function createBotUserDetector(host: Pick<TailchatHost, 'getUserInfo'>, maxEntries = 50_000): (userId: string) => Promise<boolean> {
  const cache = new Map<string, boolean>();
  return async (userId) => {
    const cached = cache.get(userId);
    if (cached !== undefined) return cached;
    const info = await host.getUserInfo(userId);
    const bot = info?.type === 'pluginBot' || info?.type === 'openapiBot';
    if (cache.size > maxEntries) cache.clear();
    cache.set(userId, bot);
    return bot;
  };
}
