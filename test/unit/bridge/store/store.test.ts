/**
 * The plugin's own store on a real MongoDB-wire server (the kit's CongoDB) through the official
 * driver: group settings, the audit log, usage counters, the move out of Tailchat's group data,
 * and a client that fails fast when the database is away. Each test uses its own database.
 */
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_DATA_NAME, auditEntryOf } from '../../../../bridge/audit/log.js';
import { createSettingsStore, SETTINGS_DATA_NAME } from '../../../../bridge/settings/group-settings.js';
import { createMongoAuditLog } from '../../../../bridge/store/audit.js';
import { createMongoFailureLog } from '../../../../bridge/store/failures.js';
import { FAILURES_CAP } from '../../../../bridge/failures/log.js';
import type { FailedReply } from '../../../../protocol/admin.js';
import { COLLECTIONS } from '../../../../bridge/store/collections.js';
import { isStoreUnavailable } from '../../../../bridge/store/errors.js';
import { acquireMongo, redactMongoUrl } from '../../../../bridge/store/mongo.js';
import { GROUP_EXTRA_COLLECTION, moveGroupDataIntoStore, type MoveDeps } from '../../../../bridge/store/move-group-data.js';
import { openPluginStore } from '../../../../bridge/store/plugin-store.js';
import { mongoSettingsBackend } from '../../../../bridge/store/settings.js';
import { createMongoUsageStore } from '../../../../bridge/store/usage.js';
import { reportFrom } from '../../../../bridge/usage/counts.js';
import { createUsageRecorder } from '../../../../bridge/usage/recorder.js';
import { USAGE_DATA_NAME } from '../../../../bridge/usage/store.js';
import type { GroupSettings } from '../../../../protocol/actions.js';
import { startCongo, type CongoServer } from '../../../support/congodb.js';
import { freePort } from '../../../support/redis-server.js';
import { recordingLogger, silentLogger } from '../../fakes/tailchat-host.js';

const defaults: GroupSettings = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention', prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' };
const MAY = Date.UTC(2026, 4, 17, 12);

let server: CongoServer;
const clients: MongoClient[] = [];
let dbCount = 0;
/** A fresh database on the server, through a client of its own (as one bundle instance has). */
const freshDb = (name = `t${++dbCount}`): { db: Db; again: () => Db } => {
  const client = new MongoClient(server.url(name), { serverSelectionTimeoutMS: 3000 });
  clients.push(client);
  return {
    db: client.db(),
    // A second instance of the bundle on the same database: its own client and connection pool.
    again: () => {
      const other = new MongoClient(server.url(name), { serverSelectionTimeoutMS: 3000 });
      clients.push(other);
      return other.db();
    },
  };
};
const groupId = () => new ObjectId().toHexString();

beforeAll(async () => {
  server = await startCongo();
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await server?.stop();
});

describe('group settings', () => {
  it('are the defaults until saved; a save keeps the rest and stays in its group', async () => {
    const { db } = freshDb();
    const store = createSettingsStore(mongoSettingsBackend(db), defaults);
    const [a, b] = [groupId(), groupId()];
    expect(await store.get(a)).toEqual(defaults);
    await store.save(a, { trigger: 'prefix', approvers: ['u1'] });
    await store.save(a, { monthlyTokenBudget: 5000 });
    expect(await store.get(a)).toEqual({ ...defaults, trigger: 'prefix', approvers: ['u1'], monthlyTokenBudget: 5000 });
    expect(await store.get(b)).toEqual(defaults);
    expect(await db.collection(COLLECTIONS.settings).countDocuments({ groupId: a })).toBe(1);
  });

  it('an error the server answered is not "unavailable"', async () => {
    const { db } = freshDb();
    const _id = new ObjectId();
    await db.collection('dup').insertOne({ _id });
    expect(isStoreUnavailable(await db.collection('dup').insertOne({ _id }).catch((e: unknown) => e))).toBe(false);
  });

  it('a stored field that no longer validates falls back to its default, the others stay', async () => {
    const { db } = freshDb();
    const g = groupId();
    await db.collection(COLLECTIONS.settings).insertOne({ _id: new ObjectId(), groupId: 'other', settings: {} });
    await mongoSettingsBackend(db).insertIfAbsent(g, { trigger: 'sometimes', prefix: '!ai' });
    expect(await createSettingsStore(mongoSettingsBackend(db), defaults).get(g)).toEqual({ ...defaults, prefix: '!ai' });
  });
});

