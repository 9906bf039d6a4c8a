/**
 * Where usage counters are kept, durably, in the first of:
 * - the plugin's own collection in Tailchat's MongoDB (`AI_MONGO_URL`, bridge/store/usage.ts):
 *   `$inc` upserts, so every instance counts together; direct messages too;
 * - Redis (when `AI_REDIS_URL` is set): one hash per scope and month, HINCRBY'd atomically, so
 *   any number of runner instances count together; kept 400 days.
 * - otherwise Tailchat's own per-group data (`group.extra`, name `com.yourcompany.ai.usage`):
 *   only for bot mode and deployments without a database, since anyone who knows the group id
 *   can read it (docs/SECURITY.md). Writes are serialised per group in this process (that mode
 *   is one instance). Direct messages have no group to live in there, so in this mode they are
 *   counted in the metrics and the log only.
 */
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { createGroupDataDoc } from '../tailchat/group-data-doc.js';
import type { TailchatHost } from '../tailchat/host.js';
import { sumCounters, type Counters } from './counts.js';
import { createMongoUsageStore } from '../store/usage.js';

/** A group's counters, or those of all direct messages with the agent. */
export type UsageScope = { groupId: string } | { direct: true };

export interface UsageStore {
  readonly kind: 'mongo' | 'redis' | 'group-data';
  add(scope: UsageScope, month: string, increments: Counters): Promise<void>;
  read(scope: UsageScope, month: string): Promise<Counters>;
}

export const USAGE_DATA_NAME = 'com.yourcompany.ai.usage';
/** Months kept in a group's document (older ones are dropped on the next write). */
export const GROUP_DATA_MONTHS = 13;
const REDIS_TTL_SECONDS = 400 * 24 * 3600;

export function createRedisUsageStore(redis: Redis, prefix = 'tcai:usage:'): UsageStore {
  const key = (scope: UsageScope, month: string) => `${prefix}${month}:${'groupId' in scope ? `group:${scope.groupId}` : 'direct'}`;
  return {
    kind: 'redis',
    async add(scope, month, increments) {
      const k = key(scope, month);
      const tx = redis.multi();
      for (const [field, by] of Object.entries(increments)) tx.hincrby(k, field, by);
      tx.expire(k, REDIS_TTL_SECONDS);
      const results = await tx.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async read(scope, month) {
      const raw = await redis.hgetall(key(scope, month));
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    },
  };
}

export const usageDoc = z.object({ months: z.record(z.string(), z.record(z.string(), z.number())) });
type UsageDoc = z.infer<typeof usageDoc>;
const parseDoc = (raw: unknown): UsageDoc => usageDoc.safeParse(raw).data ?? { months: {} };

export function createGroupDataUsageStore(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>): UsageStore {
  const doc = createGroupDataDoc(host, USAGE_DATA_NAME, parseDoc);
  return {
    kind: 'group-data',
    async add(scope, month, increments) {
      if (!('groupId' in scope)) return; // see the module comment: no group to store DMs in
      await doc.update(scope.groupId, (current) => {
        const months = { ...current.months, [month]: sumCounters(current.months[month] ?? {}, increments) };
        const keep = Object.keys(months).sort().slice(-GROUP_DATA_MONTHS);
        return { months: Object.fromEntries(keep.map((m) => [m, months[m]!])) };
      });
    },
    async read(scope, month) {
      if (!('groupId' in scope)) return {};
      return (await doc.read(scope.groupId)).months[month] ?? {};
    },
  };
}

/** The plugin's database when the bundle has one, else Redis, else the group data. */
export function createUsageStore(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>, redis: Redis | undefined, db?: Db): UsageStore {
  if (db) return createMongoUsageStore(db);
  return redis ? createRedisUsageStore(redis) : createGroupDataUsageStore(host);
}
