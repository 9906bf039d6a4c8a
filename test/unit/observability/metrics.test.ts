import { describe, expect, it } from 'vitest';
import { createEngineRegistry } from '../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../bridge/engine/scripted/engine.js';
import { EngineError, type Engine } from '../../../bridge/engine/types.js';
import { allowMetricLabels, countReconnects, metricsText, registry, runMetrics, sampleValue, trackRunner, trackSizes, usageMetrics } from '../../../bridge/observability/metrics.js';
import { createMemoryLedger } from '../../../bridge/run/ledger.js';
import { executeRun, type RunJob } from '../../../bridge/run/execute.js';
import { createRunner } from '../../../bridge/run/runner.js';
import { createFakeHost, silentLogger } from '../fakes/tailchat-host.js';

const job = (engineId: string, runId: string, extra: Partial<RunJob> = {}): RunJob => ({
  engineId,
  request: { runId, sessionKey: `agent:main:tailchat:group:${runId}`, prompt: 'hello', requester: { userId: 'U1' }, origin: { groupId: 'G1', converseId: 'P1', messageId: runId } },
  target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } },
  ...extra,
});
const deps = (host: ReturnType<typeof createFakeHost>['host']) => ({ host, botUserId: 'BOT', intervalMs: 50, maxReplyChars: 60_000, runTimeoutMs: 5_000, logger: silentLogger });

/** Each test uses its own engine label, so the shared registry never mixes their samples. */
const count = (name: string, labels: Record<string, string>) => sampleValue(name, labels);
// As the runner service does with its configured engines.
allowMetricLabels({ engines: ['m-ok', 'm-fail', 'm-conn', 'm-send'] });

describe('label values', () => {
  it('an engine or agent nobody configured is counted as "other", never as a series of its own', async () => {
    allowMetricLabels({ engines: ['m-labels'], agents: ['helper'] });
    const other = await count('tcai_agent_runs_total', { engine: 'm-labels', agent: 'other' });
    for (let i = 0; i < 50; i++) usageMetrics.recorded('m-labels', `agent-from-settings-${i}`, { input: 0, output: 0, total: 0 });
    usageMetrics.recorded('m-labels', 'helper', { input: 0, output: 0, total: 0 });
    usageMetrics.recorded(`engine-from-a-job-${Math.random()}`, 'helper', { input: 0, output: 0, total: 0 });
    expect(await count('tcai_agent_runs_total', { engine: 'm-labels', agent: 'other' })).toBe(other + 50);
    expect(await count('tcai_agent_runs_total', { engine: 'm-labels', agent: 'helper' })).toBe(1);
    expect(await count('tcai_agent_runs_total', { engine: 'other', agent: 'helper' })).toBeGreaterThanOrEqual(1);
    runMetrics.finished('m-labels', 'error', 10, 'a-kind-an-engine-made-up');
    expect(await count('tcai_runs_failed_total', { engine: 'm-labels', kind: 'other' })).toBe(1);
    expect(await metricsText()).not.toMatch(/agent-from-settings|engine-from-a-job|a-kind-an-engine-made-up/);
  });
});

