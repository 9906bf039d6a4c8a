/**
 * Issue #20, items 3 and 4 on the real Tailchat (the shared one, NATS; the plugin's collections in
 * Tailchat's MongoDB), with the scripted engine, whose first answer to a "flaky" prompt fails as
 * if the engine were down:
 * - the failed reply is in the group's admin list with its cause, engine and stored reply, and in
 *   /metrics by engine and cause; only holders of "configure" there may read the list;
 * - Retry (the `regenerate` action the error panel's button calls) answers the same prompt as
 *   attempt 2, counted toward the attempt cap; a member who may not regenerate is refused, and the
 *   access question the web client asks before showing the button says so too.
 * The bundle runs with AI_INVOKE_BY_DEFAULT=false: bob is a member without any plugin permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedRepliesPage } from '../../protocol/admin.js';
import { CHAT_SERVICE } from '../../services/names.js';
import { aiMeta, type Conversation, type WireMessage } from '../support/conversation.js';
import { freePort } from '../support/redis-server.js';
import { startStack, type Stack } from '../support/stack.js';
import { createUser, type TestUser } from '../tailchat/api.js';

describe('Retry and the admin list of failed replies on the real Tailchat', () => {
  let stack: Stack;
  let conv: Conversation;
  let metricsPort: number;
  /** A member of another group, who owns that group. */
  let carol: TestUser;
  let promptId: string;
  let failedReply: WireMessage;

  const failures = (token = conv.alice.token) => conv.api.call<FailedRepliesPage>(`${CHAT_SERVICE}.getFailedReplies`, { groupId: conv.groupId }, token);
  const metric = async (line: RegExp) => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const hit = text.split('\n').find((l) => line.test(l));
    return hit ? Number(hit.split(' ').at(-1)) : 0;
  };
  const ENGINE_DOWN = /^tcai_failed_replies_total\{engine="scripted",cause="engine-down"\} /;

  beforeAll(async () => {
    metricsPort = await freePort();
    stack = await startStack({
      label: 'retry-failures',
      bundle: {
        env: {
          AI_ENGINE: 'scripted',
          AI_SCRIPTED_CHUNK_DELAY_MS: '5',
          AI_STREAM_INTERVAL_MS: '100',
          AI_INVOKE_BY_DEFAULT: 'false',
          AI_MAX_ATTEMPTS: '2',
          AI_METRICS_PORT: String(metricsPort),
        },
      },
      conversation: true,
    });
    conv = stack.conv;
    carol = await createUser(conv.api, 'carol');
    await conv.api.createGroup(carol.token, 'carol’s group');
  }, 240_000);
  afterAll(() => stack?.stop());

  it('a reply that failed is in the admin list with its cause, engine and reply, and in /metrics', async () => {
    const before = await metric(ENGINE_DOWN);
    const prompt = await conv.ask('a flaky question');
    promptId = prompt._id;
    failedReply = await conv.finalReplyTo(prompt);
    expect(aiMeta(failedReply)).toMatchObject({ runId: `tc-${promptId}`, status: 'error', blocks: [{ type: 'error', kind: 'unavailable' }] });

    // Written by the runner right after the reply is stored.
    await expect.poll(async () => (await failures()).failures.length, { timeout: 10_000 }).toBe(1);
    const page = await failures();
    expect(page).toMatchObject({ groupId: conv.groupId, kept: true });
    expect(page.failures[0]).toEqual({
      at: expect.any(String),
      groupId: conv.groupId,
      converseId: conv.panelId,
      runId: `tc-${promptId}`,
      messageId: failedReply._id,
      engine: 'scripted',
      cause: 'engine-down',
      requester: conv.alice.userId,
    });
    expect(Date.now() - Date.parse(page.failures[0]!.at)).toBeLessThan(60_000);
    expect(await metric(ENGINE_DOWN)).toBe(before + 1);
  });

  it('only those who configure the agent in the group may read the list', async () => {
    const refused = async (token: string | undefined, status: number, words?: string) => {
      const res = await conv.api.request(`${CHAT_SERVICE}.getFailedReplies`, { groupId: conv.groupId }, token);
      expect(res.status).toBe(status);
      if (words) expect(((await res.json()) as { message: string }).message).toContain(words);
    };
    await refused(conv.bob.token, 403, '"configure" permission'); // a member without the right
    await refused(carol.token, 403, 'Not a member of this group'); // a member of another group
    await refused(undefined, 401); // signed out (Tailchat's gateway answers before the plugin)
  });

  it('Retry answers the failed prompt as attempt 2, for those who may; the attempt cap counts the failed one', async () => {
    const runId = aiMeta(failedReply)!.runId;
    const access = (token: string) => conv.api.call<{ allowed: boolean }>(`${CHAT_SERVICE}.getRegenerateAccess`, { runId }, token);
    expect(await access(conv.alice.token)).toEqual({ allowed: true });
    expect(await access(conv.bob.token)).toEqual({ allowed: false });

    const asBob = await conv.api.request(`${CHAT_SERVICE}.regenerate`, { runId }, conv.bob.token);
    expect(asBob.status).toBe(403);
    expect(((await asBob.json()) as { message: string }).message).toContain('can regenerate or retry this reply');

    const retried = await conv.api.call<{ runId: string; attempt: number }>(`${CHAT_SERVICE}.regenerate`, { runId }, conv.alice.token);
    expect(retried).toEqual({ runId: `${runId}.r2`, attempt: 2 });
    const answer = await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && aiMeta(m)?.runId === retried.runId && aiMeta(m)?.status !== 'streaming', 30_000);
    expect(aiMeta(answer)).toMatchObject({ status: 'done', attempt: { n: 2, of: runId }, requester: conv.alice.userId });
    expect(answer.content).toContain('You said: "a flaky question"');
    expect((answer.meta?.reply as { _id: string })._id).toBe(promptId);

    // AI_MAX_ATTEMPTS=2: the failed reply was the first of them.
    const third = await conv.api.request(`${CHAT_SERVICE}.regenerate`, { runId }, conv.alice.token);
    expect(third.status).toBe(409);
    expect(((await third.json()) as { message: string }).message).toContain('answered 2 times');
    // The retry answered: the list still holds the one failure.
    expect((await failures()).failures.map((f) => f.runId)).toEqual([runId]);
  });
});
