/**
 * `/summarize thread` and `/summarize unread` on the real Tailchat: the thread is found through
 * Tailchat's own paging and reply links, unread follows the member's real read state
 * (`chat.ack`, as the web client writes it), the plugin's command meta (what the "+" menu action
 * sends) is honoured without a mention, and long selections still go through map → reduce.
 * The scripted engine answers with the prompt it got, so the reply shows what was summarized.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_COMMAND_META_KEY } from '../../protocol/command-meta.js';
import { PLUGIN, startAgentStack, type AgentStack } from '../support/agent-stack.js';
import { aiMeta, type Conversation, type WireMessage } from '../support/conversation.js';
import type { ChatMessage, TestUser } from '../tailchat/api.js';


describe('/summarize thread and unread on the real Tailchat', () => {
  let stack: AgentStack;
  let conv: Conversation;

  /** The whole text of a stored reply (part 1's panel holds all of it). */
  const replyText = (m: WireMessage) => aiMeta(m)!.blocks.map((b) => String((b as { text?: unknown }).text ?? '')).join('\n') || m.content;
  const post = (who: TestUser, content: string, meta?: Record<string, unknown>) =>
    conv.api.sendMessage(who.token, { converseId: conv.panelId, groupId: conv.groupId, content, ...(meta ? { meta } : {}) });
  const replyTo = (m: ChatMessage) => ({ reply: { _id: m._id, author: m.author, content: m.content } });
  /** As the web client does when messages scroll into view (MessageAckContainer → chat.ack.update). */
  const markRead = (who: TestUser, m: ChatMessage) => conv.api.call('chat.ack.update', { converseId: conv.panelId, lastMessageId: m._id }, who.token);
  const botAnswer = (to: ChatMessage) =>
    conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === to._id && aiMeta(m) === undefined, 15_000);

  beforeAll(async () => {
    stack = await startAgentStack({
      label: 'summarize',
      transporter: 'redis',
      env: {
        // Window of 900 characters per prompt: a dozen long messages need the map → reduce path.
        AI_MAX_PROMPT_CHARS: '1500',
        AI_MAX_REPLY_CHARS: '4000',
        AI_SCRIPTED_CHUNK_DELAY_MS: '5',
      },
    });
    ({ conv } = stack);
  });
  afterAll(() => stack?.stop());

  it('a thread summary holds the root and its replies, climbing from any reply, and nothing else', async () => {
    const { alice, bob } = conv;
    const root = await post(alice, 'ROOT: shall we move the release to Friday?');
    await post(bob, 'CHATTER-1: lunch anyone?');
    const r1 = await post(bob, 'REPLY-1: Friday works if QA signs off', replyTo(root));
    await post(alice, 'CHATTER-2: the coffee machine is fixed');
    const r2 = await post(alice, 'REPLY-2: QA signs off Thursday evening', replyTo(r1));
    const r3 = await post(bob, 'REPLY-3: then Friday it is', replyTo(root));
    // Asked as a reply to the middle of the thread (the web client's "Reply", then a mention).
    const asked = await conv.api.sendMessage(alice.token, {
      converseId: conv.panelId,
      groupId: conv.groupId,
      content: `[at=${conv.botUserId}]AI Assistant[/at] /summarize thread`,
      meta: { mentions: [conv.botUserId], ...replyTo(r2) },
    });
    const text = replyText(await conv.finalReplyTo(asked, 30_000));
    expect(text).toContain('a reply thread');
    for (const m of [root, r1, r2, r3]) expect(text).toContain(m.content.split(':')[0]!);
    expect(text).not.toContain('CHATTER');
    // In order: root first, then the replies as they were posted.
    expect(text.indexOf('ROOT:')).toBeLessThan(text.indexOf('REPLY-1:'));
    expect(text.indexOf('REPLY-2:')).toBeLessThan(text.indexOf('REPLY-3:'));
  });

  it('the thread action (message id + command meta, no mention) summarizes the same thread', async () => {
    const root = await post(conv.bob, 'TOPIC: rename the staging cluster?');
    const reply = await post(conv.alice, 'ANSWER: yes, to staging-eu', replyTo(root));
    await post(conv.alice, 'UNRELATED: weekend plans');
    const asked = await post(conv.alice, `/summarize thread ${reply._id}`, { [AI_COMMAND_META_KEY]: { v: 1 } });
    const text = replyText(await conv.finalReplyTo(asked, 30_000));
    expect(text).toContain('TOPIC:');
    expect(text).toContain('ANSWER:');
    expect(text).not.toContain('UNRELATED');
    expect(text).not.toContain('ROOT:'); // the earlier thread is another thread
  });

  it('says how to name a thread when the command neither replies nor gives an id', async () => {
    const asked = await conv.ask('/summarize thread');
    expect((await botAnswer(asked)).content).toContain('Which thread?');
  });

  it("unread follows the member's read state in Tailchat: only what came after it", async () => {
    const { alice, bob } = conv;
    const seen = await post(alice, 'SEEN: bob has read up to here');
    await markRead(bob, seen);
    const fresh = [];
    for (const n of [1, 2, 3]) fresh.push(await post(alice, `FRESH-${n}: news bob has not seen`));
    const asked = await conv.ask('/summarize unread', bob);
    const text = replyText(await conv.finalReplyTo(asked, 30_000));
    expect(text).toContain('not read yet');
    for (const n of [1, 2, 3]) expect(text).toContain(`FRESH-${n}:`);
    expect(text).not.toContain('SEEN:');
    expect(text).not.toContain('TOPIC:');
  });

  it('a typed /summarize unread after the client marked everything read says so and points to the action', async () => {
    const last = await post(conv.alice, 'LATEST: all read');
    await markRead(conv.bob, last);
    const asked = await conv.ask('/summarize unread', conv.bob);
    expect((await botAnswer(asked)).content).toContain('Tailchat already counts everything here as read');
  });

  it("the action's read position (taken when the panel was opened) wins over Tailchat's, which the client already moved", async () => {
    const { alice, bob } = conv;
    const before = await post(alice, 'OLD: read before bob left');
    await markRead(bob, before);
    const missed = [];
    for (const n of [1, 2]) missed.push(await post(alice, `MISSED-${n}: while bob was away`));
    // bob opens the panel: the client acks the newest message before he clicks the action.
    await markRead(bob, missed[1]!);
    const asked = await post(bob, '/summarize unread', { [AI_COMMAND_META_KEY]: { v: 1, readUpTo: before._id } });
    const text = replyText(await conv.finalReplyTo(asked, 30_000));
    for (const n of [1, 2]) expect(text).toContain(`MISSED-${n}:`);
    expect(text).not.toContain('OLD:');
  });

  it('a long unread history is summarized in parts and then combined', async () => {
    const { alice, bob } = conv;
    const mark = await post(alice, 'MARK: everything after this is unread for bob');
    await markRead(bob, mark);
    for (let i = 1; i <= 14; i++) {
      await post(i % 2 ? alice : bob, `LONG-${i}: status of service ${i} — the migration is ${i % 3 ? 'done and verified in staging' : 'blocked on the security review'}`);
    }
    const asked = await post(bob, '/summarize unread', { [AI_COMMAND_META_KEY]: { v: 1, readUpTo: mark._id } });
    const text = replyText(await conv.finalReplyTo(asked, 60_000));
    expect(text).toContain('Combine them into one concise summary');
    expect(text).toContain('not read yet');
    for (const part of ['Part 1:', 'Part 2:']) expect(text).toContain(part);
    expect(text).toContain('LONG-1:');
    expect(text).toContain('LONG-14:');
    expect(text).not.toContain('MARK:');
  });
});
