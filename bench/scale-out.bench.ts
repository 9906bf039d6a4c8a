/**
 * `npm run bench`: does throughput grow with instances? The bundle as real separate processes
 * (`services/node/main.ts`, chat side + runner each) on a real nats-server, 1 instance and then 3
 * instances, each with the same per-instance cap `AI_MAX_RUNS`, under the same offered load.
 *
 * A run is bound by its engine's latency and the cap, as in production (a model answers in
 * seconds; the bridge's own work per run is a few milliseconds): the scripted engine answers
 * every prompt in a fixed ~2 s (6 chunks, AI_SCRIPTED_CHUNK_DELAY_MS apart). So one instance
 * completes at most MAX_RUNS / 2 s, whatever the CPU, and the question is whether a second and
 * third instance add their share (the balanced event spreads prompts over the instances, and
 * nothing shared slows them) on a 2-core machine that also runs NATS and the Tailchat stand-in.
 *
 * Tailchat is a stand-in node (bench/tailchat-stand-in.ts) that answers at once, so Tailchat's
 * own store is not the bottleneck measured. The offered load exceeds what 3 instances complete,
 * so every instance is saturated; runs beyond a queue of MAX_QUEUED per instance are refused
 * with "busy" (as in production) and not counted as completed. Throughput is the completed
 * replies per second in a steady window (after the first wave, before the load stops).
 */
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startBundleProcess, type BundleProcess } from '../test/support/bundle-process.js';
import { startNatsServer } from '../test/support/nats-server.js';
import { processTree } from '../test/support/processes.js';
import { startTailchatStandIn, type TailchatStandIn } from './tailchat-stand-in.js';

const MAX_RUNS = 8; // AI_MAX_RUNS of every instance
const MAX_QUEUED = 40; // AI_MAX_QUEUED of every instance
const CHUNK_DELAY_MS = 330;
/** The scripted reply to "question 0001" is 63 characters: 6 chunks of 12, each followed by the delay. */
const ENGINE_MS = 6 * CHUNK_DELAY_MS;
const OFFERED_PER_SEC = 16; // 3 instances complete ~12/s
const LOAD_MS = 25_000;
const WINDOW_FROM_MS = 5_000; // every instance has a queue by then
const TARGET_RATIO = 2.5;

interface Measured {
  instances: number;
  offered: number;
  completed: number;
  perSec: number;
  refused: number;
  /** CPU of everything the set-up runs (instances, nats-server, this stand-in), in cores. */
  setupCores: number;
  /** CPU of the busiest instance during the load, in cores (1 = one core fully used). */
  instanceCores: number;
}

/** user + system CPU seconds of a process and its children (tsx runs the bundle in a child). */
function cpuSecondsOf(pid: number): number {
  const tick = 100; // USER_HZ on Linux
  let sum = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += (Number(f[11]) + Number(f[12])) / tick;
    } catch {
      /* gone */
    }
  }
  return sum;
}

/**
 * Completions per second as the slope of the cumulative count over time (least squares). A slot
 * completes a run every ~2 s, several slots at nearly the same moment; a plain count over the
 * window would depend on where the window cuts those bursts, the slope much less.
 */
