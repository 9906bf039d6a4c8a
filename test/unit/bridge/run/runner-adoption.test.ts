/**
 * Two runner instances sharing one ledger (the in-memory one, with a controlled clock): the
 * cross-instance idempotency guard, adoption of a dead instance's run (re-run, already answered,
 * engine that cannot resume) and approvals on a runner that does not have the run.
 */
import { describe, expect, it } from 'vitest';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import type { Engine, EngineRun } from '../../../../bridge/engine/types.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createMemoryLedger, createMemoryLedgerStore } from '../../../../bridge/run/ledger.js';
import { createRunner, INTERRUPTED_TEXT } from '../../../../bridge/run/runner.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { createFakeHost, silentLogger } from '../../fakes/tailchat-host.js';

const LEASE = 10_000;
const job = (n: number, engineId = 'scripted'): RunJob => ({
  engineId,
  request: { runId: `tc-${n}`, sessionKey: 's', prompt: `hello ${n}`, requester: { userId: 'U' }, origin: { groupId: 'G', converseId: 'P', messageId: `${n}` } },
  target: { converseId: 'P', groupId: 'G', audience: { room: 'P' } },
});

/** An engine whose runs never end: the "instance" holding them is about to die. */
const hangingEngine = (id: string): Engine => ({
  id,
  start: async (request) => ({ runId: request.runId, [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }) }) as EngineRun,
  abort: async () => false,
  reset: async () => undefined,
  health: async () => ({ ok: true, detail: '' }),
  close: async () => undefined,
});

function cluster() {
  let t = 1_000_000;
  const store = createMemoryLedgerStore({ now: () => t });
  const fake = createFakeHost(); // one Tailchat for both instances
  const instance = (owner: string, engines: Record<string, () => Engine>) =>
    createRunner(
      createEngineRegistry(engines),
      { host: fake.host, botUserId: 'BOT', intervalMs: 10, maxReplyChars: 60_000, runTimeoutMs: 10_000, logger: silentLogger },
      { maxActive: 10, maxPerGroup: 10, maxQueued: 10 },
      { ledger: createMemoryLedger({ owner, leaseMs: LEASE, store, now: () => t }), heartbeatMs: 60_000 },
    );
  const finalsFor = (runId: string) =>
    fake.byAction('chat.message.sendMessage').filter((c) => (c.params.meta as Record<string, { runId?: string }>)[AI_META_KEY]?.runId === runId);
  const notifies = (eventName: string) => fake.byAction('gateway.notify').filter((c) => c.params.eventName === eventName).map((c) => c.params.eventData as { _id?: string; messageId?: string });
  return { fake, store, instance, finalsFor, notifies, pass: (ms: number) => void (t += ms) };
}

const scripted = () => createScriptedEngine({ chunkDelayMs: 1, chunkChars: 40, label: 'demo' });
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('runners sharing a ledger', () => {
  it('starts a run once across instances: a redelivery to the other instance starts nothing', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted });
    const b = c.instance('B', { scripted });
    expect(await a.start(job(1))).toBe(true);
    expect(await b.start(job(1))).toBe(false);
    await a.drain();
    expect(await b.start(job(1))).toBe(false); // after the reply, too
    await b.drain();
    expect(c.finalsFor('tc-1')).toHaveLength(1);
    expect(c.store.records.size).toBe(0); // finished: nothing left in flight
  });

  it('adopts the run of an instance that stopped renewing, continues its draft and stores the reply once', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted: () => hangingEngine('scripted') });
    const b = c.instance('B', { scripted });
    await a.start(job(2));
    await tick();
    a.close(); // "dies": no more renewals (its run never ends)
    expect(await b.adoptOrphans()).toBe(0); // the lease is still valid
    c.pass(LEASE + 1);
    expect(await b.adoptOrphans()).toBe(1);
    expect(await b.adoptOrphans()).toBe(0); // one adoption only
    await b.drain();
    const finals = c.finalsFor('tc-2');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.params.content).toContain('You said: "hello 2"');
    expect(c.store.records.size).toBe(0);
    // The adopter's draft has the dead owner's id (no second draft on screens), and is removed.
    const draftId = c.notifies('notify:chat.message.add')[0]?._id;
    expect(draftId).toBeDefined();
    expect(new Set(c.notifies('notify:chat.message.add').map((d) => d._id))).toEqual(new Set([draftId]));
    expect(c.notifies('notify:chat.message.delete').map((d) => d.messageId)).toContain(draftId);
  });

  it('only cleans up when the dead owner had already stored the final', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted: () => hangingEngine('scripted') });
    const b = c.instance('B', { scripted });
    await a.start(job(3));
    a.close();
    // The owner stored its reply and died before it could tell the ledger.
    await c.fake.host.sendMessage('BOT', { converseId: 'P', groupId: 'G', content: 'the reply', meta: { [AI_META_KEY]: { runId: 'tc-3' } } });
    c.pass(LEASE + 1);
    expect(await b.adoptOrphans()).toBe(1);
    await b.drain();
    expect(c.finalsFor('tc-3')).toHaveLength(1);
    expect(c.store.records.size).toBe(0);
    expect(c.notifies('notify:chat.message.delete')).toHaveLength(1);
  });

  it('tells the user the reply was interrupted when its engine cannot resume a run', async () => {
    const c = cluster();
    const a = c.instance('A', { mbe: () => hangingEngine('mbe') });
    let started = 0;
    const b = c.instance('B', { mbe: () => ({ ...hangingEngine('mbe'), start: async () => (started++, Promise.reject(new Error('must not run'))) }) });
    await a.start(job(4, 'mbe'));
    a.close();
    c.pass(LEASE + 1);
    expect(await b.adoptOrphans()).toBe(1);
    await b.drain();
    const finals = c.finalsFor('tc-4');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.params.content).toContain(INTERRUPTED_TEXT);
    expect(started).toBe(0);
  });

  it('resolves approvals only on the runner that has the run', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted });
    const b = c.instance('B', { scripted });
    await a.start({ ...job(5), request: { ...job(5).request, prompt: 'approve this' } });
    await tick(50);
    expect(await b.resolveApproval('tc-5', 'tc-5-approval', 'allow-once', 'BOB', 'G')).toEqual({ resolved: false });
    expect(await a.resolveApproval('tc-5', 'tc-5-approval', 'allow-once', 'BOB', 'G')).toEqual({ resolved: true });
    await a.drain();
    const meta = (c.finalsFor('tc-5')[0]!.params.meta as Record<string, { blocks: { type: string; decidedBy?: string }[] }>)[AI_META_KEY]!;
    expect(meta.blocks.find((b) => b.type === 'approval')?.decidedBy).toBe('BOB');
  });

  it('a member\'s message carrying the run\'s meta is no stored final: the adopter still answers', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted: () => hangingEngine('scripted') });
    const b = c.instance('B', { scripted });
    await a.start(job(7));
    a.close();
    // Any member can post a message with any meta; Tailchat stores it as sent.
    await c.fake.host.sendMessage('U_MALLORY', { converseId: 'P', groupId: 'G', content: 'forged', meta: { [AI_META_KEY]: { runId: 'tc-7' } } });
    c.pass(LEASE + 1);
    expect(await b.adoptOrphans()).toBe(1);
    await b.drain();
    const finals = c.finalsFor('tc-7').filter((f) => f.meta?.userId === 'BOT');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.params.content).toContain('You said: "hello 7"');
  });
});

