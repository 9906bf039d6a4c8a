/**
 * `npm run bench`: time to the first reply text on the REAL OpenClaw gateway (openclaw@2026.9.6,
 * `test/openclaw/gateway.ts`, driven by the fake model server), through the bundle against a bare
 * gateway client, interleaved prompt by prompt in one run (each prompt in a fresh session on both
 * sides, so neither carries a longer history):
 *
 *   direct: a bare `@openclaw/gateway-client` (the engine's auth: shared token, loopback backend,
 *           operator.read + write, cap tool-events) sends `chat.send`; timed to the first `chat`
 *           event of state `delta` with text for its session.
 *   bundle: Tailchat's `chat.message.updateMessage` event emitted on the broker → the chat service →
 *           the runner → the OpenClaw engine (bridge/engine/openclaw/, its own connection) → the
 *           first `gateway.notify` whose draft carries reply text (not the '…' placeholder).
 *
 * The real services (`plugin:com.yourcompany.ai` + `…runner`) run in one broker (no transporter)
 * with a stub of Tailchat's actions, as in added-latency.bench.ts. The gateway is a child process.
 *
 * Both sides use approvals off (token auth only); the engine is built directly, without the
 * attachments gate of services/node/engines.ts (a pass-through for a prompt without files).
 *
 * The live draft goes through the coalescer (bridge/stream/coalescer.ts). The first engine event
 * of an OpenClaw run is a `status` event (preparing workspace), which shows the '…' placeholder
 * draft; the first text is then published at once, not at the next slot of the update cadence
 * (bridge/notify/reply-publisher.ts), and events that change nothing on screen push nothing. It is
 * measured at the default interval (250 ms) and at the smallest allowed (50 ms), and split into the
 * bridge's intake (event → engine.start), the engine + gateway (beside the direct client), and the
 * time from the engine's socket receiving the first delta frame to the notify carrying its text.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GatewayClient } from '@openclaw/gateway-client';
import { GATEWAY_CLIENT_CAPS } from '@openclaw/gateway-protocol/client-info';
import { PROTOCOL_VERSION } from '@openclaw/gateway-protocol/version';
import moleculer from 'moleculer';
import { addTailchatStub } from './tailchat-stub.js';
import { createOpenClawEngine } from '../bridge/engine/openclaw/index.js';
import { createEngineRegistry } from '../bridge/engine/registry.js';
import { loadConfig } from '../config/load.js';
import { createAiService } from '../services/ai.service.js';
import { createRunnerService } from '../services/ai-runner.service.js';
import { startModelServer } from '../test/model-server/server.js';
import { startTestGateway, type TestGateway } from '../test/openclaw/gateway.js';

/** Prompts per row: `tsx bench/first-delta.bench.ts [n]` (default 100). */
const N = Number(process.argv[2] ?? 100);
const WARM_UP = 5;
const BOT = 'b0000000000000000000b0b0';
const USER = 'a0000000000000000000a1a1';
const CONVERSE = 'd0000000000000000000d0d0';
/**
 * The model's answer: 20 deltas 20 ms apart, the first at once. It streams for ~400 ms, longer
 * than the default interval, so the first text the bundle shows is a live update, not the final.
 */
const REPLY = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');

let seq = 0;
const oid = () => (++seq).toString(16).padStart(24, '0');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ChatFrame {
  runId?: string;
  sessionKey?: string;
  state?: string;
  deltaText?: string;
}
const isTextDelta = (p: ChatFrame) => p.state === 'delta' && (p.deltaText ?? '') !== '';