describe('audit log', () => {
  it('keeps entries newest first, per group, the newest `cap` only, with bounded pages', async () => {
    const { db } = freshDb();
    const log = createMongoAuditLog(db, 5);
    const g = groupId();
    for (let i = 1; i <= 7; i++) await log.append(auditEntryOf(g, `u${i}`, 'approval.decided', { runId: `tc-${i}`, decision: 'deny' }, new Date(Date.UTC(2026, 4, i))));
    await log.append(auditEntryOf(groupId(), 'x', 'settings.changed', { changes: {} }));
    const entries = await log.recent(g, 10);
    expect(entries.map((e) => e.actor)).toEqual(['u7', 'u6', 'u5', 'u4', 'u3']);
    expect(entries[0]).toEqual({ at: '2026-05-07T00:00:00.000Z', groupId: g, actor: 'u7', action: 'approval.decided', details: { runId: 'tc-7', decision: 'deny' } });
    expect(await log.recent(g, 2)).toHaveLength(2);
    expect(await db.collection(COLLECTIONS.audit).countDocuments({ groupId: g })).toBe(5);
  });

  it('reads of tool output never push approvals out: each stream keeps its own newest `cap`', async () => {
    const { db } = freshDb();
    const log = createMongoAuditLog(db, 3);
    const g = groupId();
    await log.append(auditEntryOf(g, 'approver', 'approval.decided', { runId: 'tc-1', decision: 'allow-once' }, new Date(Date.UTC(2026, 4, 1))));
    for (let i = 0; i < 10; i++) await log.append(auditEntryOf(g, 'reader', 'tool-output.read', { runId: 'tc-1', toolCallId: `t${i}` }, new Date(Date.UTC(2026, 4, 2, 0, i))));
    const entries = await log.recent(g, 3);
    expect(entries.filter((e) => e.action === 'approval.decided').map((e) => e.actor)).toEqual(['approver']);
    expect(entries.filter((e) => e.action === 'tool-output.read')).toHaveLength(3);
    expect(await db.collection(COLLECTIONS.audit).countDocuments({ groupId: g })).toBe(4);
  });

  it('details with keys MongoDB would read as operators or paths come back as written', async () => {
    const { db } = freshDb();
    const log = createMongoAuditLog(db);
    const g = groupId();
    const details = { changes: { 'a.b': { from: null, to: 1 }, $where: { from: 'x', to: 'y' } } };
    await log.append(auditEntryOf(g, 'u1', 'settings.changed', details));
    expect((await log.recent(g, 1))[0]?.details).toEqual(details);
  });

  it('concurrent appends from two instances all land', async () => {
    const { db, again } = freshDb();
    const [one, two] = [createMongoAuditLog(db), createMongoAuditLog(again())];
    const g = groupId();
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? one : two).append(auditEntryOf(g, `u${i}`, 'tool-output.read', { runId: 'r', toolCallId: `t${i}` }))));
    expect(await one.recent(g, 100)).toHaveLength(16);
  });
});

describe('failed replies', () => {
  const failure = (groupId: string, n: number, over: Partial<FailedReply> = {}): FailedReply => ({
    at: new Date(MAY + n * 1000).toISOString(),
    groupId,
    converseId: 'P1',
    runId: `tc-${groupId}-${n}`,
    messageId: `m${n}`,
    engine: 'scripted',
    cause: 'engine-down',
    requester: 'u1',
    ...over,
  });

  it('keeps the newest 50 per group: older ones are removed when a new one is written', async () => {
    const { db } = freshDb();
    const log = createMongoFailureLog(db);
    const [g, other] = [groupId(), groupId()];
    await log.record(failure(other, 0));
    for (let n = 1; n <= FAILURES_CAP + 5; n++) await log.record(failure(g, n));
    expect(await db.collection(COLLECTIONS.failures).countDocuments({ groupId: g })).toBe(FAILURES_CAP);
    const recent = await log.recent(g, 500);
    expect(recent).toHaveLength(FAILURES_CAP);
    expect(recent[0]).toEqual(failure(g, FAILURES_CAP + 5));
    expect(recent.at(-1)!.runId).toBe(`tc-${g}-6`);
    expect((await log.recent(g, 3)).map((f) => f.runId)).toEqual([55, 54, 53].map((n) => `tc-${g}-${n}`));
    // Another group's list is its own.
    expect(await log.recent(other, 50)).toEqual([failure(other, 0)]);
  });

  it('one run is one entry, also when two instances record it; an unreadable document is skipped', async () => {
    const { db, again } = freshDb();
    const g = groupId();
    await createMongoFailureLog(db).record(failure(g, 1));
    await createMongoFailureLog(again()).record(failure(g, 1, { at: new Date(MAY + 9_000).toISOString(), cause: 'interrupted' }));
    await db.collection(COLLECTIONS.failures).insertOne({ _id: new ObjectId(), groupId: g, at: new Date(MAY + 5_000).toISOString(), cause: 'not a cause' });
    expect(await createMongoFailureLog(db).recent(g, 50)).toEqual([failure(g, 1)]);
  });
});

