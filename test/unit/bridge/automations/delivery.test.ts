/**
 * Exactly-once delivery of automation results and failure notices (bridge/automations/delivery.ts)
 * on the kit's CongoDB through the official driver. "Instances" are deliverers with their own
 * database client and node id over one database, posting into one fake panel; a crash is a post
 * that never returns (the instance is gone), and time is a shared clock past the lease.
 */
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationEvent, AutomationRecord, ScheduledMeta } from '../../../../protocol/automations.js';
import { createDelivery, failureNoticeRunId, type Delivery, type DeliveryDeps, type DeliveryOutcome } from '../../../../bridge/automations/delivery.js';
import { failureNoticeText } from '../../../../bridge/automations/notice.js';
import { failureClaimKey, resultClaimKey, type AutomationStore } from '../../../../bridge/automations/store.js';
import { createMongoAutomationStore } from '../../../../bridge/store/automations.js';
import { automationRecordFor } from '../../fakes/automation-record.js';
import { startCongo, throwawayDatabases, type CongoServer } from '../../../support/congodb.js';

let server: CongoServer;
const databases = throwawayDatabases(() => server, 'delivery');
const clients: MongoClient[] = [];

beforeAll(async () => {
  server = await startCongo();
});
afterAll(async () => {
  for (const c of clients.splice(0)) await c.close();
  await databases.close();
  await server?.stop();
});

/** The same database through a client of its own: another instance (connected, so racers start level). */
async function sameDatabase(db: Db): Promise<Db> {
  const client = new MongoClient(server.url(db.databaseName), { serverSelectionTimeoutMS: 3000 });
  clients.push(client);
  await client.connect();
  return client.db();
}

const LEASE_MS = 30_000;

class PanelGone extends Error {}

interface Posted {
  id: string;
  converseId: string;
  text: string;
  scheduled: ScheduledMeta;
}

/** Tailchat as the deliverers see it: panels of posted bot messages; some panels can be gone. */
function fakePanels() {
  const messages: Posted[] = [];
  const gone = new Set<string>();
  let n = 0;
  return {
    messages,
    gone,
    add(record: AutomationRecord, text: string, scheduled: ScheduledMeta) {
      const id = `m${++n}`;
      messages.push({ id, converseId: record.converseId, text, scheduled });
      return id;
    },
    async find(record: AutomationRecord, runId: string) {
      return messages.find((m) => m.converseId === record.converseId && m.scheduled.runId === runId)?.id;
    },
  };
}

type Panels = ReturnType<typeof fakePanels>;
type PostFn = (record: AutomationRecord, text: string, scheduled: ScheduledMeta) => Promise<{ messageId: string }>;

