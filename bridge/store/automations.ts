/**
 * Automations in the plugin's own collections (bridge/automations/store.ts says what is kept):
 *
 * - `automations`: one document per job, `_id = keyId("automation-job:<engineId>:<jobId>")`, the
 *   record's fields plus the delivery's marks (`failureStreak`, `engineEnded`);
 * - `automationRuns`: one claim per delivery, `_id = keyId(<claim key>)`.
 *
 * Every check-and-set is one command on one document, keyed by `_id` (an upsert on `_id` hits
 * one document on any server, also without unique indexes, as on the test kit's CongoDB): so
 * two instances never both claim a delivery, and marks never race a concurrent read-modify-write.
 * Documents are read back through the schema: an unreadable job is skipped, not shown.
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import { automationRecord, type AutomationRecord } from '../../protocol/automations.js';
import { matchShortId, type AutomationJobs, type AutomationStore, type DeliveryClaim, type DeliveryClaims, type JobProgress } from '../automations/store.js';
import { COLLECTIONS, keyId } from './collections.js';

export const automationJobId = (engineId: string, jobId: string) => keyId(`automation-job:${engineId}:${jobId}`);

/** The marks beside the record; absent on documents written before them. */
const jobMarks = z.object({ failureStreak: z.string().nullish(), engineEnded: z.boolean().nullish() });

const claimDoc = z.object({
  key: z.string(),
  state: z.enum(['posting', 'posted', 'dropped']),
  node: z.string(),
  leaseUntil: z.number(),
  at: z.number(),
  messageId: z.string().optional(),
});
type ClaimDoc = z.infer<typeof claimDoc>;

const readRecord = (doc: unknown): AutomationRecord | undefined => {
  const parsed = automationRecord.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
};

const readProgress = (doc: unknown): JobProgress | undefined => {
  const record = readRecord(doc);
  const marks = jobMarks.safeParse(doc);
  return record ? { record, engineEnded: marks.success && marks.data.engineEnded === true } : undefined;
};

const oldestFirst = { createdAt: 1, _id: 1 } as const;

export function createMongoAutomationJobs(db: Db): AutomationJobs {
  const col = db.collection(COLLECTIONS.automations);
  const listWhere = async (filter: Record<string, unknown>) => {
    const docs = await col.find(filter).sort(oldestFirst).toArray();
    return docs.flatMap((d) => readRecord(d) ?? []);
  };
  return {
    async put(record) {
      const doc = automationRecord.parse(record);
      await col.replaceOne({ _id: automationJobId(doc.engineId, doc.jobId) }, { ...doc, failureStreak: null, engineEnded: false }, { upsert: true });
    },
    async get(engineId, jobId) {
      return readRecord(await col.findOne({ _id: automationJobId(engineId, jobId) }));
    },
    async byShortId(groupId, shortId) {
      // A group holds a few dozen jobs at most (automations.maxPerGroup): matched here, not by a
      // regular expression on the server, so a typed id is never a pattern.
      return matchShortId(await listWhere({ groupId }), shortId);
    },
    listForGroup: (groupId) => listWhere({ groupId }),
    listActive: () => listWhere({ state: 'active' }),
    async setState(engineId, jobId, state, onlyFrom) {
      const filter = { _id: automationJobId(engineId, jobId), ...(onlyFrom ? { state: { $in: [...onlyFrom] } } : {}) };
      const r = await col.updateOne(filter, { $set: { state, ...(state === 'active' ? { engineEnded: false } : {}) } });
      return r.modifiedCount === 1;
    },
    async recordLast(engineId, jobId, last) {
      const set = { last: { at: last.at, status: last.status, ...(last.error !== undefined ? { error: last.error } : {}) }, ...(last.status === 'ok' ? { failureStreak: null } : {}) };
      return readProgress(await col.findOneAndUpdate({ _id: automationJobId(engineId, jobId) }, { $set: set }, { returnDocument: 'after' }));
    },
    async openFailureStreak(engineId, jobId, runId) {
      // `null` also matches a document without the field (written before the marks existed).
      const r = await col.updateOne({ _id: automationJobId(engineId, jobId), failureStreak: { $in: [null, runId] } }, { $set: { failureStreak: runId } });
      return r.matchedCount === 1;
    },
    async markEngineEnded(engineId, jobId) {
      return readProgress(await col.findOneAndUpdate({ _id: automationJobId(engineId, jobId) }, { $set: { engineEnded: true } }, { returnDocument: 'after' }));
    },
    async remove(engineId, jobId) {
      return (await col.deleteOne({ _id: automationJobId(engineId, jobId) })).deletedCount === 1;
    },
    async countForGroup(groupId) {
      return col.countDocuments({ groupId });
    },
  };
}

export function createMongoDeliveryClaims(db: Db, now: () => number = Date.now): DeliveryClaims {
  const col = db.collection<ClaimDoc>(COLLECTIONS.automationRuns);
  const read = (doc: unknown): DeliveryClaim | undefined => {
    const parsed = claimDoc.safeParse(doc);
    if (!parsed.success) return undefined;
    const { key: _key, messageId, ...rest } = parsed.data;
    return { ...rest, ...(messageId !== undefined ? { messageId } : {}) };
  };
  return {
    async claim(key, node, leaseMs) {
      const t = now();
      const _id = keyId(key);
      const before = await col.findOneAndUpdate(
        { _id },
        { $setOnInsert: { key, state: 'posting', node, leaseUntil: t + leaseMs, at: t } },
        { upsert: true, returnDocument: 'before' },
      );
      if (!before) return { owned: true, over: false };
      const claim = read(before);
      // Unreadable: someone wrote it, so it may have been posted; never guess, leave it.
      if (!claim) throw new Error(`automation claims: unreadable claim ${key}`);
      if (claim.state !== 'posting' || claim.leaseUntil > t) return { owned: false, claim };
      // The claimer died or gave up: take over, unless another instance just did (the lease it read is gone).
      const over = await col.updateOne({ _id, state: 'posting', leaseUntil: claim.leaseUntil }, { $set: { node, leaseUntil: t + leaseMs, at: t } });
      return over.modifiedCount === 1 ? { owned: true, over: true } : { owned: false, claim };
    },
    async posted(key, messageId) {
      await col.updateOne({ _id: keyId(key) }, { $set: { state: 'posted', messageId, at: now() } });
    },
    async dropped(key) {
      await col.updateOne({ _id: keyId(key), state: 'posting' }, { $set: { state: 'dropped', at: now() } });
    },
    async release(key, node) {
      await col.updateOne({ _id: keyId(key), state: 'posting', node }, { $set: { leaseUntil: 0 } });
    },
    async lookup(key) {
      return read(await col.findOne({ _id: keyId(key) }));
    },
    async purge(before) {
      return (await col.deleteMany({ state: { $in: ['posted', 'dropped'] }, at: { $lt: before } })).deletedCount;
    },
  };
}

/** Both parts on one database; `now` (epoch ms) times the claims' leases. */
export function createMongoAutomationStore(db: Db, now: () => number = Date.now): AutomationStore {
  return { jobs: createMongoAutomationJobs(db), claims: createMongoDeliveryClaims(db, now) };
}
