/**
 * The audit log of a group: who decided an approval, who changed the AI settings (and what), who
 * opened the private details of a tool call.
 * Written by the chat side where the decision is checked, read by admins in the settings panel.
 * Durable, in the first of: the plugin's own collection in Tailchat's MongoDB
 * (bridge/store/audit.ts, `AI_MONGO_URL`); a Redis list per group (capped) when `AI_REDIS_URL`
 * is set; else a JSON document in Tailchat's own group data (`com.yourcompany.ai.audit`, capped,
 * writes serialised per group in this process — that mode is one instance, and the group data is
 * readable by anyone who knows the group id: docs/SECURITY.md).
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../protocol/admin.js';
import { createGroupDataDoc } from '../tailchat/group-data-doc.js';
import type { TailchatHost } from '../tailchat/host.js';

export const AUDIT_DATA_NAME = 'com.yourcompany.ai.audit';
/** Entries kept per group and stream (below); older ones fall off. */
export const AUDIT_CAP = 500;

/**
 * Two streams with a cap each: reads of private tool output apart from decisions (approvals,
 * settings changes). Any member may read their own runs' tool output as often as they like; in
 * one capped list that would push the approval records out.
 */
export type AuditStream = 'decisions' | 'reads';
export const streamOf = (action: AuditAction): AuditStream => (action === 'tool-output.read' ? 'reads' : 'decisions');

/** Keeps the order, at most `cap` of each stream (the first ones: newest first in, newest kept). */
export function trimPerStream(entries: AuditEntry[], cap: number): AuditEntry[] {
  const seen: Record<AuditStream, number> = { decisions: 0, reads: 0 };
  return entries.filter((e) => ++seen[streamOf(e.action)] <= cap);
}

/** Both streams, newest first (ISO times sort as text). */
export function merged(a: AuditEntry[], b: AuditEntry[]): AuditEntry[] {
  return [...a, ...b].sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0));
}

export interface AuditLog {
  readonly kind: 'mongo' | 'redis' | 'group-data';
  append(entry: AuditEntry): Promise<void>;
  /**
   * Newest first, at most `limit` of each stream (below): a page full of tool-output reads must
   * not hide the approvals behind them.
   */
  recent(groupId: string, limit: number): Promise<AuditEntry[]>;
}

const auditEntry = z.object({
  at: z.string(),
  groupId: z.string(),
  actor: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  details: z.record(z.string(), z.unknown()),
});
/** Stored entries are read back through the schema: anything unreadable is skipped, not shown. */
export const readAuditEntry = (raw: unknown): AuditEntry | undefined => auditEntry.safeParse(raw).data as AuditEntry | undefined;
const readEntry = readAuditEntry;

export function auditEntryOf(groupId: string, actor: string, action: AuditAction, details: Record<string, unknown>, at = new Date()): AuditEntry {
  return { at: at.toISOString(), groupId, actor, action, details };
}

export function createRedisAuditLog(redis: Redis, prefix = 'tcai:audit:', cap = AUDIT_CAP): AuditLog {
  // Decisions keep the key they always had; reads get one of their own.
  const keyOf = (groupId: string, stream: AuditStream) => (stream === 'decisions' ? prefix + groupId : `${prefix}${groupId}:reads`);
  const parse = (raw: string[]) =>
    raw.flatMap((line) => {
      try {
        const entry = readEntry(JSON.parse(line));
        return entry ? [entry] : [];
      } catch {
        return [];
      }
    });
  return {
    kind: 'redis',
    async append(entry) {
      const key = keyOf(entry.groupId, streamOf(entry.action));
      const replies = await redis.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, cap - 1).exec();
      const failed = replies?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async recent(groupId, limit) {
      const n = Math.min(limit, cap);
      const [decisions, reads] = await Promise.all([redis.lrange(keyOf(groupId, 'decisions'), 0, n - 1), redis.lrange(keyOf(groupId, 'reads'), 0, n - 1)]);
      // An entry written before the streams were split may sit in the old list: trimmed the same way.
      return merged(trimPerStream(parse(decisions), n), parse(reads));
    },
  };
}

export function createGroupDataAuditLog(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>, cap = AUDIT_CAP): AuditLog {
  const doc = createGroupDataDoc(host, AUDIT_DATA_NAME, (raw) => (Array.isArray(raw) ? raw.flatMap((e) => readEntry(e) ?? []) : []));
  return {
    kind: 'group-data',
    async append(entry) {
      await doc.update(entry.groupId, (entries) => trimPerStream([entry, ...entries], cap));
    },
    async recent(groupId, limit) {
      return trimPerStream(await doc.read(groupId), limit);
    },
  };
}

/** Without the plugin's database (services/admin-actions.ts prefers bridge/store/audit.ts): Redis, else the group data. */
export function createAuditLog(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>, redis: Redis | undefined): AuditLog {
  return redis ? createRedisAuditLog(redis) : createGroupDataAuditLog(host);
}

/** Which settings an admin changed: `{field: {from, to}}` for every field whose value differs. */
export function settingsChanges(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}