interface LogLine {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

/** Posts land in the panel after a tick (so racing instances really overlap), unless it is gone. */
const postInto =
  (panels: Panels): PostFn =>
  async (record, text, scheduled) => {
    await new Promise((r) => setTimeout(r, 5));
    if (panels.gone.has(record.converseId)) throw new PanelGone('converse not found');
    return { messageId: panels.add(record, text, scheduled) };
  };

interface InstanceOptions {
  node: string;
  clock: { t: number };
  panels: Panels;
  post?: PostFn;
  paused?: AutomationRecord[];
  logs?: LogLine[];
}

function depsFor(store: AutomationStore, o: InstanceOptions): DeliveryDeps {
  const log = (level: string) => (message: string, meta?: Record<string, unknown>) => o.logs?.push({ level, message, ...(meta ? { meta } : {}) });
  return {
    engineId: 'openclaw',
    claims: store.claims,
    jobs: store.jobs,
    post: o.post ?? postInto(o.panels),
    findPosted: (record, runId) => o.panels.find(record, runId),
    pause: async (record) => void o.paused?.push(record),
    isGone: (err) => err instanceof PanelGone,
    nodeId: o.node,
    leaseMs: LEASE_MS,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    now: () => o.clock.t,
  };
}

/** One bundle instance: its own store over `db`, and its deliverer. */
function instance(o: InstanceOptions & { db: Db }): Delivery & { store: AutomationStore } {
  const store = createMongoAutomationStore(o.db, () => o.clock.t);
  return { ...createDelivery(depsFor(store, o)), store };
}

/** A database with one job in it, and what instances share. */
async function setUp(over: Partial<AutomationRecord> = {}) {
  const db = databases.fresh();
  const record = automationRecordFor(over);
  await createMongoAutomationStore(db).jobs.put(record);
  return { db, record, clock: { t: 1_000_000 }, panels: fakePanels() };
}

const result = (record: AutomationRecord, runId: string, text = 'Good morning! Standup in 5 minutes.'): AutomationEvent => ({ kind: 'result', jobId: record.jobId, runId, sessionKey: record.sessionKey, text });
const failed = (record: AutomationRecord, runId: string, error = 'model provider returned 500'): AutomationEvent => ({ kind: 'failed', jobId: record.jobId, runId, error });
const ended = (record: AutomationRecord, enabled = false): AutomationEvent => ({ kind: 'ended', jobId: record.jobId, enabled });
const never = () => new Promise<never>(() => {});

describe('results', () => {
  it('two instances racing on the same event post once, labelled with the job and its creator', async () => {
    const { db, record, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels });
    const outcomes = await Promise.all([a.deliver(result(record, 'cron:r1')), b.deliver(result(record, 'cron:r1'))]);
    expectOnePoster(outcomes);
    expect(panels.messages).toEqual([
      { id: 'm1', converseId: 'c1', text: 'Good morning! Standup in 5 minutes.', scheduled: { jobId: record.jobId, runId: 'cron:r1', name: 'standup', creatorId: 'alice' } },
    ]);
    expect(await a.store.claims.lookup(resultClaimKey('cron:r1'))).toMatchObject({ state: 'posted', messageId: 'm1' });
    expect((await a.store.jobs.get('openclaw', record.jobId))?.last).toEqual({ at: new Date(clock.t).toISOString(), status: 'ok' });
  });

  it('the same event delivered twice (live and by the catch-up, here or on another instance) posts once', async () => {
    const { db, record, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels });
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('posted');
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('delivered-before');
    clock.t += 10 * LEASE_MS;
    expect(await b.deliver(result(record, 'cron:r1'))).toBe('delivered-before');
    expect(await b.deliver(result(record, 'cron:r2', 'the next run'))).toBe('posted');
    expect(panels.messages.map((m) => m.scheduled.runId)).toEqual(['cron:r1', 'cron:r2']);
  });

