/**
 * Regenerate on the real Tailchat: a new run of the same prompt in the same session, stored as a
 * second reply to the same prompt message (Tailchat cannot edit the first). Permissions and the
 * "still running" rule are enforced by the server. The bundle runs with AI_INVOKE_BY_DEFAULT=false.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunId } from '../../protocol/run-id.js';
import { PLUGIN, startAgentStack, type AgentStack } from '../support/agent-stack.js';
import { aiMeta, type Conversation, type WireMessage } from '../support/conversation.js';
import type { ChatMessage } from '../tailchat/api.js';


describe('regenerate on the real Tailchat', () => {
  let stack: AgentStack;
  let conv: Conversation;

  /** The stored (not streaming) reply of one run, as bob's socket received it. */
  const finalOf = (runId: string, timeoutMs = 30_000) =>
    conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && aiMeta(m)?.runId === runId && aiMeta(m)?.status !== 'streaming', timeoutMs);
  const storedRepliesTo = async (prompt: ChatMessage) =>
    (await conv.botMessages()).filter((m) => parseRunId(aiMeta(m)?.runId ?? '')?.messageId === prompt._id).sort((a, b) => (a._id < b._id ? -1 : 1));

  beforeAll(async () => {
    stack = await startAgentStack({
      label: 'regenerate',
      transporter: 'nats',
      env: {
        AI_INVOKE_BY_DEFAULT: 'false',
        AI_MAX_REPLY_CHARS: '500',
      },
    });
    ({ conv } = stack);
  });
  afterAll(() => stack?.stop());

  it('stores a second reply to the same prompt as attempt 2; the engine got the same prompt in the same session', async () => {
    const prompt = await conv.ask('what is a closure?');
    const first = await conv.finalReplyTo(prompt);
    expect(aiMeta(first)?.runId).toBe(`tc-${prompt._id}`);
    expect(aiMeta(first)?.attempt).toBeUndefined();

    const started = await conv.api.call<{ runId: string; attempt: number }>(`${PLUGIN}.regenerate`, { runId: `tc-${prompt._id}` }, conv.alice.token);
    expect(started).toEqual({ runId: `tc-${prompt._id}.r2`, attempt: 2 });
    const second = await finalOf(started.runId);

    expect(aiMeta(second)).toMatchObject({ status: 'done', requester: conv.alice.userId, attempt: { n: 2, of: `tc-${prompt._id}` } });
    expect((second.meta?.reply as { _id: string })._id).toBe(prompt._id);
    // The scripted engine repeats the prompt and remembers the session's previous prompt: the
    // same question, asked once more in the same conversation.
    expect(second.content).toContain('You said: "what is a closure?"');
    expect(second.content).toMatch(/This is turn \d+ of this conversation; before that you said: "what is a closure\?"/);
    const stored = await storedRepliesTo(prompt);
    expect(stored.map((m) => aiMeta(m)?.attempt?.n ?? 1)).toEqual([1, 2]);
    expect(stored[0]!.content).toBe(first.content); // the first reply is still there, unchanged
  });

  it('refuses a member who neither asked nor may invoke (403), and anonymous callers (401)', async () => {
    const prompt = await conv.ask('a question from alice');
    const first = await conv.finalReplyTo(prompt);
    const asBob = await conv.api.request(`${PLUGIN}.regenerate`, { runId: aiMeta(first)!.runId }, conv.bob.token);
    expect(asBob.status).toBe(403);
    expect(await asBob.text()).toContain('Only the member who asked');
    expect((await conv.api.request(`${PLUGIN}.regenerate`, { runId: aiMeta(first)!.runId })).status).toBe(401);
    expect((await conv.api.request(`${PLUGIN}.regenerate`, { runId: 'tc-000000000000000000000000' }, conv.alice.token)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await storedRepliesTo(prompt)).toHaveLength(1);
  });

  it('refuses while an attempt at the prompt is running; a split reply is regenerated whole, every part marked', async () => {
    const prompt = await conv.ask('a slow answer to regenerate');
    const runId = `tc-${prompt._id}`;
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === runId, 15_000);
    const whileFirst = await conv.api.request(`${PLUGIN}.regenerate`, { runId }, conv.alice.token);
    expect(whileFirst.status).toBe(409);
    expect(await whileFirst.text()).toContain('still being answered');
    await finalOf(runId);

    const { runId: secondId } = await conv.api.call<{ runId: string }>(`${PLUGIN}.regenerate`, { runId }, conv.alice.token);
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === secondId, 15_000);
    // Clicking the first reply again while attempt 2 streams: still refused.
    expect((await conv.api.request(`${PLUGIN}.regenerate`, { runId }, conv.alice.token)).status).toBe(409);
    const second = await finalOf(secondId);
    const count = aiMeta(second)!.part!.count;
    expect(count).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 1000));
    const parts = (await storedRepliesTo(prompt)).filter((m) => aiMeta(m)?.runId === secondId);
    expect(parts.map((m) => aiMeta(m)!.part!.index)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(parts.every((m) => aiMeta(m)!.attempt?.n === 2)).toBe(true);
    expect(parts.map((m) => m.content).join('\n')).toContain('Line 60 of a long answer.');
  });

  it('the Stop action and the invoke role work for regenerated attempts too', async () => {
    const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'AI users', ['plugin.com.yourcompany.ai.invoke']);
    await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [conv.bob.userId], [roleId]);
    const prompt = await conv.ask('slow answer, then regenerated by bob');
    await finalOf(`tc-${prompt._id}`);
    const { runId } = await conv.api.call<{ runId: string }>(`${PLUGIN}.regenerate`, { runId: `tc-${prompt._id}` }, conv.bob.token);
    await conv.bobSocket.waitFor('notify:chat.message.update', (u: WireMessage) => aiMeta(u)?.runId === runId, 15_000);
    await conv.api.call(`${PLUGIN}.stopRun`, { runId }, conv.alice.token);
    expect(aiMeta(await finalOf(runId))).toMatchObject({ status: 'aborted', attempt: { n: 2 } });
  });
});
