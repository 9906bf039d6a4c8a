/**
 * The automation store (bridge/store/automations.ts on the kit's CongoDB through the official
 * driver, and the memory store with the same contract): jobs keyed by engine and job id, short
 * ids resolved only inside a group, the delivery's marks, and claims with a lease and one
 * take-over. CongoDB only: another store over the same database (a restart, a second instance)
 * sees the same jobs and claims, and unreadable documents are skipped.
 */
import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createMemoryAutomationStore } from '../../../../bridge/automations/memory-store.js';
import type { AutomationStore } from '../../../../bridge/automations/store.js';
import { automationJobId, createMongoAutomationStore } from '../../../../bridge/store/automations.js';
import { COLLECTIONS, keyId } from '../../../../bridge/store/collections.js';
import { automationRecordFor } from '../../fakes/automation-record.js';
import { congoForFile } from '../../../support/congodb.js';

const congo = congoForFile('automations');
const freshDb = (): Db => congo.fresh();

const job = automationRecordFor;

type Clock = { t: number };
const stores: [string, (clock: Clock) => AutomationStore][] = [
  ['CongoDB', (clock) => createMongoAutomationStore(freshDb(), () => clock.t)],
  ['memory', (clock) => createMemoryAutomationStore(() => clock.t)],
];

describe.each(stores)('automation jobs (%s)', (_name, makeStore) => {
  it('stores, reads, lists and counts jobs; put replaces; remove says whether there was one', async () => {
    const { jobs } = makeStore({ t: 0 });
    const a = job({ jobId: 'aaaa1111-x' });
    const b = job({ jobId: 'bbbb2222-x', state: 'paused' });
    const other = job({ jobId: 'cccc3333-x', groupId: 'g2' });
    const otherEngine = job({ jobId: 'aaaa1111-x', engineId: 'scripted', groupId: 'g3' });
    for (const r of [a, b, other, otherEngine]) await jobs.put(r);
    expect(await jobs.get('openclaw', 'aaaa1111-x')).toEqual(a);
    expect(await jobs.get('scripted', 'aaaa1111-x')).toEqual(otherEngine);
    expect(await jobs.get('openclaw', 'nope')).toBeUndefined();
    expect((await jobs.listForGroup('g1')).map((r) => r.jobId)).toEqual(['aaaa1111-x', 'bbbb2222-x']);
    expect((await jobs.listActive()).map((r) => `${r.engineId}:${r.jobId}`).sort()).toEqual(['openclaw:aaaa1111-x', 'openclaw:cccc3333-x', 'scripted:aaaa1111-x']);
    expect(await jobs.countForGroup('g1')).toBe(2);
    expect(await jobs.countForGroup('g9')).toBe(0);
    await jobs.put({ ...a, name: 'renamed' });
    expect((await jobs.get('openclaw', 'aaaa1111-x'))?.name).toBe('renamed');
    expect(await jobs.remove('openclaw', 'aaaa1111-x')).toBe(true);
    expect(await jobs.remove('openclaw', 'aaaa1111-x')).toBe(false);
    expect(await jobs.countForGroup('g1')).toBe(1);
  });

  it('resolves a short id only among the group’s own jobs; shared prefixes are an error, never a pick', async () => {
    const { jobs } = makeStore({ t: 0 });
    await jobs.put(job({ jobId: '1a2b3c4d-0000-aaaa', groupId: 'g1' }));
    await jobs.put(job({ jobId: '1a2b3c4d-1111-bbbb', groupId: 'g1' }));
    await jobs.put(job({ jobId: 'feedbeef-2222-cccc', groupId: 'g1' }));
    await jobs.put(job({ jobId: '99990000-3333-dddd', groupId: 'g2' }));
    expect(await jobs.byShortId('g1', 'FEEDBEEF')).toMatchObject({ found: { jobId: 'feedbeef-2222-cccc' } });
    expect(await jobs.byShortId('g1', '1a2b3c4d-1111-bbbb')).toMatchObject({ found: { jobId: '1a2b3c4d-1111-bbbb' } });
    expect(await jobs.byShortId('g1', '1a2b3c4d')).toEqual({ error: 'ambiguous', candidates: 2 });
    // Another group's job is not found from here, not even by its whole id.
    expect(await jobs.byShortId('g1', '99990000')).toEqual({ error: 'not-found', candidates: 0 });
    expect(await jobs.byShortId('g1', '99990000-3333-dddd')).toEqual({ error: 'not-found', candidates: 0 });
    expect(await jobs.byShortId('g2', '99990000')).toMatchObject({ found: { groupId: 'g2' } });
    // Too short to be typed on purpose; a typed pattern is text, not a pattern.
    expect(await jobs.byShortId('g1', 'fee')).toEqual({ error: 'not-found', candidates: 0 });
    expect(await jobs.byShortId('g1', '.*.*')).toEqual({ error: 'not-found', candidates: 0 });
  });

  it('sets states, also only from given states; active again clears the engine-ended mark', async () => {
    const { jobs } = makeStore({ t: 0 });
    const r = job();
    await jobs.put(r);
    expect(await jobs.setState('openclaw', r.jobId, 'paused')).toBe(true);
    expect(await jobs.setState('openclaw', r.jobId, 'failed', ['active'])).toBe(false);
    expect((await jobs.get('openclaw', r.jobId))?.state).toBe('paused');
    expect(await jobs.setState('openclaw', r.jobId, 'active', ['paused', 'failed'])).toBe(true);
    expect((await jobs.markEngineEnded('openclaw', r.jobId))?.engineEnded).toBe(true);
    expect(await jobs.setState('openclaw', r.jobId, 'active')).toBe(true);
    expect((await jobs.recordLast('openclaw', r.jobId, { at: 'x', status: 'ok' }))?.engineEnded).toBe(false);
    expect(await jobs.setState('openclaw', 'nope', 'paused')).toBe(false);
    expect(await jobs.markEngineEnded('openclaw', 'nope')).toBeUndefined();
  });

  it('records the last run; one run opens a failure streak, an ok run closes it', async () => {
    const { jobs } = makeStore({ t: 0 });
    const r = job();
    await jobs.put(r);
    const after = await jobs.recordLast('openclaw', r.jobId, { at: '2026-01-02T09:00:00.000Z', status: 'error', error: 'boom' });
    expect(after).toEqual({ record: { ...r, last: { at: '2026-01-02T09:00:00.000Z', status: 'error', error: 'boom' } }, engineEnded: false });
    expect(await jobs.openFailureStreak('openclaw', r.jobId, 'run-1')).toBe(true);
    expect(await jobs.openFailureStreak('openclaw', r.jobId, 'run-1')).toBe(true); // the same run again (a retry of its notice)
    expect(await jobs.openFailureStreak('openclaw', r.jobId, 'run-2')).toBe(false);
    await jobs.recordLast('openclaw', r.jobId, { at: '2026-01-03T09:00:00.000Z', status: 'ok' });
    expect((await jobs.get('openclaw', r.jobId))?.last).toEqual({ at: '2026-01-03T09:00:00.000Z', status: 'ok' });
    expect(await jobs.openFailureStreak('openclaw', r.jobId, 'run-3')).toBe(true);
    expect(await jobs.recordLast('openclaw', 'nope', { at: 'x', status: 'ok' })).toBeUndefined();
    expect(await jobs.openFailureStreak('openclaw', 'nope', 'run-1')).toBe(false);
  });
});

