/**
 * `npm run bench`: what the bridge adds on top of Tailchat and the engine, and how many streaming
 * runs one instance carries. The real services (`plugin:com.yourcompany.ai` and `…runner`) run in
 * one broker (no transporter) with a stub of Tailchat's actions and an in-memory engine; each
 * figure is measured side by side with a direct baseline in the same run, and printed as a table
 * with its target, met or not.
 *
 *   1. event → engine.start: Tailchat's message event emitted → the engine's start() called.
 *      Baseline: a bare handler of the same event calling start() directly.
 *   2. engine delta → gateway.notify: the engine emits text → Tailchat's notify action called
 *      (deltas spaced beyond the live-update interval, so the coalescer does not hold them).
 *      Baseline: a loop forwarding each engine event to gateway.notify directly.
 *   3. 500 concurrent streaming runs (the scripted engine, "slow" replies), arriving over 2 s:
 *      CPU time, peak RSS, and event → engine.start under that load.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import moleculer from 'moleculer';
import { addTailchatStub } from './tailchat-stub.js';
import { createEventQueue } from '../bridge/engine/event-queue.js';
import { createEngineRegistry, type EngineFactory } from '../bridge/engine/registry.js';
import { createScriptedEngine } from '../bridge/engine/scripted/engine.js';
import type { Engine, EngineEvent, EngineRun } from '../bridge/engine/types.js';
import { loadConfig } from '../config/load.js';
import { createAiService } from '../services/ai.service.js';
import { createRunnerService } from '../services/ai-runner.service.js';

const BOT = 'b0000000000000000000b0b0';
const USER = 'a0000000000000000000a1a1';
const INTERVAL_MS = 50;
let seq = 0;
const oid = () => (++seq).toString(16).padStart(24, '0');

interface Rig {
  broker: moleculer.ServiceBroker;
  /** performance.now() of each gateway.notify call (draft add / update), per run id. */
  onNotify: (fn: (runId: string, at: number) => void) => void;
  finals: () => number;
  ask(prompt: string, groupId?: string): { messageId: string; emittedAt: number };
  stop(): Promise<void>;
}

/** The bundle's two services + a stub of the Tailchat actions they call, in one local broker. */
async function startRig(engine: EngineFactory, intervalMs = INTERVAL_MS): Promise<Rig> {
  const config = loadConfig(
    {
      engines: { default: 'scripted', scripted: { chunkDelayMs: 40, chunkChars: 12 } },
      stream: { intervalMs },
      limits: { userPerMinute: 0, groupPerMinute: 0, maxRuns: 5_000, maxRunsPerGroup: 5_000, maxQueued: 5_000 },
    },
    {},
  );
  const broker = new moleculer.ServiceBroker({ logger: false, nodeID: `bench-${seq}` });
  let notifyListener: (runId: string, at: number) => void = () => undefined;
  let finals = 0;
  addTailchatStub(broker, { botUserId: BOT, ownerUserId: USER, nextId: oid, onFinal: () => void finals++ });
  broker.createService({
    name: 'gateway',
    actions: {
      notify: (ctx: moleculer.Context<{ eventName: string; eventData: { meta?: Record<string, { runId?: string }> } }>) => {
        const at = performance.now();
        if (ctx.params.eventName === 'notify:chat.message.delete') return;
        const runId = ctx.params.eventData.meta?.['com.yourcompany.ai']?.runId;
        if (runId) notifyListener(runId, at);
      },
    },
  });
  broker.createService(createAiService(config));
  broker.createService(createRunnerService({ config, engines: createEngineRegistry({ scripted: engine }) }));
  await broker.start();
  await broker.waitForServices(['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner']);
  return {
    broker,
    onNotify: (fn) => void (notifyListener = fn),
    finals: () => finals,
    ask(prompt, groupId = 'c0000000000000000000c0c0') {
      const messageId = oid();
      const emittedAt = performance.now();
      broker.emit('chat.message.updateMessage', {
        type: 'add',
        groupId,
        converseId: 'd0000000000000000000d0d0',
        messageId,
        author: USER,
        content: `[at=${BOT}]AI Assistant[/at] ${prompt}`,
        meta: { mentions: [BOT] },
      });
      return { messageId, emittedAt };
    },
    stop: () => broker.stop(),
  };
}

