/**
 * Usage and the audit log with everything real and Redis configured: the real Tailchat, the
 * bundle with `AI_REDIS_URL` = Tailchat's own Redis, the real OpenClaw gateway (exec approvals
 * on) and the fake model server, which reports token usage as OpenAI-compatible servers do.
 * OpenClaw passes on the output tokens of a run (its `usage` agent events); those are counted,
 * and the counters and audit entries are in Redis (shared by every instance), not in group data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalBlock } from '../../protocol/blocks.js';
import type { AuditLogPage, UsageReport } from '../../protocol/admin.js';
import { USAGE_DATA_NAME } from '../../bridge/usage/store.js';
import type { ModelServer, Script } from '../model-server/server.js';
import type { TestGateway } from '../openclaw/gateway.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, type Conversation, type WireMessage } from '../support/conversation.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { CHAT_SERVICE } from '../../services/names.js';
import { ACTIONS, type AgentUsersView } from '../../protocol/actions.js';

const REPLY = 'A reply of a known length, so the model server reports a known number of tokens.';

const script: Script = [
  { match: '[[metered]]', reply: { kind: 'text', text: REPLY } },
  {
    match: '[[exec]]',
    reply: (ctx) => (ctx.toolResults.length > 0 ? { kind: 'text', text: `Tool output was: ${ctx.toolResults[0]!.text.slice(0, 80)}` } : { kind: 'tool', name: 'exec', args: { command: 'echo metered-ok' } }),
  },
];

let stack: Stack;
let tc: TailchatInstance;
let model: ModelServer;
let gateway: TestGateway;
let bundle: BundleProcess;
let conv: Conversation;
let redis: Redis;
const dir = mkdtempSync(join(tmpdir(), 'usage-openclaw-'));

beforeAll(async () => {
  stack = await startStack({
    label: 'usage-openclaw',
    model: { script },
    gateway: { approvals: true },
    bundle: {
      env: ({ tc }) => ({
        AI_REDIS_URL: tc.redisUrl!,
        // No plugin database: usage and audit go to Redis, the store of that mode.
        AI_MONGO_URL: '',
        OPENCLAW_APPROVALS: 'true',
        OPENCLAW_DEVICE_IDENTITY_PATH: join(dir, 'device.json'),
        AI_STREAM_INTERVAL_MS: '200',
        // A second agent on the scripted engine beside the OpenClaw one (README "Agents").
        AI_AGENTS: JSON.stringify([{ id: 'assistant', nickname: 'AI Assistant' }, { id: 'demo', nickname: 'Demo', engine: 'scripted', instructions: 'Be a demo.' }]),
      }),
      label: 'bundle-usage-openclaw',
    },
    conversation: true,
  });
  ({ tc, bundle, conv } = stack);
  model = stack.model!;
  gateway = stack.gateway!;
  redis = new Redis(tc.redisUrl!);
}, 240_000);

afterAll(async () => {
  await redis?.quit();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

const usage = () => conv.api.call<UsageReport>(`${CHAT_SERVICE}.getUsage`, { groupId: conv.groupId }, conv.alice.token);

describe('usage and audit with OpenClaw and Redis', () => {
  it("counts an OpenClaw run with the model's output tokens, in Redis", async () => {
    const prompt = await conv.ask('hello [[metered]]');
    expect((await conv.finalReplyTo(prompt, 60_000)).content).toBe(REPLY);
    let report: UsageReport | undefined;
    await expect.poll(async () => (report = await usage()).totals.runs, { timeout: 10_000 }).toBe(1);
    // The fake model server counts 4 characters a token, as it reports to OpenClaw.
    const expectedOutput = Math.ceil(REPLY.length / 4);
    expect(report!.totals).toMatchObject({ runs: 1, outputTokens: expectedOutput, totalTokens: expectedOutput });
    expect(report!.engines.map((e) => e.id)).toEqual(['openclaw']);
    expect(report!.users).toEqual([{ id: conv.alice.userId, runs: 1, inputTokens: 0, outputTokens: expectedOutput, totalTokens: expectedOutput }]);
    // In Redis, not in Tailchat's group data.
    const month = new Date().toISOString().slice(0, 7);
    expect(await redis.hget(`tcai:usage:${month}:group:${conv.groupId}`, 'output')).toBe(String(expectedOutput));
    expect(await conv.api.call<{ data: string | null }>('group.extra.getGroupData', { groupId: conv.groupId, name: USAGE_DATA_NAME }, conv.alice.token)).toEqual({ data: null });
  });

  it('an OpenClaw exec approval decided in Tailchat is in the audit log (a Redis list)', async () => {
    const prompt = await conv.ask('run it [[exec]]');
    const runId = `tc-${prompt._id}`;
    const draft = await conv.bobSocket.waitFor<WireMessage>(
      'notify:chat.message.update',
      (m) => aiMeta(m)?.runId === runId && (aiMeta(m)?.blocks ?? []).some((b) => b.type === 'approval' && (b as ApprovalBlock).status === 'pending'),
      60_000,
    );
    const card = aiMeta(draft)!.blocks.find((b): b is ApprovalBlock => b.type === 'approval')!;
    await conv.api.call(`${CHAT_SERVICE}.resolveApproval`, { runId, approvalId: card.approvalId, decision: 'allow-once' }, conv.alice.token);
    expect((await conv.finalReplyTo(prompt, 60_000)).content).toContain('metered-ok');

    const { entries } = await conv.api.call<AuditLogPage>(`${CHAT_SERVICE}.getAuditLog`, { groupId: conv.groupId, limit: 10 }, conv.alice.token);
    expect(entries[0]).toMatchObject({ actor: conv.alice.userId, action: 'approval.decided', details: { runId, approvalId: card.approvalId, decision: 'allow-once' } });
    expect(await redis.llen(`tcai:audit:${conv.groupId}`)).toBe(entries.length);
    // Two model calls (the tool call, then the answer): OpenClaw sums their output tokens.
    await expect.poll(async () => (await usage()).totals.runs, { timeout: 10_000 }).toBe(2);
    expect((await usage()).totals.outputTokens).toBeGreaterThan(Math.ceil(REPLY.length / 4));
  });

  it('an agent on the scripted engine beside the OpenClaw one: each answers as its own bot, on its own engine, counted apart', async () => {
    const { agents } = await conv.api.call<AgentUsersView>(`${CHAT_SERVICE}.${ACTIONS.getAgentUsers}`, {}, conv.alice.token);
    const demo = agents.find((a) => a.agentId === 'demo')!;
    // Without the plugin's database: the admin adds it (nothing joins by itself but the first agent).
    expect((await conv.api.request(`${CHAT_SERVICE}.${ACTIONS.setGroupAgent}`, { groupId: conv.groupId, agentId: 'demo', member: true }, conv.alice.token)).status).toBe(200);
    const prompt = await conv.api.sendMessage(conv.alice.token, { converseId: conv.panelId, groupId: conv.groupId, content: `[at=${demo.userId}]Demo[/at] hi [[metered]]`, meta: { mentions: [demo.userId] } });
    const reply = await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id && aiMeta(m)?.status === 'done', 30_000);
    expect(reply.author).toBe(demo.userId);
    expect(aiMeta(reply)?.engine).toBe('scripted');
    expect(reply.content).toContain('(Following my instructions: "Be a demo.")');
    const requestsBefore = model.requests.length;
    const toClaw = await conv.ask('and you [[metered]]');
    const clawReply = await conv.finalReplyTo(toClaw, 60_000);
    expect([clawReply.author, clawReply.content]).toEqual([conv.botUserId, REPLY]);
    // The OpenClaw agent's model never saw the demo agent's conversation.
    const turns = model.requests.slice(requestsBefore).flatMap((r) => r.userTurns);
    expect(turns.some((t) => t.includes('and you [[metered]]'))).toBe(true);
    expect(turns.some((t) => t.includes('hi [[metered]]'))).toBe(false);
    await expect.poll(async () => (await usage()).agents.map((a) => a.id).sort(), { timeout: 10_000 }).toEqual(['assistant', 'demo']);
  });
});
