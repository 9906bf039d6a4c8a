/**
 * Hostile members on the real Tailchat (issue #18, findings 8–10): bounds an ordinary user must
 * not be able to grow, and reads only of what the requester may see. Scripted engine, the bundle
 * as its own process on NATS, no Redis (audit entries in Tailchat's group data).
 *
 * - Regenerate of `…r999999` is refused before any runner is asked (the runners refuse a list of
 *   a million ids, which used to read as "nothing running"), and attempt 21 is refused.
 * - One user with runs in two groups is held to AI_MAX_RUNS_PER_USER and told so.
 * - A /summarize posted (by a hand-made API call) into another group's panel, naming the
 *   poster's own group, reads nothing, posts nothing, and cannot be regenerated.
 * - Hundreds of private tool-output reads do not push an approval out of the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLogPage } from '../../../protocol/admin.js';
import { PLUGIN, startAgentStack, type AgentStack } from '../../support/agent-stack.js';
import { aiMeta, BOT_NICKNAME, type Conversation, type WireMessage } from '../../support/conversation.js';
import { createUser, type ChatMessage } from '../../tailchat/api.js';
import { connectSocket, type TailchatSocket } from '../../tailchat/socket.js';

describe('hostile members: bounds and reads', () => {
  let stack: AgentStack;
  let conv: Conversation;
  let aliceSocket: TailchatSocket;
  let second: { groupId: string; textPanelId: string };

  const mention = (text: string) => ({ content: `[at=${conv.botUserId}]${BOT_NICKNAME}[/at] ${text}`, meta: { mentions: [conv.botUserId] } });
  /** The stored reply of one run (not a draft), as alice's socket received it (she is in both groups). */
  const finalOf = (runId: string, timeoutMs = 30_000) =>
    aliceSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && aiMeta(m)?.runId === runId && !['streaming', 'queued'].includes(aiMeta(m)?.status ?? ''), timeoutMs);
  const regenerate = (runId: string, token = conv.alice.token) => conv.api.request(`${PLUGIN}.regenerate`, { runId }, token);

  beforeAll(async () => {
    stack = await startAgentStack({
      label: 'hostile-bounds',
      transporter: 'nats',
      env: {
        // Rate limits off: the attempts test regenerates many times in a minute.
        AI_RATE_USER_PER_MIN: '0',
        AI_RATE_GROUP_PER_MIN: '0',
        AI_MAX_RUNS_PER_USER: '2',
        // "slow" streams 60 lines: at 80 ms a chunk it runs for ~10 s, long enough to hold slots.
        AI_SCRIPTED_CHUNK_DELAY_MS: '80',
      },
    });
    ({ conv } = stack);
    second = await conv.api.createGroup(conv.alice.token, 'second group');
    // Connected after both groups exist: the socket joins every panel room of alice's groups.
    aliceSocket = await connectSocket(stack.tc.url, conv.alice.token);
  });
  afterAll(async () => {
    aliceSocket?.close();
    await stack?.stop();
  });

  it('refuses Regenerate of …r999999 at once (no runner asked), and the next attempt is still 2', async () => {
    const prompt = await conv.ask('a short question');
    await finalOf(`tc-${prompt._id}`);
    const refused = await regenerate(`tc-${prompt._id}.r999999`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('answered 20 times');
    const next = await conv.api.call<{ runId: string; attempt: number }>(`${PLUGIN}.regenerate`, { runId: `tc-${prompt._id}` }, conv.alice.token);
    expect(next).toEqual({ runId: `tc-${prompt._id}.r2`, attempt: 2 });
    expect(aiMeta(await finalOf(next.runId))?.status).toBe('done');
  });

  it('refuses attempt 21 of a prompt (default AI_MAX_ATTEMPTS 20)', async () => {
    const prompt = await conv.ask('another short question');
    await finalOf(`tc-${prompt._id}`);
    // Clicking a (forged) attempt-19 reply starts attempt 20: the last one allowed.
    const twentieth = await conv.api.call<{ runId: string; attempt: number }>(`${PLUGIN}.regenerate`, { runId: `tc-${prompt._id}.r19` }, conv.alice.token);
    expect(twentieth.attempt).toBe(20);
    await finalOf(twentieth.runId);
    const refused = await regenerate(`tc-${prompt._id}`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('answered 20 times');
  });

  it('holds one user to 2 runs across two groups: the third gets the busy reply, another member is not held back', async () => {
    const s1 = await conv.ask('slow one');
    const s2 = await conv.api.sendMessage(conv.alice.token, { converseId: second.textPanelId, groupId: second.groupId, ...mention('slow two') });
    const streaming = (p: ChatMessage) => aliceSocket.waitFor<WireMessage>('notify:chat.message.update', (u) => aiMeta(u)?.runId === `tc-${p._id}` && aiMeta(u)?.status === 'streaming', 15_000);
    await Promise.all([streaming(s1), streaming(s2)]);

    const s3 = await conv.api.sendMessage(conv.alice.token, { converseId: second.textPanelId, groupId: second.groupId, ...mention('slow three') });
    const busy = await finalOf(`tc-${s3._id}`);
    expect(aiMeta(busy)?.status).toBe('error');
    expect(busy.content).toContain('You already have 2 replies running or waiting');

    const fromBob = await conv.ask('a question from bob', conv.bob);
    expect(aiMeta(await finalOf(`tc-${fromBob._id}`))?.status).toBe('done');
    expect(aiMeta(await finalOf(`tc-${s1._id}`))?.status).toBe('done');
  });

  it("a /summarize posted into another group's panel, naming the poster's own group, reads and posts nothing; Regenerate of it is refused", async () => {
    const carol = await createUser(conv.api, 'carol');
    const other = await conv.api.createGroup(carol.token, "carol's group");
    const secret = `SECRET-${Date.now().toString(36)}`;
    await conv.api.sendMessage(carol.token, { converseId: other.textPanelId, groupId: other.groupId, content: `the launch code is ${secret}` });

    // Tailchat checks bob's membership of the group he names (alice's), not that the panel is one of its.
    const forged = await conv.api.sendMessage(conv.bob.token, { converseId: other.textPanelId, groupId: conv.groupId, ...mention('/summarize') });
    const regen = await regenerate(`tc-${forged._id}`, conv.bob.token);
    expect(regen.status).toBe(404);
    expect(await regen.text()).toContain('not visible to you');
    await stack.bundle.waitForOutput(new RegExp(`refused: the message names a place its author may not read.*${other.textPanelId}`), 15_000);

    // A run bob is allowed: once its reply is stored, anything the forged command had started would be too.
    const barrier = await conv.ask('and now a real question', conv.bob);
    await finalOf(`tc-${barrier._id}`);
    const carolsPanel = await conv.api.fetchConverseMessage(carol.token, other.textPanelId);
    expect(carolsPanel.filter((m) => m.author === conv.botUserId)).toEqual([]);
    expect((await conv.botMessages()).some((m) => m.content.includes(secret))).toBe(false);
  });

  it('hundreds of tool-output reads by a member do not push an approval out of the audit log', async () => {
    const approvalPrompt = await conv.ask('please approve the build');
    const runId = `tc-${approvalPrompt._id}`;
    const draft = await aliceSocket.waitFor<WireMessage>('notify:chat.message.update', (u) => aiMeta(u)?.runId === runId && aiMeta(u)!.blocks.some((b) => b.type === 'approval'), 15_000);
    const { approvalId } = aiMeta(draft)!.blocks.find((b) => b.type === 'approval') as unknown as { approvalId: string };
    await conv.api.call(`${PLUGIN}.resolveApproval`, { runId, approvalId, decision: 'allow-once' }, conv.alice.token);
    await finalOf(runId);

    // bob's own run with a tool call: he may read its private details as often as he likes.
    const toolPrompt = await conv.ask('use a tool please', conv.bob);
    const toolRun = `tc-${toolPrompt._id}`;
    await finalOf(toolRun);
    const read = () => conv.api.call(`${PLUGIN}.getToolOutput`, { runId: toolRun, toolCallId: `${toolRun}-t1` }, conv.bob.token);
    for (let batch = 0; batch < 51; batch++) await Promise.all(Array.from({ length: 10 }, read)); // 510 reads, more than the log's 500

    const { entries } = await conv.api.call<AuditLogPage>(`${PLUGIN}.getAuditLog`, { groupId: conv.groupId, limit: 500 }, conv.alice.token);
    expect(entries.filter((e) => e.action === 'approval.decided')).toEqual([
      expect.objectContaining({ actor: conv.alice.userId, details: expect.objectContaining({ runId, approvalId, decision: 'allow-once' }) }),
    ]);
    expect(entries.filter((e) => e.action === 'tool-output.read' && e.actor === conv.bob.userId)).toHaveLength(500);
  }, 180_000);
});