describe.each(stores)('delivery claims (%s)', (_name, makeStore) => {
  it('gives a delivery to one claimer until its lease lapses, then to one that takes it over', async () => {
    const clock = { t: 1_000_000 };
    const { claims } = makeStore(clock);
    expect(await claims.claim('automation-run:r1', 'A', 30_000)).toEqual({ owned: true, over: false });
    expect(await claims.claim('automation-run:r1', 'B', 30_000)).toEqual({ owned: false, claim: { state: 'posting', node: 'A', leaseUntil: 1_030_000, at: 1_000_000 } });
    clock.t += 30_000;
    expect(await claims.claim('automation-run:r1', 'B', 30_000)).toEqual({ owned: true, over: true });
    expect(await claims.claim('automation-run:r1', 'C', 30_000)).toMatchObject({ owned: false, claim: { node: 'B' } });
    await claims.posted('automation-run:r1', 'm1');
    clock.t += 60_000;
    expect(await claims.claim('automation-run:r1', 'C', 30_000)).toMatchObject({ owned: false, claim: { state: 'posted', messageId: 'm1' } });
  });

  it('a released claim is taken over at once (with the check); a dropped one never', async () => {
    const clock = { t: 5_000 };
    const { claims } = makeStore(clock);
    await claims.claim('k-released', 'A', 30_000);
    await claims.release('k-released', 'B'); // not B's to release
    expect((await claims.claim('k-released', 'B', 30_000)).owned).toBe(false);
    await claims.release('k-released', 'A');
    expect(await claims.claim('k-released', 'B', 30_000)).toEqual({ owned: true, over: true });
    await claims.claim('k-dropped', 'A', 30_000);
    await claims.dropped('k-dropped');
    clock.t += 60_000;
    expect(await claims.claim('k-dropped', 'B', 30_000)).toMatchObject({ owned: false, claim: { state: 'dropped' } });
    expect(await claims.lookup('k-dropped')).toMatchObject({ state: 'dropped', node: 'A' });
    expect(await claims.lookup('k-never')).toBeUndefined();
  });

  it('purges settled claims only: a posting claim is the only trace of a message that may exist', async () => {
    const clock = { t: 10_000 };
    const { claims } = makeStore(clock);
    for (const k of ['old-posted', 'old-dropped', 'old-posting']) await claims.claim(k, 'A', 1_000);
    await claims.posted('old-posted', 'm');
    await claims.dropped('old-dropped');
    clock.t = 100_000;
    await claims.claim('new', 'A', 1_000);
    await claims.posted('new', 'm2');
    expect(await claims.purge(50_000)).toBe(2);
    expect(await claims.lookup('old-posted')).toBeUndefined();
    expect(await claims.lookup('old-posting')).toMatchObject({ state: 'posting' });
    expect(await claims.lookup('new')).toMatchObject({ state: 'posted' });
  });
});

