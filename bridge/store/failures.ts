/**
 * Failed replies in the plugin's own collection: one document per run (keyed by the run id, so
 * two instances recording the same run write one entry, also without unique indexes), the newest
 * `cap` kept per group — older ones are deleted after each write (no TTL index: the test kit's
 * CongoDB may not have them, and a count bound is what the list needs).
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import type { FailedReply } from '../../protocol/admin.js';
import { failureCause } from '../failures/cause.js';
import { FAILURES_CAP, type FailureLog } from '../failures/log.js';
import { COLLECTIONS, keyId } from './collections.js';

/** A stored document, read back through the schema: anything unreadable is skipped, not shown. */
const failureDoc = z.object({
  at: z.string(),
  groupId: z.string(),
  converseId: z.string(),
  runId: z.string(),
  messageId: z.string().optional(),
  engine: z.string(),
  cause: failureCause,
  requester: z.string(),
});
type FailureDoc = z.infer<typeof failureDoc>;

export const failureDocId = (runId: string) => keyId(`failure:${runId}`);

/** Deleting beyond the cap takes at most this many ids at once (one write adds one). */
const TRIM_BATCH = 1_000;

export function createMongoFailureLog(db: Db, cap = FAILURES_CAP): FailureLog {
  const col = db.collection<FailureDoc>(COLLECTIONS.failures);
  const newestFirst = { at: -1, _id: -1 } as const;
  return {
    async record(failure) {
      const doc: FailureDoc = failureDoc.parse(failure);
      await col.updateOne({ _id: failureDocId(failure.runId) }, { $setOnInsert: doc }, { upsert: true });
      const beyond = await col.find({ groupId: failure.groupId }, { projection: { _id: 1 } }).sort(newestFirst).skip(cap).limit(TRIM_BATCH).toArray();
      if (beyond.length > 0) await col.deleteMany({ _id: { $in: beyond.map((d) => d._id) } });
    },
    async recent(groupId, limit) {
      const n = Math.max(1, Math.min(limit, cap));
      const docs = await col.find({ groupId }, { projection: { _id: 0 } }).sort(newestFirst).limit(n).toArray();
      return docs.flatMap((d): FailedReply[] => {
        const parsed = failureDoc.safeParse(d);
        return parsed.success ? [parsed.data] : [];
      });
    },
  };
}
