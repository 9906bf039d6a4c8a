/**
 * The bundle's plugin bot user (its default `bot` config), made once right after a Tailchat starts.
 *
 * `user.ensurePluginBot` is a find-or-create: Tailchat relies on MongoDB's unique index on the
 * bot's email to keep a single bot user when several processes call it at once (the loser's
 * insert fails and its retry finds the winner; bridge/tailchat/bot-user.ts retries). The kit's
 * CongoDB does not enforce unique indexes, so two bundle instances starting together, or a test
 * and an instance, could each create a bot user, and the replies would come from two different
 * users. Creating it before anything else runs gives the one bot user a real MongoDB would.
 */
import type { TailchatConnection } from './kit.js';

export const BOT_ID = 'com.yourcompany.ai';
export const BOT_NICKNAME = 'AI Assistant';

export async function ensurePluginBotUser(tc: TailchatConnection): Promise<string> {
  const { createPluginBroker } = await import('./broker.js');
  const broker = createPluginBroker({ tailchat: tc });
  await broker.start();
  try {
    await broker.waitForServices(['user'], 30_000);
    return (await broker.call('user.ensurePluginBot', { botId: BOT_ID, nickname: BOT_NICKNAME })) as string;
  } finally {
    await broker.stop();
  }
}
