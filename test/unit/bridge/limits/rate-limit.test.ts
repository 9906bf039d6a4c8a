import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFallbackCounterStore, createMemoryCounterStore, createRateLimiter, createRedisCounterStore, type CounterStore } from '../../../../bridge/limits/rate-limit.js';
import { startRedis } from '../../../support/redis-server.js';

function suite(name: string, makeStore: () => CounterStore) {
  describe(name, () => {
    it('lets a user send N prompts a minute, then says when to retry', async () => {
      const check = createRateLimiter(makeStore(), { userPerMinute: 3, groupPerMinute: 100 });
      for (let i = 0; i < 3; i++) expect(await check('u1', 'g1')).toEqual({ allowed: true });
      const refused = await check('u1', 'g1');
      expect(refused).toMatchObject({ allowed: false, scope: 'user' });
      expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
      expect((refused as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(await check('u2', 'g1')).toEqual({ allowed: true }); // other users unaffected
    });
    it('limits a whole group across its members', async () => {
      const check = createRateLimiter(makeStore(), { userPerMinute: 100, groupPerMinute: 2 });
      expect(await check('a', 'g2')).toEqual({ allowed: true });
      expect(await check('b', 'g2')).toEqual({ allowed: true });
      expect(await check('c', 'g2')).toMatchObject({ allowed: false, scope: 'group' });
      expect(await check('c', 'g3')).toEqual({ allowed: true });
    });
    it('0 means no limit', async () => {
      const check = createRateLimiter(makeStore(), { userPerMinute: 0, groupPerMinute: 0 });
      for (let i = 0; i < 50; i++) expect((await check('u', 'g')).allowed).toBe(true);
    });
  });
}

suite('rate limits in memory', () => createMemoryCounterStore());

describe('memory windows', () => {
  it('reopen after a minute', async () => {
    let now = 0;
    const check = createRateLimiter(createMemoryCounterStore(() => now), { userPerMinute: 1, groupPerMinute: 0 });
    expect((await check('u', undefined)).allowed).toBe(true);
    expect((await check('u', undefined)).allowed).toBe(false);
    now = 60_001;
    expect((await check('u', undefined)).allowed).toBe(true);
  });
  it('forget ended windows: a month of users holds only the last minute\'s', async () => {
    let now = 0;
    const store = createMemoryCounterStore(() => now, 1_000);
    const check = createRateLimiter(store, { userPerMinute: 1, groupPerMinute: 0 });
    // 50,000 users over ~3.5 days, one prompt each every 6 s; then one of the last ones again.
    for (let i = 0; i < 50_000; i++) {
      now = i * 6_000;
      expect((await check(`u${i}`, undefined)).allowed).toBe(true);
    }
    expect((await check('u49999', undefined)).allowed).toBe(false); // its window is still counted
    // Only windows younger than a minute are kept (about 10 here), far below the cap of 1,000.
    const hit = await store.hit('probe', 60_000);
    expect(hit.count).toBe(1);
  });
});

describe('rate limits shared through a real Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await redis.stop();
  });
  let n = 0;
  const store = () => {
    const c = new Redis(redis.url);
    clients.push(c);
    return createRedisCounterStore(c, `t${++n}:`);
  };
  it('two instances count together', async () => {
    const prefix = `shared${++n}:`;
    const a = new Redis(redis.url);
    const b = new Redis(redis.url);
    clients.push(a, b);
    const rules = { userPerMinute: 2, groupPerMinute: 0 };
    const checkA = createRateLimiter(createRedisCounterStore(a, prefix), rules);
    const checkB = createRateLimiter(createRedisCounterStore(b, prefix), rules);
    expect((await checkA('u', 'g')).allowed).toBe(true);
    expect((await checkB('u', 'g')).allowed).toBe(true);
    expect(await checkA('u', 'g')).toMatchObject({ allowed: false, scope: 'user' });
  });
  it('keys expire with the window', async () => {
    const c = new Redis(redis.url);
    clients.push(c);
    await createRedisCounterStore(c, 'exp:').hit('k', 60_000);
    const ttl = await c.pttl('exp:k');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
  suite('redis store', store);

  it('while Redis is down, counts in this instance (prompts still answered, still limited), and says so once', async () => {
    const down = await startRedis();
    const c = new Redis(down.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    c.on('error', () => {});
    const warnings: unknown[] = [];
    const check = createRateLimiter(createFallbackCounterStore(createRedisCounterStore(c, 'fb:'), createMemoryCounterStore(), (e) => warnings.push(e)), {
      userPerMinute: 2,
      groupPerMinute: 0,
    });
    expect((await check('u', 'g')).allowed).toBe(true);
    await down.stop();
    // This instance's own window starts empty: two more, then refused.
    expect((await check('u', 'g')).allowed).toBe(true);
    expect((await check('u', 'g')).allowed).toBe(true);
    expect(await check('u', 'g')).toMatchObject({ allowed: false, scope: 'user' });
    expect(warnings).toHaveLength(1);
    c.disconnect();
  });
});