describe('automation store on the database', () => {
  it('two instances racing for a lapsed claim: one takes it over', async () => {
    const clock = { t: 0 };
    const db = freshDb();
    const [a, b, c] = [createMongoAutomationStore(db, () => clock.t), createMongoAutomationStore(db, () => clock.t), createMongoAutomationStore(db, () => clock.t)];
    const first = await Promise.all([a, b, c].map((s, i) => s.claims.claim('automation-run:race', `N${i}`, 10_000)));
    expect(first.filter((r) => r.owned)).toEqual([{ owned: true, over: false }]);
    clock.t += 10_000;
    const over = await Promise.all([a, b, c].map((s, i) => s.claims.claim('automation-run:race', `M${i}`, 10_000)));
    expect(over.filter((r) => r.owned)).toEqual([{ owned: true, over: true }]);
  });

  it('a new store over the same database (a restart) knows the jobs, their marks and the delivered runs', async () => {
    const db = freshDb();
    const before = createMongoAutomationStore(db, () => 1);
    const r = job();
    await before.jobs.put(r);
    await before.jobs.openFailureStreak('openclaw', r.jobId, 'run-1');
    await before.jobs.markEngineEnded('openclaw', r.jobId);
    await before.claims.claim('automation-run:r9', 'A', 1_000);
    await before.claims.posted('automation-run:r9', 'm9');
    const after = createMongoAutomationStore(db, () => 999_999);
    expect(await after.jobs.get('openclaw', r.jobId)).toEqual(r);
    expect(await after.jobs.openFailureStreak('openclaw', r.jobId, 'run-2')).toBe(false);
    expect((await after.jobs.recordLast('openclaw', r.jobId, { at: 'x', status: 'ok' }))?.engineEnded).toBe(true);
    expect(await after.claims.claim('automation-run:r9', 'B', 1_000)).toMatchObject({ owned: false, claim: { state: 'posted', messageId: 'm9' } });
  });

  it('keys jobs by engine and job id, and skips documents the schema cannot read', async () => {
    const db = freshDb();
    const { jobs } = createMongoAutomationStore(db);
    const good = job();
    await jobs.put(good);
    expect(await db.collection(COLLECTIONS.automations).findOne({ _id: automationJobId('openclaw', good.jobId) })).toMatchObject({ jobId: good.jobId, failureStreak: null, engineEnded: false });
    // Written by something else (an older version, a hand edit): not a record.
    await db.collection(COLLECTIONS.automations).insertOne({ _id: keyId('automation-job:openclaw:broken'), engineId: 'openclaw', jobId: 'broken', groupId: 'g1', state: 'active' });
    expect(await jobs.get('openclaw', 'broken')).toBeUndefined();
    expect((await jobs.listForGroup('g1')).map((r) => r.jobId)).toEqual([good.jobId]);
    expect((await jobs.listActive()).map((r) => r.jobId)).toEqual([good.jobId]);
    // An unreadable claim may stand for a posted message: claiming it fails rather than guessing.
    await db.collection(COLLECTIONS.automationRuns).insertOne({ _id: keyId('automation-run:odd'), state: 'weird' });
    const { claims } = createMongoAutomationStore(db);
    await expect(claims.claim('automation-run:odd', 'A', 1_000)).rejects.toThrow(/unreadable claim/);
  });
});
