/**
 * Tailchat's broker actions the bundle uses, behind one typed object. Everything reaches
 * Tailchat over the shared transporter (`broker.call`), so this works in Tailchat's process and
 * in the bundle's own process alike. Responses are validated where the bundle relies on fields.
 */
import { z } from 'zod';

export type Call = (action: string, params: Record<string, unknown>, opts?: { meta?: Record<string, unknown> }) => Promise<unknown>;

export interface BotIdentity {
  id: string;
  nickname: string;
  avatar?: string;
}

export interface OutgoingMessage {
  converseId: string;
  groupId?: string;
  content: string;
  meta?: Record<string, unknown>;
}

const userInfo = z.looseObject({ _id: z.string(), nickname: z.string().optional(), type: z.string().optional() });
/** ObjectIds arrive as objects in Tailchat's own process and as strings over a transporter. */
const idText = z.preprocess((v) => (v !== null && typeof v === 'object' ? String(v) : v), z.string());
const groupInfo = z.looseObject({
  _id: idText,
  owner: idText,
  // Right after a change (a member added), Tailchat's own process answers with raw ObjectIds.
  members: z.array(z.looseObject({ userId: idText })).optional(),
  /** A group text panel's id is its converseId (bridge/permission/reads.ts). */
  panels: z.array(z.looseObject({ id: z.string() })).optional(),
});
const sentMessage = z.looseObject({ _id: z.string(), converseId: z.string() });

export type UserInfo = z.infer<typeof userInfo>;
const historyMessage = z.looseObject({
  _id: z.string(),
  author: z.string().optional(),
  content: z.string().optional().default(''),
  hasRecall: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type HistoryMessage = z.infer<typeof historyMessage>;
const storedMessage = z.looseObject({ _id: idText, converseId: idText, author: idText.optional(), content: z.string().optional().default('') });
export type StoredMessage = z.infer<typeof storedMessage>;
export type SentMessage = z.infer<typeof sentMessage>;

export interface HostOptions {
  /**
   * Whether `notify` (gateway.notify, broker only) can push unpersisted live drafts. False in
   * bot mode (open platform over HTTP): replies are then only the final stored message.
   */
  liveDrafts?: boolean;
}

export function createTailchatHost(call: Call, opts: HostOptions = {}) {
  return {
    /** See HostOptions.liveDrafts; the reply publisher skips live drafts when false. */
    liveDrafts: opts.liveDrafts ?? true,
    /** Idempotent on Tailchat's side; returns the bot's user id. */
    async ensurePluginBot(bot: BotIdentity): Promise<string> {
      const id = await call('user.ensurePluginBot', { botId: bot.id, nickname: bot.nickname, ...(bot.avatar ? { avatar: bot.avatar } : {}) });
      return z.string().parse(id);
    },
    async getUserInfo(userId: string): Promise<UserInfo | null> {
      const info = await call('user.getUserInfo', { userId });
      return info ? userInfo.parse(info) : null;
    },
    /** Throws when the user is not a member of the group. */
    async getUserPermissions(groupId: string, userId: string): Promise<string[]> {
      return z.array(z.string()).parse(await call('group.getUserAllPermissions', { groupId, userId }));
    },
    async getGroupInfo(groupId: string) {
      const info = await call('group.getGroupInfo', { groupId });
      return info ? groupInfo.parse(info) : null;
    },
    /** Adds a user (an agent's bot) to a group; true when it joined now, false when it was a member already. */
    async addGroupMember(groupId: string, userId: string): Promise<boolean> {
      try {
        await call('group.addMember', { groupId, userId });
        return true;
      } catch (err) {
        // Tailchat's own check ("已加入该群组": already in this group): nothing to do.
        if (err instanceof Error && err.message.includes('已加入该群组')) return false;
        throw err;
      }
    },
    /** The user (an agent's bot) leaves the group, as Tailchat's own "quit group" does it. */
    async leaveGroup(groupId: string, userId: string): Promise<void> {
      await call('group.quitGroup', { groupId }, { meta: { userId } });
    },
    async getGroupData(groupId: string, name: string): Promise<string | null> {
      const res = z.object({ data: z.string().nullable() }).parse(await call('group.extra.getGroupData', { groupId, name }));
      return res.data;
    },
    async saveGroupData(groupId: string, name: string, data: string, asUserId: string): Promise<void> {
      await call('group.extra.saveGroupData', { groupId, name, data }, { meta: { userId: asUserId } });
    },
    /** True when `userId` is a member of the DM converse (throws → not a member). */
    async isConverseMember(converseId: string, userId: string): Promise<boolean> {
      try {
        const info = z.looseObject({ members: z.array(z.string()) }).parse(await call('chat.converse.findConverseInfo', { converseId }, { meta: { userId } }));
        return info.members.includes(userId);
      } catch {
        return false;
      }
    },
    async getConverseMembers(converseId: string, asUserId: string): Promise<string[]> {
      const info = z.looseObject({ members: z.array(z.string()) }).parse(await call('chat.converse.findConverseInfo', { converseId }, { meta: { userId: asUserId } }));
      return info.members;
    },
    /** One message read as `asUserId` (Tailchat checks membership of the group the message names, nothing more). */
    async getMessage(messageId: string, asUserId: string): Promise<StoredMessage> {
      const raw = await call('chat.message.getMessage', { messageId }, { meta: { userId: asUserId } });
      const doc = raw && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw;
      return storedMessage.parse(doc);
    },
    /** One page (Tailchat's 50, newest first) of messages older than `beforeId`, read as `asUserId`. */
    async fetchConverseMessages(converseId: string, beforeId: string | undefined, asUserId: string): Promise<HistoryMessage[]> {
      const page = await call('chat.message.fetchConverseMessage', { converseId, ...(beforeId ? { startId: beforeId } : {}) }, { meta: { userId: asUserId } });
      return z.array(historyMessage).parse(page);
    },
    /**
     * The user's read position in a converse as Tailchat stores it (`chat.ack`: the newest message
     * id the web client has shown them), or null when they never read it.
     */
    async getReadPosition(converseId: string, userId: string): Promise<string | null> {
      const list = await call('chat.ack.list', { converseIds: [converseId] }, { meta: { userId } });
      const acks = z.array(z.looseObject({ converseId: z.string(), lastMessageId: z.string() }).nullable()).parse(list);
      return acks[0]?.lastMessageId ?? null;
    },
    async sendMessage(authorId: string, message: OutgoingMessage): Promise<SentMessage> {
      return sentMessage.parse(await call('chat.message.sendMessage', { ...message }, { meta: { userId: authorId } }));
    },
    /** Socket push through Tailchat's gateway; clients cannot call this action themselves. */
    async notify(target: { room: string } | { users: string[] }, eventName: string, eventData: unknown): Promise<void> {
      if ('room' in target) await call('gateway.notify', { type: 'roomcast', target: target.room, eventName, eventData });
      else await call('gateway.notify', { type: 'listcast', target: target.users, eventName, eventData });
    },
  };
}

export type TailchatHost = ReturnType<typeof createTailchatHost>;
