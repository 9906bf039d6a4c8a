import { describe, expect, it } from 'vitest';
import { createExpiringMap } from '../../../../bridge/state/expiring-map.js';

describe('expiring map (bounded state)', () => {
  it('an entry lives for its TTL from its last set', () => {
    let t = 0;
    const m = createExpiringMap<string, number>({ ttlMs: 100, now: () => t });
    m.set('a', 1);
    t = 99;
    expect(m.get('a')).toBe(1);
    m.set('a', 2); // refreshed
    t = 150;
    expect(m.get('a')).toBe(2);
    t = 198;
    expect(m.has('a')).toBe(true);
    t = 199;
    expect(m.has('a')).toBe(false);
  });

  it('expired entries are dropped by any later operation, not kept until a threshold', () => {
    let t = 0;
    const m = createExpiringMap<number, true>({ ttlMs: 10, now: () => t });
    for (let i = 0; i < 1000; i++) m.set(i, true);
    expect(m.size).toBe(1000);
    t = 10;
    m.set(-1, true);
    expect(m.size).toBe(1);
    expect([...m.entries()].map(([k]) => k)).toEqual([-1]);
  });

  it('over its cap the oldest entries go first', () => {
    const m = createExpiringMap<string, number>({ ttlMs: 60_000, maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) m.set(k, 0);
    m.set('a', 1); // a is now the newest
    m.set('d', 0);
    expect([...m.entries()].map(([k]) => k)).toEqual(['c', 'a', 'd']);
    expect(m.size).toBe(3);
  });

  it('costs the same per operation however many entries it holds (no full walk)', () => {
    let t = 0;
    let reads = 0;
    const m = createExpiringMap<number, true>({ ttlMs: 1_000, now: () => (reads++, t) });
    for (let i = 0; i < 50_000; i++) m.set(i, true);
    reads = 0;
    for (let i = 50_000; i < 50_100; i++) m.set(i, true);
    // A sweep reads the clock once and looks at the oldest (live) entry only.
    expect(reads).toBeLessThanOrEqual(100 * 2);
    t += 1_000;
    m.set(-1, true); // one sweep removes everything expired, once
    expect(m.size).toBe(1);
  });
});
