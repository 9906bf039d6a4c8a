/**
 * Deploy form (a): the bundle as its own process (a Moleculer node) on Tailchat's transporter,
 * once on Redis (Tailchat's own docker-compose) and once on NATS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import type { Conversation } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { expectLiveReplyAndFinalMessage, expectNewForgets, expectNoAnswerToBots } from './scenario.js';

for (const transporter of ['redis', 'nats'] as const) {
  describe(`own process on ${transporter}`, () => {
    let stack: Stack;
    let tc: TailchatInstance;
    let bundle: BundleProcess;
    let conv: Conversation;

    beforeAll(async () => {
      // NATS: the run's shared Tailchat; Redis (Tailchat's own docker-compose): an instance of its own.
      stack = await startStack({
        label: `own-${transporter}`,
        ...(transporter === 'redis' ? { tailchat: 'own', transporter } : { tailchat: 'shared' }),
        bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '25', AI_STREAM_INTERVAL_MS: '100' }, label: `bundle-${transporter}` },
        conversation: true,
      });
      ({ tc, bundle, conv } = stack);
    });
    afterAll(() => stack?.stop());

    it('answers a mention live and stores one final reply', async () => {
      await expectLiveReplyAndFinalMessage(conv);
    });
    it('never answers itself or another bot', async () => {
      await expectNoAnswerToBots(conv, tc);
    });
    it('/new starts a new conversation for the group', async () => {
      await expectNewForgets(conv);
    });
    it('a graceful shutdown (SIGTERM) lets a running reply finish', async () => {
      const prompt = await conv.ask('slow, then shut down');
      await conv.bobSocket.waitFor('notify:chat.message.update', (u: { meta?: Record<string, unknown> }) => (u.meta?.['com.yourcompany.ai'] as { runId?: string } | undefined)?.runId === `tc-${prompt._id}`, 15_000);
      const exited = bundle.stop();
      const final = await conv.finalReplyTo(prompt, 30_000);
      expect(final.content).toContain('Line 60 of a long answer.');
      expect(await exited).toBe(0);
    });
  });
}
