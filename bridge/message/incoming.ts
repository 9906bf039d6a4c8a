/**
 * The edge where Tailchat's `chat.message.updateMessage` event enters: validated with zod, so a
 * malformed event is logged and dropped instead of crashing a handler.
 */
import { z } from 'zod';

/** Tailchat ids are ObjectIds; anything else cannot be a real message and is refused here. */
const objectId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a Tailchat id');

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