function slopePerSec(times: number[]): number {
  const n = times.length;
  const xs = times.map((t) => t / 1000);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, k) => {
    sxy += (x - mx) * (k + 1 - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`bench: ${what} not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

let groupSeq = 0;
const nextGroup = () => `g${(++groupSeq).toString(16).padStart(23, '0')}`;

async function measure(natsUrl: string, natsPid: number, instances: number): Promise<Measured> {
  const namespace = `bench-scale-${instances}-${process.pid}`;
  const tailchat: TailchatStandIn = await startTailchatStandIn(natsUrl, namespace);
  const bundles: BundleProcess[] = [];
  try {
    for (let n = 1; n <= instances; n++) {
      bundles.push(
        startBundleProcess(
          {
            TRANSPORTER: natsUrl,
            TAILCHAT_NAMESPACE: namespace,
            AI_NODE_ID: `bench-${instances}x-${n}-${process.pid}`,
            AI_ENGINE: 'scripted',
            AI_SCRIPTED_CHUNK_DELAY_MS: String(CHUNK_DELAY_MS),
            AI_MAX_RUNS: String(MAX_RUNS),
            AI_MAX_QUEUED: String(MAX_QUEUED),
            AI_RATE_USER_PER_MIN: '0',
            AI_RATE_GROUP_PER_MIN: '0',
            LOG_LEVEL: 'error',
          },
          `bench-${instances}x-${n}`,
        ),
      );
    }
    // Every instance's chat side and runner have found "Tailchat" (each resolves the bot user),
    // and the stand-in knows every instance's event subscription.
    await until(() => tailchat.botResolvedBy.size >= instances, `${instances} instances resolving the bot`, 90_000);
    await until(() => {
      const list = tailchat.broker.registry.getServiceList({ onlyAvailable: true }) as { name: string; nodeID: string }[];
      return new Set(list.filter((s) => s.name === 'plugin:com.yourcompany.ai.runner').map((s) => s.nodeID)).size >= instances;
    }, `${instances} runners visible`);
    // Warm-up (JIT, connections): a few runs per instance, not measured.
    const warm = Array.from({ length: 3 * instances }, () => tailchat.mention('question warm', nextGroup()));
    await until(() => warm.every((id) => tailchat.finals.some((f) => f.runId === id)), 'warm-up runs');
    await sleep(500);

    // The offered load: OFFERED_PER_SEC prompts a second, each in its own group (one session each).
    const offered = new Set<string>();
    const inst0 = bundles.map((b) => cpuSecondsOf(b.pid));
    const others0 = cpuSecondsOf(natsPid) + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
    const t0 = performance.now();
    let i = 0;
    while (performance.now() - t0 < LOAD_MS) {
      const due = Math.floor(((performance.now() - t0) / 1000) * OFFERED_PER_SEC);
      for (; i < due; i++) offered.add(tailchat.mention(`question ${String(i).padStart(4, '0')}`, nextGroup()));
      await sleep(5);
    }
    const wallSec = (performance.now() - t0) / 1000;
    const instCpu = bundles.map((b, k) => cpuSecondsOf(b.pid) - inst0[k]!);
    const othersCpu = cpuSecondsOf(natsPid) + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 - others0;
    const mine = tailchat.finals.filter((f) => offered.has(f.runId));
    const inWindow = mine.filter((f) => f.status === 'done' && f.at - t0 >= WINDOW_FROM_MS && f.at - t0 < LOAD_MS);
    return {
      instances,
      offered: offered.size,
      completed: inWindow.length,
      perSec: slopePerSec(inWindow.map((f) => f.at - t0)),
      refused: mine.filter((f) => f.status === 'error').length,
      setupCores: (instCpu.reduce((x, y) => x + y, 0) + othersCpu) / wallSec,
      instanceCores: Math.max(...instCpu) / wallSec,
    };
  } finally {
    // Queued runs are not drained: the measurement is over.
    await Promise.all(bundles.map((b) => b.kill()));
    await tailchat.broker.stop();
  }
}

const nats = await startNatsServer();
let one: Measured;
let three: Measured;
try {
  one = await measure(nats.url, nats.pid, 1);
  three = await measure(nats.url, nats.pid, 3);
} finally {
  await nats.stop();
}

const ratio = three.perSec / one.perSec;
const col = (m: Measured) => ({
  load: `${m.offered} prompts at ${OFFERED_PER_SEC}/s`,
  perSec: `${m.perSec.toFixed(1)} runs/s (${m.completed} in ${(LOAD_MS - WINDOW_FROM_MS) / 1000} s)`,
  ceiling: `${((m.instances * MAX_RUNS * 1000) / ENGINE_MS).toFixed(1)} runs/s`,
  refused: `${m.refused}`,
  cpu: `${m.setupCores.toFixed(2)} cores`,
  instance: `${m.instanceCores.toFixed(2)} cores`,
});
const a = col(one);
const b = col(three);
const rows: [string, string, string, string][] = [
  ['offered load', a.load, b.load, ''],
  ['completed replies / s (steady window)', a.perSec, b.perSec, `${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`],
  ['ceiling: instances × AI_MAX_RUNS / engine latency', a.ceiling, b.ceiling, `what the cap allows (${(ENGINE_MS / 1000).toFixed(2)} s a reply)`],
  ['refused "busy" (queue full) during the load', a.refused, b.refused, `AI_MAX_QUEUED=${MAX_QUEUED} per instance`],
  ['CPU of the set-up (instances, NATS, stand-in)', a.cpu, b.cpu, `of the machine's ${os.cpus().length} cores`],
  ['CPU of the busiest instance', a.instance, b.instance, 'a process is CPU-bound near 1 core'],
];
const head: [string, string, string, string] = ['what', '1 instance', '3 instances', '3 vs 1'];
const w = [0, 1, 2, 3].map((c) => Math.max(...[head, ...rows].map((r) => r[c]!.length)));
const line = (r: string[]) => r.map((v, c) => v.padEnd(w[c]!)).join(' | ');
console.log(`\n${line(head)}`);
console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(
  `\nnode ${process.version}, ${new Date().toISOString()}; real nats-server; each instance its own process (chat side + runner), ` +
    `AI_MAX_RUNS=${MAX_RUNS}, scripted engine ${(ENGINE_MS / 1000).toFixed(2)} s per reply; Tailchat is a stand-in node (answers at once), so its own store is not measured`,
);
process.exit(0);
