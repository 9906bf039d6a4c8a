/**
 * The run ledger's contract, on both implementations: the in-memory one (with a controlled clock)
 * and the Redis one (a real redis-server, real lease expiry in Redis).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createMemoryLedger, createMemoryLedgerStore, type LedgerRun, type RunLedger } from '../../../../bridge/run/ledger.js';
import { createRedisLedger, createRedisLedgerReader } from '../../../../bridge/run/ledger-redis.js';
import { startRedis } from '../../../support/redis-server.js';
import { recordingLogger, silentLogger } from '../../fakes/tailchat-host.js';

const LEASE = 400;
const DONE_TTL = 1_500;

const run = (n: number): LedgerRun => ({
  job: {
    engineId: 'openclaw',
    request: { runId: `tc-${n}`, sessionKey: 's', prompt: `prompt ${n}`, requester: { userId: 'U' }, origin: { groupId: 'G', converseId: 'P', messageId: `${n}` } },
    target: { converseId: 'P', groupId: 'G', audience: { room: 'P' } },
  } satisfies RunJob,
  draftId: `draft-${n}`,
});

interface Cluster {
  /** The ledger as instance `owner` sees it. */
  instance(owner: string): RunLedger;
  /** Lets `ms` pass (a controlled clock, or real time for Redis). */
  pass(ms: number): Promise<void>;
}

function contract(name: string, cluster: () => Cluster) {
  describe(`${name} run ledger`, () => {
    it('lets exactly one instance claim a run, also after it finished, until the tombstone expires', async () => {
      const c = cluster();
      const [a, b] = [c.instance('A'), c.instance('B')];
      const claims = await Promise.all([a.claim(run(1)), b.claim(run(1))]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await b.claim(run(1))).toBe(false);
      await a.finish('tc-1');
      expect(await b.claim(run(1))).toBe(false); // a redelivery after the reply
      expect(await a.inFlight()).not.toContain('tc-1');
      await c.pass(DONE_TTL + 200);
      expect(await b.claim(run(1))).toBe(true);
    });

    it('keeps a run with its owner while the owner renews', async () => {
      const c = cluster();
      const [a, b] = [c.instance('A'), c.instance('B')];
      await a.claim(run(2));
      for (let i = 0; i < 4; i++) {
        await c.pass(LEASE / 2);
        expect(await a.renew([run(2)])).toEqual([]);
      }
      expect(await b.adoptExpired(10)).toEqual([]);
      expect(await b.ownerOf('tc-2')).toBe('A');
    });

    it('gives an orphaned run (lease expired) to exactly one adopter, with its job and draft', async () => {
      const c = cluster();
      const [a, b, d] = [c.instance('A'), c.instance('B'), c.instance('D')];
      await a.claim(run(3));
      await c.pass(LEASE + 200);
      expect(await b.ownerOf('tc-3')).toBeUndefined();
      const [byB, byD] = await Promise.all([b.adoptExpired(10), d.adoptExpired(10)]);
      const adopted = [...byB, ...byD];
      expect(adopted).toEqual([run(3)]);
      const winner = byB.length ? 'B' : 'D';
      expect(await a.ownerOf('tc-3')).toBe(winner);
      // The old owner comes back: it learns that the run is someone else's now.
      expect(await a.renew([run(3)])).toEqual(['tc-3']);
      expect(await c.instance(winner).renew([run(3)])).toEqual([]);
      await c.instance(winner).finish('tc-3');
      expect(await a.inFlight()).toEqual([]);
      expect(await b.adoptExpired(10)).toEqual([]);
    });

    it('adopts at most the number asked for', async () => {
      const c = cluster();
      const [a, b] = [c.instance('A'), c.instance('B')];
      for (const n of [4, 5, 6]) await a.claim(run(n));
      await c.pass(LEASE + 200);
      expect(await b.adoptExpired(2)).toHaveLength(2);
      expect(await b.adoptExpired(2)).toHaveLength(1);
      expect((await a.inFlight()).sort()).toEqual(['tc-4', 'tc-5', 'tc-6']);
    });
  });
}

contract('in-memory', () => {
  let t = 1_000_000;
  const store = createMemoryLedgerStore({ doneTtlMs: DONE_TTL, now: () => t });
  return {
    instance: (owner) => createMemoryLedger({ owner, leaseMs: LEASE, store, now: () => t }),
    pass: async (ms) => void (t += ms),
  };
});