/** An engine whose runs emit `deltas` text events `spacingMs` apart, then a final; hooks see both ends. */
function fakeEngine(o: { deltas: number; spacingMs: number; onStart?: (runId: string) => void; onDelta?: (runId: string, at: number) => void }): Engine {
  return {
    id: 'scripted',
    async start(request): Promise<EngineRun> {
      o.onStart?.(request.runId);
      const q = createEventQueue(request.runId);
      let text = '';
      let i = 0;
      const tick = () => {
        if (i++ < o.deltas) {
          text += `word${i} `.repeat(3);
          o.onDelta?.(request.runId, performance.now());
          q.push({ type: 'text', text });
          setTimeout(tick, o.spacingMs);
        } else q.push({ type: 'final', text: text || 'ok' });
      };
      setTimeout(tick, 0);
      return q;
    },
    abort: async () => false,
    reset: async () => undefined,
    health: async () => ({ ok: true, detail: 'bench' }),
    close: async () => undefined,
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const until = async (cond: () => boolean, timeoutMs = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('bench: timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
};

interface Row {
  what: string;
  bridge: string;
  baseline: string;
  added: string;
  target: string;
}
const rows: Row[] = [];
const ms = (x: number) => `${x.toFixed(2)} ms`;
const latencyRows = (what: string, bridge: number[], direct: number[]) => {
  for (const [p, target] of [
    [50, 5],
    [99, 25],
  ] as const) {
    const added = pct(bridge, p) - pct(direct, p);
    rows.push({ what: `${what} p${p} (n=${bridge.length})`, bridge: ms(pct(bridge, p)), baseline: ms(pct(direct, p)), added: ms(added), target: `≤ ${target} ms: ${added <= target ? 'met' : 'NOT met'}` });
  }
};

// --- 1. event → engine.start ----------------------------------------------------------------------
async function eventToEngine(): Promise<void> {
  const N = 1_000;
  const started = new Map<string, number>();
  const rig = await startRig(() => fakeEngine({ deltas: 0, spacingMs: 0, onStart: (runId) => started.set(runId, performance.now()) }));
  // Baseline: the same event, a bare handler, the engine's start() at once.
  const direct = fakeEngine({ deltas: 0, spacingMs: 0, onStart: (runId) => started.set(runId, performance.now()) });
  rig.broker.createService({
    name: 'bench-direct',
    events: {
      'bench.direct': {
        handler(ctx: moleculer.Context<{ messageId: string }>) {
          void direct.start({ runId: `tc-${ctx.params.messageId}`, sessionKey: 's', prompt: 'p', requester: { userId: USER }, origin: { converseId: 'c', messageId: ctx.params.messageId } });
        },
      },
    },
  });
  await rig.broker.waitForServices(['bench-direct']);
  const bridge: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < N + 100; i++) {
    const { messageId, emittedAt } = rig.ask(`question ${i}`);
    await until(() => started.has(`tc-${messageId}`));
    if (i >= 100) bridge.push(started.get(`tc-${messageId}`)! - emittedAt); // first 100: warm-up
    const id = oid();
    const t0 = performance.now();
    rig.broker.emit('bench.direct', { messageId: id });
    await until(() => started.has(`tc-${id}`));
    if (i >= 100) baseline.push(started.get(`tc-${id}`)! - t0);
  }
  await until(() => rig.finals() >= N + 100);
  await rig.stop();
  latencyRows('event → engine.start', bridge, baseline);
}

// --- 2. engine delta → gateway.notify ---------------------------------------------------------------
async function deltaToNotify(): Promise<void> {
  const RUNS = 100;
  const DELTAS = 10;
  const spacingMs = INTERVAL_MS + 15;
  const lastDelta = new Map<string, number>();
  const bridge: number[] = [];
  const rig = await startRig(() => fakeEngine({ deltas: DELTAS, spacingMs, onDelta: (runId, at) => lastDelta.set(runId, at) }));
  rig.onNotify((runId, at) => {
    const d = lastDelta.get(runId);
    if (d !== undefined) bridge.push(at - d);
  });
  for (let i = 0; i < RUNS; i++) rig.ask(`question ${i}`, oid());
  await until(() => rig.finals() >= RUNS);

  // Baseline: the same engine events forwarded one by one to gateway.notify, no bridge.
  const baseline: number[] = [];
  const directLast = new Map<string, number>();
  rig.onNotify((runId, at) => baseline.push(at - directLast.get(runId)!));
  const engine = fakeEngine({ deltas: DELTAS, spacingMs, onDelta: (runId, at) => directLast.set(runId, at) });
  await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const runId = `direct-${i}`;
      const run = await engine.start({ runId, sessionKey: 's', prompt: 'p', requester: { userId: USER }, origin: { converseId: 'c', messageId: runId } });
      for await (const e of run as AsyncIterable<EngineEvent>) {
        if (e.type !== 'text') continue;
        await rig.broker.call('gateway.notify', { type: 'roomcast', target: 'c', eventName: 'notify:chat.message.update', eventData: { _id: runId, content: e.text, meta: { 'com.yourcompany.ai': { runId } } } });
      }
    }),
  );
  await rig.stop();
  latencyRows(`delta → gateway.notify, ${RUNS} concurrent runs`, bridge, baseline);
}

