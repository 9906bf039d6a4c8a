/**
 * The OpenClaw automations mapping (bridge/engine/openclaw/automations.ts), pure: the one job
 * shape the bundle creates (always an explicit tool list, an agent turn bound to the session,
 * no stagger) and how the gateway's frames (shapes recorded from openclaw 2026.9.6, design §1)
 * become results, failures and ends. The real gateway's side: test/openclaw/engine.gateway.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { automationEventsOf, cronAddParams } from '../../../../bridge/engine/openclaw/automations.js';
import type { AutomationSpec } from '../../../../protocol/automations.js';

const spec: AutomationSpec = {
  declarationKey: 'tailchat:p1',
  name: 'Stand-up',
  message: 'post the stand-up summary',
  schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Vienna' },
  sessionKey: 'agent:main:tailchat:group:g1',
  engineAgentId: 'main',
};

describe('the job the bundle creates', () => {
  it('is an agent turn committed to its session, with an explicit (here empty) tool list and no stagger', () => {
    expect(cronAddParams(spec, [])).toEqual({
      name: 'Stand-up',
      declarationKey: 'tailchat:p1',
      agentId: 'main',
      sessionKey: 'agent:main:tailchat:group:g1',
      sessionTarget: 'current',
      wakeMode: 'now',
      schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Vienna', staggerMs: 0 },
      payload: { kind: 'agentTurn', message: 'post the stand-up summary', toolsAllow: [] },
      delivery: { mode: 'announce' },
      failureAlert: false,
    });
  });
  it('one-shots are UTC instants; intervals in ms', () => {
    expect(cronAddParams({ ...spec, schedule: { kind: 'at', at: '2026-12-24T17:00:00.000Z' } }, ['read']).schedule).toEqual({ kind: 'at', at: '2026-12-24T17:00:00.000Z' });
    expect(cronAddParams({ ...spec, schedule: { kind: 'every', everyMs: 3_600_000 } }, ['read']).payload).toMatchObject({ toolsAllow: ['read'] });
  });
});

describe('frames of the gateway', () => {
  const result = {
    event: 'session.message',
    payload: {
      sessionKey: 'agent:main:tailchat:group:g1',
      message: { role: 'assistant', content: [{ type: 'text', text: 'Good morning' }], openclawAutomation: { kind: 'cron', jobId: 'j1', runId: 'cron:j1:1765100000000' } },
    },
  };
  it('a committed automation row is a result; a normal assistant row or a user row is not', () => {
    expect(automationEventsOf(result)).toEqual([{ kind: 'result', jobId: 'j1', runId: 'cron:j1:1765100000000', sessionKey: 'agent:main:tailchat:group:g1', text: 'Good morning' }]);
    const { openclawAutomation: _none, ...plain } = result.payload.message;
    expect(automationEventsOf({ event: 'session.message', payload: { ...result.payload, message: plain } })).toEqual([]);
    expect(automationEventsOf({ event: 'session.message', payload: { ...result.payload, message: { ...result.payload.message, role: 'user' } } })).toEqual([]);
  });
  it('a finished run with an error is a failure keyed by job and run time; removal and auto-disable end the job', () => {
    expect(automationEventsOf({ event: 'cron', payload: { action: 'finished', jobId: 'j1', status: 'error', error: 'model down', runAtMs: 42 } })).toEqual([{ kind: 'failed', jobId: 'j1', runId: 'j1:42', error: 'model down' }]);
    expect(automationEventsOf({ event: 'cron', payload: { action: 'finished', jobId: 'j1', status: 'ok', runAtMs: 42 } })).toEqual([]);
    expect(automationEventsOf({ event: 'cron', payload: { action: 'removed', jobId: 'j1' } })).toEqual([{ kind: 'ended', jobId: 'j1', enabled: false }]);
    expect(automationEventsOf({ event: 'cron', payload: { action: 'updated', jobId: 'j1', job: { enabled: false } } })).toEqual([{ kind: 'ended', jobId: 'j1', enabled: false }]);
    expect(automationEventsOf({ event: 'cron', payload: { action: 'started', jobId: 'j1' } })).toEqual([]);
    expect(automationEventsOf({ event: 'cron', payload: { nonsense: true } })).toEqual([]);
  });
});
