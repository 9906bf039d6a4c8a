/**
 * In-flight runs shared through Redis (bridge/run/ledger*.ts), end to end: the real Tailchat
 * (NATS), the real OpenClaw gateway streaming from the fake model server, two bundle processes
 * (chat side + runner each) and a Redis of their own that the test can restart.
 *
 * In this order (the last cases lose instances):
 * 1. the idempotency guard: a redelivered Tailchat event (to every instance) and a duplicate
 *    `startRun` on the instance that does not own the run start nothing;
 * 2. Redis restarts mid-run and between runs: replies arrive exactly once, the rate limit is
 *    shared again afterwards;
 * 3. graceful shutdown (SIGTERM) of the instance streaming a reply: the reply finishes, nobody
 *    adopts it, and the ledger is left empty;
 * 4. `kill -9` of the instance streaming a reply (a fresh instance beside it): the other adopts
 *    the run, and the reply is stored exactly once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServer, Script } from '../model-server/server.js';
import type { TestGateway } from '../openclaw/gateway.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, startConversation, type Conversation, type WireMessage } from '../support/conversation.js';
import { processTree } from '../support/processes.js';
import { startRedis } from '../support/redis-server.js';
import type { ChatMessage, TestUser } from '../tailchat/api.js';
import { createPluginBroker } from '../tailchat/broker.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { CHAT_SERVICE, RUNNER_SERVICE } from '../../services/names.js';

const LEASE_MS = 4_000;

const words = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word}${i + 1}`).join(' ');
const DUP = words('dup', 40);
const MIDRUN = words('midrun', 60);
const ADOPT = words('adopt', 100);
const DRAIN = words('drain', 40);

const script: Script = [
  { match: '[[dup]]', reply: { kind: 'text', text: DUP, chunks: 40, delayMs: 60 } },
  { match: '[[midrun]]', reply: { kind: 'text', text: MIDRUN, chunks: 60, delayMs: 100 } },
  { match: '[[after]]', reply: { kind: 'text', text: 'After the restart.' } },
  { match: '[[plain]]', reply: { kind: 'text', text: 'Plain reply.' } },
  { match: '[[adopt]]', reply: { kind: 'text', text: ADOPT, chunks: 100, delayMs: 120 } },
  { match: '[[drain]]', reply: { kind: 'text', text: DRAIN, chunks: 40, delayMs: 100 } },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const runIdOf = (prompt: ChatMessage) => `tc-${prompt._id}`;
const replyTo = (m: { meta?: Record<string, unknown> }) => (m.meta?.reply as { _id?: string } | undefined)?._id;

let stack: Stack;
let tc: TailchatInstance;
let model: ModelServer;
let gateway: TestGateway;
let redisServer: Awaited<ReturnType<typeof startRedis>>;
let redis: Redis;
let conv: Conversation;
const bundles = new Map<string, BundleProcess>(); // by node id

async function startInstance(n: number): Promise<void> {
  const nodeId = `tcai-adopt-${n}-${process.pid}`;
  bundles.set(
    nodeId,
    stack.startBundle(
      {
        AI_NODE_ID: nodeId,
        AI_REDIS_URL: redisServer.url,
        AI_RUN_LEASE_MS: String(LEASE_MS),
        AI_RUN_HEARTBEAT_MS: '1000',
        AI_RATE_USER_PER_MIN: '3',
        AI_STREAM_INTERVAL_MS: '200',
      },
      `bundle-${n}`,
    ),
  );
}

/** The node id that holds the run's lease (polls until one does). */
async function ownerOf(runId: string, timeoutMs = 20_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const owner = await redis.get(`tcai:run:${runId}:lease`).catch(() => null);
    if (owner) return owner;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no owner of ${runId} in Redis after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Stored bot messages replying to `prompt` (after waiting `settleMs`, so late duplicates show). */
async function storedRepliesTo(prompt: ChatMessage, settleMs = 0): Promise<ChatMessage[]> {
  if (settleMs) await sleep(settleMs);
  const all = await conv.api.fetchConverseMessage(conv.alice.token, conv.panelId);
  return all.filter((m) => m.author === conv.botUserId && (replyTo(m) === prompt._id || aiMeta(m)?.runId === runIdOf(prompt)));
}

/** For a failure message: what Tailchat's history and bob's socket hold for `prompt`. */
async function whatArrived(prompt: ChatMessage): Promise<string> {
  const page = await conv.api.fetchConverseMessage(conv.alice.token, conv.panelId);
  const brief = (m: { _id?: string; author?: string; content: string; meta?: Record<string, unknown> }) =>
    `${m._id} by ${m.author === conv.botUserId ? 'bot' : m.author} reply=${replyTo(m)} run=${aiMeta(m)?.runId} status=${aiMeta(m)?.status} "${m.content.slice(0, 30)}"`;
  const pushed = conv.bobSocket.events<WireMessage>('notify:chat.message.add').filter((m) => replyTo(m) === prompt._id || aiMeta(m)?.runId === runIdOf(prompt));
  return [
    `history page: ${page.length} messages, prompt ${page.some((m) => m._id === prompt._id) ? 'in it' : 'NOT in it'}; newest: ${page.slice(0, 4).map(brief).join(' | ')}`,
    `pushed to bob for it: ${pushed.map(brief).join(' | ') || 'nothing'}`,
  ].join('\n');
}

async function pollFinalReply(prompt: ChatMessage, timeoutMs = 60_000): Promise<ChatMessage> {
  const t0 = Date.now();
  for (;;) {
    const hit = (await storedRepliesTo(prompt))[0];
    if (hit) return hit;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no stored reply to ${prompt._id} after ${timeoutMs} ms; ${await whatArrived(prompt)}`);
    await sleep(250);
  }
}

/** Waits until bob's socket shows the run's draft with at least `minChars` of text (it is streaming). */
async function streaming(prompt: ChatMessage, minChars: number, timeoutMs = 30_000): Promise<void> {
  await conv.bobSocket.waitFor<WireMessage>(
    'notify:chat.message.update',
    (m) => aiMeta(m)?.runId === runIdOf(prompt) && aiMeta(m)?.status === 'streaming' && m.content.length >= minChars,
    timeoutMs,
  );
}

/** SIGKILL the bundle and everything below it (tsx runs the service in a child process). */
async function crash(bundle: BundleProcess): Promise<void> {
  for (const p of processTree(bundle.pid).reverse()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await bundle.exited;
}

async function restartRedis(): Promise<void> {
  const { port } = redisServer;
  await redisServer.stop();
  await sleep(500);
  redisServer = await startRedis(port);
}

const ask = (text: string, as?: TestUser) => conv.ask(text, as);

beforeAll(async () => {
  const [started, redisStarted] = await Promise.all([startStack({ label: 'run-adoption', model: { script }, gateway: {}, bundle: false }), startRedis()]);
  stack = started;
  redisServer = redisStarted;
  ({ tc } = stack);
  model = stack.model!;
  gateway = stack.gateway!;
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  await Promise.all([startInstance(1), startInstance(2)]);
  await stack.waitForInstances(2);
  await stack.waitForAgent();
  conv = await startConversation(tc);
}, 240_000);

afterAll(async () => {
  conv?.close();
  redis?.disconnect();
  await stack?.stop();
  await redisServer?.stop();
}, 120_000);

describe('runs shared through Redis by two instances', () => {
  it('starts a run once: a redelivered event and a duplicate startRun on the other instance start nothing', async () => {
    const prompt = await ask('[[dup]] a medium answer');
    const runId = runIdOf(prompt);
    const owner = await ownerOf(runId);
    const other = [...bundles.keys()].find((id) => id !== owner)!;
    const { job } = JSON.parse((await redis.get(`tcai:run:${runId}`))!) as { job: unknown };

    const probe = createPluginBroker({ tailchat: tc });
    await probe.start();
    try {
      await probe.waitForServices([RUNNER_SERVICE], 10_000);
      // The same job on the instance that does not own it (what a redelivery balanced there does).
      expect(await probe.call(`${RUNNER_SERVICE}.startRun`, { job }, { nodeID: other })).toEqual({ accepted: false });
      // Tailchat's event once more, to every instance's chat side.
      probe.broadcast('chat.message.updateMessage', {
        type: 'add',
        groupId: conv.groupId,
        converseId: conv.panelId,
        messageId: prompt._id,
        author: conv.alice.userId,
        content: prompt.content,
        meta: prompt.meta ?? {},
      });
      await pollFinalReply(prompt);
      // After the reply, too (a late redelivery).
      expect(await probe.call(`${RUNNER_SERVICE}.startRun`, { job }, { nodeID: other })).toEqual({ accepted: false });
    } finally {
      await probe.stop();
    }
    const replies = await storedRepliesTo(prompt, 3_000);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.content).toContain('dup40');
    expect(model.requests.filter((r) => r.userText.includes('[[dup]]'))).toHaveLength(1);
    // The redelivered event reached both chat sides: the intake journal let neither handle it
    // again (it was handled once, by the instance its first event went to); the other instance's
    // runner refused the job.
    for (const b of bundles.values()) expect(b.count(new RegExp(`message left alone: another instance took it .*${prompt._id}`))).toBeGreaterThanOrEqual(1);
    expect([...bundles.values()].reduce((n, b) => n + b.count(new RegExp(`message handled .*${runId}`)), 0)).toBe(1);
    expect(bundles.get(other)!.count(new RegExp(`not started again .*${runId}`))).toBe(1);
    expect(await redis.smembers('tcai:runs')).toEqual([]);
  }, 120_000);

  it('goes on through Redis restarts, mid-run and between runs, and the shared rate limit works again', async () => {
    const prompt = await ask('[[midrun]] a long answer', conv.bob);
    const runId = runIdOf(prompt);
    const owner = await ownerOf(runId);
    await streaming(prompt, 40);
    await restartRedis(); // its data is gone: no run, no counters
    // The owner writes its run back on its next renewal (and nobody adopts it meanwhile).
    for (let i = 0; i < 50 && (await redis.get(`tcai:run:${runId}:lease`).catch(() => null)) === null; i++) await sleep(200);
    expect(await redis.get(`tcai:run:${runId}:lease`)).toBe(owner);
    const final = await pollFinalReply(prompt);
    expect(aiMeta(final)?.status).toBe('done');
    expect(final.content).toContain('midrun60');
    expect(await storedRepliesTo(prompt, 3_000)).toHaveLength(1);
    expect(await redis.smembers('tcai:runs')).toEqual([]);
    expect([...bundles.values()].some((b) => b.count(/adopting a run/) > 0)).toBe(false);

    await restartRedis();
    const after = await ask('[[after]] hello again');
    expect((await pollFinalReply(after)).content).toContain('After the restart.');
    expect(await storedRepliesTo(after, 2_000)).toHaveLength(1);

    // 3 prompts a minute per user, counted in Redis across both instances: the 4th is refused.
    // (One after the other: two instances sending into one OpenClaw session at once is another matter.)
    const replies: ChatMessage[] = [];
    for (let i = 1; i <= 4; i++) replies.push(await pollFinalReply(await ask(`[[plain]] question ${i}`, conv.bob)));
    expect(replies.slice(0, 3).every((r) => r.content.includes('Plain reply.'))).toBe(true);
    expect(replies[3]!.content).toContain('faster than the assistant allows');
  }, 120_000);

  it('drains on SIGTERM: the running reply is finished, nobody adopts it, and the ledger is left empty', async () => {
    const prompt = await ask('[[drain]] one more');
    const runId = runIdOf(prompt);
    const owner = await ownerOf(runId);
    await streaming(prompt, 20);
    expect(await bundles.get(owner)!.stop()).toBe(0);
    bundles.delete(owner);
    const replies = await storedRepliesTo(prompt);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.content).toContain('drain40');
    expect(await redis.smembers('tcai:runs')).toEqual([]);
    expect(await redis.keys('tcai:run:*:lease')).toEqual([]);
    await sleep(LEASE_MS + 1_000);
    expect([...bundles.values()].some((b) => b.count(/adopting a run/) > 0)).toBe(false);
    expect(await storedRepliesTo(prompt)).toHaveLength(1);
  }, 120_000);

  it('adopts the run of an instance killed mid-stream; the reply is stored exactly once', async () => {
    // A fresh second instance (the drained one said goodbye: the cluster forgot it at once).
    await startInstance(3);
    await stack.waitForInstances(2);
    const prompt = await ask('[[adopt]] a very long answer');
    const runId = runIdOf(prompt);
    const owner = await ownerOf(runId);
    const survivor = [...bundles.entries()].find(([id]) => id !== owner)![1];
    await streaming(prompt, 60);
    await crash(bundles.get(owner)!);
    bundles.delete(owner);

    await survivor.waitForOutput(/adopting a run/, LEASE_MS + 15_000);
    const final = await pollFinalReply(prompt, 60_000);
    expect(aiMeta(final)?.status).toBe('done');
    expect(final.content).toContain('adopt1 ');
    expect(final.content).toContain('adopt100');
    expect(await storedRepliesTo(prompt, 5_000)).toHaveLength(1);
    // The gateway ran the turn once: the adopter attached to it instead of asking again.
    expect(model.requests.filter((r) => r.userText.includes('[[adopt]]'))).toHaveLength(1);
    expect(await redis.smembers('tcai:runs')).toEqual([]);
  }, 120_000);
});