// --- 3. concurrent streaming runs per instance -------------------------------------------------------
/** At the default live-update interval (250 ms); run first, on a fresh heap. */
async function concurrentRuns(): Promise<Row[]> {
  const rows: Row[] = [];
  const STREAM_INTERVAL_MS = 250;
  const RUNS = 500;
  const ARRIVAL_MS = 2_000;
  const started = new Map<string, number>();
  const rig = await startRig(() => {
    const scripted = createScriptedEngine({ chunkDelayMs: 40, chunkChars: 12, label: 'bench' });
    return {
      ...scripted,
      start: (request) => {
        started.set(request.runId, performance.now());
        return scripted.start(request);
      },
    };
  }, STREAM_INTERVAL_MS);
  let updates = 0;
  const pushes = new Map<string, number[]>();
  rig.onNotify((runId, at) => {
    updates++;
    pushes.set(runId, [...(pushes.get(runId) ?? []), at]);
  });
  // Warm the path once, then measure from a settled heap.
  rig.ask('warm up');
  await until(() => rig.finals() >= 1);
  gc();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let maxConcurrent = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 50);
  const emitted = new Map<string, number>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const { messageId, emittedAt } = rig.ask(`slow question ${i}`, oid());
    emitted.set(`tc-${messageId}`, emittedAt);
    maxConcurrent = Math.max(maxConcurrent, emitted.size - (rig.finals() - 1));
    await new Promise((r) => setTimeout(r, ARRIVAL_MS / RUNS));
  }
  await until(() => {
    maxConcurrent = Math.max(maxConcurrent, emitted.size - (rig.finals() - 1));
    return rig.finals() >= RUNS + 1;
  }, 120_000);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const cores = cpuSec / wall;
  const lat = [...emitted].map(([runId, at]) => started.get(runId)! - at);
  await rig.stop();
  const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
  rows.push({ what: `${RUNS} streaming runs: peak concurrent`, bridge: `${maxConcurrent}`, baseline: '', added: '', target: `≥ 500: ${maxConcurrent >= 500 ? 'met' : 'NOT met'}` });
  rows.push({ what: `${RUNS} streaming runs: CPU (${wall.toFixed(1)} s wall)`, bridge: `${cpuSec.toFixed(2)} s = ${cores.toFixed(2)} cores`, baseline: '', added: '', target: `< 1 core: ${cores < 1 ? 'met' : 'NOT met'}` });
  rows.push({ what: `${RUNS} streaming runs: peak RSS`, bridge: mb(rssPeak), baseline: `${mb(rssBefore)} idle`, added: mb(rssPeak - rssBefore), target: `< 300 MB: ${rssPeak < 300 * 1024 * 1024 ? 'met' : 'NOT met'}` });
  // The coalescer's cadence: gaps between a run's live pushes (the last one, the flush as the run ends, aside).
  const gaps = [...pushes.values()].flatMap((ts) => ts.slice(1, -1).map((t, i) => t - ts[i]!));
  const minGap = Math.min(...gaps);
  rows.push({
    what: `${RUNS} streaming runs: live pushes`,
    bridge: `${(updates / RUNS).toFixed(1)} per run, min gap ${minGap.toFixed(0)} ms`,
    baseline: '',
    added: '',
    target: `cadence ${STREAM_INTERVAL_MS} ms (informative)`,
  });
  rows.push({ what: 'event → engine.start under that load p50', bridge: ms(pct(lat, 50)), baseline: '', added: '', target: `≤ 5 ms: ${pct(lat, 50) <= 5 ? 'met' : 'NOT met'}` });
  rows.push({ what: 'event → engine.start under that load p99', bridge: ms(pct(lat, 99)), baseline: '', added: '', target: `≤ 25 ms: ${pct(lat, 99) <= 25 ? 'met' : 'NOT met'}` });
  return rows;
}

// Measured on a fresh heap first, printed last.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const loadRows = await concurrentRuns();
gc();
await eventToEngine();
await deltaToNotify();
rows.push(...loadRows);

const cols: (keyof Row)[] = ['what', 'bridge', 'baseline', 'added', 'target'];
const head: Row = { what: 'what', bridge: 'bridge', baseline: 'direct baseline', added: 'added', target: 'target' };
const w = cols.map((c) => Math.max(...[head, ...rows].map((r) => r[c].length)));
const line = (r: Row) => cols.map((c, i) => r[c].padEnd(w[i]!)).join(' | ');
console.log(`\n${line(head)}`);
console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(`\nnode ${process.version}, ${new Date().toISOString()}; one process holds the bundle, the Tailchat stub and the engine`);
// (The runner's drain timer would keep the process up after the brokers stopped.)
process.exit(0);
