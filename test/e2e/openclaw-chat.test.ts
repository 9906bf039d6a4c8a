/**
 * The OpenClaw engine end to end through the REAL Tailchat: a real Tailchat (NATS), the real
 * OpenClaw gateway (exec approvals on) driven by the fake model server, and the bundle as its own
 * process with AI_ENGINE=openclaw. Members talk through Tailchat's HTTP API and watch through
 * socket.io, as the web client does.
 *
 * One gateway for the whole file (~20 s to start, ~1 GB). The cases share one group (one OpenClaw
 * session), so every prompt carries its own marker for the model server's script. Order matters:
 * the gateway crash comes late, and the wrong-token case replaces the bundle, so it is last.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyBlock, ApprovalBlock, ToolBlock } from '../../protocol/blocks.js';
import { USER_ERROR_TEXT } from '../../bridge/run/execute.js';
import type { ModelServer, Script } from '../model-server/server.js';
import type { TestGateway } from '../openclaw/gateway.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, BOT_NICKNAME, type Conversation, type WireMessage } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { ChatMessage } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { CHAT_SERVICE } from '../../services/names.js';

/** Live-update cadence of the bundle: at most 1000/INTERVAL_MS draft updates a second. */
const INTERVAL_MS = 200;
/** How long the killed gateway stays down before it is started again (plus its ~20 s start). */
const GATEWAY_DOWN_MS = 5_000;

const MANY = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
const CODE_BODY = 'export const answer = 42;\nconsole.log(answer);';
const CODE = `Here you go:\n\n\`\`\`ts\n${CODE_BODY}\n\`\`\`\n\nThat is all.`;
const SLOW = Array.from({ length: 300 }, () => 'slow').join(' ');
const LONG = Array.from({ length: 80 }, () => 'restart-proof').join(' ');

const script: Script = [
  // First: a summary prompt quotes the other markers of the transcript.
  { match: 'Summarize the following chat transcript', reply: { kind: 'text', text: 'Summary: the team talked.' } },
  { match: '[[plain]]', reply: { kind: 'text', text: 'Plain reply.' } },
  { match: '[[many]]', reply: { kind: 'text', text: MANY, chunks: 80, delayMs: 30 } },
  { match: '[[fence]]', reply: { kind: 'text', text: CODE, chunks: 14, delayMs: 20 } },
  {
    match: '[[ls]]',
    reply: (ctx) => (ctx.toolResults.length > 0 ? { kind: 'text', text: `Listed: ${ctx.toolResults[0]!.text.slice(0, 80)}` } : { kind: 'tool', name: 'ls', args: { path: '.' } }),
  },
  {
    match: '[[exec]]',
    reply: (ctx) =>
      ctx.toolResults.length > 0
        ? { kind: 'text', text: `Tool output was: ${ctx.toolResults[0]!.text.slice(0, 200)}` }
        : { kind: 'tool', name: 'exec', args: { command: 'echo approved-run-ok' } },
  },
  { match: '[[slow]]', reply: { kind: 'text', text: SLOW, chunks: 300, delayMs: 40 } },
  { match: '[[restart]]', reply: { kind: 'text', text: LONG, chunks: 80, delayMs: 75 } },
  { match: '[[again]]', reply: { kind: 'text', text: 'One answer of several.' } },
];

const replyId = (m: { meta?: Record<string, unknown> }) => (m.meta?.reply as { _id?: string } | undefined)?._id;
const runIdOf = (prompt: ChatMessage) => `tc-${prompt._id}`;
const blocksOf = (m: { meta?: Record<string, unknown> }): AnyBlock[] => aiMeta(m)?.blocks ?? [];
const marker = () => randomBytes(4).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack;
let tc: TailchatInstance;
let model: ModelServer;
let gateway: TestGateway;
let bundle: BundleProcess;
let conv: Conversation;
const dir = mkdtempSync(join(tmpdir(), 'openclaw-chat-'));
const timings: Record<string, number> = {};