describe('run metrics', () => {
  it('a run through executeRun counts started and finished, and observes both latency histograms', async () => {
    const engine = { ...createScriptedEngine({ chunkDelayMs: 5, chunkChars: 4, label: 'demo' }), id: 'm-ok' };
    const fake = createFakeHost();
    const receivedAt = Date.now() - 7; // the chat side received the event 7 ms ago
    const out = await executeRun(engine, job('m-ok', 'r1', { receivedAt }), deps(fake.host));
    expect(out.status).toBe('done');

    expect(await count('tcai_runs_started_total', { engine: 'm-ok' })).toBe(1);
    expect(await count('tcai_runs_finished_total', { engine: 'm-ok', status: 'done' })).toBe(1);
    expect(await count('tcai_runs_failed_total', { engine: 'm-ok' })).toBe(0);
    expect(await count('tcai_run_duration_seconds_count', { engine: 'm-ok', status: 'done' })).toBe(1);

    // event → engine: one observation, at least the 7 ms that had passed.
    expect(await count('tcai_event_to_engine_seconds_count', { engine: 'm-ok' })).toBe(1);
    expect(await count('tcai_event_to_engine_seconds_sum', { engine: 'm-ok' })).toBeGreaterThanOrEqual(0.007);
    // The 5 ms bucket is empty (it took ≥ 7 ms); the 10 s bucket has it.
    expect(await count('tcai_event_to_engine_seconds_bucket', { engine: 'm-ok', le: '0.005' })).toBe(0);
    expect(await count('tcai_event_to_engine_seconds_bucket', { engine: 'm-ok', le: '10' })).toBe(1);

    // delta → notify: one observation per live push (draft add + updates), never more.
    const pushes = fake.byAction('gateway.notify').filter((c) => c.params.eventName !== 'notify:chat.message.delete').length;
    expect(pushes).toBeGreaterThan(0);
    expect(await count('tcai_delta_to_notify_seconds_count', { engine: 'm-ok' })).toBe(pushes);
  });

  it('counts a failed run by error kind, and no event→engine sample without receivedAt', async () => {
    const engine: Engine = {
      id: 'm-fail',
      start: () => Promise.reject(new EngineError('auth', 'AUTH_TOKEN_MISMATCH')),
      abort: async () => false,
      reset: async () => undefined,
      health: async () => ({ ok: false, detail: '' }),
      close: async () => undefined,
    };
    const fake = createFakeHost();
    const out = await executeRun(engine, job('m-fail', 'r2'), deps(fake.host));
    expect(out.status).toBe('error');
    expect(await count('tcai_runs_started_total', { engine: 'm-fail' })).toBe(1);
    expect(await count('tcai_runs_finished_total', { engine: 'm-fail', status: 'error' })).toBe(1);
    expect(await count('tcai_runs_failed_total', { engine: 'm-fail', kind: 'auth' })).toBe(1);
    expect(await count('tcai_event_to_engine_seconds_count', { engine: 'm-fail' })).toBe(0);
  });

  it('counts Tailchat refusing the final message', async () => {
    const before = await count('tcai_notify_failures_total', { phase: 'final' });
    const engine = { ...createScriptedEngine({ chunkDelayMs: 1, chunkChars: 40, label: 'demo' }), id: 'm-send' };
    const fake = createFakeHost({ failSend: true });
    await expect(executeRun(engine, job('m-send', 'r3'), deps(fake.host))).rejects.toThrow('tailchat down');
    // The first try and its one retry (a refusal that is not an outage is retried once).
    expect(await count('tcai_notify_failures_total', { phase: 'final' })).toBe(before + 2);
  });

  it('reports active and queued runs of tracked runners at scrape time', async () => {
    const fake = createFakeHost();
    const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 5, chunkChars: 8, label: 'demo' }) });
    const runner = createRunner(engines, deps(fake.host), { maxActive: 2, maxPerGroup: 2, maxQueued: 5 });
    const untrack = trackRunner(runner);
    try {
      for (let i = 0; i < 5; i++) runner.start(job('scripted', `q${i}`));
      expect(await count('tcai_active_runs', {})).toBe(2);
      expect(await count('tcai_queued_runs', {})).toBe(3);
      await runner.drain();
      expect(await count('tcai_active_runs', {})).toBe(0);
      expect(await count('tcai_queued_runs', {})).toBe(0);
    } finally {
      untrack();
    }
  });

  it("counts engine reconnects from the connection's onOpen hook (the first open is not one)", async () => {
    const listeners = new Set<(hello: unknown, reconnect: boolean) => void>();
    const connection = { onOpen: (l: (hello: unknown, reconnect: boolean) => void) => (listeners.add(l), () => void listeners.delete(l)) };
    const open = (reconnect: boolean) => listeners.forEach((l) => l({}, reconnect));
    const stop = countReconnects('m-conn', connection);
    open(false);
    open(true);
    open(true);
    expect(await count('tcai_engine_reconnects_total', { engine: 'm-conn' })).toBe(2);
    stop();
    open(true);
    expect(await count('tcai_engine_reconnects_total', { engine: 'm-conn' })).toBe(2);
  });

  it('renders the Prometheus text format, with process metrics only when enabled', async () => {
    const text = await metricsText();
    expect(text).toContain('# TYPE tcai_runs_finished_total counter');
    expect(text).toContain('# HELP tcai_event_to_engine_seconds ');
    expect(text).toContain('# TYPE tcai_delta_to_notify_seconds histogram');
    expect(text).toMatch(/^tcai_runs_finished_total\{engine="m-ok",status="done"\} 1$/m);
    expect(text).toMatch(/^tcai_event_to_engine_seconds_bucket\{le="\+Inf",engine="m-ok"\} 1$/m);
    expect(text).toMatch(/^tcai_active_runs 0$/m);
    // Only our one registry: prom-client's global default registry stays empty.
    const { register } = await import('prom-client');
    expect(register.getMetricsAsArray()).toHaveLength(0);
    expect(registry.getSingleMetric('process_cpu_seconds_total')).toBeUndefined();
  });
});

describe('sizes of bounded structures', () => {
  it('a runner and its engines and ledger report their entries on every scrape, and stop when untracked', async () => {
    const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 1, chunkChars: 50, label: 'demo' }) });
    const ledger = createMemoryLedger({ owner: 'n1', leaseMs: 10_000 });
    const fake = createFakeHost();
    const runner = createRunner(engines, deps(fake.host), undefined, { ledger });
    const untrack = trackSizes(() => ({ ...ledger.sizes(), ...runner.sizes(), ...engines.sizes() }));
    try {
      for (const id of ['s1', 's2', 's3']) {
        await runner.start(job('scripted', `size-${id}`));
        await runner.whenDone(`size-${id}`);
      }
      expect(await sampleValue('tcai_bounded_entries', { structure: 'ledger_tombstones' })).toBe(3);
      expect(await sampleValue('tcai_bounded_entries', { structure: 'ledger_runs' })).toBe(0);
      expect(await sampleValue('tcai_bounded_entries', { structure: 'scripted_sessions' })).toBe(3);
      expect(await sampleValue('tcai_bounded_entries', { structure: 'scripted_runs' })).toBe(0);
      expect(await sampleValue('tcai_bounded_entries', { structure: 'scripted_finished_runs' })).toBe(3);
      expect(await metricsText()).toMatch(/tcai_bounded_entries\{structure="runner_recent_runs"\} 3/);
    } finally {
      untrack();
      runner.close();
      await engines.close();
    }
    expect(await metricsText()).not.toContain('structure="ledger_tombstones"');
  });
});

describe('the runner\'s own memory', () => {
  it('remembers at most `remembered` finished runs', async () => {
    const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 0, chunkChars: 50, label: 'demo' }) });
    const fake = createFakeHost();
    const runner = createRunner(engines, deps(fake.host), undefined, { remembered: 2 });
    try {
      for (const id of ['a', 'b', 'c', 'd']) {
        await runner.start(job('scripted', `mem-${id}`));
        await runner.whenDone(`mem-${id}`);
      }
      expect(runner.sizes()).toMatchObject({ runner_runs: 0, runner_recent_runs: 2 });
    } finally {
      runner.close();
      await engines.close();
    }
  });
});