  it('a crash after posting, before marking: the take-over finds the message and does not post again', async () => {
    const { db, record, clock, panels } = await setUp();
    // A posts, then dies before it can mark the claim.
    const a = instance({ db, node: 'A', clock, panels, post: async (r, text, scheduled) => (panels.add(r, text, scheduled), never()) });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels });
    void a.deliver(result(record, 'cron:r1'));
    await until(() => panels.messages.length === 1);
    expect(await b.deliver(result(record, 'cron:r1'))).toBe('held-elsewhere'); // A's lease still runs
    clock.t += LEASE_MS;
    expect(await b.deliver(result(record, 'cron:r1'))).toBe('found');
    expect(panels.messages).toHaveLength(1);
    expect(await b.store.claims.lookup(resultClaimKey('cron:r1'))).toMatchObject({ state: 'posted', node: 'B', messageId: 'm1' });
    expect(await b.deliver(result(record, 'cron:r1'))).toBe('delivered-before');
    expect(panels.messages).toHaveLength(1);
  });

  it('a crash before posting: the take-over posts once', async () => {
    const { db, record, clock, panels } = await setUp();
    let aPosting = false;
    const a = instance({ db, node: 'A', clock, panels, post: () => ((aPosting = true), never()) });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels });
    const c = instance({ db: await sameDatabase(db), node: 'C', clock, panels });
    void a.deliver(result(record, 'cron:r1'));
    await until(() => aPosting);
    clock.t += LEASE_MS;
    const outcomes = await Promise.all([b.deliver(result(record, 'cron:r1')), c.deliver(result(record, 'cron:r1'))]);
    expectOnePoster(outcomes);
    expect(panels.messages.map((m) => m.scheduled.runId)).toEqual(['cron:r1']);
  });

  it('a restart (a new store over the same database) still knows the delivered runs', async () => {
    const { db, record, clock, panels } = await setUp();
    expect(await instance({ db, node: 'A', clock, panels }).deliver(result(record, 'cron:r1'))).toBe('posted');
    const restarted = instance({ db: await sameDatabase(db), node: 'A', clock, panels });
    expect(await restarted.deliver(result(record, 'cron:r1'))).toBe('delivered-before');
    expect(panels.messages).toHaveLength(1);
  });

  it('ignores jobs not in the store (the gateway’s own), leaving no claim behind', async () => {
    const { db, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels });
    const foreign = automationRecordFor({ jobId: 'heartbeat-main' });
    expect(await a.deliver(result(foreign, 'cron:heartbeat-main:1'))).toBe('ignored');
    expect(await a.deliver(failed(foreign, 'heartbeat-main:1'))).toBe('ignored');
    expect(await a.deliver(ended(foreign))).toBe('ignored');
    expect(panels.messages).toEqual([]);
    expect(await a.store.claims.lookup(resultClaimKey('cron:heartbeat-main:1'))).toBeUndefined();
  });

  it('a post that fails for another reason gives the claim up; the next attempt checks the panel, then posts', async () => {
    const { db, record, clock, panels } = await setUp();
    let failures = 2;
    const flaky: PostFn = async (r, text, scheduled) => {
      if (failures === 2) return (failures--, Promise.reject(new Error('socket hang up')));
      // The second failure reached Tailchat before the connection broke.
      if (failures === 1) return (failures--, panels.add(r, text, scheduled), Promise.reject(new Error('timeout')));
      return { messageId: panels.add(r, text, scheduled) };
    };
    const a = instance({ db, node: 'A', clock, panels, post: flaky });
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('retry-later');
    expect(await a.store.claims.lookup(resultClaimKey('cron:r1'))).toMatchObject({ state: 'posting', leaseUntil: 0 });
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('retry-later');
    expect(panels.messages).toHaveLength(1);
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('found');
    expect(panels.messages).toHaveLength(1);
    expect((await a.store.jobs.get('openclaw', record.jobId))?.last?.status).toBe('ok');
  });

  it('a result without text posts nothing and counts as a run that went well', async () => {
    const { db, record, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels });
    expect(await a.deliver(result(record, 'cron:r1', ' \n '))).toBe('empty');
    expect(panels.messages).toEqual([]);
    expect((await a.store.jobs.get('openclaw', record.jobId))?.last?.status).toBe('ok');
  });

  it('logs ids and at most 80 characters of the name, never the message text', async () => {
    const { db, record, clock, panels } = await setUp({ name: `${'n'.repeat(80)}SECRET-NAME-TAIL` });
    const logs: LogLine[] = [];
    const a = instance({ db, node: 'A', clock, panels, logs });
    await a.deliver(result(record, 'cron:r1', 'SECRET-RESULT-TEXT'));
    await a.deliver(failed(record, 'r2', 'provider said: SECRET-ERROR'));
    expect(logs.map((l) => l.message)).toEqual(['automation message posted', 'automation message posted']);
    expect(logs[0]!.meta).toEqual({ engineId: 'openclaw', jobId: record.jobId, groupId: 'g1', converseId: 'c1', name: 'n'.repeat(80), runId: 'cron:r1', messageId: 'm1', over: false });
    const text = JSON.stringify(logs);
    for (const secret of ['SECRET-NAME-TAIL', 'SECRET-RESULT-TEXT', 'SECRET-ERROR']) expect(text).not.toContain(secret);
  });
});

