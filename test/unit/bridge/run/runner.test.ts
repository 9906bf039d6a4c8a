import { describe, expect, it } from 'vitest';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { BUSY_TEXT, createRunner } from '../../../../bridge/run/runner.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { createFakeHost, silentLogger } from '../../fakes/tailchat-host.js';

const job = (n: number, group = 'G1', sessionKey = `s-${group}`): RunJob => ({
  engineId: 'scripted',
  request: { runId: `r${n}`, sessionKey, prompt: `slow ${n}`, requester: { userId: 'U' }, origin: { groupId: group, converseId: 'P', messageId: `m${n}` } },
  target: { converseId: 'P', groupId: group, audience: { room: 'P' } },
});

function setup(limits = { maxActive: 10, maxPerGroup: 1, maxQueued: 1 }) {
  const fake = createFakeHost();
  const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 2, chunkChars: 40, label: 'demo' }) });
  const runner = createRunner(engines, { host: fake.host, botUserId: 'BOT', intervalMs: 10, maxReplyChars: 60_000, runTimeoutMs: 10_000, logger: silentLogger }, limits);
  const finals = () => fake.byAction('chat.message.sendMessage').map((c) => ({ content: c.params.content as string, meta: (c.params.meta as Record<string, any>)[AI_META_KEY] }));
  const drafts = () => fake.byAction('gateway.notify').map((c) => c.params.eventData as { content: string });
  return { fake, runner, finals, drafts };
}

describe('runner admission', () => {
  it('queues a second run of a busy group with a visible position, then runs it', async () => {
    const { runner, finals, drafts } = setup();
    expect(await runner.start(job(1))).toBe(true);
    expect(await runner.start(job(2))).toBe(true);
    expect(runner.queuedCount()).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(drafts().some((d) => d.content?.includes('position 1 in the queue'))).toBe(true);
    await runner.drain();
    expect(finals().map((f) => f.meta.runId)).toEqual(['r1', 'r2']);
    expect(finals().every((f) => f.meta.status === 'done')).toBe(true);
  });

  it('refuses with a short message when the queue is full', async () => {
    const { runner, finals } = setup();
    await runner.start(job(1));
    await runner.start(job(2));
    await runner.start(job(3));
    await runner.drain();
    const busy = finals().find((f) => f.meta.runId === 'r3')!;
    expect(busy.meta.status).toBe('error');
    expect(busy.content).toContain(BUSY_TEXT);
  });

  it('never starts the same run twice', async () => {
    const { runner, finals } = setup();
    expect(await runner.start(job(1))).toBe(true);
    expect(await runner.start(job(1))).toBe(false);
    await runner.drain();
    expect(await runner.start(job(1))).toBe(false); // also after it finished
    expect(finals()).toHaveLength(1);
  });

  it('/stop of a queued run ends it as stopped without running it', async () => {
    const { runner, finals } = setup({ maxActive: 10, maxPerGroup: 1, maxQueued: 5 });
    await runner.start(job(1, 'G1', 'sA'));
    await runner.start(job(2, 'G1', 'sB'));
    expect(await runner.abortSession('sB')).toBe(true);
    await runner.drain();
    expect(finals().find((f) => f.meta.runId === 'r2')?.meta.status).toBe('aborted');
    expect(finals().find((f) => f.meta.runId === 'r1')?.meta.status).toBe('done');
  });
});

describe('runner /stop', () => {
  it('stops the running reply but not a prompt that starts while the stop is in progress', async () => {
    const { runner, finals } = setup({ maxActive: 10, maxPerGroup: 5, maxQueued: 5 });
    await runner.start(job(1, 'G1', 's'));
    await new Promise((r) => setTimeout(r, 5));
    const stopping = runner.abortSession('s');
    await runner.start({ ...job(2, 'G1', 's'), request: { ...job(2, 'G1', 's').request, prompt: 'quick' } });
    await stopping;
    await runner.drain();
    expect(finals().find((f) => f.meta.runId === 'r1')?.meta.status).toBe('aborted');
    expect(finals().find((f) => f.meta.runId === 'r2')?.meta.status).toBe('done');
  });
});