describe('usage counters', () => {
  it('counts per group, user, agent and engine per month; DMs too; ids with dots and dollars', async () => {
    const { db } = freshDb();
    const store = createMongoUsageStore(db);
    const g = groupId();
    const record = createUsageRecorder(store, silentLogger, () => MAY);
    const run = (userId: string, group: string | undefined, agentId: string, tokens: number) => ({
      request: { runId: `tc-${Math.random()}`, agentId, requester: { userId }, origin: { converseId: 'c1', messageId: 'm1', ...(group ? { groupId: group } : {}) } },
      engineId: 'scripted',
      status: 'done',
      usage: { inputTokens: tokens, outputTokens: 1 },
    });
    await record(run('u1', g, 'main', 100));
    await record(run('u1', g, 'coder.v2', 50));
    await record(run('u2', g, '$pecial', 10));
    await record(run('u3', undefined, 'main', 7));
    const report = reportFrom(g, '2026-05', await store.read({ groupId: g }, '2026-05'), null);
    expect(report.totals).toEqual({ runs: 3, inputTokens: 160, outputTokens: 3, totalTokens: 163 });
    expect(report.agents.map((a) => [a.id, a.runs])).toEqual([['main', 1], ['coder.v2', 1], ['$pecial', 1]]);
    expect(await store.read({ groupId: g }, '2026-04')).toEqual({});
    expect(await store.read({ direct: true }, '2026-05')).toMatchObject({ runs: 1, input: 7, 'user|u3|runs': 1 });
  });

  it('two instances counting at once lose nothing (atomic $inc upserts, no Redis)', async () => {
    const { db, again } = freshDb();
    const [one, two] = [createMongoUsageStore(db), createMongoUsageStore(again())];
    const g = groupId();
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).add({ groupId: g }, '2026-05', { runs: 1, total: 10, [`user|u${i % 3}|runs`]: 1 })));
    expect(await one.read({ groupId: g }, '2026-05')).toEqual({ runs: 30, total: 300, 'user|u0|runs': 10, 'user|u1|runs': 10, 'user|u2|runs': 10 });
    expect(await db.collection(COLLECTIONS.usage).countDocuments({})).toBe(1);
  });

  it('a copied month counts once however often it is copied, on top of the live counters', async () => {
    const { db } = freshDb();
    const store = createMongoUsageStore(db);
    const g = groupId();
    await store.add({ groupId: g }, '2026-05', { runs: 2 });
    await store.putCopied({ groupId: g }, '2026-05', 'abc', { runs: 5, total: 50 });
    await store.putCopied({ groupId: g }, '2026-05', 'abc', { runs: 5, total: 50 });
    expect(await store.read({ groupId: g }, '2026-05')).toEqual({ runs: 7, total: 50 });
  });
});