describe('failure notices', () => {
  it('a recurring job: one notice per failure streak; an ok run ends the streak', async () => {
    const { db, record, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels });
    const outcomes = await Promise.all([a.deliver(failed(record, 'r1')), b.deliver(failed(record, 'r1'))]);
    expectOnePoster(outcomes);
    expect(await a.deliver(failed(record, 'r2'))).toBe('quiet');
    expect(await b.deliver(failed(record, 'r2'))).toBe('delivered-before');
    expect((await a.store.jobs.get('openclaw', record.jobId))?.last).toMatchObject({ status: 'error', error: 'model provider returned 500' });
    expect(await a.deliver(result(record, 'cron:r3'))).toBe('posted');
    // A late duplicate of the first failure does not reopen the streak the ok run ended.
    expect(await b.deliver(failed(record, 'r1'))).toBe('delivered-before');
    expect(await b.deliver(failed(record, 'r4', 'Error: rate limited\n    at call (x.js:1)'))).toBe('posted');
    expect(panels.messages.map((m) => [m.scheduled.runId, m.text])).toEqual([
      [failureNoticeRunId('r1'), '⚠ The scheduled task "standup" failed: model provider returned 500. · 定时任务失败'],
      ['cron:r3', 'Good morning! Standup in 5 minutes.'],
      [failureNoticeRunId('r4'), '⚠ The scheduled task "standup" failed: Error: rate limited at call (x.js:1). · 定时任务失败'],
    ]);
    expect(await a.store.claims.lookup(failureClaimKey(record.jobId, 'r2'))).toMatchObject({ state: 'dropped' });
  });

  it('a take-over of a notice whose poster died checks the panel like a result', async () => {
    const { db, record, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels, post: async (r, text, scheduled) => (panels.add(r, text, scheduled), never()) });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels });
    void a.deliver(failed(record, 'r1'));
    await until(() => panels.messages.length === 1);
    clock.t += LEASE_MS;
    expect(await b.deliver(failed(record, 'r1'))).toBe('found');
    expect(await b.deliver(failed(record, 'r2'))).toBe('quiet');
    expect(panels.messages).toHaveLength(1);
  });

  it('a one-shot gets a notice for each failed run; the notice is one line of at most 200 characters of the error', async () => {
    const { db, record, clock, panels } = await setUp({ schedule: { kind: 'at', at: '2026-01-02T09:00:00.000Z' } });
    const a = instance({ db, node: 'A', clock, panels });
    const long = `first line\n${'x'.repeat(400)}`;
    expect(await a.deliver(failed(record, 'r1', long))).toBe('posted');
    expect(await a.deliver(failed(record, 'r2'))).toBe('posted');
    const notice = panels.messages[0]!.text;
    expect(notice).toBe(failureNoticeText('standup', long));
    expect(notice).not.toContain('\n');
    const reason = notice.slice(notice.indexOf('failed: ') + 'failed: '.length, notice.lastIndexOf('. · '));
    expect(reason.length).toBeLessThanOrEqual(200);
    expect(reason.startsWith('first line xxx')).toBe(true);
    expect(reason.endsWith('…')).toBe(true);
  });
});

describe('orphans', () => {
  it('a panel that is gone pauses the job at the engine and marks it orphaned; nothing is retried', async () => {
    const { db, record, clock, panels } = await setUp();
    const paused: AutomationRecord[] = [];
    const logs: LogLine[] = [];
    const a = instance({ db, node: 'A', clock, panels, paused, logs });
    const b = instance({ db: await sameDatabase(db), node: 'B', clock, panels, paused });
    panels.gone.add('c1');
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('orphaned');
    expect(paused.map((r) => r.jobId)).toEqual([record.jobId]);
    expect((await a.store.jobs.get('openclaw', record.jobId))?.state).toBe('orphaned');
    expect(await a.store.claims.lookup(resultClaimKey('cron:r1'))).toMatchObject({ state: 'dropped' });
    expect(logs.find((l) => l.level === 'warn')).toMatchObject({ message: expect.stringContaining('orphaned'), meta: { jobId: record.jobId, error: 'converse not found' } });
    clock.t += 10 * LEASE_MS;
    expect(await b.deliver(result(record, 'cron:r1'))).toBe('ignored');
    expect(await b.deliver(failed(record, 'r2'))).toBe('ignored');
    // The engine's "disabled" that follows our pause leaves it orphaned.
    expect(await b.deliver(ended(record))).toBe('kept');
    expect((await a.store.jobs.get('openclaw', record.jobId))?.state).toBe('orphaned');
    expect(paused).toHaveLength(1);
    expect(panels.messages).toEqual([]);
  });

  it('a pause the engine refuses is logged; the job is still orphaned', async () => {
    const { db, record, clock, panels } = await setUp();
    const logs: LogLine[] = [];
    const a = createDelivery({ ...depsFor(createMongoAutomationStore(db, () => clock.t), { node: 'A', clock, panels, logs }), pause: () => Promise.reject(new Error('gateway unreachable')) });
    panels.gone.add('c1');
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('orphaned');
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'automation orphaned but not paused at the engine',
      'automation orphaned: its panel is gone or the bot is no longer a member; paused, not retried',
    ]);
  });
});

