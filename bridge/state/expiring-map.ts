/**
 * A map whose entries expire after a time to live, with an optional size cap: for state that
 * grows with runs, sessions or users and must stay bounded in a process that runs for months.
 *
 * Entries are kept in the order they were last set; with one TTL per map that is also the order
 * they expire in, so expiry only ever looks at the oldest entries: each operation sweeps expired
 * entries from the front and stops at the first live one (O(1) amortised, never a full walk).
 * Over the cap, the oldest entries go first.
 */
export interface ExpiringMap<K, V> {
  get(key: K): V | undefined;
  has(key: K): boolean;
  /** Sets (or refreshes) `key`: it now expires `ttlMs` from now and counts as the newest. */
  set(key: K, value: V): void;
  delete(key: K): boolean;
  /** Live entries, oldest first (expired ones are swept before). */
  entries(): IterableIterator<[K, V]>;
  /** Entries held now (expired ones not swept yet may still count). */
  readonly size: number;
}

export interface ExpiringMapOptions {
  ttlMs: number;
  /** At most this many entries (default: no cap besides the TTL). */
  maxEntries?: number;
  now?: () => number;
}

export function createExpiringMap<K, V>(o: ExpiringMapOptions): ExpiringMap<K, V> {
  const now = o.now ?? Date.now;
  const max = o.maxEntries ?? Number.POSITIVE_INFINITY;
  const items = new Map<K, { value: V; until: number }>();

  const sweep = () => {
    const t = now();
    for (const [key, item] of items) {
      if (item.until > t) break;
      items.delete(key);
    }
  };
  const live = (key: K) => {
    sweep();
    const item = items.get(key);
    if (!item) return undefined;
    if (item.until > now()) return item;
    items.delete(key); // expired behind a newer-expiring head (a clock step): still gone
    return undefined;
  };

  return {
    get: (key) => live(key)?.value,
    has: (key) => live(key) !== undefined,
    set(key, value) {
      sweep();
      items.delete(key);
      items.set(key, { value, until: now() + o.ttlMs });
      while (items.size > max) items.delete(items.keys().next().value as K);
    },
    delete(key) {
      sweep();
      return items.delete(key);
    },
    *entries() {
      sweep();
      const t = now();
      for (const [key, item] of items) if (item.until > t) yield [key, item.value];
    },
    get size() {
      return items.size;
    },
  };
}
