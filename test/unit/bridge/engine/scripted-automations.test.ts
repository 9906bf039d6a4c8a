/**
 * The scripted engine's schedules (bridge/engine/scripted/automations.ts): a one-shot fires once
 * and is gone, an interval repeats until paused, a job with "fail" in its message fails, the same
 * declaration makes one job, and results stay readable for a catch-up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScriptedAutomations, scriptedResultText } from '../../../../bridge/engine/scripted/automations.js';
import type { AutomationEvent, AutomationSpec } from '../../../../protocol/automations.js';

const spec = (over: Partial<AutomationSpec> = {}): AutomationSpec => ({
  declarationKey: 'tailchat:p1',
  name: 'Stand-up',
  message: 'post the stand-up summary',
  schedule: { kind: 'at', at: new Date(Date.now() + 5_000).toISOString() },
  sessionKey: 'agent:main:tailchat:group:g1',
  engineAgentId: 'main',
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('scripted schedules', () => {
  it('a one-shot fires once, then ends; its result is kept for the session', async () => {
    vi.useFakeTimers();
    const auto = createScriptedAutomations();
    const seen: AutomationEvent[] = [];
    auto.onEvent((e) => seen.push(e));
    const { jobId } = await auto.create(spec());
    expect((await auto.create(spec())).jobId).toBe(jobId);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen.map((e) => e.kind)).toEqual(['result', 'ended']);
    expect(seen[0]).toMatchObject({ jobId, sessionKey: 'agent:main:tailchat:group:g1', text: scriptedResultText(spec()) });
    expect(await auto.committed('agent:main:tailchat:group:g1')).toEqual([seen[0]]);
    expect(auto.size()).toBe(0);
    auto.close();
  });

  it('an interval repeats until paused, and again once resumed; removed, it stops', async () => {
    vi.useFakeTimers();
    const auto = createScriptedAutomations();
    const results: Extract<AutomationEvent, { kind: 'result' }>[] = [];
    auto.onEvent((e) => {
      if (e.kind === 'result') results.push(e);
    });
    const { jobId } = await auto.create(spec({ declarationKey: 'tailchat:p2', schedule: { kind: 'every', everyMs: 1_000 } }));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(results).toHaveLength(3);
    await auto.setEnabled(jobId, false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(results).toHaveLength(3);
    await auto.setEnabled(jobId, true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(results).toHaveLength(4);
    await auto.remove(jobId);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(results).toHaveLength(4);
    expect(new Set(results.map((r) => r.runId)).size).toBe(4);
    auto.close();
  });

  it('a job whose message says "fail" reports a failure, not a result', async () => {
    vi.useFakeTimers();
    const auto = createScriptedAutomations();
    const seen: AutomationEvent[] = [];
    auto.onEvent((e) => seen.push(e));
    await auto.create(spec({ declarationKey: 'tailchat:p3', message: 'this will fail' }));
    await vi.advanceTimersByTimeAsync(6_000);
    expect(seen[0]).toMatchObject({ kind: 'failed', error: expect.stringContaining('asked to fail') });
    auto.close();
  });
});
