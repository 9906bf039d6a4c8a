/**
 * The edge where Tailchat's `chat.message.updateMessage` event enters: validated with zod, so a
 * malformed event is logged and dropped instead of crashing a handler.
 */
import { z } from 'zod';

const objectId = z.string().min(1).max(64);

const mentionList = z.array(z.string()).optional().catch(undefined);
const replyRef = z
  .object({ _id: z.string(), author: z.string().optional(), content: z.string().optional() })
  .optional()
  .catch(undefined);

export const messageMeta = z.looseObject({ mentions: mentionList, reply: replyRef });

export const addedMessageEvent = z.object({
  type: z.literal('add'),
  groupId: objectId.optional(),
  converseId: objectId,
  messageId: objectId,
  author: objectId,
  content: z.string(),
  plain: z.string().optional(),
  meta: messageMeta.optional().default({}),
});

export const removedMessageEvent = z.object({
  type: z.enum(['recall', 'delete']),
  groupId: objectId.optional(),
  converseId: objectId,
  messageId: objectId,
});

export const updateMessageEvent = z.union([addedMessageEvent, removedMessageEvent]);

export type AddedMessage = z.infer<typeof addedMessageEvent>;
export type UpdateMessageEvent = z.infer<typeof updateMessageEvent>;

export type ParseResult = { ok: true; event: UpdateMessageEvent } | { ok: false; error: string };

export function parseUpdateMessageEvent(payload: unknown): ParseResult {
  const result = updateMessageEvent.safeParse(payload);
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    error: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  };
}

/** Tailchat's system user, author of "X joined the group" notices. */
export const SYSTEM_USER_ID = '000000000000000000000000';