describe('jobs the engine ended', () => {
  it('a recurring job the engine disabled is failed, unless we paused it; an enabled one is kept', async () => {
    const { db, record, clock, panels } = await setUp();
    const a = instance({ db, node: 'A', clock, panels });
    expect(await a.deliver(ended(record, true))).toBe('kept');
    expect(await a.deliver(ended(record))).toBe('disabled');
    expect((await a.store.jobs.get('openclaw', record.jobId))?.state).toBe('failed');
    const paused = automationRecordFor({ state: 'paused' });
    await a.store.jobs.put(paused);
    expect(await a.deliver(ended(paused))).toBe('kept');
    expect((await a.store.jobs.get('openclaw', paused.jobId))?.state).toBe('paused');
  });

  it('a one-shot is removed once its result is posted, before or after the engine says it ended', async () => {
    const at = { kind: 'at', at: '2026-01-02T09:00:00.000Z' } as const;
    const { db, record, clock, panels } = await setUp({ schedule: at });
    const a = instance({ db, node: 'A', clock, panels });
    // Ended first: its result has not come yet, so the catch-up can still deliver it.
    expect(await a.deliver(ended(record))).toBe('kept');
    expect((await a.store.jobs.get('openclaw', record.jobId))?.state).toBe('active');
    expect(await a.deliver(result(record, 'cron:r1'))).toBe('posted');
    expect(await a.store.jobs.get('openclaw', record.jobId)).toBeUndefined();
    expect(await a.deliver(ended(record))).toBe('ignored');
    // Result first, then ended.
    const second = automationRecordFor({ schedule: at });
    await a.store.jobs.put(second);
    expect(await a.deliver(result(second, 'cron:r2'))).toBe('posted');
    expect(await a.store.jobs.get('openclaw', second.jobId)).toBeUndefined();
    expect(await a.deliver(ended(second))).toBe('ignored');
    expect(panels.messages.map((m) => m.scheduled.runId)).toEqual(['cron:r1', 'cron:r2']);
  });

  it('a one-shot that failed for good is failed, whichever of the failure and "ended" comes first', async () => {
    const at = { kind: 'at', at: '2026-01-02T09:00:00.000Z' } as const;
    const { db, record, clock, panels } = await setUp({ schedule: at });
    const a = instance({ db, node: 'A', clock, panels });
    expect(await a.deliver(failed(record, 'r1'))).toBe('posted');
    expect((await a.store.jobs.get('openclaw', record.jobId))?.state).toBe('active'); // a transient error is retried
    expect(await a.deliver(ended(record))).toBe('disabled');
    expect((await a.store.jobs.get('openclaw', record.jobId))?.state).toBe('failed');
    const other = automationRecordFor({ schedule: at });
    await a.store.jobs.put(other);
    expect(await a.deliver(ended(other))).toBe('kept');
    expect(await a.deliver(failed(other, 'r2'))).toBe('posted');
    expect((await a.store.jobs.get('openclaw', other.jobId))?.state).toBe('failed');
  });
});

/**
 * One racer posted; the other found the claim held, or (when it came late: a new client's first
 * command connects first, and the machine may be busy) already settled.
 */
function expectOnePoster(outcomes: DeliveryOutcome[]): void {
  const [poster, ...others] = [...outcomes].sort((x, y) => Number(y === 'posted') - Number(x === 'posted'));
  expect(poster).toBe('posted');
  for (const other of others) expect(['held-elsewhere', 'delivered-before']).toContain(other);
}

async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
