/**
 * Bot mode hears stored messages (`notify:chat.message.add`, or fetched after a reconnect);
 * the chat core takes Tailchat's `chat.message.updateMessage` event. Same facts, other shape:
 * this maps one to the other and leaves validation to the core (bridge/message/incoming.ts).
 */
import type { ChatMessage } from './schemas.js';

export function toUpdateMessageEvent(m: ChatMessage): Record<string, unknown> {
  return {
    type: 'add',
    ...(m.groupId ? { groupId: m.groupId } : {}),
    converseId: m.converseId,
    messageId: m._id,
    author: m.author,
    content: m.content,
    ...(m.plain !== undefined ? { plain: m.plain } : {}),
    meta: m.meta ?? {},
  };
}