describe('a run handed over again by the intake sweep (RunJob.recovery)', () => {
  it('starts nothing on the runner that has the run, or finished it', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted });
    expect(await a.start(job(20))).toBe(true);
    expect(await a.start({ ...job(20), recovery: 'started' })).toBe(false);
    await a.drain();
    expect(await a.start({ ...job(20), recovery: 'started' })).toBe(false);
    expect(c.finalsFor('tc-20')).toHaveLength(1);
  });

  it('on a runner that never heard of it (a restart without Redis), posts nothing when the answer is stored', async () => {
    const c = cluster();
    await c.fake.host.sendMessage('BOT', { converseId: 'P', groupId: 'G', content: 'the reply', meta: { [AI_META_KEY]: { runId: 'tc-21' } } });
    const fresh = c.instance('B', { scripted });
    expect(await fresh.start({ ...job(21), recovery: 'started' })).toBe(true);
    await fresh.drain();
    expect(c.finalsFor('tc-21')).toHaveLength(1); // the one stored before
  });

  it('answers it when nothing is stored: resumed when it had started, run when it never had', async () => {
    const c = cluster();
    let mbeStarts = 0;
    const mbe = () => ({ ...createScriptedEngine({ chunkDelayMs: 1, chunkChars: 40, label: 'demo' }), id: 'mbe', start: (r: Parameters<Engine['start']>[0]) => (mbeStarts++, createScriptedEngine({ chunkDelayMs: 1, chunkChars: 40, label: 'demo' }).start(r)) });
    const b = c.instance('B', { scripted, mbe });
    expect(await b.start({ ...job(22), recovery: 'started' })).toBe(true);
    // MBE cannot resume a run it had started (a second generate writes its memory twice)…
    expect(await b.start({ ...job(23, 'mbe'), recovery: 'started' })).toBe(true);
    // …but a prompt no runner ever accepted simply runs.
    expect(await b.start({ ...job(24, 'mbe'), recovery: 'unstarted' })).toBe(true);
    await b.drain();
    expect(c.finalsFor('tc-22')[0]!.params.content).toContain('You said: "hello 22"');
    expect(c.finalsFor('tc-23')[0]!.params.content).toContain(INTERRUPTED_TEXT);
    expect(c.finalsFor('tc-24')[0]!.params.content).toContain('You said: "hello 24"');
    expect(mbeStarts).toBe(1);
  });

  it('a recovery the ledger refuses (another instance has it) is not remembered as seen: asked again, it is checked again', async () => {
    const c = cluster();
    const a = c.instance('A', { scripted: () => hangingEngine('scripted') });
    const b = c.instance('B', { scripted });
    await a.start(job(25));
    expect(await b.start({ ...job(25), recovery: 'started' })).toBe(false); // A holds it
    a.close();
    await c.store.records.delete('tc-25'); // the shared record is lost with its owner (Redis restarted)
    expect(await b.start({ ...job(25), recovery: 'started' })).toBe(true);
    await b.drain();
    expect(c.finalsFor('tc-25')).toHaveLength(1);
  });
});
