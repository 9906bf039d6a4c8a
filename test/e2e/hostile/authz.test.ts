/**
 * A hostile member on the real Tailchat (issue #18), one test per finding; each failed before the
 * authorization layer (bridge/policy/) and the run-bound approvals (bridge/run/approval-book.ts):
 * 1. an approval decided through another run (and with a decision the card did not offer),
 * 2. a DM user approving their own exec, 7. a typed stop ending someone else's run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLogPage } from '../../../protocol/admin.js';
import { PLUGIN, startAgentStack, type AgentStack } from '../../support/agent-stack.js';
import { aiMeta, type Conversation, type WireMessage } from '../../support/conversation.js';
import { createUser } from '../../tailchat/api.js';
import { connectSocket } from '../../tailchat/socket.js';

const replyTo = (m: WireMessage) => (m.meta?.reply as { _id?: string } | undefined)?._id;

describe('hostile member: authorization (issue #18)', () => {
  let stack: AgentStack;
  let conv: Conversation;

  beforeAll(async () => {
    stack = await startAgentStack({ label: 'authz-hostile' });
    ({ conv } = stack);
  });
  afterAll(() => stack?.stop());

  /** The first live draft of `runId` showing an approval card, as bob's socket saw it. */
  const approvalCard = async (socket: typeof conv.bobSocket, runId: string) => {
    const draft = await socket.waitFor<WireMessage>('notify:chat.message.update', (u) => aiMeta(u)?.runId === runId && aiMeta(u)!.blocks.some((b) => b.type === 'approval'), 15_000);
    return aiMeta(draft)!.blocks.find((b) => b.type === 'approval') as unknown as { approvalId: string; status: string; decisions?: string[] };
  };

  it('finding 1: an approval cannot be decided through another run, nor with a decision the card did not offer', async () => {
    // Bob owns a group of his own, where he may approve, and keeps a run of his pending there.
    const own = await conv.api.createGroup(conv.bob.token, 'bob-own');
    const bobSocket = await connectSocket(stack.tc.url, conv.bob.token);
    try {
      const bobsPrompt = await conv.api.sendMessage(conv.bob.token, {
        converseId: own.textPanelId,
        groupId: own.groupId,
        content: `[at=${conv.botUserId}]AI[/at] please approve my build`,
        meta: { mentions: [conv.botUserId] },
      });
      await approvalCard(bobSocket, `tc-${bobsPrompt._id}`);

      // Alice's exec in the shared group; bob sees its approval id in the live draft.
      const prompt = await conv.ask('please approve the build');
      const runId = `tc-${prompt._id}`;
      const card = await approvalCard(conv.bobSocket, runId);
      expect(card.decisions).toEqual(['allow-once', 'deny']);

      const hijack = await conv.api.request(`${PLUGIN}.resolveApproval`, { runId: `tc-${bobsPrompt._id}`, approvalId: card.approvalId, decision: 'allow-once' }, conv.bob.token);
      expect(hijack.status).toBe(409);
      const notOffered = await conv.api.request(`${PLUGIN}.resolveApproval`, { runId, approvalId: card.approvalId, decision: 'allow-always' }, conv.alice.token);
      expect(notOffered.status).toBe(422);
      expect(await notOffered.text()).toContain('not offered');

      // Still pending: alice, the owner, decides it with an offered decision, once.
      await conv.api.call(`${PLUGIN}.resolveApproval`, { runId, approvalId: card.approvalId, decision: 'deny' }, conv.alice.token);
      const replay = await conv.api.request(`${PLUGIN}.resolveApproval`, { runId, approvalId: card.approvalId, decision: 'allow-once' }, conv.alice.token);
      expect(replay.status).toBe(409);
      const final = await conv.finalReplyTo(prompt);
      expect(aiMeta(final)!.blocks).toContainEqual(expect.objectContaining({ type: 'approval', status: 'denied', decidedBy: conv.alice.userId }));
      expect(aiMeta(final)!.blocks).not.toContainEqual(expect.objectContaining({ type: 'tool', name: 'exec' }));

      // The audit names the run's group, and nothing landed in bob's.
      const audit = await conv.api.call<AuditLogPage>(`${PLUGIN}.getAuditLog`, { groupId: conv.groupId }, conv.alice.token);
      expect(audit.entries.filter((e) => e.action === 'approval.decided').map((e) => [e.actor, e.groupId])).toEqual([[conv.alice.userId, conv.groupId]]);
      const bobs = await conv.api.call<AuditLogPage>(`${PLUGIN}.getAuditLog`, { groupId: own.groupId }, conv.bob.token);
      expect(bobs.entries.filter((e) => e.action === 'approval.decided')).toEqual([]);
    } finally {
      bobSocket.close();
    }
  });

  it('finding 2: in a DM nobody but a global approver approves their own exec; it is refused at once with a clear message', async () => {
    const carol = await createUser(conv.api, 'carol');
    const socket = await connectSocket(stack.tc.url, carol.token);
    try {
      const dm = await conv.api.createDMConverse(carol.token, [conv.botUserId]);
      const mine = await conv.api.sendMessage(carol.token, { converseId: dm._id, content: 'please approve the build' });
      const final = await socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && replyTo(m) === mine._id && !['streaming', 'queued'].includes(aiMeta(m)?.status ?? ''), 20_000);
      expect(aiMeta(final)?.status).toBe('error');
      expect(final.content).toContain('only global approvers may approve their own commands');
      expect(aiMeta(final)!.blocks).toContainEqual(expect.objectContaining({ type: 'approval', status: 'denied' }));
      expect(aiMeta(final)!.blocks).not.toContainEqual(expect.objectContaining({ type: 'tool', name: 'exec' }));
      const self = await conv.api.request(`${PLUGIN}.resolveApproval`, { runId: `tc-${mine._id}`, approvalId: `tc-${mine._id}-approval`, decision: 'allow-once' }, carol.token);
      expect(self.status).toBe(403);
      expect(await self.text()).toContain('global approver');
    } finally {
      socket.close();
    }
  });

  it("finding 7: a member's typed stop does not end someone else's run", async () => {
    const prompt = await conv.ask('slow answer for the stop rule');
    const runId = `tc-${prompt._id}`;
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === runId, 15_000);
    await conv.api.sendMessage(conv.bob.token, { converseId: conv.panelId, groupId: conv.groupId, content: 'stop' });
    const bobStop = await conv.ask('/stop', conv.bob);
    const told = await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && replyTo(m) === bobStop._id, 15_000);
    expect(told.content).toContain('None of your replies is running');
    const final = await conv.finalReplyTo(prompt);
    expect(aiMeta(final)?.status).toBe('done');
    expect(aiMeta(final)!.blocks.map((b) => String((b as { text?: unknown }).text ?? '')).join('\n')).toContain('Line 60 of a long answer.');
  });

  it("the requester's own typed stop still ends their run", async () => {
    const prompt = await conv.ask('slow answer she stops herself');
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === `tc-${prompt._id}`, 15_000);
    await conv.api.sendMessage(conv.alice.token, { converseId: conv.panelId, groupId: conv.groupId, content: 'stop' });
    expect(aiMeta(await conv.finalReplyTo(prompt))?.status).toBe('aborted');
  });
});
