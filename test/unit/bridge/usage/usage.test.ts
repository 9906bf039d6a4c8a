/**
 * Usage metering: what a finished run adds, both durable stores (Tailchat group data through the
 * fake host, a real redis-server), the recorder (metrics too) and the monthly budget.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowMetricLabels, sampleValue } from '../../../../bridge/observability/metrics.js';
import { createBudgetCheck } from '../../../../bridge/usage/budget.js';
import { countersFor, renewalDate, reportFrom, tokensOf, utcMonth } from '../../../../bridge/usage/counts.js';
import { createUsageRecorder } from '../../../../bridge/usage/recorder.js';
import { createGroupDataUsageStore, createRedisUsageStore, GROUP_DATA_MONTHS, USAGE_DATA_NAME, type UsageStore } from '../../../../bridge/usage/store.js';
import { startRedis } from '../../../support/redis-server.js';
import { createFakeHost, recordingLogger, silentLogger } from '../../fakes/tailchat-host.js';

const MAY = Date.UTC(2026, 4, 17, 12);
const run = (userId: string, groupId: string | undefined, usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number }, agentId = 'main', engineId = 'scripted') => ({
  request: { runId: `tc-${Math.random()}`, agentId, requester: { userId }, origin: { converseId: 'c1', messageId: 'm1', ...(groupId ? { groupId } : {}) } },
  engineId,
  status: 'done',
  ...(usage ? { usage } : {}),
});

describe('counting', () => {
  it('takes the engine total when given, else input + output; ignores junk', () => {
    expect(tokensOf({ inputTokens: 10, outputTokens: 5 })).toEqual({ input: 10, output: 5, total: 15 });
    expect(tokensOf({ outputTokens: 7, totalTokens: 30 })).toEqual({ input: 0, output: 7, total: 30 });
    expect(tokensOf({ inputTokens: -3, outputTokens: Number.NaN })).toEqual({ input: 0, output: 0, total: 0 });
    expect(tokensOf(undefined)).toEqual({ input: 0, output: 0, total: 0 });
  });

  it('months are UTC and renew on the first of the next month', () => {
    expect(utcMonth(Date.UTC(2026, 11, 31, 23, 59))).toBe('2026-12');
    expect(renewalDate('2026-12')).toBe('2027-01-01');
    expect(renewalDate('2026-05')).toBe('2026-06-01');
  });

  it('a report lists users, agents and engines, largest first', () => {
    const a = countersFor({ groupId: 'g', userId: 'u1', agentId: 'main', engineId: 'openclaw', usage: { inputTokens: 10, outputTokens: 5 } });
    const b = countersFor({ groupId: 'g', userId: 'u2', agentId: 'helper|x', engineId: 'openclaw', usage: { totalTokens: 100 } });
    const merged: Record<string, number> = { ...a };
    for (const [k, v] of Object.entries(b)) merged[k] = (merged[k] ?? 0) + v;
    const report = reportFrom('g', '2026-05', merged, 1000);
    expect(report.totals).toEqual({ runs: 2, inputTokens: 10, outputTokens: 5, totalTokens: 115 });
    expect(report.users.map((u) => [u.id, u.totalTokens])).toEqual([['u2', 100], ['u1', 15]]);
    expect(report.agents.map((u) => u.id)).toEqual(['helper|x', 'main']);
    expect(report.engines).toEqual([{ id: 'openclaw', runs: 2, inputTokens: 10, outputTokens: 5, totalTokens: 115 }]);
    expect(report).toMatchObject({ budget: 1000, renewsOn: '2026-06-01' });
  });
});

function storeContract(name: string, make: () => UsageStore) {
  describe(name, () => {
    it('adds runs and tokens per group, user, agent and engine, per month', async () => {
      const store = make();
      const group = `g-${Math.random()}`;
      const record = createUsageRecorder(store, silentLogger, () => MAY);
      await record(run('u1', group, { inputTokens: 100, outputTokens: 20 }));
      await record(run('u1', group, { inputTokens: 50, outputTokens: 10 }, 'helper'));
      await record(run('u2', group)); // an engine that reports no usage: the run still counts
      const report = reportFrom(group, '2026-05', await store.read({ groupId: group }, '2026-05'), null);
      expect(report.totals).toEqual({ runs: 3, inputTokens: 150, outputTokens: 30, totalTokens: 180 });
      expect(report.users).toEqual([
        { id: 'u1', runs: 2, inputTokens: 150, outputTokens: 30, totalTokens: 180 },
        { id: 'u2', runs: 1, inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      ]);
      expect(report.agents.map((a) => [a.id, a.runs, a.totalTokens])).toEqual([['main', 2, 120], ['helper', 1, 60]]);
      expect(await store.read({ groupId: group }, '2026-04')).toEqual({});
    });

    it('concurrent runs of one group all count', async () => {
      const store = make();
      const group = `g-${Math.random()}`;
      const record = createUsageRecorder(store, silentLogger, () => MAY);
      await Promise.all(Array.from({ length: 20 }, (_, i) => record(run(`u${i % 3}`, group, { totalTokens: 10 }))));
      expect(await store.read({ groupId: group }, '2026-05')).toMatchObject({ runs: 20, total: 200 });
    });
  });
}

storeContract('group-data store (no Redis)', () => createGroupDataUsageStore(createFakeHost().host));

describe('group-data store details', () => {
  it('stores in the group data as the system user, keeps 13 months, skips DMs', async () => {
    const fake = createFakeHost();
    const store = createGroupDataUsageStore(fake.host);
    // 15 months: 2025-01 … 2026-03.
    for (let i = 0; i < 15; i++) await store.add({ groupId: 'g1' }, utcMonth(Date.UTC(2025, i, 1)), { runs: 1 });
    const doc = JSON.parse(fake.groupData.get(`g1/${USAGE_DATA_NAME}`)!) as { months: Record<string, unknown> };
    expect(Object.keys(doc.months)).toHaveLength(GROUP_DATA_MONTHS);
    expect(Object.keys(doc.months).sort()[0]).toBe('2025-03');
    expect(fake.byAction('group.extra.saveGroupData').every((c) => c.meta?.userId === '000000000000000000000000')).toBe(true);
    await store.add({ direct: true }, '2026-05', { runs: 1 });
    expect(await store.read({ direct: true }, '2026-05')).toEqual({});
  });

  it('starts again from an unreadable document instead of failing', async () => {
    const fake = createFakeHost({ groupData: { [`g1/${USAGE_DATA_NAME}`]: '{not json' } });
    const store = createGroupDataUsageStore(fake.host);
    await store.add({ groupId: 'g1' }, '2026-05', { runs: 1, total: 5 });
    expect(await store.read({ groupId: 'g1' }, '2026-05')).toEqual({ runs: 1, total: 5 });
  });
});

describe('with a real Redis', () => {
  let redis: Redis;
  let server: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  storeContract('redis store', () => createRedisUsageStore(redis));

  it('counts DMs under the user and agent, and expires old months', async () => {
    const store = createRedisUsageStore(redis);
    await createUsageRecorder(store, silentLogger, () => MAY)(run('u9', undefined, { totalTokens: 42 }));
    expect(await store.read({ direct: true }, '2026-05')).toMatchObject({ runs: 1, total: 42, 'user|u9|total': 42, 'agent|main|runs': 1 });
    const ttl = await redis.ttl('tcai:usage:2026-05:direct');
    expect(ttl).toBeGreaterThan(300 * 24 * 3600);
  });
});

describe('recorder', () => {
  it('feeds the Prometheus counters by engine and agent, and never throws when the store fails', async () => {
    allowMetricLabels({ agents: ['metered'] });
    const before = await sampleValue('tcai_tokens_total', { engine: 'mbe', agent: 'metered', kind: 'output' });
    const runsBefore = await sampleValue('tcai_agent_runs_total', { engine: 'mbe', agent: 'metered' });
    const broken: UsageStore = { kind: 'redis', add: () => Promise.reject(new Error('ECONNREFUSED')), read: () => Promise.resolve({}) };
    const log = recordingLogger();
    await createUsageRecorder(broken, log.logger)(run('u1', 'g1', { inputTokens: 3, outputTokens: 4 }, 'metered', 'mbe'));
    expect(await sampleValue('tcai_tokens_total', { engine: 'mbe', agent: 'metered', kind: 'output' })).toBe(before + 4);
    expect(await sampleValue('tcai_tokens_total', { engine: 'mbe', agent: 'metered', kind: 'total' })).toBeGreaterThanOrEqual(7);
    expect(await sampleValue('tcai_agent_runs_total', { engine: 'mbe', agent: 'metered' })).toBe(runsBefore + 1);
    expect(log.lines.find((l) => l.level === 'warn')?.msg).toContain('usage not recorded');
    expect(log.lines.find((l) => l.msg === 'usage')?.fields).toMatchObject({ groupId: 'g1', userId: 'u1', total: 7 });
  });
});

describe('monthly budget', () => {
  const store = createGroupDataUsageStore(createFakeHost().host);

  it('allows runs while the month is under budget, refuses once it is used up, allows when none is set', async () => {
    const check = (budget: number | null) => createBudgetCheck(store, async () => ({ group: budget }), silentLogger, () => MAY);
    await store.add({ groupId: 'g1' }, '2026-05', { runs: 2, total: 900 });
    expect(await check(1000)('g1')).toEqual({ allowed: true });
    await store.add({ groupId: 'g1' }, '2026-05', { runs: 1, total: 150 });
    expect(await check(1000)('g1')).toEqual({ allowed: false, month: '2026-05', used: 1050, budget: 1000, renewsOn: '2026-06-01' });
    expect(await check(null)('g1')).toEqual({ allowed: true });
    // A new month starts from zero.
    expect(await createBudgetCheck(store, async () => ({ group: 1000 }), silentLogger, () => Date.UTC(2026, 5, 1))('g1')).toEqual({ allowed: true });
  });

  it('lets the run go when the usage cannot be read', async () => {
    const broken: UsageStore = { kind: 'redis', add: async () => {}, read: () => Promise.reject(new Error('down')) };
    const log = recordingLogger();
    expect(await createBudgetCheck(broken, async () => ({ group: 10 }), log.logger)('g1')).toEqual({ allowed: true });
    expect(log.lines[0]?.msg).toContain('budget not checked');
  });
});
