/**
 * What Tailchat's open platform sends the bot, validated at the edge with zod. Loose objects:
 * Tailchat adds fields freely; only the fields the bundle relies on are checked.
 */
import { z } from 'zod';

/** `openapi.bot.login` → the bot's user and a JWT (30 days in Tailchat 1.11). */
export const botLoginData = z.looseObject({
  jwt: z.string().min(10),
  userId: z.string().min(1),
  nickname: z.string().default(''),
  email: z.string().optional(),
  avatar: z.string().nullish(),
});
export type BotLoginData = z.infer<typeof botLoginData>;

/** The `{code, data}` envelope of every HTTP action (errors: `{name, message, code}`). */
export const envelope = z.looseObject({ code: z.number(), data: z.unknown().optional(), message: z.string().optional(), name: z.string().optional() });

/** `chat.converse.findAndJoinRoom` (the socket ack's `data`). */
export const joinedRooms = z.looseObject({
  dmConverseIds: z.array(z.string()).default([]),
  groupIds: z.array(z.string()).default([]),
  textPanelIds: z.array(z.string()).default([]),
  subscribeFeaturePanelIds: z.array(z.string()).default([]),
});
export type JoinedRooms = z.infer<typeof joinedRooms>;

/** A socket action's acknowledgement. */
export const socketAck = z.looseObject({ result: z.boolean(), data: z.unknown().optional(), message: z.string().optional() });

/** A stored chat message as `notify:chat.message.add` and `fetchConverseMessage` carry it. */
export const chatMessage = z.looseObject({
  _id: z.string().min(1),
  converseId: z.string().min(1),
  groupId: z.string().nullish(),
  author: z.string().min(1),
  content: z.string(),
  plain: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).nullish(),
  /** A string over HTTP, a Date over socket.io's msgpack parser. */
  createdAt: z.union([z.string(), z.date()]).optional(),
});
export type ChatMessage = z.infer<typeof chatMessage>;

/** `chat.message.fetchConverseLastMessages`: one entry per converse (null when empty). */
export const lastMessages = z.array(z.looseObject({ converseId: z.string(), lastMessageId: z.string() }).nullable());

/** A group as the bot sees it (`group.getUserGroups`, `notify:group.updateInfo`). */
export const groupView = z.looseObject({
  _id: z.string().min(1),
  owner: z.string().min(1),
  members: z.array(z.looseObject({ userId: z.string(), roles: z.array(z.string()).default([]) })).default([]),
  roles: z.array(z.looseObject({ _id: z.string(), permissions: z.array(z.string()).default([]) })).default([]),
  fallbackPermissions: z.array(z.string()).default([]),
});
export type GroupView = z.infer<typeof groupView>;
