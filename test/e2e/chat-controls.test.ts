/**
 * What members and admins do around a reply, on the real Tailchat: permissions enforced by the
 * server, /stop and the Stop action, group settings, DMs with the agent, and bad input.
 * The bundle runs with AI_INVOKE_BY_DEFAULT=false, so invoking needs the plugin permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../protocol/actions.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { PLUGIN, startAgentStack, type AgentStack } from '../support/agent-stack.js';
import { aiMeta, BOT_NICKNAME, type Conversation, type WireMessage } from '../support/conversation.js';
import { createUser, type TestUser } from '../tailchat/api.js';
import { createPluginBroker } from '../tailchat/broker.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { connectSocket } from '../tailchat/socket.js';


describe('chat controls on the real Tailchat', () => {
  let stack: AgentStack;
  let tc: TailchatInstance;
  let bundle: BundleProcess;
  let conv: Conversation;

  const botSays = (pred: (m: WireMessage) => boolean, timeoutMs = 15_000) =>
    conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && pred(m), timeoutMs);

  beforeAll(async () => {
    stack = await startAgentStack({
      label: 'controls',
      transporter: 'nats',
      env: {
        AI_INVOKE_BY_DEFAULT: 'false',
        AI_MAX_PROMPT_CHARS: '200',
        AI_MAX_REPLY_CHARS: '500',
      },
    });
    ({ tc, bundle, conv } = stack);
  });
  afterAll(() => stack?.stop());

  it('refuses a member without the invoke permission, answers once a role grants it', async () => {
    const refused = await conv.ask('may I?', conv.bob);
    const reply = await botSays((m) => (m.meta?.reply as { _id: string } | undefined)?._id === refused._id);
    expect(reply.content).toContain('do not have permission');
    const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'AI users', [PERMISSIONS.invoke]);
    await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [conv.bob.userId], [roleId]);
    const allowed = await conv.ask('now may I?', conv.bob);
    expect((await conv.finalReplyTo(allowed)).content).toContain('You said: "now may I?"');
  });

  it('refuses an oversized prompt with the limit, and answers the next one', async () => {
    const big = await conv.ask('x'.repeat(250));
    expect((await botSays((m) => (m.meta?.reply as { _id: string } | undefined)?._id === big._id)).content).toContain('limit 200');
  });

  it('stores a reply longer than a message in parts, losing nothing; part 1 carries the whole panel', async () => {
    const prompt = await conv.ask('a slow and long answer');
    const first = await conv.finalReplyTo(prompt);
    const meta = aiMeta(first)!;
    expect(meta.part?.index).toBe(1);
    const count = meta.part!.count;
    expect(count).toBeGreaterThan(2);
    await new Promise((r) => setTimeout(r, 1000));
    // Stored in order: ids are time-ordered (Tailchat lists newest first).
    const parts = (await conv.botMessages()).filter((m) => aiMeta(m)?.runId === meta.runId).sort((a, b) => (a._id < b._id ? -1 : 1));
    expect(parts.map((m) => aiMeta(m)!.part!.index)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    for (const p of parts) expect(p.content.length).toBeLessThanOrEqual(500);
    const all = parts.map((p) => p.content).join('\n');
    for (const n of [1, 30, 60]) expect(all).toContain(`Line ${n} of a long answer.`);
    const panelText = meta.blocks.filter((b) => b.type === 'markdown').map((b) => (b as unknown as { text: string }).text).join('\n');
    expect(panelText).toContain('Line 60 of a long answer.');
    expect(parts.slice(1).every((p) => aiMeta(p)!.blocks.length === 0)).toBe(true);
  });

  it('/stop ends a streaming reply; the stored reply says it was stopped', async () => {
    const prompt = await conv.ask('slow answer please');
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === `tc-${prompt._id}`, 15_000);
    await conv.ask('/stop');
    const final = await conv.finalReplyTo(prompt);
    expect(aiMeta(final)?.status).toBe('aborted');
    expect(final.content).toContain('Stopped.');
    expect(final.content).not.toContain('Line 60 of a long answer.');
  });

  it('the Stop action is allowed for the requester only (or approvers)', async () => {
    const prompt = await conv.ask('slow answer for the stop button');
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === `tc-${prompt._id}`, 15_000);
    const asBob = await conv.api.request(`${PLUGIN}.stopRun`, { runId: `tc-${prompt._id}` }, conv.bob.token);
    expect(asBob.status).toBe(403);
    const asAlice = await conv.api.call<{ stopped: boolean }>(`${PLUGIN}.stopRun`, { runId: `tc-${prompt._id}` }, conv.alice.token);
    expect(asAlice.stopped).toBe(true);
    expect(aiMeta(await conv.finalReplyTo(prompt))?.status).toBe('aborted');
    const anonymous = await conv.api.request(`${PLUGIN}.stopRun`, { runId: `tc-${prompt._id}` });
    expect(anonymous.status).toBe(401);
  });

  it('group settings: members read them, only configurers change them, and they take effect', async () => {
    const read = await conv.api.call<{ settings: { trigger: string }; canConfigure: boolean }>(`${PLUGIN}.getGroupSettings`, { groupId: conv.groupId }, conv.bob.token);
    expect(read).toMatchObject({ settings: { trigger: 'mention' }, canConfigure: false });
    const denied = await conv.api.request(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { trigger: 'prefix' } }, conv.bob.token);
    expect(denied.status).toBe(403);
    const invalid = await conv.api.request(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { trigger: 'always' } }, conv.alice.token);
    expect(invalid.status).toBe(422);
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { trigger: 'prefix', prefix: '!ask' } }, conv.alice.token);
    const viaPrefix = await conv.api.sendMessage(conv.alice.token, { converseId: conv.panelId, groupId: conv.groupId, content: '!ask what now?' });
    expect((await conv.finalReplyTo(viaPrefix)).content).toContain('You said: "what now?"');
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { enabled: false } }, conv.alice.token);
    const off = await conv.ask('are you there?');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await conv.botMessages()).some((m) => (m.meta?.reply as { _id: string } | undefined)?._id === off._id)).toBe(false);
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { enabled: true, trigger: 'mention' } }, conv.alice.token);
  });

  it('approvals: checked against the approve permission and the group\'s named approvers; the card shows who decided', async () => {
    const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'AI approvers', [PERMISSIONS.approve]);
    await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [conv.bob.userId], [roleId]);
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { approvers: [conv.alice.userId] } }, conv.alice.token);
    const prompt = await conv.ask('please approve the build');
    const draft = await conv.bobSocket.waitFor<WireMessage>(
      'notify:chat.message.update',
      (u) => aiMeta(u)?.runId === `tc-${prompt._id}` && aiMeta(u)!.blocks.some((b) => b.type === 'approval'),
      15_000,
    );
    const approval = aiMeta(draft)!.blocks.find((b) => b.type === 'approval') as unknown as { approvalId: string; status: string; decisions?: string[] };
    expect(approval.status).toBe('pending');
    expect(approval.decisions).toEqual(['allow-once', 'deny']);
    const body = { runId: `tc-${prompt._id}`, approvalId: approval.approvalId, decision: 'allow-once' };
    const notNamed = await conv.api.request(`${PLUGIN}.resolveApproval`, body, conv.bob.token);
    expect(notNamed.status).toBe(403);
    expect(await notNamed.text()).toContain('named approvers');
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { approvers: [] } }, conv.alice.token);
    await conv.api.call(`${PLUGIN}.resolveApproval`, body, conv.bob.token);
    const final = await conv.finalReplyTo(prompt);
    expect(aiMeta(final)!.blocks).toContainEqual(expect.objectContaining({ type: 'approval', status: 'approved', decidedBy: conv.bob.userId }));
    expect(aiMeta(final)!.blocks).toContainEqual(expect.objectContaining({ type: 'tool', name: 'exec', status: 'succeeded' }));
  });

  it('/summarize reads the history through Tailchat\'s paging and summarizes a long one in parts', async () => {
    for (let i = 1; i <= 12; i++) {
      const who = i % 2 ? conv.alice : conv.bob;
      await conv.api.sendMessage(who.token, { converseId: conv.panelId, groupId: conv.groupId, content: `status update number ${i}: the migration of service ${i} is ${i % 3 ? 'done' : 'blocked on review'}` });
    }
    const ask = await conv.ask('/summarize 12');
    const summary = await conv.finalReplyTo(ask, 45_000);
    // The whole reply is in part 1's panel (the text itself is longer than one message here).
    const text = aiMeta(summary)!.blocks.map((b) => String((b as { text?: unknown }).text ?? '')).join('\n');
    // 12 messages (~900 chars) exceed the 500-char window of this bundle: parts, then the combination.
    expect(text).toContain('Combine them into one concise summary');
    for (const part of ['Part 1:', 'Part 2:']) expect(text).toContain(part);
    expect(text).toContain('status update number 1:');
    expect(text).toContain('status update number 12:');
    // Its own session: the summary is turn 1 there, whatever the group discussed before.
    expect(text).toContain('This is turn 1 of this conversation');
  });

  it('answers a DM with the agent, ignores DMs between people', async () => {
    const carol: TestUser = await createUser(conv.api, 'carol');
    const socket = await connectSocket(tc.url, carol.token);
    try {
      const dm = await conv.api.createDMConverse(carol.token, [conv.botUserId]);
      const mine = await conv.api.sendMessage(carol.token, { converseId: dm._id, content: 'hello in private' });
      const reply = await socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && (m.meta?.reply as { _id: string } | undefined)?._id === mine._id && aiMeta(m)?.status === 'done', 20_000);
      expect(reply.content).toContain('You said: "hello in private"');
      const human = await conv.api.createDMConverse(carol.token, [conv.alice.userId]);
      await conv.api.sendMessage(carol.token, { converseId: human._id, content: `@${BOT_NICKNAME} are you listening?` });
      await new Promise((r) => setTimeout(r, 1500));
      const msgs = await conv.api.fetchConverseMessage(carol.token, human._id);
      expect(msgs.filter((m) => m.author === conv.botUserId)).toHaveLength(0);
    } finally {
      socket.close();
    }
  });

  it('logs and drops malformed events without losing the next message', async () => {
    const broker = createPluginBroker({ tailchat: tc });
    await broker.start();
    try {
      await broker.waitForServices([PLUGIN], 15_000);
      await broker.emit('chat.message.updateMessage', { type: 'add', converseId: 42, content: null });
      await broker.emit('chat.message.updateMessage', 'not even an object');
    } finally {
      await broker.stop();
    }
    await bundle.waitForOutput(/dropped malformed chat\.message\.updateMessage event/, 10_000);
    const prompt = await conv.ask('still there?');
    expect((await conv.finalReplyTo(prompt)).content).toContain('You said: "still there?"');
  });
});