/** The bundle's env over the stack's (transporter, namespace, gateway and its token). */
function bundleEnv(): Record<string, string> {
  return {
    OPENCLAW_APPROVALS: 'true',
    OPENCLAW_DEVICE_IDENTITY_PATH: join(dir, 'device.json'),
    AI_STREAM_INTERVAL_MS: String(INTERVAL_MS),
    // The killed gateway needs ~20 s to start again, over a minute on a busy machine: the window
    // (default 2 min) must outlast that, or the crash case would test the machine's load.
    OPENCLAW_RECONNECT_WINDOW_MS: '300000',
  };
}

/** The request the model server got for the prompt containing `text` (the latest one). */
function modelRequestFor(text: string) {
  const hit = model.requests.filter((r) => r.userText.includes(text)).at(-1);
  if (!hit) throw new Error(`the model never saw a prompt containing ${JSON.stringify(text)}; it saw ${JSON.stringify(model.requests.map((r) => r.userText))}`);
  return hit;
}

/** What the plugin's web client does: `POST /api/plugin:com.yourcompany.ai/<action>` with the user's token. */
function pluginPost(action: string, body: unknown, token: string): Promise<Response> {
  return fetch(`${tc.url}/api/${CHAT_SERVICE}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Token': token },
    body: JSON.stringify(body),
  });
}

/** Stored bot messages that reply to `prompt` (polls until `count` exist or the time is up). */
async function storedRepliesTo(prompt: ChatMessage, converseId = conv.panelId, settleMs = 0): Promise<ChatMessage[]> {
  if (settleMs) await sleep(settleMs);
  const all = await conv.api.fetchConverseMessage(conv.alice.token, converseId);
  return all.filter((m) => m.author === conv.botUserId && replyId(m) === prompt._id);
}

/** Polls the stored messages of `converseId` for the bot's final reply to `prompt`. */
async function pollFinalReply(prompt: ChatMessage, converseId: string, timeoutMs = 60_000): Promise<ChatMessage> {
  const t0 = Date.now();
  for (;;) {
    const hit = (await storedRepliesTo(prompt, converseId))[0];
    if (hit) return hit;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no stored reply to ${prompt._id} in ${converseId} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** The first live-draft event (add or update) on bob's socket that matches, past or future. */
async function draftEvent(pred: (m: WireMessage) => boolean, timeoutMs: number): Promise<WireMessage> {
  const t0 = Date.now();
  for (;;) {
    const hit = conv.bobSocket.all().find((e) => (e.name === 'notify:chat.message.add' || e.name === 'notify:chat.message.update') && pred(e.data as WireMessage));
    if (hit) return hit.data as WireMessage;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no matching draft event in ${timeoutMs} ms`);
    await sleep(50);
  }
}

beforeAll(async () => {
  const t0 = Date.now();
  stack = await startStack({
    label: 'openclaw-chat',
    model: { script },
    gateway: { approvals: true },
    bundle: { env: bundleEnv(), label: 'bundle-openclaw' },
    conversation: true,
  });
  ({ tc, bundle, conv } = stack);
  model = stack.model!;
  gateway = stack.gateway!;
  timings.beforeAllMs = Date.now() - t0;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(`openclaw-chat timings: ${JSON.stringify(timings)}`);
}, 120_000);