/** First `performance.now()` a condition on a session key came true, and who waits for it. */
function firsts() {
  const at = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  return {
    mark(key: string, t = performance.now()) {
      if (at.has(key)) return;
      at.set(key, t);
      waiters.get(key)?.();
    },
    get: (key: string) => at.get(key),
    wait(key: string, timeoutMs = 60_000): Promise<number> {
      const known = at.get(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench: nothing for ${key} in ${timeoutMs} ms`)), timeoutMs);
        waiters.set(key, () => {
          clearTimeout(timer);
          waiters.delete(key);
          resolve(at.get(key)!);
        });
      });
    },
  };
}

// --- direct: a bare gateway client ----------------------------------------------------------------
async function startDirectClient(gateway: TestGateway) {
  const firstDelta = firsts();
  const ended = firsts();
  let ready!: () => void;
  const helloOk = new Promise<void>((r) => (ready = r));
  const client = new GatewayClient({
    url: gateway.url,
    token: gateway.token,
    clientName: 'gateway-client',
    mode: 'backend',
    clientDisplayName: 'first-delta bench (direct)',
    role: 'operator',
    scopes: ['operator.read', 'operator.write'],
    caps: [GATEWAY_CLIENT_CAPS.TOOL_EVENTS],
    minProtocol: PROTOCOL_VERSION,
    maxProtocol: PROTOCOL_VERSION,
    onHelloOk: () => ready(),
    onEvent: (frame) => {
      const p = (frame.payload ?? {}) as ChatFrame;
      if (frame.event !== 'chat' || !p.sessionKey) return;
      if (isTextDelta(p)) firstDelta.mark(p.sessionKey.toLowerCase());
      if (p.state === 'final' || p.state === 'error' || p.state === 'aborted') ended.mark(p.sessionKey.toLowerCase());
    },
  });
  client.start();
  await helloOk;
  return {
    /** ms from `chat.send` to the first text delta of its run. */
    async ask(): Promise<number> {
      const sessionKey = `agent:main:tailchat:group:${oid()}`;
      const t0 = performance.now();
      await client.request('chat.send', { sessionKey, message: `question ${seq} [[bench]]`, idempotencyKey: `direct-${randomUUID()}`, queueMode: 'followup' });
      const first = (await firstDelta.wait(sessionKey)) - t0;
      await ended.wait(sessionKey); // runs never overlap
      return first;
    },
    stop: () => client.stopAndWait({ timeoutMs: 2_000 }).catch(() => client.stop()),
  };
}

// --- bundle: the real services in one broker, a stub of Tailchat ---------------------------------
async function startBundle(gateway: TestGateway, intervalMs: number) {
  const config = loadConfig(
    { engines: { openclaw: { approvals: false } }, limits: { userPerMinute: 0, groupPerMinute: 0 } },
    { AI_ENGINE: 'openclaw', OPENCLAW_GATEWAY_URL: gateway.url, OPENCLAW_GATEWAY_TOKEN: gateway.token, AI_STREAM_INTERVAL_MS: String(intervalMs) },
  );
  const firstNotify = firsts(); // any draft push (the '…' placeholder first)
  const firstTextNotify = firsts(); // the first draft push that carries reply text
  const engineStarted = firsts(); // the runner called engine.start()
  const engineSawDelta = firsts(); // the engine's socket got the first text delta frame
  const broker = new moleculer.ServiceBroker({ logger: false, nodeID: `bench-first-delta-${intervalMs}` });
  let finals = 0;
  addTailchatStub(broker, { botUserId: BOT, ownerUserId: USER, nextId: oid, onFinal: () => void finals++ });
  broker.createService({
    name: 'gateway',
    actions: {
      notify: (ctx: moleculer.Context<{ eventName: string; eventData: { content?: string; meta?: Record<string, { runId?: string }> } }>) => {
        const at = performance.now();
        if (ctx.params.eventName === 'notify:chat.message.delete') return;
        const runId = ctx.params.eventData.meta?.['com.yourcompany.ai']?.runId;
        if (!runId) return;
        firstNotify.mark(runId, at);
        if (ctx.params.eventData.content && ctx.params.eventData.content !== '…') firstTextNotify.mark(runId, at);
      },
    },
  });
  const engines = createEngineRegistry({
    openclaw: () => {
      const engine = createOpenClawEngine(config.engines.openclaw);
      const start = engine.start.bind(engine);
      engine.start = (request) => {
        engineStarted.mark(request.sessionKey.toLowerCase());
        return start(request);
      };
      engine.connection.onEvent((frame) => {
        const p = (frame.payload ?? {}) as ChatFrame;
        if (frame.event === 'chat' && p.sessionKey && isTextDelta(p)) engineSawDelta.mark(p.sessionKey.toLowerCase());
      });
      return engine;
    },
  });
  broker.createService(createAiService(config));
  broker.createService(createRunnerService({ config, engines }));
  await broker.start();
  await broker.waitForServices(['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner']);
  return {
    intervalMs,
    /** ms from Tailchat's message event to: the placeholder draft, the engine's first delta frame, the first draft with text. */
    async ask(): Promise<{ total: number; placeholder: number; engineStart: number; engineDelta: number }> {
      const groupId = oid();
      const messageId = oid();
      const runId = `tc-${messageId}`;
      const done = finals;
      const t0 = performance.now();
      broker.emit('chat.message.updateMessage', {
        type: 'add',
        groupId,
        converseId: CONVERSE,
        messageId,
        author: USER,
        content: `[at=${BOT}]AI Assistant[/at] question ${seq} [[bench]]`,
        meta: { mentions: [BOT] },
      });
      const text = await firstTextNotify.wait(runId);
      const sessionKey = `agent:main:tailchat:group:${groupId}`;
      const engineDelta = await engineSawDelta.wait(sessionKey);
      const engineStart = await engineStarted.wait(sessionKey);
      // let the run finish (final stored, draft removed) so runs never overlap
      for (const t = Date.now(); finals === done && Date.now() - t < 30_000; ) await sleep(2);
      return { total: text - t0, placeholder: firstNotify.get(runId)! - t0, engineStart: engineStart - t0, engineDelta: engineDelta - t0 };
    },
    stop: () => broker.stop(),
  };
}

// --- measurement --------------------------------------------------------------------------------
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

interface Row {
  what: string;
  bridge: string;
  baseline: string;
  added: string;
  target: string;
}
const rows: Row[] = [];

async function measure(gateway: TestGateway, direct: Awaited<ReturnType<typeof startDirectClient>>, intervalMs: number): Promise<void> {
  const bundle = await startBundle(gateway, intervalMs);
  const viaBundle: number[] = [];
  const viaDirect: number[] = [];
  const placeholder: number[] = [];
  const intake: number[] = []; // message event → engine.start()
  const engineToDelta: number[] = []; // engine.start() → its socket got the first delta frame (cf. direct)
  const ownPart: number[] = []; // the engine got the delta frame → notify with the text
  for (let i = 0; i < N + WARM_UP; i++) {
    // alternate who goes first, so neither side always follows the other's run
    const b = i % 2 === 0 ? await bundle.ask() : undefined;
    const d = await direct.ask();
    const b2 = b ?? (await bundle.ask());
    if (i < WARM_UP) continue;
    viaBundle.push(b2.total);
    viaDirect.push(d);
    placeholder.push(b2.placeholder);
    intake.push(b2.engineStart);
    engineToDelta.push(b2.engineDelta - b2.engineStart);
    ownPart.push(b2.total - b2.engineDelta);
  }
  await bundle.stop();
  const tag = `AI_STREAM_INTERVAL_MS=${intervalMs}`;
  // Side by side: percentiles of two independent samples. At p99 (n=100: the slowest run) both are
  // set by the gateway's occasional stalls of ~1 s, on whichever side they fall: not a bridge cost.
  rows.push({
    what: `first text, ${tag}, p50 / p99 (n=${viaBundle.length})`,
    bridge: `${ms(pct(viaBundle, 50))} / ${ms(pct(viaBundle, 99))}`,
    baseline: `${ms(pct(viaDirect, 50))} / ${ms(pct(viaDirect, 99))}`,
    added: `${ms(pct(viaBundle, 50) - pct(viaDirect, 50))} / ${ms(pct(viaBundle, 99) - pct(viaDirect, 99))}`,
    target: 'informative',
  });
  // Per prompt: the bundle's own time, everything but engine.start() → the first delta frame.
  const own = intake.map((x, i) => x + ownPart[i]!);
  const met = pct(own, 50) <= 5 && pct(own, 99) <= 25;
  rows.push({ what: `  bridge's own part per prompt, p50 / p99`, bridge: `${ms(pct(own, 50))} / ${ms(pct(own, 99))}`, baseline: '', added: '', target: `≤ 5 / ≤ 25 ms: ${met ? 'met' : 'NOT met'}` });
  const split = (what: string, xs: number[], baseline: number[] | undefined, target: string) =>
    rows.push({
      what: `  ${what}, p50 / p99`,
      bridge: `${ms(pct(xs, 50))} / ${ms(pct(xs, 99))}`,
      baseline: baseline ? `${ms(pct(baseline, 50))} / ${ms(pct(baseline, 99))}` : '',
      added: baseline ? `${ms(pct(xs, 50) - pct(baseline, 50))} / ${ms(pct(xs, 99) - pct(baseline, 99))}` : '',
      target,
    });
  split('  of it: event → engine.start()', intake, undefined, 'informative');
  split('  of it: first delta frame → notify with the text', ownPart, undefined, 'informative (sent at once)');
  split('engine.start() → first delta frame (engine + gateway)', engineToDelta, viaDirect, 'informative');
  split("'…' placeholder draft shown (first engine event)", placeholder, undefined, 'informative');
}

const model = await startModelServer({ script: () => ({ kind: 'text', text: REPLY, chunks: 20, delayMs: 20 }) });
const t0 = Date.now();
const gateway = await startTestGateway({ modelUrl: model.url });
console.log(`gateway ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${N} prompts per row (+${WARM_UP} warm-up), bundle and direct interleaved`);
const direct = await startDirectClient(gateway);
try {
  await measure(gateway, direct, 250);
  await measure(gateway, direct, 50);
} finally {
  await direct.stop();
  await gateway.dispose();
  await model.close();
}

const cols: (keyof Row)[] = ['what', 'bridge', 'baseline', 'added', 'target'];
const head: Row = { what: 'what', bridge: 'bundle', baseline: 'direct client', added: 'added', target: 'target' };
const w = cols.map((c) => Math.max(...[head, ...rows].map((r) => r[c].length)));
const line = (r: Row) => cols.map((c, i) => r[c].padEnd(w[i]!)).join(' | ');
console.log(`\n${line(head)}`);
console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(`\nnode ${process.version}, ${new Date().toISOString()}; the gateway is a child process, the bench process holds the bundle, the Tailchat stub and the direct client`);
process.exit(0);
