/**
 * `npm run soak -- [--runs 100000] [--redis] [--engine scripted|openclaw]`: does memory or CPU per
 * run grow with traffic? The bundle's real services (`plugin:com.yourcompany.ai` and `…runner`)
 * run in this process's broker (no transporter) with a stub of Tailchat's actions; prompts from
 * many users in many groups keep a fixed number of runs in flight, one new prompt for every reply
 * stored. The mix: plain prompts, tool calls (private tool output kept for the requester), code,
 * attachment links (refused by the scripted engine, fetched for OpenClaw from a local file
 * server), a `/new` now and then. Rate limits are on, at levels the soak does not reach.
 *
 * Time-limited structures get short TTLs here (finished-run markers, idle sessions), so the soak
 * runs past them many times and shows the plateau. Every `--sample` runs the heap is measured after
 * a full GC. Printed: heap and RSS against runs, the heap slope over the last third (bytes per
 * run), CPU per 1,000 runs in the first and the last window, lost and doubled replies.
 * Figures are this process's (the bundle's), never the gateway's (its sessions grow by design).
 *
 * Targets (issue #19): slope ≤ 50 B/run past the TTLs, CPU per run at the end ≤ 1.2 × the start,
 * 0 lost, 0 doubled. Needs `node --expose-gc` (scripts/soak.sh runs it so).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import moleculer from 'moleculer';
import { loadConfig } from '../config/load.js';
import { createAiService } from '../services/ai.service.js';
import { createRunnerService } from '../services/ai-runner.service.js';
import { createConfiguredEngines } from '../services/node/engines.js';
import { CHAT_SERVICE, RUNNER_SERVICE } from '../services/names.js';
import { AI_META_KEY } from '../protocol/blocks.js';
import { metricsText } from '../bridge/observability/metrics.js';
import { startRedis } from '../test/support/redis-server.js';
import { addTailchatStub } from './tailchat-stub.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  runs: number;
  redis: boolean;
  engine: 'scripted' | 'openclaw';
  groups: number;
  users: number;
  inFlight: number;
  sample: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 100_000, redis: false, engine: 'scripted', groups: 200, users: 50, inFlight: 50, sample: 1_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => Number(argv[++i]);
    if (a === '--runs') o.runs = next();
    else if (a === '--redis') o.redis = true;
    else if (a === '--engine') o.engine = argv[++i] as Options['engine'];
    else if (a === '--groups') o.groups = next();
    else if (a === '--users') o.users = next();
    else if (a === '--in-flight') o.inFlight = next();
    else if (a === '--sample') o.sample = next();
    else throw new Error(`unknown option ${a}`);
  }
  if (o.engine !== 'scripted' && o.engine !== 'openclaw') throw new Error('--engine must be scripted or openclaw');
  return o;
}

const gc = (globalThis as { gc?: () => void }).gc;
let seq = 0;
const oid = (prefix: string) => `${prefix}${(++seq).toString(16).padStart(24 - prefix.length, '0')}`;
const BOT = 'b0000000000000000000b0b0';
const OWNER = 'a0000000000000000000a1a1';

interface Sample {
  runs: number;
  heapUsed: number;
  rss: number;
  cpuMs: number;
  at: number;
}

/** A tiny stand-in for Tailchat's /static/ file server: one PNG for attachment links. */
async function startFileServer(): Promise<{ url: string; close(): Promise<void> }> {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da6364f8ffbf1e000503020f2d0e7a2e0000000049454e44ae426082', 'hex');
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/static/')) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function slopeBytesPerRun(samples: Sample[]): number {
  const n = samples.length;
  if (n < 2) return NaN;
  const mx = samples.reduce((s, x) => s + x.runs, 0) / n;
  const my = samples.reduce((s, x) => s + x.heapUsed, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.runs - mx) * (x.heapUsed - my);
    den += (x.runs - mx) ** 2;
  }
  return num / den;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (!gc) throw new Error('run with node --expose-gc (scripts/soak.sh does)');
  const redis = o.redis ? await startRedis() : undefined;
  const files = await startFileServer();
  const gateway = o.engine === 'openclaw' ? await startOpenClaw() : undefined;

  const config = loadConfig(
    {
      engines: {
        default: o.engine,
        scripted: { chunkDelayMs: 2, chunkChars: 40, sessionTtlMs: 5_000, finishedRunTtlMs: 2_000 },
        ...(gateway ? { openclaw: { url: gateway.url, auth: 'token' } } : {}),
      },
      stream: { intervalMs: 50 },
      limits: { userPerMinute: 100_000, groupPerMinute: 100_000, maxRuns: 5_000, maxRunsPerGroup: 5_000, maxQueued: 5_000 },
      tailchat: { url: files.url },
      state: { runDoneTtlMs: 5_000, toolOutputTtlMs: 60_000, ...(redis ? { redisUrl: redis.url } : {}) },
      logLevel: 'warn',
    },
    // Secrets come from the environment only (config/env.ts).
    gateway ? { OPENCLAW_GATEWAY_TOKEN: gateway.token } : {},
  );
  const broker = new moleculer.ServiceBroker({ logger: process.env.SOAK_LOG ? { type: 'Console', options: { level: 'info' } } : false, nodeID: 'soak' });
  // Stored replies per prompt, indexed by the prompt id's sequence number: allocated once, so the
  // soak's own bookkeeping does not grow with runs (a Map here was 12 MB after 100,000 runs).
  const stored = new Uint8Array(o.runs * 6 + 10_000);
  const seqOf = (id: string) => Number.parseInt(id.slice(1), 16);
  let finished = 0;
  const waiting = new Set<string>();
  let onReply: () => void = () => undefined;
  addTailchatStub(broker, {
    botUserId: BOT,
    ownerUserId: OWNER,
    nextId: () => oid('e'),
    panelOf: (groupId) => groupId.replace(/^c/, 'p'),
    // Counts the stored replies per prompt (lost / doubled); later parts of a long reply are not replies.
    onFinal: ({ meta }) => {
      const ai = meta?.[AI_META_KEY] as { runId?: string; part?: { index: number } } | undefined;
      const prompt = ai?.runId?.replace(/^tc-/, '').split('.')[0];
      if (!prompt || (ai?.part && ai.part.index !== 1)) return;
      const n = seqOf(prompt);
      if (n < stored.length) stored[n] = Math.min(255, stored[n]! + 1);
      if (waiting.delete(prompt)) {
        finished++;
        onReply();
      }
    },
  });
  broker.createService({ name: 'gateway', actions: { notify: () => undefined } });
  broker.createService(createAiService(config));
  broker.createService(createRunnerService({ config, engines: createConfiguredEngines(config, () => silentLogger) }));
  await broker.start();
  await broker.waitForServices([CHAT_SERVICE, RUNNER_SERVICE]);

  const groups = Array.from({ length: o.groups }, () => oid('c'));
  const users = Array.from({ length: o.users }, () => oid('a'));
  const prompts = ['hello there', 'please use a tool to count this', 'show me some code', 'what is in [img]/static/x.png[/img] this picture', 'summarise the plan'];
  let sent = 0;
  const ask = () => {
    const n = sent++;
    const messageId = oid('d');
    waiting.add(messageId);
    const groupId = groups[n % groups.length]!;
    const text = n % 997 === 0 ? '/new' : prompts[n % prompts.length]!.replace('/static/', `${files.url}/static/`);
    broker.emit('chat.message.updateMessage', {
      type: 'add',
      groupId,
      converseId: groupId.replace(/^c/, 'p'),
      messageId,
      author: users[n % users.length]!,
      content: `[at=${BOT}]AI Assistant[/at] ${text}`,
      meta: { mentions: [BOT] },
    });
    // /new answers with a short notice, not a run: it is not counted as a run.
    if (text === '/new') {
      waiting.delete(messageId);
      queueMicrotask(ask);
    }
  };

  const samples: Sample[] = [];
  const measure = () => {
    gc!();
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    samples.push({ runs: finished, heapUsed: m.heapUsed, rss: m.rss, cpuMs: (cpu.user + cpu.system) / 1000, at: Date.now() });
  };
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    let nextSample = o.sample;
    onReply = () => {
      if (finished >= nextSample) {
        nextSample += o.sample;
        // Measure outside the reply's own call stack.
        setImmediate(measure);
        if (samples.length % 10 === 0) process.stderr.write(`soak: ${finished} runs, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB\r`);
      }
      if (sent < o.runs) ask();
      else if (waiting.size === 0) resolve();
    };
    for (let i = 0; i < o.inFlight; i++) ask();
    // A reply that never comes must not hang the soak: after 60 s without progress, report it.
    let last = -1;
    const watchdog = setInterval(() => {
      if (finished === last) {
        clearInterval(watchdog);
        resolve();
      }
      last = finished;
    }, 60_000);
    watchdog.unref();
  });
  const seconds = (Date.now() - t0) / 1000;
  // The bounded structures as /metrics shows them at the end (docs/ARCHITECTURE.md, "Bounded state").
  const sizes = (await metricsText()).split('\n').filter((l) => l.startsWith('tcai_bounded_entries{')).map((l) => l.replace(/^tcai_bounded_entries\{structure="([^"]+)"\} /, '$1 '));
  const third = samples.slice(Math.floor((samples.length * 2) / 3)); // while under load (not the drained end)
  measure();

  const doubled = stored.reduce((count, n) => count + (n > 1 ? 1 : 0), 0);
  const lost = waiting.size;
  const slope = slopeBytesPerRun(third);
  const cpuPer1000 = (a: Sample, b: Sample) => ((b.cpuMs - a.cpuMs) / Math.max(1, b.runs - a.runs)) * 1000;
  const window = Math.max(1, Math.floor(samples.length / 10));
  const cpuStart = cpuPer1000(samples[1] ?? samples[0]!, samples[Math.min(samples.length - 1, 1 + window)]!);
  const cpuEnd = cpuPer1000(samples[samples.length - 1 - window]!, samples[samples.length - 1]!);
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const label = `${o.engine}${redis ? ' + Redis' : ''}`;
  console.log(`\nsoak (${label}): ${finished} runs in ${seconds.toFixed(0)} s, ${o.groups} groups, ${o.users} users, ${o.inFlight} in flight`);
  console.log('| runs | heap after GC | RSS |');
  console.log('| ---: | ---: | ---: |');
  const step = Math.max(1, Math.floor(samples.length / 10));
  for (let i = 0; i < samples.length; i += step) console.log(`| ${samples[i]!.runs} | ${mb(samples[i]!.heapUsed)} | ${mb(samples[i]!.rss)} |`);
  const last = samples.at(-1)!;
  console.log(`| ${last.runs} | ${mb(last.heapUsed)} | ${mb(last.rss)} |`);
  const rows = [
    ['heap slope, last third', `${slope.toFixed(1)} B/run`, '≤ 50 B/run', slope <= 50],
    ['CPU per 1,000 runs, start → end', `${cpuStart.toFixed(0)} ms → ${cpuEnd.toFixed(0)} ms (${(cpuEnd / cpuStart).toFixed(2)}×)`, '≤ 1.2×', cpuEnd <= cpuStart * 1.2],
    ['lost replies', String(lost), '0', lost === 0],
    ['doubled replies', String(doubled), '0', doubled === 0],
  ] as const;
  console.log(`\nbounded structures at the end: ${sizes.join(', ')}`);
  console.log('\n| what | measured | target | met |');
  console.log('| --- | ---: | ---: | :---: |');
  for (const [what, measured, target, met] of rows) console.log(`| ${what} | ${measured} | ${target} | ${met ? 'yes' : 'no'} |`);
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, `bench/results/soak-${o.engine}${redis ? '-redis' : ''}.json`), JSON.stringify({ options: o, seconds, finished, lost, doubled, slope, cpuStart, cpuEnd, samples }, null, 1));

  await broker.stop();
  await files.close();
  await redis?.stop();
  await gateway?.stop();
  process.exit(rows.every((r) => r[3]) ? 0 : 1);
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The real OpenClaw gateway on the fake model server (as the end-to-end tests run it). */
async function startOpenClaw(): Promise<{ url: string; token: string; stop(): Promise<void> }> {
  const { startModelServer } = await import('../test/model-server/server.js');
  const { startTestGateway } = await import('../test/openclaw/gateway.js');
  const model = await startModelServer({ script: () => ({ kind: 'text', text: 'A short answer from the fake model.', chunks: 4, delayMs: 5 }) });
  // The model server records requests for tests; the soak does not need them to pile up.
  const trim = setInterval(() => void (model.requests.length = 0), 5_000);
  trim.unref();
  const gw = await startTestGateway({ modelUrl: model.url });
  return {
    url: gw.url,
    token: gw.token,
    async stop() {
      clearInterval(trim);
      await gw.dispose();
      await model.close();
    },
  };
}

await main();