describe('moving group data of earlier versions into the store', () => {
  /** Tailchat's `groupextras` documents as `group.extra.saveGroupData` writes them. */
  const seed = async (db: Db, entries: { groupId: string; name: string; data: string; panelId?: string }[]) => {
    await db.collection(GROUP_EXTRA_COLLECTION).insertMany(entries.map((e) => ({ _id: new ObjectId(), groupId: new ObjectId(e.groupId), panelId: e.panelId ?? null, name: e.name, data: e.data })));
  };
  const oldAudit = (g: string) => JSON.stringify([auditEntryOf(g, 'admin', 'settings.changed', { changes: { trigger: { from: 'mention', to: 'prefix' } } }, new Date(Date.UTC(2026, 3, 2))), { junk: true }]);
  const oldUsage = JSON.stringify({ months: { '2026-04': { runs: 3, total: 300, 'user|u1|runs': 3 }, '2026-05': { runs: 1, total: 10 } } });
  const deps = (db: Db, blanked: string[], blank?: MoveDeps['blank']): MoveDeps => ({
    db,
    settings: mongoSettingsBackend(db),
    audit: createMongoAuditLog(db),
    usage: createMongoUsageStore(db),
    blank: blank ?? (async (g, name) => void blanked.push(`${g}/${name}`)),
    logger: silentLogger,
  });

  it('copies settings, usage and the audit log of every group, then blanks each entry', async () => {
    const { db } = freshDb();
    const [a, b] = [groupId(), groupId()];
    await seed(db, [
      { groupId: a, name: SETTINGS_DATA_NAME, data: JSON.stringify({ ...defaults, trigger: 'prefix', approvers: ['u9'], injected: { $set: 1 } }) },
      { groupId: a, name: USAGE_DATA_NAME, data: oldUsage },
      { groupId: a, name: AUDIT_DATA_NAME, data: oldAudit(a) },
      { groupId: b, name: SETTINGS_DATA_NAME, data: '{not json' },
      { groupId: b, name: USAGE_DATA_NAME, data: '' },
      { groupId: b, name: 'com.other.plugin', data: '{"keep":true}' },
      { groupId: b, name: SETTINGS_DATA_NAME, data: '{"trigger":"all"}', panelId: 'p1' },
    ]);
    const blanked: string[] = [];
    expect(await moveGroupDataIntoStore(deps(db, blanked))).toEqual({ moved: 3, unreadable: 1, failed: 0 });
    expect(blanked.sort()).toEqual([`${a}/${AUDIT_DATA_NAME}`, `${a}/${SETTINGS_DATA_NAME}`, `${a}/${USAGE_DATA_NAME}`, `${b}/${SETTINGS_DATA_NAME}`].sort());

    expect(await createSettingsStore(mongoSettingsBackend(db), defaults).get(a)).toEqual({ ...defaults, trigger: 'prefix', approvers: ['u9'] });
    const usage = createMongoUsageStore(db);
    expect(await usage.read({ groupId: a }, '2026-04')).toEqual({ runs: 3, total: 300, 'user|u1|runs': 3 });
    expect(await usage.read({ groupId: a }, '2026-05')).toEqual({ runs: 1, total: 10 });
    expect((await createMongoAuditLog(db).recent(a, 10)).map((e) => [e.actor, e.action, e.groupId])).toEqual([['admin', 'settings.changed', a]]);
    // Tailchat's collection is only read.
    expect(await db.collection(GROUP_EXTRA_COLLECTION).countDocuments({ name: SETTINGS_DATA_NAME, data: { $ne: '' } })).toBe(3);
  });

  it('several instances moving at once, and again after a crash before the blanking, copy everything once', async () => {
    const { db, again } = freshDb();
    const g = groupId();
    await seed(db, [
      { groupId: g, name: USAGE_DATA_NAME, data: oldUsage },
      { groupId: g, name: AUDIT_DATA_NAME, data: oldAudit(g) },
      { groupId: g, name: SETTINGS_DATA_NAME, data: JSON.stringify({ trigger: 'prefix' }) },
    ]);
    // A first instance copies, then dies before it blanks anything (Tailchat unreachable).
    const log = recordingLogger();
    const crashed = await moveGroupDataIntoStore({ ...deps(db, []), blank: () => Promise.reject(new Error('Tailchat went away')), logger: log.logger });
    expect(crashed).toEqual({ moved: 0, unreadable: 0, failed: 3 });
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    // Meanwhile an admin saved new settings through the plugin: a later copy must not undo that.
    await createSettingsStore(mongoSettingsBackend(db), defaults).save(g, { trigger: 'all' });
    // Two instances start together and both move what is still there.
    const blanked: string[] = [];
    const reports = await Promise.all([moveGroupDataIntoStore(deps(db, blanked)), moveGroupDataIntoStore(deps(again(), blanked))]);
    expect(reports.map((r) => r.moved)).toEqual([3, 3]);

    expect(await createMongoUsageStore(db).read({ groupId: g }, '2026-04')).toEqual({ runs: 3, total: 300, 'user|u1|runs': 3 });
    expect(await createMongoAuditLog(db).recent(g, 10)).toHaveLength(1);
    expect((await createSettingsStore(mongoSettingsBackend(db), defaults).get(g)).trigger).toBe('all');
  });
});

describe('the shared client', () => {
  it('one client per URL; a database that is away fails a command within seconds, not the driver default 30 s', async () => {
    const url = `mongodb://127.0.0.1:${await freePort()}/nothing`;
    const log = recordingLogger();
    const a = acquireMongo(url, log.logger);
    const b = acquireMongo(url, log.logger);
    expect(a.db).toBeDefined();
    const t0 = Date.now();
    const err = await a.db.collection('x').findOne({}).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(8_000);
    // The actions answer this with "cannot reach its data right now" (503), not the driver's text.
    expect(isStoreUnavailable(err)).toBe(true);
    await a.release();
    await b.release();
  });

  it('the plugin store opens on the URL, and its URL is logged without credentials', async () => {
    const store = openPluginStore(server.url('opened'), silentLogger);
    await store.usage.add({ groupId: 'g' }, '2026-05', { runs: 1 });
    expect(await store.usage.read({ groupId: 'g' }, '2026-05')).toEqual({ runs: 1 });
    await store.release();
    expect(redactMongoUrl('mongodb://tc:s3cret@mongo:27017/tailchat')).toBe('mongodb://[redacted]@mongo:27017/tailchat');
  });
});
