/** The run's end reaches the usage recorder once, with the engine's last usage and the run's status. */
import { describe, expect, it } from 'vitest';
import { createEventQueue } from '../../../../bridge/engine/event-queue.js';
import type { Engine, EngineEvent } from '../../../../bridge/engine/types.js';
import { executeRun, type RunJob } from '../../../../bridge/run/execute.js';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { createRunner } from '../../../../bridge/run/runner.js';
import type { FinishedRun } from '../../../../bridge/usage/recorder.js';
import { createFakeHost, silentLogger } from '../../fakes/tailchat-host.js';

const job: RunJob = {
  engineId: 'test',
  request: { runId: 'tc-m1', sessionKey: 'agent:helper:tailchat:group:g1', agentId: 'helper', prompt: 'hi', requester: { userId: 'U1' }, origin: { groupId: 'G1', converseId: 'P1', messageId: 'm1' } },
  target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } },
};
function engineFrom(events: EngineEvent[]): Engine {
  return {
    id: 'test',
    async start(r) {
      const q = createEventQueue(r.runId);
      setTimeout(() => events.forEach((e) => q.push(e)), 1);
      return q;
    },
    abort: async () => false, reset: async () => undefined, health: async () => ({ ok: true, detail: '' }), close: async () => undefined,
  };
}
const run = async (events: EngineEvent[]) => {
  const recorded: FinishedRun[] = [];
  const deps = { host: createFakeHost().host, botUserId: 'BOT', intervalMs: 20, maxReplyChars: 60_000, runTimeoutMs: 5_000, logger: silentLogger, recordUsage: async (r: FinishedRun) => void recorded.push(r) };
  await executeRun(engineFrom(events), job, deps);
  return recorded;
};

describe('executeRun → recordUsage', () => {
  it('passes the last (cumulative) usage of a finished run', async () => {
    const recorded = await run([
      { type: 'text', text: 'Hel' },
      { type: 'usage', usage: { outputTokens: 3 } },
      { type: 'usage', usage: { outputTokens: 9 } },
      { type: 'final', text: 'Hello' },
    ]);
    expect(recorded).toEqual([{ request: expect.objectContaining({ runId: 'tc-m1', agentId: 'helper', requester: { userId: 'U1' } }), engineId: 'test', status: 'done', usage: { outputTokens: 9 } }]);
  });

  it('counts failed runs too, without usage when the engine gave none', async () => {
    const recorded = await run([{ type: 'error', kind: 'unavailable', message: 'down' }]);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ status: 'error' });
    expect(recorded[0]!.usage).toBeUndefined();
  });

  it('meters a long summary as one run: the parts of its map step count with the combining run', async () => {
    let n = 0;
    const perRun: EngineEvent[][] = [
      [{ type: 'usage', usage: { inputTokens: 100, outputTokens: 10 } }, { type: 'final', text: 'part 1' }],
      [{ type: 'usage', usage: { inputTokens: 80, outputTokens: 8 } }, { type: 'final', text: 'part 2' }],
      [{ type: 'usage', usage: { inputTokens: 30, outputTokens: 5 } }, { type: 'final', text: 'summary' }],
    ];
    const engine: Engine = { ...engineFrom([]), async start(r) {
      const q = createEventQueue(r.runId);
      const events = perRun[n++]!;
      setTimeout(() => events.forEach((e) => q.push(e)), 1);
      return q;
    } };
    const recorded: FinishedRun[] = [];
    const deps = { host: createFakeHost().host, botUserId: 'BOT', intervalMs: 20, maxReplyChars: 60_000, runTimeoutMs: 5_000, logger: silentLogger, recordUsage: async (r: FinishedRun) => void recorded.push(r) };
    const runner = createRunner(createEngineRegistry({ test: () => engine }), deps);
    await runner.start({ ...job, mapChunks: ['first half', 'second half'] });
    await runner.drain();
    expect(n).toBe(3);
    expect(recorded).toEqual([expect.objectContaining({ status: 'done', usage: { inputTokens: 210, outputTokens: 23 } })]);
  });
});
