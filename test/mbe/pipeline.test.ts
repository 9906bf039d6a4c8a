/**
 * The pipeline alone, with a small recording fake backend (single-module unit test): order,
 * arguments, degradation rules. The same behaviours are checked end to end against the
 * reference server in engine.http.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MbeError } from '../../bridge/engine/mbe/errors.js';
import { runPipeline, type PipelineDeps } from '../../bridge/engine/mbe/pipeline.js';
import type { MbeOperation } from '../../bridge/engine/mbe/wire.js';
import { recordingLogger } from './support.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
type Call = { op: string; body: unknown };

function fakeDeps(fail: Partial<Record<MbeOperation, MbeError>> = {}, over: Partial<PipelineDeps> = {}) {
  const calls: Call[] = [];
  const logger = recordingLogger();
  const step = <T>(op: MbeOperation, body: unknown, value: T): Promise<T> => {
    calls.push({ op, body });
    const err = fail[op];
    return err ? Promise.reject(err) : Promise.resolve(value);
  };
  const deps: PipelineDeps = {
    backend: {
      surprise: (b) => step('surprise', b, { surprise_score: 0.6, is_novel: true, learning_mode: 'explore' }),
      route: (b) => step('route', b, { selected_experts: [{ id: 'economics' }, { id: 'writing' }], routing_confidence: 0.9 }),
      memoryWrite: (b) => step('memoryWrite', b, { id: 'm1' }),
    },
    generate: (b) => step('generate', b, { content: 'Prices coordinate plans.', usage: { total_tokens: 9 } }),
    temperature: 0.7,
    logger,
    now: () => NOW,
    ...over,
  };
  return { deps, calls, logger };
}

const input = { userId: 'u-42', userName: 'Ann', sessionKey: 'group:g1', prompt: 'why do prices rise?' };
const err = (kind: MbeError['kind'], op: MbeOperation) => new MbeError(kind, op, `${op} ${kind}`);

describe('runPipeline', () => {
  it('calls surprise → route → generate → memory write, with the seed arguments', async () => {
    const { deps, calls } = fakeDeps();
    const result = await runPipeline(input, deps);
    expect(calls.map((c) => c.op)).toEqual(['surprise', 'route', 'generate', 'memoryWrite']);
    expect(calls[0]!.body).toEqual({ input: 'why do prices rise?', context: { user_id: 'u-42', username: 'Ann', domain: 'chat' } });
    expect(calls[1]!.body).toEqual({ input: 'why do prices rise?', task_type: 'chat', user_profile: { user_id: 'u-42', surprise_score: 0.6 } });
    expect(calls[2]!.body).toEqual({
      prompt: 'why do prices rise?',
      system_prompt: expect.stringContaining('economics expert'),
      temperature: 0.7,
    });
    expect(calls[3]!.body).toEqual({
      user_id: 'u-42',
      memory_type: 'working',
      content: { user_message: 'why do prices rise?', assistant_reply: 'Prices coordinate plans.', surprise_score: 0.6, expert_id: 'economics', timestamp: NOW.toISOString() },
      importance: 0.8,
      session_id: 'group:g1',
    });
    expect(result).toMatchObject({
      text: 'Prices coordinate plans.',
      expertId: 'economics',
      importance: 0.8,
      memoryWritten: true,
      degraded: [],
      usage: { totalTokens: 9 },
      badges: [
        { kind: 'novelty', label: 'New to you (surprise 0.60)' },
        { kind: 'expert', label: 'Answered by the economics expert' },
      ],
    });
  });

  it('sends username null when the requester has no nickname', async () => {
    const { deps, calls } = fakeDeps();
    await runPipeline({ ...input, userName: undefined }, deps);
    expect(calls[0]!.body).toMatchObject({ context: { username: null } });
  });

  it('surprise down: still routes (without a score) and generates; importance 0.5; no novelty badge', async () => {
    const { deps, calls, logger } = fakeDeps({ surprise: err('unavailable', 'surprise') });
    const result = await runPipeline(input, deps);
    expect(calls.map((c) => c.op)).toEqual(['surprise', 'route', 'generate', 'memoryWrite']);
    expect(calls[1]!.body).toMatchObject({ user_profile: { user_id: 'u-42' } });
    expect((calls[1]!.body as { user_profile: object }).user_profile).not.toHaveProperty('surprise_score');
    expect(calls[3]!.body).toMatchObject({ importance: 0.5, content: { surprise_score: null } });
    expect(result.badges.map((b) => b.kind)).toEqual(['expert']);
    expect(result.degraded).toEqual(['surprise']);
    expect(logger.at('warn')[0]!.message).toMatch(/surprise\.calculate failed; continuing/);
  });

  it('route down: generates with the plain system prompt; expert_id null; no expert badge', async () => {
    const { deps, calls } = fakeDeps({ route: err('timeout', 'route') });
    const result = await runPipeline(input, deps);
    expect((calls[2]!.body as { system_prompt: string }).system_prompt).not.toMatch(/expert/);
    expect(calls[3]!.body).toMatchObject({ content: { expert_id: null }, importance: 0.8 });
    expect(result.badges.map((b) => b.kind)).toEqual(['novelty']);
    expect(result.degraded).toEqual(['route']);
  });

  it('memory write down: the reply is still returned', async () => {
    const { deps } = fakeDeps({ memoryWrite: err('unreachable', 'memoryWrite') });
    const result = await runPipeline(input, deps);
    expect(result).toMatchObject({ text: 'Prices coordinate plans.', memoryWritten: false, degraded: ['memoryWrite'] });
  });

  it('generate down: throws the MbeError and writes no memory', async () => {
    const { deps, calls } = fakeDeps({ generate: err('unavailable', 'generate') });
    await expect(runPipeline(input, deps)).rejects.toMatchObject({ kind: 'unavailable', operation: 'generate' });
    expect(calls.map((c) => c.op)).toEqual(['surprise', 'route', 'generate']);
  });

  it('an empty generated reply is a bad response', async () => {
    const { deps } = fakeDeps({}, { generate: async () => ({ content: '  ' }) });
    await expect(runPipeline(input, deps)).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('reports every failure to onFailure, degraded or not', async () => {
    const seen: string[] = [];
    const { deps } = fakeDeps({ surprise: err('unreachable', 'surprise'), route: err('auth', 'route') }, { onFailure: (e) => seen.push(`${e.operation}:${e.kind}`) });
    await runPipeline(input, deps);
    expect(seen).toEqual(['surprise:unreachable', 'route:auth']);
  });

  it('a stop is never degraded: an aborted surprise call ends the pipeline', async () => {
    const { deps, calls } = fakeDeps({ surprise: err('aborted', 'surprise') });
    await expect(runPipeline(input, deps)).rejects.toMatchObject({ kind: 'aborted' });
    expect(calls.map((c) => c.op)).toEqual(['surprise']);
  });

  it('checks the stop signal between steps', async () => {
    const controller = new AbortController();
    const { deps, calls } = fakeDeps({}, { signal: controller.signal, onStep: (s) => s === 'generate' && controller.abort() });
    await expect(runPipeline(input, deps)).rejects.toMatchObject({ kind: 'aborted' });
    expect(calls.map((c) => c.op)).toEqual(['surprise', 'route']);
  });

  it('hands the reply to onReply before the memory write', async () => {
    const order: string[] = [];
    const { deps } = fakeDeps({}, { onReply: () => order.push('reply') });
    const write = deps.backend.memoryWrite;
    deps.backend.memoryWrite = (b, o) => (order.push('memory'), write(b, o));
    await runPipeline(input, deps);
    expect(order).toEqual(['reply', 'memory']);
  });
});
