/**
 * Tailchat's own `messages` collection, read-only: the messages stored in a time range, in id
 * order, as the `add` events Tailchat would have emitted for them (bridge/message/incoming.ts).
 * The sweep reads it because it is the ground truth of what users posted: an event can be lost
 * (balanced to an instance that died, or dropped while Tailchat was cut off from its
 * transporter), a stored message cannot.
 *
 * Shape of Tailchat 1.11's model (server/models/chat/message.ts): `_id`, `content`, `author`,
 * `groupId?`, `converseId`, `hasRecall`, `meta?`, `createdAt`. Ids are ObjectIds, whose first
 * four bytes are the creation second: ranges are read on `_id` (always indexed).
 */
import { ObjectId, type Db } from 'mongodb';
import { z } from 'zod';
import { addedMessageEvent, type AddedMessage } from '../message/incoming.js';

export const TAILCHAT_MESSAGES = 'messages';

const idText = z.union([z.instanceof(ObjectId).transform((id) => id.toHexString()), z.string()]);

const storedMessage = z.object({
  _id: z.instanceof(ObjectId),
  content: z.string().catch(''),
  author: idText.optional(),
  groupId: idText.nullish(),
  converseId: idText,
  hasRecall: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).nullish(),
});

export interface StoredMessage {
  /** As the live event carries it. */
  event: AddedMessage;
  /** Creation time from the id (epoch ms, whole seconds). */
  at: number;
}

export interface StoredBatch {
  /** Oldest first; recalled and unreadable ones left out. */
  messages: StoredMessage[];
  /** `limit` documents were read: there may be more in the range, from `lastAt` on. */
  full: boolean;
  /** Creation time of the last document read (epoch ms). */
  lastAt?: number;
}

export interface StoredMessageReader {
  /** Messages created in [fromMs, toMs), at most `limit` documents. */
  between(fromMs: number, toMs: number, limit: number): Promise<StoredBatch>;
}

export function createStoredMessageReader(db: Db): StoredMessageReader {
  const col = db.collection(TAILCHAT_MESSAGES);
  return {
    async between(fromMs, toMs, limit) {
      const ids = { $gte: ObjectId.createFromTime(Math.floor(fromMs / 1000)), $lt: ObjectId.createFromTime(Math.floor(toMs / 1000)) };
      const docs = await col.find({ _id: ids }).sort({ _id: 1 }).limit(limit).toArray();
      const messages: StoredMessage[] = [];
      for (const doc of docs) {
        const m = storedMessageOf(doc);
        if (m) messages.push(m);
      }
      const last = docs[docs.length - 1]?._id;
      return { messages, full: docs.length === limit, ...(last instanceof ObjectId ? { lastAt: last.getTimestamp().getTime() } : {}) };
    },
  };
}

/** One stored document as an `add` event; undefined when recalled or not a message we can read. */
export function storedMessageOf(doc: unknown): StoredMessage | undefined {
  const parsed = storedMessage.safeParse(doc);
  if (!parsed.success || parsed.data.hasRecall || !parsed.data.author) return undefined;
  const d = parsed.data;
  const event = addedMessageEvent.safeParse({
    type: 'add',
    messageId: d._id.toHexString(),
    converseId: d.converseId,
    ...(d.groupId ? { groupId: d.groupId } : {}),
    author: d.author,
    content: d.content,
    meta: d.meta ?? {},
  });
  return event.success ? { event: event.data, at: d._id.getTimestamp().getTime() } : undefined;
}
