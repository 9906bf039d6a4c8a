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
import type { AuditAction, AuditEntry } from '../../protocol/admin.js';
import { createGroupDataDoc } from '../tailchat/group-data-doc.js';
import type { TailchatHost } from '../tailchat/host.js';

export const AUDIT_DATA_NAME = 'com.yourcompany.ai.audit';
/** Entries kept per group; older ones fall off. */
export const AUDIT_CAP = 500;

export interface AuditLog {
  readonly kind: 'mongo' | 'redis' | 'group-data';
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  recent(groupId: string, limit: number): Promise<AuditEntry[]>;
}

const auditEntry = z.object({
  at: z.string(),
  groupId: z.string(),
  actor: z.string(),
  action: z.enum(['approval.decided', 'settings.changed', 'tool-output.read']),
  details: z.record(z.string(), z.unknown()),
});
/** Stored entries are read back through the schema: anything unreadable is skipped, not shown. */
export const readAuditEntry = (raw: unknown): AuditEntry | undefined => auditEntry.safeParse(raw).data as AuditEntry | undefined;
const readEntry = readAuditEntry;

export function auditEntryOf(groupId: string, actor: string, action: AuditAction, details: Record<string, unknown>, at = new Date()): AuditEntry {
  return { at: at.toISOString(), groupId, actor, action, details };
}

export function createRedisAuditLog(redis: Redis, prefix = 'tcai:audit:', cap = AUDIT_CAP): AuditLog {
  return {
    kind: 'redis',
    async append(entry) {
      const key = prefix + entry.groupId;
      await redis.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, cap - 1).exec();
    },
    async recent(groupId, limit) {
      const raw = await redis.lrange(prefix + groupId, 0, Math.min(limit, cap) - 1);
      return raw.flatMap((line) => {
        try {
          const entry = readEntry(JSON.parse(line));
          return entry ? [entry] : [];
        } catch {
          return [];
        }
      });
    },
  };
}

export function createGroupDataAuditLog(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>, cap = AUDIT_CAP): AuditLog {
  const doc = createGroupDataDoc(host, AUDIT_DATA_NAME, (raw) => (Array.isArray(raw) ? raw.flatMap((e) => readEntry(e) ?? []) : []));
  return {
    kind: 'group-data',
    async append(entry) {
      await doc.update(entry.groupId, (entries) => [entry, ...entries].slice(0, cap));
    },
    async recent(groupId, limit) {
      return (await doc.read(groupId)).slice(0, limit);
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
