/**
 * A real conversation on a real Tailchat: two people in a group, a socket for the one who
 * watches, and helpers to talk to the agent and read what it answered.
 */
import { AI_META_KEY, type AiMeta } from '../../protocol/blocks.js';
import { createUser, TailchatApi, type ChatMessage, type TestUser } from '../tailchat/api.js';
import type { TailchatConnection } from '../tailchat/kit.js';
import { BOT_ID, BOT_NICKNAME, ensurePluginBotUser } from '../tailchat/plugin-bot.js';
import { connectSocket, type TailchatSocket } from '../tailchat/socket.js';

export { BOT_ID, BOT_NICKNAME };

export interface WireMessage {
  _id: string;
  author: string;
  content: string;
  converseId: string;
  meta?: Record<string, unknown>;
}

export function aiMeta(m: { meta?: Record<string, unknown> }): AiMeta | undefined {
  return m.meta?.[AI_META_KEY] as AiMeta | undefined;
}

export interface Conversation {
  api: TailchatApi;
  alice: TestUser;
  bob: TestUser;
  groupId: string;
  panelId: string;
  botUserId: string;
  bobSocket: TailchatSocket;
  /** alice mentions the agent; returns her message. */
  ask(text: string, as?: TestUser): Promise<ChatMessage>;
  /** The persisted final reply to `prompt` as bob's socket received it. */
  finalReplyTo(prompt: ChatMessage, timeoutMs?: number): Promise<WireMessage>;
  botMessages(): Promise<ChatMessage[]>;
  close(): void;
}

/** The plugin bot user's id (made when the Tailchat started: test/tailchat/plugin-bot.ts). */
export function botUserIdOn(tc: TailchatConnection): Promise<string> {
  return ensurePluginBotUser(tc);
}

export interface ConversationOptions {
  /**
   * The agent's user when it is not the plugin bot: bot mode logs in as an open-platform bot
   * (its user id comes from that login, its nickname is the app's name).
   */
  bot?: { userId: string; nickname: string };
  /** Runs once the group exists, before bob's socket connects (e.g. add an open-platform bot). */
  onGroup?: (group: { groupId: string; panelId: string; owner: TestUser }) => Promise<void>;
}

export async function startConversation(tc: TailchatConnection, opts: ConversationOptions = {}): Promise<Conversation> {
  const api = new TailchatApi(tc.url);
  const [alice, bob] = await Promise.all([createUser(api, 'alice'), createUser(api, 'bob')]);
  const { groupId, textPanelId: panelId } = await api.createGroup(alice.token, 'AI group');
  await api.joinGroup(alice.token, groupId, bob.token);
  const botUserId = opts.bot?.userId ?? (await botUserIdOn(tc));
  const botNickname = opts.bot?.nickname ?? BOT_NICKNAME;
  await opts.onGroup?.({ groupId, panelId, owner: alice });
  const bobSocket = await connectSocket(tc.url, bob.token);
  return {
    api, alice, bob, groupId, panelId, botUserId, bobSocket,
    ask(text, as = alice) {
      return api.sendMessage(as.token, {
        converseId: panelId,
        groupId,
        content: `[at=${botUserId}]${botNickname}[/at] ${text}`,
        meta: { mentions: [botUserId] },
      });
    },
    finalReplyTo(prompt, timeoutMs = 30_000) {
      const wait = bobSocket.waitFor<WireMessage>(
        'notify:chat.message.add',
        // Not a draft (streaming, or waiting in the queue): the stored reply, or a plain answer.
        (m) => m.author === botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id && !['streaming', 'queued'].includes(aiMeta(m)?.status ?? ''),
        timeoutMs,
      );
      // On a timeout, show what did arrive (ids and states only): the usual cause is a wrong bot id.
      wait.catch(() =>
        console.error(
          `no final reply to ${prompt._id}; bot ${botUserId}; messages seen:`,
          bobSocket.events<WireMessage>('notify:chat.message.add').map((m) => ({ author: m.author, status: aiMeta(m)?.status, replyTo: (m.meta?.reply as { _id?: string } | undefined)?._id })),
        ),
      );
      return wait;
    },
    async botMessages() {
      return (await api.fetchConverseMessage(alice.token, panelId)).filter((m) => m.author === botUserId);
    },
    close() {
      bobSocket.close();
    },
  };
}
