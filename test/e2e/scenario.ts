/**
 * The end-to-end path every deploy form must show on the real Tailchat: a message posted through
 * Tailchat reaches the agent, the reply grows live on another member's socket, one final message
 * is stored, the draft disappears, and the agent never answers itself or another bot.
 */
import { expect } from 'vitest';
import { createPluginBroker } from '../tailchat/broker.js';
import type { TailchatConnection } from '../tailchat/kit.js';
import { aiMeta, type Conversation, type WireMessage } from '../support/conversation.js';

export async function expectLiveReplyAndFinalMessage(conv: Conversation): Promise<void> {
  await expectReplyAndFinalMessage(conv, { live: true });
}

/**
 * `live: false` is bot mode (no broker, so no live draft over gateway.notify): the same
 * conversation, but the reply appears once, as the stored final message.
 */
export async function expectReplyAndFinalMessage(conv: Conversation, o: { live: boolean }): Promise<void> {
  const prompt = await conv.ask('hello from alice, please answer slowly');
  const final = await conv.finalReplyTo(prompt);

  const adds = conv.bobSocket.events<WireMessage>('notify:chat.message.add');
  const draft = adds.find((m) => m.author === conv.botUserId && aiMeta(m)?.status === 'streaming' && aiMeta(m)?.runId === `tc-${prompt._id}`);
  if (!o.live) {
    expect(draft, 'no live draft without broker access').toBeUndefined();
    expect(adds.filter((m) => aiMeta(m)?.runId === `tc-${prompt._id}`).map((m) => m._id)).toEqual([final._id]);
  } else {
    // Live: bob saw a draft appear and grow before the final message.
    expect(draft, 'a live draft was pushed').toBeDefined();
    const updates = conv.bobSocket.events<{ _id: string; content: string }>('notify:chat.message.update').filter((u) => u._id === draft!._id);
    expect(updates.length, 'the draft was updated while streaming').toBeGreaterThan(1);
    const lengths = updates.map((u) => u.content.length);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
    await conv.bobSocket.waitFor('notify:chat.message.delete', (d: { messageId: string }) => d.messageId === draft!._id, 5_000);
  }

  // Final: stored by Tailchat, readable as text, structured in meta, a reply to the prompt.
  expect(final.content).toContain('You said: "hello from alice, please answer slowly"');
  expect(aiMeta(final)).toMatchObject({ v: 1, status: 'done', runId: `tc-${prompt._id}`, requester: conv.alice.userId });
  expect(aiMeta(final)!.blocks[0]).toMatchObject({ type: 'markdown' });
  const stored = await conv.botMessages();
  expect(stored.map((m) => m._id)).toEqual([final._id]);
  expect(stored[0]!.content).toBe(final.content);
}

export async function expectNoAnswerToBots(conv: Conversation, tc: TailchatConnection): Promise<void> {
  const before = (await conv.botMessages()).length;
  // Another plugin bot mentions ours: no reply (and ours never answers its own messages).
  const broker = createPluginBroker({ tailchat: tc });
  await broker.start();
  try {
    await broker.waitForServices(['user', 'chat.message'], 15_000);
    const otherBot = (await broker.call('user.ensurePluginBot', { botId: 'com.example.otherbot', nickname: 'Other bot' })) as string;
    await broker.call(
      'chat.message.sendMessage',
      { converseId: conv.panelId, groupId: conv.groupId, content: `[at=${conv.botUserId}]AI[/at] hi from a bot`, meta: { mentions: [conv.botUserId] } },
      { meta: { userId: otherBot } },
    );
  } finally {
    await broker.stop();
  }
  // A real prompt after it is answered, so "nothing happened" is not just slowness.
  const prompt = await conv.ask('second question');
  const final = await conv.finalReplyTo(prompt);
  expect(final.content).toContain('This is turn 2 of this conversation');
  await new Promise((r) => setTimeout(r, 1_000));
  expect((await conv.botMessages()).length).toBe(before + 1);
}

export async function expectNewForgets(conv: Conversation): Promise<void> {
  await conv.ask('/new');
  await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && m.content.startsWith('Started a new conversation'), 15_000);
  const prompt = await conv.ask('after reset');
  const final = await conv.finalReplyTo(prompt);
  expect(final.content).toContain('This is turn 1 of this conversation.');
}
