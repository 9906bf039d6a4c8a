/**
 * Several instances of the bundle on one NATS transporter, as a scaled deployment runs them:
 * Tailchat's balanced event gives each message to exactly one instance, and the prompt rate
 * limit is counted across instances through Redis. The runs of one session go to one runner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { startConversation, type Conversation } from '../support/conversation.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';


describe('two instances on NATS', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  const bundles: BundleProcess[] = [];
  let conv: Conversation;

  beforeAll(async () => {
    stack = await startStack({ label: 'scale', bundle: false });
    ({ tc } = stack);
    for (const n of [1, 2]) {
      bundles.push(
        stack.startBundle(
          {
            AI_NODE_ID: `tcai-${n}-${process.pid}`,
            AI_REDIS_URL: tc.redisUrl!,
            AI_RATE_USER_PER_MIN: '4',
            AI_SCRIPTED_CHUNK_DELAY_MS: '5',
          },
          `bundle-${n}`,
        ),
      );
    }
    // Both instances must be known before the first message, or one would get everything.
    await stack.waitForInstances(2, 20_000);
    await stack.waitForAgent();
    conv = await startConversation(tc);
  });
  afterAll(async () => {
    conv?.close();
    await stack?.stop();
  });

  it('answers every message exactly once, shares the work, and counts the rate limit across instances', async () => {
    const prompts = [];
    for (let i = 1; i <= 5; i++) prompts.push(await conv.ask(`question ${i}`));
    const replies = await Promise.all(
      prompts.map((p) =>
        conv.bobSocket.waitFor<{ author: string; content: string; meta?: Record<string, unknown> }>(
          'notify:chat.message.add',
          (m) =>
            m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === p._id && !['queued', 'streaming'].includes((m.meta?.['com.yourcompany.ai'] as { status?: string } | undefined)?.status ?? ''),
          20_000,
        ),
      ),
    );
    // 4 a minute for alice across both instances: one is refused, whichever instance got it (the
    // two instances handle messages in parallel, so it need not be the 5th sent).
    expect(replies.filter((r) => r.content.includes('You said:'))).toHaveLength(4);
    expect(replies.filter((r) => r.content.includes('faster than the assistant allows'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    const stored = await conv.botMessages();
    for (const p of prompts) expect(stored.filter((m) => (m.meta?.reply as { _id?: string } | undefined)?._id === p._id)).toHaveLength(1);
    // Both instances took part.
    const handled = bundles.map((b) => (b.output().match(/message handled/g) ?? []).length);
    expect(handled.every((n) => n > 0)).toBe(true);
    expect(handled.reduce((a, b) => a + b, 0)).toBe(5);
    // …and the group's runs (one session) all ran on one runner, whichever instance took the message.
    const finished = bundles.map((b) => (b.output().match(/run finished/g) ?? []).length);
    expect(finished.reduce((a, b) => a + b, 0)).toBe(4);
    expect(finished.filter((n) => n > 0)).toHaveLength(1);
  });
});
