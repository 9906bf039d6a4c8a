/**
 * Usage counters in the plugin's own collection: per scope (a group, or all direct messages) and
 * UTC month, `$inc` on an upserted document, so any number of runner instances count together
 * without Redis. A scope's month may have more than one document — the live counters and the
 * ones copied from group data (keyed by the copied content, so copying twice adds nothing) —
 * and a read sums them.
 *
 * Counter names (`agent|<agentId>|total`) hold ids, which may contain `.` or start with `$`; they
 * are escaped into safe field names (`%2E`, `%24`, `%25`).
 */
import type { Db } from 'mongodb';
import { sumCounters, type Counters } from '../usage/counts.js';
import type { UsageScope, UsageStore } from '../usage/store.js';
import { COLLECTIONS, keyId } from './collections.js';

interface UsageDoc {
  scope: string;
  month: string;
  /** 'live', or `group-data:<digest>` for a copy. */
  source: string;
  counters: Record<string, number>;
}

const escapeField = (name: string) => name.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24');
const unescapeField = (name: string) => name.replace(/%2E/g, '.').replace(/%24/g, '$').replace(/%25/g, '%');

export const scopeKey = (scope: UsageScope) => ('groupId' in scope ? `group:${scope.groupId}` : 'direct');
const docId = (scope: string, month: string, source: string) => keyId(`usage:${scope}:${month}:${source}`);

const escaped = (counters: Counters, prefix = '') =>
  Object.fromEntries(Object.entries(counters).filter(([, n]) => Number.isFinite(n) && n !== 0).map(([k, n]) => [prefix + escapeField(k), n]));

export function createMongoUsageStore(db: Db): UsageStore & {
  /** Stores counters copied from elsewhere under a key of their source: the same copy twice is one. */
  putCopied(scope: UsageScope, month: string, source: string, counters: Counters): Promise<void>;
} {
  const col = db.collection<UsageDoc>(COLLECTIONS.usage);
  return {
    kind: 'mongo',
    async add(scope, month, increments) {
      const inc = escaped(increments, 'counters.');
      if (Object.keys(inc).length === 0) return;
      const key = scopeKey(scope);
      await col.updateOne({ _id: docId(key, month, 'live') }, { $inc: inc, $setOnInsert: { scope: key, month, source: 'live' } }, { upsert: true });
    },
    async read(scope, month) {
      const docs = await col.find({ scope: scopeKey(scope), month }, { projection: { counters: 1 } }).toArray();
      let total: Counters = {};
      for (const d of docs) {
        const counters = Object.fromEntries(Object.entries(d.counters ?? {}).filter(([, n]) => typeof n === 'number').map(([k, n]) => [unescapeField(k), n]));
        total = sumCounters(total, counters);
      }
      return total;
    },
    async putCopied(scope, month, source, counters) {
      const key = scopeKey(scope);
      const src = `group-data:${source}`;
      await col.replaceOne({ _id: docId(key, month, src) }, { scope: key, month, source: src, counters: escaped(counters) }, { upsert: true });
    },
  };
}
