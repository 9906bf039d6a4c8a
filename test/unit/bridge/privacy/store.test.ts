import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capToolOutput, createMemoryToolOutputStore, createRedisToolOutputStore, type ToolOutputStore } from '../../../../bridge/privacy/store.js';
import { startRedis } from '../../../support/redis-server.js';

describe('size cap', () => {
  it('keeps small output as it is', () => {
    const out = { name: 'ls', args: { path: '.' }, result: { files: ['a', 'b'] } };
    expect(capToolOutput(out, 1000)).toEqual(out);
  });
  it('cuts a huge result to the head of its text and says so; small arguments stay whole', () => {
    const capped = capToolOutput({ name: 'cat', args: { path: 'big.log' }, result: 'x'.repeat(100_000) }, 1000);
    expect(capped.args).toEqual({ path: 'big.log' });
    expect(typeof capped.result).toBe('string');
    expect((capped.result as string).length).toBe(1000 - JSON.stringify({ path: 'big.log' }).length);
    expect(capped.truncated).toBe(true);
  });
  it('shares the cap when both parts are huge', () => {
    const capped = capToolOutput({ name: 'w', args: { text: 'a'.repeat(5000) }, result: 'b'.repeat(5000) }, 1000);
    expect((capped.args as string).length + (capped.result as string).length).toBe(1000);
    expect(capped.args as string).toMatch(/^\{"text":"aaa/);
  });
});

function suite(name: string, make: () => ToolOutputStore) {
  describe(name, () => {
    it('returns what was kept for a run and tool call, the latest write winning', async () => {
      const store = make();
      await store.put('tc-1', 't1', { name: 'grep', args: { pattern: 'TODO' } });
      await store.put('tc-1', 't1', { name: 'grep', args: { pattern: 'TODO' }, result: '3 matches' });
      await store.put('tc-1', 't2', { name: 'ls' });
      expect(await store.get('tc-1', 't1')).toEqual({ name: 'grep', args: { pattern: 'TODO' }, result: '3 matches' });
      expect(await store.get('tc-1', 't2')).toEqual({ name: 'ls' });
      expect(await store.get('tc-1', 'nope')).toBeUndefined();
      expect(await store.get('tc-2', 't1')).toBeUndefined();
    });
    it('stores output cut to the cap', async () => {
      const store = make();
      await store.put('tc-big', 't', { name: 'cat', result: 'z'.repeat(200_000) });
      const got = await store.get('tc-big', 't');
      expect(got?.truncated).toBe(true);
      expect((got?.result as string).length).toBeLessThanOrEqual(64_000);
    });
  });
}

suite('memory store', () => createMemoryToolOutputStore());

describe('memory store bounds', () => {
  it('forgets output after its time', async () => {
    let now = 0;
    const store = createMemoryToolOutputStore({ ttlMs: 1000, now: () => now });
    await store.put('r', 't', { name: 'x', args: 1 });
    now = 999;
    expect(await store.get('r', 't')).toEqual({ name: 'x', args: 1 });
    now = 1000;
    expect(await store.get('r', 't')).toBeUndefined();
  });
  it('drops the oldest beyond its count and size', async () => {
    const store = createMemoryToolOutputStore({ maxEntries: 3, maxTotalChars: 1_000_000 });
    for (let i = 0; i < 5; i++) await store.put(`r${i}`, 't', { name: 'x' });
    expect(store.size).toBe(3);
    expect(await store.get('r0', 't')).toBeUndefined();
    expect(await store.get('r4', 't')).toEqual({ name: 'x' });
    const small = createMemoryToolOutputStore({ maxEntries: 100, maxTotalChars: 250 });
    for (let i = 0; i < 5; i++) await small.put(`r${i}`, 't', { name: 'x', result: 'y'.repeat(100) });
    expect(small.size).toBe(2);
    expect(await small.get('r4', 't')).toBeDefined();
  });
});

describe('through a real Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(redis.url);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await redis.stop();
  });
  suite('redis store', () => createRedisToolOutputStore(client()));
  it('any instance reads what another kept; the run expires after the TTL', async () => {
    const a = createRedisToolOutputStore(client(), { ttlMs: 60_000 });
    const b = createRedisToolOutputStore(client(), { ttlMs: 60_000 });
    await a.put('tc-shared', 't1', { name: 'exec', args: { command: 'make' }, result: 'ok' });
    expect(await b.get('tc-shared', 't1')).toEqual({ name: 'exec', args: { command: 'make' }, result: 'ok' });
    const ttl = await client().pttl('tcai:tool-output:tc-shared');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
