/**
 * The final reply while Tailchat cannot be reached for a while (its NATS restarting): stored
 * exactly once when it comes back, never sent blind while it is unknown whether an earlier send
 * went through, and given up (with the error) after the retry budget.
 */
import { describe, expect, it } from 'vitest';
import { createReplyPublisher } from '../../../../bridge/notify/reply-publisher.js';
import { applyEvent, initialReplyState } from '../../../../bridge/stream/reply-state.js';
import { createTailchatHost, type Call } from '../../../../bridge/tailchat/host.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';

/** As Moleculer's errors for an unreachable peer. */
const retryable = (message: string) => Object.assign(new Error(message), { retryable: true });

function outageHost() {
  const stored: Array<{ _id: string; author: string; converseId: string; content: string; meta?: unknown }> = [];
  const calls: string[] = [];
  let down = false;
  /** The next send is stored, but its answer is lost (the connection dies on the way back). */
  let loseNextAnswer = false;
  const call: Call = async (action, params, o) => {
    calls.push(`${action}${down ? ' (down)' : ''}`);
    if (down) throw retryable('BrokerDisconnectedError: the transporter has disconnected');
    if (action === 'chat.message.sendMessage') {
      const message = { _id: `msg${stored.length + 1}`, author: String(o?.meta?.userId), converseId: String(params.converseId), content: String(params.content), meta: params.meta };
      stored.push(message);
      if (loseNextAnswer) {
        loseNextAnswer = false;
        down = true;
        throw retryable('Request timed out');
      }
      return message;
    }
    if (action === 'chat.message.fetchConverseMessage') return [...stored].reverse();
    return undefined; // gateway.notify
  };
  return {
    host: createTailchatHost(call),
    stored,
    calls,
    setDown: (v: boolean) => void (down = v),
    loseNextAnswer: () => void (loseNextAnswer = true),
  };
}

const publisher = (host: ReturnType<typeof outageHost>['host'], storeRetryBudgetMs = 5_000) =>
  createReplyPublisher({
    host,
    botUserId: 'BOT',
    target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } },
    runId: 'tc-m1',
    engineId: 'scripted',
    requesterId: 'U1',
    intervalMs: 10,
    maxReplyChars: 10_000,
    onError: () => undefined,
    retryDelayMs: 5,
    storeRetryBudgetMs,
  });
const answer = applyEvent(initialReplyState(), { type: 'final', text: 'The answer.' });

describe('storing the final reply across a Tailchat outage', () => {
  it('waits until Tailchat is back and stores the reply once', async () => {
    const fake = outageHost();
    fake.setDown(true);
    const done = publisher(fake.host).finish(answer);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.stored).toHaveLength(0);
    fake.setDown(false);
    const sent = await done;
    expect(fake.stored).toHaveLength(1);
    expect(sent?._id).toBe(fake.stored[0]!._id);
    expect((fake.stored[0]!.meta as Record<string, { runId: string }>)[AI_META_KEY]!.runId).toBe('tc-m1');
  });

  it('does not send again while it cannot look whether the lost answer was stored', async () => {
    const fake = outageHost();
    fake.loseNextAnswer(); // stored, then the connection dies
    const done = publisher(fake.host).finish(answer);
    await new Promise((r) => setTimeout(r, 200));
    // Only look-ups were tried during the outage, no second send.
    expect(fake.calls.filter((c) => c === 'chat.message.sendMessage (down)')).toHaveLength(0);
    expect(fake.calls.filter((c) => c === 'chat.message.fetchConverseMessage (down)').length).toBeGreaterThan(1);
    fake.setDown(false);
    const sent = await done;
    expect(fake.stored).toHaveLength(1);
    expect(sent?._id).toBe('msg1');
  });

  it('does not keep retrying a store Tailchat refuses for good (not an outage)', async () => {
    const calls: string[] = [];
    const host = createTailchatHost(async (action) => {
      calls.push(action);
      if (action === 'chat.message.sendMessage') throw new Error('Validation error');
      return action === 'chat.message.fetchConverseMessage' ? [] : undefined;
    });
    await expect(publisher(host).finish(answer)).rejects.toThrow(/Validation/);
    expect(calls.filter((c) => c === 'chat.message.sendMessage')).toHaveLength(2);
  });

  it('gives up after the retry budget and reports the error', async () => {
    const fake = outageHost();
    fake.setDown(true);
    await expect(publisher(fake.host, 150).finish(answer)).rejects.toThrow(/disconnected/);
    expect(fake.stored).toHaveLength(0);
  });

  it('a member\'s message carrying this run\'s meta is not taken for the stored reply', async () => {
    const fake = outageHost();
    // Posted by a member: same run id, same part, another author.
    fake.stored.push({ _id: 'forged', author: 'U_MALLORY', converseId: 'P1', content: 'forged', meta: { [AI_META_KEY]: { runId: 'tc-m1' } } });
    fake.setDown(true); // the first send fails: the publisher looks before it sends again
    const done = publisher(fake.host).finish(answer);
    await new Promise((r) => setTimeout(r, 100));
    fake.setDown(false);
    const sent = await done;
    expect(sent?._id).not.toBe('forged');
    expect(fake.stored.filter((m) => m.author === 'BOT').map((m) => m.content)).toEqual(['The answer.']);
  });
});
