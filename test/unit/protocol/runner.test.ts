/**
 * The chat side ↔ runner contract: params are checked before they leave, replies when they
 * arrive, and the runner's own handlers refuse a bad call with the fields named.
 */
import { describe, expect, it } from 'vitest';
import { ServiceBroker } from 'moleculer';
import { callRunner, RUNNER_SERVICE_NAME, runnerAction, type Caller } from '../../../protocol/runner.js';
import { createRunnerService } from '../../../services/ai-runner.service.js';
import { loadConfig } from '../../../config/load.js';
import { createEngineRegistry } from '../../../bridge/engine/registry.js';

const recorder = (reply: unknown) => {
  const calls: { action: string; params: unknown }[] = [];
  const caller: Caller = { call: async (action, params) => (calls.push({ action, params }), reply) };
  return { calls, caller };
};

describe('callRunner', () => {
  it('sends checked params to the runner action and returns the checked reply', async () => {
    const { calls, caller } = recorder({ resolved: false, refusal: 'decision-not-offered' });
    const reply = await callRunner(caller, 'resolveApproval', { runId: 'tc-1', approvalId: 'a', decision: 'deny', decidedBy: 'U', groupId: null });
    expect(reply).toEqual({ resolved: false, refusal: 'decision-not-offered' });
    expect(calls).toEqual([{ action: `${RUNNER_SERVICE_NAME}.resolveApproval`, params: { runId: 'tc-1', approvalId: 'a', decision: 'deny', decidedBy: 'U', groupId: null } }]);
    expect(runnerAction('abortRun')).toBe(`${RUNNER_SERVICE_NAME}.abortRun`);
  });

  it('refuses bad params before sending, and a reply of the wrong shape', async () => {
    const { calls, caller } = recorder(true);
    await expect(callRunner(caller, 'resolveApproval', { runId: 'tc-1', approvalId: 'a', decision: 'always' as never, decidedBy: 'U', groupId: null })).rejects.toThrow(/decision/);
    expect(calls).toEqual([]);
    await expect(callRunner(caller, 'stats', { engineId: 'scripted', userId: 'U' })).rejects.toThrow();
  });
});

describe('the runner service', () => {
  it('answers a call that breaks the contract with a validation error naming the field', async () => {
    const broker = new ServiceBroker({ nodeID: 'contract', logger: false });
    broker.createService(createRunnerService({ config: loadConfig({}, {}), engines: createEngineRegistry({}) }));
    await broker.start();
    try {
      await expect(broker.call(`${RUNNER_SERVICE_NAME}.resolveApproval`, { runId: 'tc-1', approvalId: 'a', decision: 'allow-always', decidedBy: 'U' })).rejects.toMatchObject({
        code: 422,
        message: expect.stringContaining('groupId'),
      });
      expect(await broker.call(`${RUNNER_SERVICE_NAME}.abortRun`, { runId: 'tc-1' })).toBe(false);
    } finally {
      await broker.stop();
    }
  });
});
