/**
 * Private tool output, end to end: the real Tailchat (NATS), the real OpenClaw gateway driven by
 * the fake model server, and the bundle as its own process. The model calls OpenClaw's `write`
 * tool with a secret marker in its arguments (and so in its result).
 * - In a group (default 'private'): neither the live draft on a member's socket nor the stored
 *   reply carries arguments or result; the tool card has name, status and `redacted`.
 * - getToolOutput: the requester (bob) and an approver (the owner alice; carol with the approve
 *   role) get them; a plain member (dave) gets 403; once the group names approvers, carol is
 *   refused too. getToolOutputAccess answers the same question for the card.
 * - A group set to 'everyone' stores them in the reply.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyBlock, ToolBlock } from '../../protocol/blocks.js';
import { PERMISSIONS } from '../../protocol/actions.js';
import type { ModelServer, Script } from '../model-server/server.js';
import type { TestGateway } from '../openclaw/gateway.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, BOT_NICKNAME, type Conversation, type WireMessage } from '../support/conversation.js';
import { createUser, type ChatMessage, type TestUser } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { CHAT_SERVICE } from '../../services/names.js';

const SECRET = /SECRET-[0-9a-f]{8}/;

const script: Script = [
  {
    match: '[[write]]',
    reply: (ctx) => {
      if (ctx.toolResults.length > 0) return { kind: 'text', text: 'The note is written. '.repeat(12).trim(), chunks: 12, delayMs: 60 };
      const secret = SECRET.exec(ctx.userText)?.[0] ?? 'SECRET-missing';
      return { kind: 'tool', name: 'write', args: { path: `notes/${secret}.txt`, content: `the password is ${secret}` } };
    },
  },
];

const blocksOf = (m: { meta?: Record<string, unknown> }): AnyBlock[] => aiMeta(m)?.blocks ?? [];
const toolsOf = (m: { meta?: Record<string, unknown> }) => blocksOf(m).filter((b): b is ToolBlock => b.type === 'tool');
const replyId = (m: { meta?: Record<string, unknown> }) => (m.meta?.reply as { _id?: string } | undefined)?._id;
const newSecret = () => `SECRET-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack;
let tc: TailchatInstance;
let model: ModelServer;
let gateway: TestGateway;
let bundle: BundleProcess;
let conv: Conversation;
let carol: TestUser;
let dave: TestUser;
const dir = mkdtempSync(join(tmpdir(), 'private-tools-'));

function pluginPost(action: string, body: unknown, user: TestUser): Promise<Response> {
  return fetch(`${tc.url}/api/${CHAT_SERVICE}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Token': user.token },
    body: JSON.stringify(body),
  });
}

async function storedReplyTo(prompt: ChatMessage, converseId: string, timeoutMs = 60_000): Promise<ChatMessage> {
  const t0 = Date.now();
  for (;;) {
    const all = await conv.api.fetchConverseMessage(conv.alice.token, converseId);
    const hit = all.find((m) => m.author === conv.botUserId && replyId(m) === prompt._id);
    if (hit) return hit;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no stored reply to ${prompt._id}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  stack = await startStack({
    label: 'private-tools',
    model: { script },
    gateway: {},
    bundle: { env: { OPENCLAW_DEVICE_IDENTITY_PATH: join(dir, 'device.json'), AI_STREAM_INTERVAL_MS: '100' }, label: 'bundle-private-tools' },
    conversation: true,
  });
  ({ tc, bundle, conv } = stack);
  model = stack.model!;
  gateway = stack.gateway!;
  [carol, dave] = await Promise.all([createUser(conv.api, 'carol'), createUser(conv.api, 'dave')]);
  await conv.api.joinGroup(conv.alice.token, conv.groupId, carol.token);
  await conv.api.joinGroup(conv.alice.token, conv.groupId, dave.token);
  const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'AI approvers', [PERMISSIONS.approve]);
  await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [carol.userId], [roleId]);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('private tool output in groups', () => {
  it('the live draft and the stored reply show name and status only; requester and approvers get the details, a plain member gets 403', async () => {
    const secret = newSecret();
    // bob asks (a plain member: he is the requester); bob's socket sees the panel room.
    const prompt = await conv.ask(`please [[write]] ${secret}`, conv.bob);
    const runId = `tc-${prompt._id}`;
    const final = await conv.finalReplyTo(prompt, 90_000);
    expect(aiMeta(final)?.status).toBe('done');

    const drafts = conv.bobSocket
      .all()
      .filter((e) => (e.name === 'notify:chat.message.add' || e.name === 'notify:chat.message.update') && aiMeta(e.data as WireMessage)?.runId === runId)
      .map((e) => e.data as WireMessage)
      .filter((m) => aiMeta(m)?.status === 'streaming');
    expect(drafts.some((d) => toolsOf(d).length > 0), 'a live draft showed the tool card').toBe(true);
    // (the reply quote repeats bob's prompt, secret and all: only what the agent produced counts)
    const agentPart = (m: WireMessage | ChatMessage) => JSON.stringify({ content: m.content, meta: aiMeta(m) });
    for (const d of drafts) {
      expect(agentPart(d)).not.toContain(secret);
      for (const tool of toolsOf(d)) expect(Object.keys(tool).sort()).toEqual(['name', 'redacted', 'status', 'toolCallId', 'type']);
    }

    const stored = await storedReplyTo(prompt, conv.panelId);
    for (const m of [final, stored]) {
      expect(agentPart(m)).not.toContain(secret);
      expect(toolsOf(m)).toEqual([{ type: 'tool', toolCallId: expect.any(String), name: 'write', status: 'succeeded', redacted: true }]);
    }
    // the tool did run with the secret: the model got its result
    expect(model.requests.some((r) => r.userText.includes(secret) && r.toolResults.length > 0)).toBe(true);

    const toolCallId = toolsOf(stored)[0]!.toolCallId;
    const read = async (user: TestUser) => pluginPost('getToolOutput', { runId, toolCallId }, user);
    for (const viewer of [conv.bob, conv.alice, carol]) {
      const res = await read(viewer);
      expect(res.status, await res.clone().text()).toBe(200);
      const { data } = (await res.json()) as { data: { output: { name: string; args: { path: string; content: string }; result?: unknown } } };
      expect(data.output.name).toBe('write');
      expect(data.output.args).toEqual({ path: `notes/${secret}.txt`, content: `the password is ${secret}` });
      expect(data.output.result).toBeDefined();
    }
    const refused = await read(dave);
    expect(refused.status).toBe(403);
    const refusal = await refused.text();
    expect(refusal).toContain('Only the requester and the approvers');
    expect(refusal).not.toContain(secret);
    // Each opening is in the group's audit log (who, which run and tool call); the refusal is not.
    const audit = await conv.api.call<{ entries: Array<{ actor: string; action: string; details: Record<string, unknown> }> }>(`${CHAT_SERVICE}.getAuditLog`, { groupId: conv.groupId }, conv.alice.token);
    const reads = audit.entries.filter((e) => e.action === 'tool-output.read' && e.details.runId === runId && e.details.toolCallId === toolCallId);
    expect(reads.map((e) => e.actor).sort()).toEqual([conv.bob.userId, conv.alice.userId, carol.userId].sort());

    const access = async (user: TestUser) => ((await (await pluginPost('getToolOutputAccess', { runId }, user)).json()) as { data: { allowed: boolean } }).data.allowed;
    expect(await access(conv.bob)).toBe(true);
    expect(await access(carol)).toBe(true);
    expect(await access(dave)).toBe(false);

    // Named approvers narrow it: carol holds the role but is not named; the owner still may.
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { approvers: [conv.alice.userId] } }, conv.alice.token);
    try {
      expect((await read(carol)).status).toBe(403);
      expect((await read(conv.alice)).status).toBe(200);
      expect((await read(conv.bob)).status).toBe(200);
    } finally {
      await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { approvers: [] } }, conv.alice.token);
    }
  }, 120_000);

  it("a group set to 'everyone' stores arguments and result in the reply", async () => {
    const group = await conv.api.createGroup(conv.alice.token, 'Open tools');
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: group.groupId, settings: { toolOutput: 'everyone' } }, conv.alice.token);
    const secret = newSecret();
    const prompt = await conv.api.sendMessage(conv.alice.token, {
      converseId: group.textPanelId,
      groupId: group.groupId,
      content: `[at=${conv.botUserId}]${BOT_NICKNAME}[/at] please [[write]] ${secret}`,
      meta: { mentions: [conv.botUserId] },
    });
    const stored = await storedReplyTo(prompt, group.textPanelId, 90_000);
    const tools = toolsOf(stored);
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ name: 'write', status: 'succeeded', args: { path: `notes/${secret}.txt`, content: `the password is ${secret}` } });
    expect(tools[0]!.redacted).toBeUndefined();
    expect(tools[0]!.result).toBeDefined();
  }, 120_000);
});
