/**
 * The live draft as readers see it: the first words are not held back by the update cadence,
 * events that change nothing on screen cost no push, and a draft that waits (an approval) is
 * announced again for clients that reloaded meanwhile — never after it was removed.
 */
import { describe, expect, it } from 'vitest';
import { createReplyPublisher } from '../../../../bridge/notify/reply-publisher.js';
import { applyEvent, initialReplyState } from '../../../../bridge/stream/reply-state.js';
import { createTailchatHost, type Call } from '../../../../bridge/tailchat/host.js';

function recordingHost() {
  const pushes: Array<{ at: number; eventName: string; content?: string }> = [];
  const call: Call = async (action, params) => {
    if (action === 'gateway.notify') {
      const data = params.eventData as { content?: string };
      pushes.push({ at: Date.now(), eventName: String(params.eventName), ...(data.content !== undefined ? { content: data.content } : {}) });
      return undefined;
    }
    if (action === 'chat.message.sendMessage') return { _id: 'stored1', converseId: 'P1' };
    throw new Error(`unexpected ${action}`);
  };
  return { host: createTailchatHost(call), pushes };
}

const publisherOn = (host: ReturnType<typeof createTailchatHost>, o: { intervalMs: number; reannounceMs?: number }) =>
  createReplyPublisher({
    host,
    botUserId: 'BOT',
    target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } },
    runId: 'tc-m1',
    engineId: 'test',
    requesterId: 'U1',
    maxReplyChars: 10_000,
    onError: () => {},
    ...o,
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live draft', () => {
  it('sends the first text at once, even right after the placeholder took the slot', async () => {
    const { host, pushes } = recordingHost();
    const publisher = publisherOn(host, { intervalMs: 1_000 });
    const started = initialReplyState();
    publisher.update(started); // the engine said "started": the "…" placeholder shows
    await sleep(20);
    const t0 = Date.now();
    publisher.update(applyEvent(started, { type: 'text', text: 'Hello' }));
    await sleep(50);
    expect(pushes.map((p) => p.content)).toEqual(['…', 'Hello']);
    expect(pushes[1]!.at - t0).toBeLessThan(200); // not a whole interval (1 s) later
    // Later text keeps the cadence.
    publisher.update(applyEvent(started, { type: 'text', text: 'Hello there' }));
    await sleep(50);
    expect(pushes).toHaveLength(2);
    await publisher.finish(applyEvent(applyEvent(started, { type: 'text', text: 'Hello there' }), { type: 'final', text: 'Hello there' }));
  });

  it('pushes nothing for events that change nothing on screen (status, usage)', async () => {
    const { host, pushes } = recordingHost();
    const publisher = publisherOn(host, { intervalMs: 10 });
    let state = initialReplyState();
    publisher.update(state);
    await sleep(30);
    for (const event of [{ type: 'status', phase: 'thinking' }, { type: 'status', phase: 'tool' }] as const) {
      state = applyEvent(state, event);
      publisher.update(state);
      await sleep(30);
    }
    state = applyEvent(state, { type: 'usage', usage: { outputTokens: 3 } });
    publisher.update(state);
    await sleep(30);
    expect(pushes.map((p) => p.eventName)).toEqual(['notify:chat.message.add']);
    await publisher.finish(applyEvent(state, { type: 'final', text: '' }));
  });

  it('announces a waiting draft again for clients that reloaded, and never after its delete', async () => {
    const { host, pushes } = recordingHost();
    const publisher = publisherOn(host, { intervalMs: 10, reannounceMs: 40 });
    const waiting = applyEvent(initialReplyState(), { type: 'approval.requested', approvalId: 'a1', command: 'ls' });
    publisher.update(waiting);
    await sleep(200); // nothing changes while the approval waits
    const adds = pushes.filter((p) => p.eventName === 'notify:chat.message.add').length;
    expect(adds).toBeGreaterThanOrEqual(3);
    await publisher.finish(applyEvent(waiting, { type: 'aborted', reason: 'stopped' }));
    const deleteAt = pushes.findIndex((p) => p.eventName === 'notify:chat.message.delete');
    expect(deleteAt).toBe(pushes.length - 1);
    await sleep(120);
    expect(pushes.length - 1).toBe(deleteAt); // no announce after the delete
  });
});
