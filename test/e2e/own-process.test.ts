/**
 * Deploy form (a): the bundle as its own process (a Moleculer node) on Tailchat's transporter,
 * once on Redis (Tailchat's own docker-compose) and once on NATS.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startBundleProcess, type BundleProcess } from '../support/bundle-process.js';
import { startConversation, type Conversation } from '../support/conversation.js';
import { startTailchat, waitForHealthServices, type TailchatInstance } from '../tailchat/kit.js';
import { expectLiveReplyAndFinalMessage, expectNewForgets, expectNoAnswerToBots } from './scenario.js';

for (const transporter of ['redis', 'nats'] as const) {
  describe(`own process on ${transporter}`, () => {
    let tc: TailchatInstance;
    let bundle: BundleProcess;
    let conv: Conversation;

    beforeAll(async () => {
      tc = await startTailchat({ transporter, label: `own-${transporter}` });
      bundle = startBundleProcess(
        { TRANSPORTER: tc.transporter, TAILCHAT_NAMESPACE: tc.namespace, AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '25', AI_STREAM_INTERVAL_MS: '100' },
        `bundle-${transporter}`,
      );
      await waitForHealthServices(tc.url, ['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner'], 60_000);
      conv = await startConversation(tc);
    });
    afterAll(async () => {
      conv?.close();
      await bundle?.stop();
      await tc?.stop();
    });

    it('answers a mention live and stores one final reply', async () => {
      await expectLiveReplyAndFinalMessage(conv);
    });
    it('never answers itself or another bot', async () => {
      await expectNoAnswerToBots(conv, tc);
    });
    it('/new starts a new conversation for the group', async () => {
      await expectNewForgets(conv);
    });
  });
}
