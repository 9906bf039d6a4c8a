/**
 * NATS restarts under a running deployment: the real Tailchat 1.11.11 and the bundle (its own
 * process) on a real nats-server, which is killed (SIGKILL) and started again on the same port.
 * What a user notices: a mention after the restart is answered; a reply that was streaming
 * during the outage ends with exactly one stored reply, also when the run ended while NATS was
 * still down, and /readyz says 503 while the transporter is away.
 *
 * Both sides reconnect by themselves: Tailchat through Moleculer's NATS 1.x path ("NATS client
 * is reconnected." in its log), the bundle through the NATS 2.x client and
 * services/node/nats-reconnect.ts. A message posted while Tailchat itself is disconnected is
 * stored, but its event is dropped ("Unable to send 'chat.message.updateMessage' event …
 * BrokerDisconnectedError" in Tailchat's log): the intake sweep of stored messages answers it
 * once NATS is back (bridge/intake/).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, type Conversation, type WireMessage } from '../support/conversation.js';
import { restartKitNats } from '../support/nats-server.js';
import { freePort } from '../support/redis-server.js';
import type { ChatMessage } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';

const BUNDLE_BACK = /NATS connection re-established/;
const TAILCHAT_BACK = /NATS client is reconnected\./g;

describe('NATS restarts (real Tailchat, bundle in its own process)', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  let bundle: BundleProcess;
  let conv: Conversation;
  let restarts = 0;
  let metricsPort: number;
  const readyStatus = async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status;

  const tailchatReconnects = () => (fs.readFileSync(tc.logFile, 'utf8').match(TAILCHAT_BACK) ?? []).length;
  /** Restarts NATS and waits until Tailchat and the bundle both say they are connected again. */
  const restartNats = async (downMs: number) => {
    await restartKitNats(tc, downMs);
    restarts++;
    await bundle.waitForOutput(BUNDLE_BACK, 30_000, restarts);
    for (let t0 = Date.now(); tailchatReconnects() < restarts; ) {
      if (Date.now() - t0 > 30_000) throw new Error(`Tailchat did not reconnect to NATS within 30 s (see ${tc.logFile})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const storedRepliesTo = async (prompt: ChatMessage) =>
    (await conv.botMessages()).filter((m) => (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id);
  const updatesOf = (prompt: ChatMessage) =>
    conv.bobSocket.events<WireMessage>('notify:chat.message.update').filter((u) => aiMeta(u)?.runId === `tc-${prompt._id}`).length;

  beforeAll(async () => {
    metricsPort = await freePort();
    // Its own Tailchat: the test kills and restarts that Tailchat's NATS.
    stack = await startStack({
      label: 'nats-restart',
      tailchat: 'own',
      transporter: 'nats',
      // ~140 chunks of a "slow" reply, 60 ms apart: a run streams for ~8 s.
      bundle: {
        env: {
          AI_ENGINE: 'scripted',
          AI_SCRIPTED_CHUNK_DELAY_MS: '60',
          AI_STREAM_INTERVAL_MS: '100',
          AI_METRICS_PORT: String(metricsPort),
          // The sweep that answers what Tailchat stored but never announced, sooner than by default.
          AI_INTAKE_SWEEP_MS: '500',
          AI_INTAKE_GRACE_MS: '2000',
          AI_INTAKE_LEASE_MS: '5000',
        },
        label: 'bundle-nats-restart',
      },
      conversation: true,
    });
    ({ tc, bundle, conv } = stack);
  });
  afterAll(() => stack?.stop());

  it('between runs: a mention after the restart gets its reply, once', async () => {
    const before = await conv.ask('hello before the restart');
    expect((await conv.finalReplyTo(before)).content).toContain('You said: "hello before the restart"');

    await restartNats(1_000);

    const after = await conv.ask('hello after the restart');
    const reply = await conv.finalReplyTo(after, 30_000);
    expect(reply.content).toContain('You said: "hello after the restart"');
    expect(aiMeta(reply)?.status).toBe('done');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storedRepliesTo(after)).toHaveLength(1);
    expect(await storedRepliesTo(before)).toHaveLength(1);
  }, 90_000);

  it('mid-stream: the reply goes on growing after NATS is back and is stored exactly once', async () => {
    const prompt = await conv.ask('a slow answer while NATS restarts');
    await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.update', (u) => aiMeta(u)?.runId === `tc-${prompt._id}`, 15_000);

    await restartNats(1_000);
    const updatesWhenBack = updatesOf(prompt);

    const reply = await conv.finalReplyTo(prompt, 60_000);
    expect(aiMeta(reply)?.status).toBe('done');
    expect(reply.content).toContain('Line 60 of a long answer.');
    // The run was still streaming when both sides were back: the live draft moved on.
    expect(updatesOf(prompt)).toBeGreaterThan(updatesWhenBack);
    await new Promise((r) => setTimeout(r, 1_000));
    const stored = await storedRepliesTo(prompt);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.content).toContain('Line 60 of a long answer.');
  }, 120_000);

  it('a run that ends while NATS is down (20 s, past Moleculer’s heartbeat timeout) stores its reply once NATS is back', async () => {
    const prompt = await conv.ask('a slow answer, then a long NATS outage');
    await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.update', (u) => aiMeta(u)?.runId === `tc-${prompt._id}`, 15_000);
    const finalsBefore = bundle.count(/run finished/);

    // The engine finishes (~8 s) during the outage; its reply cannot be stored until NATS is back.
    // Meanwhile the instance says it is not ready (a load balancer or orchestrator can tell).
    expect(await readyStatus()).toBe(200);
    const outage = restartNats(20_000);
    await expect.poll(readyStatus, { timeout: 15_000, interval: 250 }).toBe(503);
    // Tailchat stores this one but cannot announce it (its event is dropped while it is cut off).
    const unannounced = await conv.ask('posted while Tailchat is cut off');
    await outage;
    await expect.poll(readyStatus, { timeout: 15_000, interval: 250 }).toBe(200);

    const reply = await conv.finalReplyTo(prompt, 90_000);
    expect(aiMeta(reply)?.status).toBe('done');
    expect(reply.content).toContain('Line 60 of a long answer.');
    await bundle.waitForOutput(/run finished/, 30_000, finalsBefore + 1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storedRepliesTo(prompt)).toHaveLength(1);
    // The message Tailchat never announced is answered anyway, once.
    expect((await conv.finalReplyTo(unannounced, 60_000)).content).toContain('You said: "posted while Tailchat is cut off"');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await storedRepliesTo(unannounced)).toHaveLength(1);
    // And the deployment goes on answering.
    const next = await conv.ask('hello after the long outage');
    expect((await conv.finalReplyTo(next, 30_000)).content).toContain('You said: "hello after the long outage"');
  }, 240_000);
});
