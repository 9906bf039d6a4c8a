/**
 * Votes on agent replies in the plugin's own collection: one document per (run, user), keyed by
 * both (a changed vote replaces, two instances writing the same vote write one document, also
 * without unique indexes). Votes older than the retention are deleted as the panel's new ones
 * are written. Documents are read back through the schema: anything unreadable is skipped.
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import { vote, type Vote } from '../../protocol/feedback.js';
import { retentionCutoff } from '../feedback/report.js';
import type { FeedbackRecord, FeedbackStore } from '../feedback/votes.js';
import { COLLECTIONS, keyId } from './collections.js';

const feedbackDoc = z.object({
  runId: z.string(),
  messageId: z.string(),
  converseId: z.string(),
  groupId: z.string().optional(),
  agentId: z.string(),
  engine: z.string(),
  userId: z.string(),
  vote,
  comment: z.string().optional(),
  at: z.string(),
});

export const feedbackDocId = (runId: string, userId: string) => keyId(`feedback:${runId}:${userId}`);

/** A retention pass deletes at most this many at once (one write adds one). */
const TRIM_BATCH = 1_000;

export function createMongoFeedbackStore(db: Db, now: () => Date = () => new Date()): FeedbackStore {
  const col = db.collection(COLLECTIONS.feedback);
  const trim = async (converseId: string) => {
    const old = await col.find({ converseId, at: { $lt: retentionCutoff(now()).toISOString() } }, { projection: { _id: 1 } }).limit(TRIM_BATCH).toArray();
    if (old.length > 0) await col.deleteMany({ _id: { $in: old.map((d) => d._id) } });
  };
  return {
    async put(record) {
      const doc = feedbackDoc.parse(record);
      await col.replaceOne({ _id: feedbackDocId(record.runId, record.userId) }, doc, { upsert: true });
      await trim(record.converseId);
    },
    async remove(runId, userId) {
      return (await col.deleteOne({ _id: feedbackDocId(runId, userId) })).deletedCount > 0;
    },
    async mine(userId, messageIds) {
      const docs = await col.find({ userId, messageId: { $in: [...messageIds] } }, { projection: { _id: 0, messageId: 1, vote: 1 } }).toArray();
      const votes: Record<string, Vote> = {};
      for (const d of docs) {
        const parsed = feedbackDoc.pick({ messageId: true, vote: true }).safeParse(d);
        if (parsed.success) votes[parsed.data.messageId] = parsed.data.vote;
      }
      return votes;
    },
    async since(groupId, sinceIso, max) {
      const docs = await col.find({ groupId, at: { $gte: sinceIso } }, { projection: { _id: 0 } }).sort({ at: -1 }).limit(max).toArray();
      return docs.flatMap((d): FeedbackRecord[] => {
        const parsed = feedbackDoc.safeParse(d);
        return parsed.success ? [recordOf(parsed.data)] : [];
      });
    },
  };
}

const recordOf = ({ groupId, comment, ...rest }: z.infer<typeof feedbackDoc>): FeedbackRecord => ({
  ...rest,
  ...(groupId !== undefined ? { groupId } : {}),
  ...(comment !== undefined ? { comment } : {}),
});