describe('the OpenClaw engine through the real Tailchat', () => {
  it('plain reply: one stored final with the model text, status done, engine openclaw', async () => {
    const t0 = Date.now();
    const prompt = await conv.ask('hello [[plain]]');
    const final = await conv.finalReplyTo(prompt, 60_000);
    timings.plainMs = Date.now() - t0;
    expect(final.content).toBe('Plain reply.');
    expect(aiMeta(final)).toMatchObject({ v: 1, status: 'done', engine: 'openclaw', runId: runIdOf(prompt), requester: conv.alice.userId });
    expect(blocksOf(final)).toEqual([{ type: 'markdown', text: 'Plain reply.' }]);
    expect(modelRequestFor('hello [[plain]]').userText).toBe('hello [[plain]]');
    const stored = await storedRepliesTo(prompt);
    expect(stored.map((m) => m._id)).toEqual([final._id]);
    expect(stored[0]!.content).toBe('Plain reply.');
  });

  it('many deltas: the draft grows in order at the coalesced cadence, the final is the full text', async () => {
    const prompt = await conv.ask('count [[many]]');
    const final = await conv.finalReplyTo(prompt, 60_000);
    const runId = runIdOf(prompt);
    const events = conv.bobSocket.all().filter((e) => {
      const data = e.data as WireMessage;
      return (e.name === 'notify:chat.message.add' || e.name === 'notify:chat.message.update') && aiMeta(data)?.runId === runId && aiMeta(data)?.status === 'streaming';
    });
    expect(events[0]?.name, 'the draft appeared first').toBe('notify:chat.message.add');
    const draftId = (events[0]!.data as WireMessage)._id;
    expect(events.every((e) => (e.data as WireMessage)._id === draftId), 'one draft').toBe(true);
    // After the first `add`, the draft grows by updates; the same draft is announced again every
    // 2 s for clients that reloaded (an `add` of an id a client has is a no-op there).
    const updates = events.slice(1).filter((e) => e.name === 'notify:chat.message.update');
    const reannounced = events.slice(1).filter((e) => e.name === 'notify:chat.message.add');
    expect(updates.length, 'the draft was updated while streaming').toBeGreaterThanOrEqual(3);
    // '…' is the draft's placeholder before the first text arrives
    const contents = events.map((e) => (e.data as WireMessage).content).map((c) => (c === '…' ? '' : c));
    for (let i = 1; i < contents.length; i++) {
      expect(contents[i]!.startsWith(contents[i - 1]!), `update ${i} extends update ${i - 1}: ${JSON.stringify(contents)}`).toBe(true);
    }
    expect(contents.at(-1)!.length).toBeGreaterThan(contents[0]!.length);
    expect(MANY.startsWith(contents.at(-1)!)).toBe(true);
    // ≤ 1000/INTERVAL_MS updates a second (5/s) over the draft's lifetime (shown → removed);
    // forwarding every delta would be ~80 updates in ~3 s.
    await conv.bobSocket.waitFor('notify:chat.message.delete', (d: { messageId: string }) => d.messageId === draftId, 5_000);
    const removedAt = conv.bobSocket.all().find((e) => e.name === 'notify:chat.message.delete' && (e.data as { messageId: string }).messageId === draftId)!.at;
    const durationS = (removedAt - events[0]!.at) / 1000;
    expect(updates.length).toBeLessThanOrEqual(Math.floor(durationS * (1000 / INTERVAL_MS)) + 2);
    expect(reannounced.length).toBeLessThanOrEqual(Math.floor(durationS / 2) + 1);
    timings.manyUpdates = updates.length;
    timings.manyDraftMs = Math.round(durationS * 1000);
    expect(final.content).toBe(MANY);
    expect(aiMeta(final)?.status).toBe('done');
  });

  it('a fenced code block arrives as a code block with the exact code', async () => {
    const prompt = await conv.ask('show [[fence]]');
    const final = await conv.finalReplyTo(prompt, 60_000);
    expect(blocksOf(final)).toEqual([
      { type: 'markdown', text: 'Here you go:' },
      { type: 'code', code: CODE_BODY, language: 'ts' },
      { type: 'markdown', text: 'That is all.' },
    ]);
    expect(final.content).toBe(CODE);
  });

  it('a tool call is shown as a tool card that succeeded', async () => {
    const prompt = await conv.ask('list [[ls]]');
    const final = await conv.finalReplyTo(prompt, 60_000);
    const tools = blocksOf(final).filter((b): b is ToolBlock => b.type === 'tool');
    expect(tools).toEqual([expect.objectContaining({ type: 'tool', name: 'ls', status: 'succeeded' })]);
    expect(aiMeta(final)?.status).toBe('done');
    expect(final.content).toMatch(/Listed: /);
    // the model got the tool's result before it answered
    expect(model.requests.filter((r) => r.userText.includes('list [[ls]]') && r.toolResults.length > 0).length).toBe(1);
  });

  it('exec approval: a pending card; a member without the permission gets 403, the owner approves, the run continues', async () => {
    const t0 = Date.now();
    const prompt = await conv.ask('run [[exec]] please');
    const runId = runIdOf(prompt);
    const isPending = (m: WireMessage) => aiMeta(m)?.runId === runId && blocksOf(m).some((b) => b.type === 'approval' && (b as ApprovalBlock).status === 'pending');
    const draft = await draftEvent(isPending, 60_000);
    const card = blocksOf(draft).find((b): b is ApprovalBlock => b.type === 'approval')!;
    expect(card).toMatchObject({ type: 'approval', status: 'pending', command: 'echo approved-run-ok' });
    expect(aiMeta(draft)?.status).toBe('streaming');

    const body = { runId, approvalId: card.approvalId, decision: 'allow-once' };
    const asBob = await pluginPost('resolveApproval', body, conv.bob.token);
    expect(asBob.status, await asBob.clone().text()).toBe(403);
    // bob's attempt changed nothing: the command has not run
    expect(model.requests.filter((r) => r.userText.includes('run [[exec]] please') && r.toolResults.length > 0)).toEqual([]);
    const asAlice = await pluginPost('resolveApproval', body, conv.alice.token);
    expect(asAlice.status, await asAlice.clone().text()).toBe(200);

    const final = await conv.finalReplyTo(prompt, 60_000);
    timings.approvalMs = Date.now() - t0;
    expect(aiMeta(final)?.status).toBe('done');
    const approvals = blocksOf(final).filter((b): b is ApprovalBlock => b.type === 'approval');
    expect(approvals).toEqual([expect.objectContaining({ approvalId: card.approvalId, status: 'approved', decidedBy: conv.alice.userId })]);
    const tools = blocksOf(final).filter((b): b is ToolBlock => b.type === 'tool');
    // Tool output is private in groups by default: the card has no result, the requester reads it.
    expect(tools).toEqual([{ type: 'tool', toolCallId: expect.any(String), name: 'exec', status: 'succeeded', redacted: true }]);
    const details = await pluginPost('getToolOutput', { runId, toolCallId: tools[0]!.toolCallId }, conv.alice.token);
    expect(details.status, await details.clone().text()).toBe(200);
    expect(JSON.stringify(((await details.json()) as { data: { output: { result: unknown } } }).data.output.result)).toContain('approved-run-ok');
    expect(final.content).toContain('Tool output was: approved-run-ok');
  });

  it('/stop mid-stream: the stored reply is aborted and shorter than the model answer', async () => {
    const prompt = await conv.ask('go [[slow]]');
    const runId = runIdOf(prompt);
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === runId && u.content.length > 0, 60_000);
    const t0 = Date.now();
    await conv.ask('/stop');
    const final = await conv.finalReplyTo(prompt, 30_000);
    timings.stopMs = Date.now() - t0;
    expect(aiMeta(final)?.status).toBe('aborted');
    expect(final.content).toContain('Stopped.');
    expect(final.content.split('slow').length - 1).toBeLessThan(300);
  });

  it('/new forgets the context: the model sees no earlier user turn afterwards', async () => {
    const m = marker();
    const before = await conv.ask(`${m} remember alpha`);
    await conv.finalReplyTo(before, 60_000);
    // the session did have history before /new (otherwise the check below proves nothing)
    expect(modelRequestFor(`${m} remember alpha`).userTurns.length).toBeGreaterThan(1);

    const reset = await conv.ask('/new');
    await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (x) => x.author === conv.botUserId && replyId(x) === reset._id && x.content.startsWith('Started a new conversation'), 30_000);
    const after = await conv.ask(`${m} after new`);
    const final = await conv.finalReplyTo(after, 60_000);
    const seen = modelRequestFor(`${m} after new`);
    expect(seen.userTurns).toEqual([`${m} after new`]);
    expect(JSON.stringify(seen.body.messages)).not.toContain('remember alpha');
    expect(final.content).toBe(`You said: "${m} after new". I saw no earlier user turns.`);
  });

  it('two groups never share context', async () => {
    const a = `apple-${marker()}`;
    const b = `banana-${marker()}`;
    const groupB = await conv.api.createGroup(conv.alice.token, 'AI group B');
    const askIn = (groupId: string, panelId: string, text: string) =>
      conv.api.sendMessage(conv.alice.token, { converseId: panelId, groupId, content: `[at=${conv.botUserId}]${BOT_NICKNAME}[/at] ${text}`, meta: { mentions: [conv.botUserId] } });

    const [pa, pb] = await Promise.all([askIn(conv.groupId, conv.panelId, `${a} in group A`), askIn(groupB.groupId, groupB.textPanelId, `${b} in group B`)]);
    const [fa, fb] = await Promise.all([conv.finalReplyTo(pa, 60_000), pollFinalReply(pb, groupB.textPanelId)]);
    expect(aiMeta(fa)?.status).toBe('done');
    expect(fb.content).toBe(`You said: "${b} in group B". I saw no earlier user turns.`);
    const seenB = modelRequestFor(`${b} in group B`);
    expect(seenB.userTurns).toEqual([`${b} in group B`]);
    expect(JSON.stringify(seenB.body)).not.toContain(a);

    // group B's second turn sees its own first turn, still nothing of group A
    const pb2 = await askIn(groupB.groupId, groupB.textPanelId, `${b} second`);
    await pollFinalReply(pb2, groupB.textPanelId);
    const seenB2 = modelRequestFor(`${b} second`);
    expect(seenB2.userTurns).toEqual([`${b} in group B`, `${b} second`]);
    expect(JSON.stringify(seenB2.body)).not.toContain(a);
    // and group A never saw group B
    const pa2 = await conv.ask(`${a} again`);
    await conv.finalReplyTo(pa2, 60_000);
    const seenA2 = modelRequestFor(`${a} again`);
    expect(seenA2.userTurns).toContain(`${a} in group A`);
    expect(JSON.stringify(seenA2.body)).not.toContain(b);
  });

  it('the user features on the real gateway: reply to the agent, "stop" alone, Regenerate, /summarize', async () => {
    // A reply to one of the agent's messages is addressed to it: no mention needed.
    const m1 = marker();
    const first = await conv.ask(`[[plain]] ${m1}`);
    const answer = await conv.finalReplyTo(first, 60_000);
    const followUp = await conv.api.sendMessage(conv.alice.token, {
      converseId: conv.panelId,
      groupId: conv.groupId,
      content: `[[plain]] and one more thing ${m1}`,
      meta: { reply: { _id: answer._id, author: conv.botUserId, content: answer.content } },
    });
    expect(aiMeta(await conv.finalReplyTo(followUp, 60_000))?.status).toBe('done');
    expect(modelRequestFor(`and one more thing ${m1}`).userTurns.some((t) => t.includes(`[[plain]] ${m1}`))).toBe(true);

    // "stop" on its own stops the running reply, as /stop does.
    const slow = await conv.ask(`[[slow]] ${marker()}`);
    await draftEvent((m) => aiMeta(m)?.runId === runIdOf(slow) && m.content.length > 40, 30_000);
    await conv.api.sendMessage(conv.alice.token, { converseId: conv.panelId, groupId: conv.groupId, content: 'stop' });
    const stopped = await conv.finalReplyTo(slow, 30_000);
    expect(aiMeta(stopped)?.status).toBe('aborted');

    // Regenerate: a second attempt of the same prompt, in the same OpenClaw session.
    const m2 = marker();
    const asked = await conv.ask(`[[again]] ${m2}`);
    await conv.finalReplyTo(asked, 60_000);
    const started = await conv.api.call<{ runId: string; attempt: number }>(`${CHAT_SERVICE}.regenerate`, { runId: runIdOf(asked) }, conv.alice.token);
    expect(started).toEqual({ runId: `${runIdOf(asked)}.r2`, attempt: 2 });
    await expect.poll(async () => (await storedRepliesTo(asked)).length, { timeout: 60_000 }).toBe(2);
    const second = (await storedRepliesTo(asked)).find((m) => aiMeta(m)?.runId === started.runId)!;
    expect(aiMeta(second)).toMatchObject({ status: 'done', attempt: { n: 2, of: runIdOf(asked) } });
    const asks = model.requests.filter((r) => r.userText.includes(`[[again]] ${m2}`));
    expect(asks).toHaveLength(2);
    // The second request carries the first exchange: the same session remembers it.
    expect(asks[1]!.userTurns.filter((t) => t.includes(`[[again]] ${m2}`)).length).toBe(2);

    // /summarize: the panel's history goes to the model in its own session.
    const summary = await conv.ask('/summarize 20');
    const reply = await conv.finalReplyTo(summary, 60_000);
    expect(reply.content).toContain('Summary: the team talked.');
    const summaryRequest = modelRequestFor('Summarize the following chat transcript');
    expect(summaryRequest.userText).toContain(`and one more thing ${m1}`);
    expect(summaryRequest.userTurns).toHaveLength(1); // not the group's conversation memory
  }, 240_000);

  it('gateway killed mid-run and down for a while: the draft says it is reconnecting, then the reply ends in full; a prompt sent meanwhile is answered', async () => {
    const m = marker();
    const prompt = await conv.ask(`survive [[restart]] ${m}`);
    const runId = runIdOf(prompt);
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === runId && u.content.length > 0, 60_000);
    const t0 = Date.now();
    await gateway.stop({ hard: true }); // kill -9
    const waiting = await draftEvent((u) => aiMeta(u)?.runId === runId && aiMeta(u)?.phase === 'reconnecting', 30_000);
    expect(aiMeta(waiting)?.status).toBe('streaming');
    expect(waiting.content).toContain('Reconnecting to the agent');
    // A prompt sent while the gateway is down waits for it as well (behind the first, same session).
    const meanwhile = await conv.ask(`while it is down [[plain]] ${m}`);
    await draftEvent((u) => aiMeta(u)?.runId === runIdOf(meanwhile) && aiMeta(u)?.phase === 'reconnecting', 30_000);
    await sleep(GATEWAY_DOWN_MS); // the fault: the gateway stays away a while before it is started again
    await gateway.start();
    timings.gatewayDownMs = Date.now() - t0;
    const final = await conv.finalReplyTo(prompt, 150_000);
    timings.restartRunMs = Date.now() - t0;
    expect(aiMeta(final)?.status).toBe('done');
    expect(final.content).toBe(LONG);
    expect(final.content.split('restart-proof').length - 1).toBe(80);
    const answer = await conv.finalReplyTo(meanwhile, 60_000);
    expect(aiMeta(answer)?.status).toBe('done');
    expect(answer.content).toBe('Plain reply.');
    // nothing else arrives for either prompt
    expect((await storedRepliesTo(prompt, conv.panelId, 3_000)).map((x) => x._id)).toEqual([final._id]);
    expect((await storedRepliesTo(meanwhile)).map((x) => x._id)).toEqual([answer._id]);
  }, 240_000);

  it('wrong gateway token: the user is told briefly, the admin log names the problem and never a token', async () => {
    const goodLog = bundle.output();
    await bundle.stop();
    expect(goodLog).not.toContain(gateway.token);

    const wrong = randomBytes(32).toString('hex');
    bundle = stack.startBundle({ ...bundleEnv(), OPENCLAW_GATEWAY_TOKEN: wrong }, 'bundle-wrong-token');
    await bundle.waitForOutput(/ServiceBroker with \d+ service\(s\) started/, 60_000);
    await stack.waitForAgent();

    const m = marker();
    const prompt = await conv.ask(`${m} are you there? [[plain]]`);
    const reply = await conv.finalReplyTo(prompt, 60_000);
    expect(aiMeta(reply)).toMatchObject({ status: 'error', engine: 'openclaw' });
    expect(reply.content).toContain(USER_ERROR_TEXT.auth!);
    expect(reply.content).toMatch(/unavailable.*An admin has been told/);
    expect(blocksOf(reply)).toContainEqual(expect.objectContaining({ type: 'error', kind: 'auth' }));
    expect(model.requests.some((r) => r.userText.includes(m))).toBe(false);
    expect((await storedRepliesTo(prompt, conv.panelId, 1_000)).length).toBe(1);

    await bundle.waitForOutput(/rejected the gateway token \(AUTH_TOKEN_MISMATCH\)/, 10_000);
    const log = bundle.output();
    expect(log).toMatch(/engine run failed/);
    expect(log).toMatch(/OPENCLAW_GATEWAY_TOKEN/);
    expect(log).not.toContain(wrong);
    expect(log).not.toContain(gateway.token);
  }, 120_000);
});
