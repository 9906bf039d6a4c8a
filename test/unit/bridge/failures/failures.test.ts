/**
 * Failed replies (issue #20): the cause admins read for each way a run ends in an error, and that
 * the runner notes every failed reply once, with its cause and the stored reply's id — errors
 * from the engine, a queue that was full, a run that could not be resumed — and nothing else.
 * /metrics counts them by engine and cause.
 */
import { describe, expect, it } from 'vitest';
import { createEventQueue } from '../../../../bridge/engine/event-queue.js';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { EngineError, type Engine, type EngineEvent } from '../../../../bridge/engine/types.js';
import { causeOfErrorKind, FAILURE_CAUSES } from '../../../../bridge/failures/cause.js';
import type { FailureLog } from '../../../../bridge/failures/log.js';
import { createFailureRecorder, type EndedInError } from '../../../../bridge/failures/recorder.js';
import { allowMetricLabels, metricsText, sampleValue } from '../../../../bridge/observability/metrics.js';
import { executeRun, type RunJob } from '../../../../bridge/run/execute.js';
import { createMemoryLedger, createMemoryLedgerStore } from '../../../../bridge/run/ledger.js';
import { createRunner, INTERRUPTED_TEXT } from '../../../../bridge/run/runner.js';
import type { FailedReply } from '../../../../protocol/admin.js';
import { errorKind } from '../../../../protocol/blocks.js';
import { createFakeHost, recordingLogger, silentLogger } from '../../fakes/tailchat-host.js';

const job = (runId = 'tc-m1', extra: Partial<RunJob> = {}): RunJob => ({
  engineId: 'test',
  request: { runId, sessionKey: 'agent:main:tailchat:group:g1', prompt: 'hi', requester: { userId: 'U1' }, origin: { groupId: 'G1', converseId: 'P1', messageId: 'm1' } },
  target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } },
  ...extra,
});
function engineFrom(events: EngineEvent[] | Error): Engine {
  return {
    id: 'test',
    async start(r) {
      if (events instanceof Error) throw events;
      const q = createEventQueue(r.runId);
      setTimeout(() => events.forEach((e) => q.push(e)), 1);
      return q;
    },
    abort: async () => false,
    reset: async () => undefined,
    health: async () => ({ ok: true, detail: '' }),
    close: async () => undefined,
  };
}
const baseDeps = (noted: EndedInError[], host = createFakeHost().host) => ({
  host,
  botUserId: 'BOT',
  intervalMs: 20,
  maxReplyChars: 60_000,
  runTimeoutMs: 5_000,
  logger: silentLogger,
  recordFailure: async (f: EndedInError) => void noted.push(f),
});

describe('the cause of a failed reply', () => {
  it('maps every error kind of the protocol onto a cause an admin acts on', () => {
    expect(Object.fromEntries(errorKind.options.map((k) => [k, causeOfErrorKind(k)]))).toEqual({
      refusal: 'refused',
      timeout: 'timed-out',
      rate_limit: 'rate-limited',
      context_length: 'too-long',
      unavailable: 'engine-down',
      auth: 'engine-auth',
      bad_response: 'bad-response',
      denied: 'denied',
      unknown: 'other',
    });
  });

  it('an engine that says its run was interrupted is "interrupted"; anything else (or nothing) is "other"', () => {
    expect(causeOfErrorKind('interrupted')).toBe('interrupted');
    // The engine's cause refines the kind: a gateway that lost a run after tools interrupted it.
    expect(causeOfErrorKind('unavailable', 'interrupted-after-tools')).toBe('interrupted');
    expect(causeOfErrorKind('unavailable', 'engine-unreachable')).toBe('engine-down');
    expect(causeOfErrorKind(undefined)).toBe('other');
    expect(causeOfErrorKind('a-kind-an-engine-made-up')).toBe('other');
    expect(causeOfErrorKind('toString')).toBe('other'); // not read off Object.prototype
    for (const kind of [...errorKind.options, 'interrupted', 'x']) expect(FAILURE_CAUSES).toContain(causeOfErrorKind(kind));
  });
});