describe('Redis', () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];
  const client = () => {
    const r = new Redis(server.url, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
    r.on('error', () => undefined);
    clients.push(r);
    return r;
  };
  const ready = (r: Redis) => (r.status === 'ready' ? Promise.resolve() : new Promise<void>((res) => r.once('ready', () => res())));
  let prefixN = 0;

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  contract('Redis', () => {
    // One prefix per case: the cases share the server.
    const prefix = `t${++prefixN}:`;
    const ledgers = new Map<string, RunLedger>();
    return {
      instance(owner) {
        let l = ledgers.get(owner);
        if (!l) {
          // (Adoption right after connecting is covered by its own case below.)
          l = createRedisLedger(client(), { owner, leaseMs: LEASE, doneTtlMs: DONE_TTL, prefix, logger: silentLogger, adoptGraceMs: 0 });
          ledgers.set(owner, l);
        }
        return l;
      },
      pass: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  });

  it('writes its runs again after Redis lost its data (a restart without persistence)', async () => {
    const r = client();
    await ready(r);
    const a = createRedisLedger(r, { owner: 'A', leaseMs: LEASE, prefix: 'restore:', logger: silentLogger });
    await a.claim(run(7));
    await r.flushall();
    expect(await a.inFlight()).toEqual([]);
    expect(await a.renew([run(7)])).toEqual([]);
    expect(await a.inFlight()).toEqual(['tc-7']);
    expect(await createRedisLedgerReader(r, 'restore:').ownerOf('tc-7')).toBe('A');
    // …and a redelivery is refused again.
    expect(await a.claim(run(7))).toBe(false);
  });

  it('waits one lease after connecting before it adopts (live owners renew first)', async () => {
    const prefix = 'grace:';
    const a = createRedisLedger(client(), { owner: 'A', leaseMs: LEASE, prefix, logger: silentLogger });
    await new Promise((res) => setTimeout(res, 50));
    await a.claim(run(8));
    await new Promise((res) => setTimeout(res, LEASE + 100)); // A's lease lapsed
    const fresh = client();
    await ready(fresh);
    const b = createRedisLedger(fresh, { owner: 'B', leaseMs: LEASE, prefix, logger: silentLogger });
    expect(await b.adoptExpired(10)).toEqual([]); // just connected
    await new Promise((res) => setTimeout(res, LEASE + 50));
    expect(await b.adoptExpired(10)).toEqual([run(8)]);
  });

  it('refuses a recovery claim while the shared state may be incomplete: within a lease of connecting, or Redis away', async () => {
    const prefix = 'recovery:';
    const fresh = client();
    await ready(fresh);
    const a = createRedisLedger(fresh, { owner: 'A', leaseMs: LEASE, prefix, logger: silentLogger });
    expect(await a.claim(run(11), { recovery: true })).toBe(false); // just connected: owners may not have renewed yet
    await new Promise((res) => setTimeout(res, LEASE + 50));
    expect(await a.claim(run(11), { recovery: true })).toBe(true);
    expect(await a.claim(run(11), { recovery: true })).toBe(false); // claimed now
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
    dead.on('error', () => undefined);
    clients.push(dead);
    const cut = createRedisLedger(dead, { owner: 'C', leaseMs: LEASE, logger: silentLogger });
    expect(await cut.claim(run(12), { recovery: true })).toBe(false);
    expect(await cut.claim(run(12))).toBe(true); // an ordinary start is never refused
  });

  it('falls back to memory when Redis is unreachable, says so once, and never refuses a run', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
    dead.on('error', () => undefined);
    clients.push(dead);
    const { lines, logger } = recordingLogger();
    const a = createRedisLedger(dead, { owner: 'A', leaseMs: LEASE, logger });
    expect(await a.claim(run(9))).toBe(true);
    expect(await a.claim(run(10))).toBe(true);
    expect(await a.claim(run(9))).toBe(false); // still guarded within this instance
    expect(await a.renew([run(9), run(10)])).toEqual([]);
    expect(await a.adoptExpired(10)).toEqual([]);
    await a.finish('tc-9');
    expect(await a.inFlight()).toEqual(['tc-10']);
    expect(lines.filter((l) => l.level === 'warn' && l.msg.includes('Redis unavailable')), JSON.stringify(lines)).toHaveLength(1);
  });
});
