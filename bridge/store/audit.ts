/**
 * The audit log in the plugin's own collection: one document per entry, the newest `cap` kept
 * per group and stream (decisions apart from reads of tool output, bridge/audit/log.ts: reading
 * details over and over never pushes an approval out; older ones are deleted after each append),
 * read newest first with a bounded page of each stream.
 * `details` is stored as JSON text: its keys come from settings field names and, for entries
 * copied from group data, from whatever was written there; as text no key can be read as a
 * MongoDB operator or path.
 */
import type { Db } from 'mongodb';
import type { AuditEntry } from '../../protocol/admin.js';
import { AUDIT_CAP, merged, readAuditEntry, streamOf, type AuditLog, type AuditStream } from '../audit/log.js';
import { COLLECTIONS, keyId } from './collections.js';

interface AuditDoc {
  groupId: string;
  /** Absent on entries written before the streams were split: those count as decisions. */
  stream?: AuditStream;
  at: string;
  actor: string;
  action: string;
  details: string;
}

const toDoc = (e: AuditEntry): AuditDoc => ({ groupId: e.groupId, stream: streamOf(e.action), at: e.at, actor: e.actor, action: e.action, details: JSON.stringify(e.details) });
const inStream = (groupId: string, stream: AuditStream) => (stream === 'reads' ? { groupId, stream } : { groupId, stream: { $ne: 'reads' as const } });

const fromDoc = (d: AuditDoc): AuditEntry | undefined => {
  try {
    return readAuditEntry({ at: d.at, groupId: d.groupId, actor: d.actor, action: d.action, details: JSON.parse(d.details) });
  } catch {
    return undefined;
  }
};

/** Deleting beyond the cap takes at most this many ids at once (one append adds one). */
const TRIM_BATCH = 1_000;

export function createMongoAuditLog(db: Db, cap = AUDIT_CAP): AuditLog & {
  /** Adds entries under keys derived from `source` (same source, same keys: a repeated copy adds nothing). */
  insertCopied(groupId: string, source: string, entries: AuditEntry[]): Promise<void>;
} {
  const col = db.collection<AuditDoc>(COLLECTIONS.audit);
  const newestFirst = { at: -1, _id: -1 } as const;
  const trimStream = async (groupId: string, stream: AuditStream) => {
    const beyond = await col.find(inStream(groupId, stream), { projection: { _id: 1 } }).sort(newestFirst).skip(cap).limit(TRIM_BATCH).toArray();
    if (beyond.length > 0) await col.deleteMany({ _id: { $in: beyond.map((d) => d._id) } });
  };
  const trim = async (groupId: string) => {
    await trimStream(groupId, 'decisions');
    await trimStream(groupId, 'reads');
  };
  return {
    kind: 'mongo',
    async append(entry) {
      await col.insertOne(toDoc(entry));
      await trimStream(entry.groupId, streamOf(entry.action));
    },
    async recent(groupId, limit) {
      const n = Math.max(1, Math.min(limit, cap));
      const page = async (stream: AuditStream) => (await col.find(inStream(groupId, stream)).sort(newestFirst).limit(n).toArray()).flatMap((d) => fromDoc(d) ?? []);
      const [decisions, reads] = await Promise.all([page('decisions'), page('reads')]);
      return merged(decisions, reads);
    },
    async insertCopied(groupId, source, entries) {
      if (entries.length === 0) return;
      await col.bulkWrite(
        entries.map((e, i) => ({ updateOne: { filter: { _id: keyId(`audit:${groupId}:${source}:${i}`) }, update: { $setOnInsert: toDoc({ ...e, groupId }) }, upsert: true } })),
        { ordered: false },
      );
      await trim(groupId);
    },
  };
}