describe('the runner notes failed replies', () => {
  it('an engine error: once, with its cause, the place, the requester and the stored reply', async () => {
    const noted: EndedInError[] = [];
    const fake = createFakeHost();
    const out = await executeRun(engineFrom([{ type: 'text', text: 'par' }, { type: 'error', kind: 'timeout', message: 'slow' }]), job(), baseDeps(noted, fake.host));
    expect(out.status).toBe('error');
    expect(noted).toEqual([{ runId: 'tc-m1', engineId: 'test', cause: 'timed-out', groupId: 'G1', converseId: 'P1', messageId: out.message!._id, requester: 'U1' }]);
  });

  it('an engine that cannot start is "engine-down"; a Regenerate / Retry names who clicked', async () => {
    const noted: EndedInError[] = [];
    await executeRun(engineFrom(new EngineError('unavailable', 'gateway down')), job('tc-m1.r2', { actorId: 'U2' }), baseDeps(noted));
    expect(noted).toMatchObject([{ runId: 'tc-m1.r2', cause: 'engine-down', requester: 'U2' }]);
  });

  it('a reply that is answered, or stopped, is no failure', async () => {
    const noted: EndedInError[] = [];
    await executeRun(engineFrom([{ type: 'final', text: 'ok' }]), job(), baseDeps(noted));
    await executeRun(engineFrom([{ type: 'aborted', reason: 'stopped by user' }]), job('tc-m2'), baseDeps(noted));
    expect(noted).toEqual([]);
  });

  it('a run refused because the queue is full is "busy"', async () => {
    const noted: EndedInError[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow: Engine = {
      ...engineFrom([]),
      async start(r) {
        const q = createEventQueue(r.runId);
        void held.then(() => q.push({ type: 'final', text: 'done' }));
        return q;
      },
    };
    const runner = createRunner(createEngineRegistry({ test: () => slow }), baseDeps(noted), { maxActive: 1, maxPerGroup: 1, maxQueued: 0 });
    await runner.start(job('tc-a'));
    await runner.start({ ...job('tc-b'), request: { ...job('tc-b').request, origin: { groupId: 'G1', converseId: 'P1', messageId: 'b' } } });
    await expect.poll(() => noted.length).toBe(1);
    expect(noted[0]).toMatchObject({ runId: 'tc-b', cause: 'busy', groupId: 'G1' });
    release();
    await runner.drain();
    runner.close();
    expect(noted).toHaveLength(1);
  });

  it('an adopted run its engine cannot resume is "interrupted"', async () => {
    const noted: EndedInError[] = [];
    const fake = createFakeHost();
    let t = 1_000_000;
    const store = createMemoryLedgerStore({ now: () => t });
    const dead = createMemoryLedger({ owner: 'A', leaseMs: 10_000, store, now: () => t });
    await dead.claim({ job: { ...job('tc-orphan'), engineId: 'mbe' }, draftId: '650000000000000000000001' });
    t += 20_000; // A stopped renewing its lease
    const ledger = createMemoryLedger({ owner: 'B', leaseMs: 10_000, store, now: () => t });
    const runner = createRunner(createEngineRegistry({ mbe: () => engineFrom([{ type: 'final', text: 'never' }]) }), baseDeps(noted, fake.host), { maxActive: 5, maxPerGroup: 5, maxQueued: 5 }, { ledger, heartbeatMs: 60_000 });
    expect(await runner.adoptOrphans()).toBe(1);
    await runner.drain();
    runner.close();
    expect(noted).toMatchObject([{ runId: 'tc-orphan', engineId: 'mbe', cause: 'interrupted' }]);
    expect(fake.byAction('chat.message.sendMessage').map((c) => c.params.content)).toEqual([expect.stringContaining(INTERRUPTED_TEXT.slice(0, 30))]);
  });
});

describe('the failure recorder', () => {
  allowMetricLabels({ engines: ['f-rec'] });
  const failure = (over: Partial<EndedInError> = {}): EndedInError => ({ runId: 'tc-x', engineId: 'f-rec', cause: 'engine-down', groupId: 'G1', converseId: 'P1', messageId: 'M1', requester: 'U1', ...over });

  it('counts by engine and cause in /metrics, and keeps group failures for the admin list', async () => {
    const kept: FailedReply[] = [];
    const log: FailureLog = { record: async (f) => void kept.push(f), recent: async () => kept };
    const record = createFailureRecorder(log, silentLogger, () => Date.UTC(2026, 4, 17, 12));
    const before = await sampleValue('tcai_failed_replies_total', { engine: 'f-rec', cause: 'engine-down' });
    await record(failure());
    await record(failure({ runId: 'tc-dm', groupId: undefined }));
    expect(await sampleValue('tcai_failed_replies_total', { engine: 'f-rec', cause: 'engine-down' })).toBe(before + 2);
    // A DM has no group admin to read it: counted and logged, not listed.
    expect(kept).toEqual([{ at: '2026-05-17T12:00:00.000Z', groupId: 'G1', converseId: 'P1', runId: 'tc-x', messageId: 'M1', engine: 'f-rec', cause: 'engine-down', requester: 'U1' }]);
  });

  it('never throws when the store is down, and never puts free text in a label', async () => {
    const logger = recordingLogger();
    const log: FailureLog = { record: async () => Promise.reject(new Error('db down')), recent: async () => [] };
    await expect(createFailureRecorder(log, logger.logger)(failure({ cause: 'made-up cause' as never }))).resolves.toBeUndefined();
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('not kept'))).toBe(true);
    expect(await metricsText()).not.toContain('made-up cause');
    expect(await sampleValue('tcai_failed_replies_total', { engine: 'f-rec', cause: 'other' })).toBeGreaterThanOrEqual(1);
  });
});
