/**
 * The intake journal (bridge/intake/journal.ts) in the plugin's own collection: one document per
 * message addressed to the agent, keyed by the message id (keyId: an upsert on `_id` hits one
 * document on any server). Every check-and-set is one command on one document, so two instances
 * never both take a message: `findOneAndUpdate` with `$setOnInsert` for the first take, and an
 * update conditioned on the lapsed lease it read for a take-over.
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import type { IntakeEntry, IntakeJournal } from '../intake/journal.js';
import { COLLECTIONS, keyId } from './collections.js';

const entryDoc = z.object({
  state: z.enum(['taking', 'handed', 'settled']),
  node: z.string(),
  leaseUntil: z.number(),
  at: z.number(),
  messageId: z.string(),
});
type EntryDoc = z.infer<typeof entryDoc>;

/** The one document that is not an entry: when journalling began. */
const SINCE_KEY = keyId('intake:since');

export function createMongoIntakeJournal(db: Db, now: () => number = Date.now): IntakeJournal {
  const col = db.collection<EntryDoc & { since?: number }>(COLLECTIONS.intake);
  const read = (doc: unknown): IntakeEntry | undefined => {
    const parsed = entryDoc.safeParse(doc);
    return parsed.success ? { state: parsed.data.state, node: parsed.data.node, leaseUntil: parsed.data.leaseUntil, at: parsed.data.at } : undefined;
  };
  return {
    async take(messageId, node, leaseMs) {
      const t = now();
      const _id = keyId(messageId);
      const before = await col.findOneAndUpdate(
        { _id },
        { $setOnInsert: { messageId, state: 'taking', node, leaseUntil: t + leaseMs, at: t } },
        { upsert: true, returnDocument: 'before' },
      );
      if (!before) return { taken: true, over: false };
      const entry = read(before);
      if (!entry) throw new Error(`intake journal: unreadable entry for message ${messageId}`);
      if (entry.state !== 'taking' || entry.leaseUntil > t) return { taken: false, entry };
      // The taker died: take it over, unless another instance just did (the lease it read is gone).
      const over = await col.updateOne({ _id, state: 'taking', leaseUntil: entry.leaseUntil }, { $set: { node, leaseUntil: t + leaseMs, at: t } });
      return over.modifiedCount === 1 ? { taken: true, over: true } : { taken: false, entry };
    },
    async mark(messageId, state) {
      await col.updateOne({ _id: keyId(messageId) }, { $set: { state, at: now() } });
    },
    async lookup(messageIds) {
      const found = new Map<string, IntakeEntry>();
      if (messageIds.length === 0) return found;
      const docs = await col.find({ _id: { $in: messageIds.map(keyId) } }).toArray();
      for (const doc of docs) {
        const entry = read(doc);
        if (entry) found.set(doc.messageId, entry);
      }
      return found;
    },
    async since() {
      const doc = await col.findOneAndUpdate({ _id: SINCE_KEY }, { $setOnInsert: { since: now() } }, { upsert: true, returnDocument: 'after' });
      return typeof doc?.since === 'number' ? doc.since : now();
    },
    async purge(before) {
      const r = await col.deleteMany({ _id: { $ne: SINCE_KEY }, at: { $lt: before } });
      return r.deletedCount;
    },
  };
}
