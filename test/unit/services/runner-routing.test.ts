/**
 * The chat side's way to a runner, on real Moleculer brokers joined by its in-memory transporter.
 */
import { ServiceBroker } from 'moleculer';
import { afterEach, describe, expect, it } from 'vitest';
import { runnerForSession } from '../../../bridge/run/affinity.js';
import type { RunJob } from '../../../bridge/run/execute.js';
import { RUNNER_SERVICE } from '../../../services/names.js';
import { startOnSessionRunner } from '../../../services/runner-routing.js';

const brokers: ServiceBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.stop()));
});

function broker(nodeID: string, requestTimeout = 0): ServiceBroker {
  const b = new ServiceBroker({ nodeID, namespace: `routing-${process.pid}`, transporter: 'Fake', logger: false, requestTimeout });
  brokers.push(b);
  return b;
}

/** A runner node whose startRun answers `answer`, or never (a node that was killed). */
function runner(nodeID: string, answer: 'accept' | 'refuse' | 'silent', calls: string[]): ServiceBroker {
  const b = broker(nodeID);
  b.createService({
    name: RUNNER_SERVICE,
    actions: {
      startRun(ctx) {
        calls.push(`${nodeID}:${(ctx.params as { job: RunJob }).job.request.runId}`);
        if (answer === 'silent') return new Promise(() => undefined);
        return { accepted: answer === 'accept' };
      },
    },
  });
  return b;
}

const job = (runId: string, sessionKey: string) => ({ request: { runId, sessionKey } }) as unknown as RunJob;

async function cluster(answers: Record<string, 'accept' | 'refuse' | 'silent'>, calls: string[]): Promise<ServiceBroker> {
  const chat = broker('chat', 500);
  const runners = Object.entries(answers).map(([id, a]) => runner(id, a, calls));
  await Promise.all([chat, ...runners].map((b) => b.start()));
  await chat.waitForServices([RUNNER_SERVICE], 5_000);
  // every runner known to the chat node
  for (let i = 0; i < 100 && chat.registry.getServiceList({ onlyAvailable: true }).filter((s: { name: string }) => s.name === RUNNER_SERVICE).length < runners.length; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return chat;
}

describe('startOnSessionRunner', () => {
  it('sends every run of a session to the runner the hashing picks', async () => {
    const calls: string[] = [];
    const chat = await cluster({ r1: 'accept', r2: 'accept', r3: 'accept' }, calls);
    const owner = runnerForSession('session-a', ['r1', 'r2', 'r3'])!;
    for (const id of ['run-1', 'run-2', 'run-3']) expect(await startOnSessionRunner(chat, chat as never, job(id, 'session-a'))).toBe(true);
    expect(calls).toEqual([`${owner}:run-1`, `${owner}:run-2`, `${owner}:run-3`]);
  });

  it('hands the run to the next runner when the owner does not answer (killed, still listed)', async () => {
    const calls: string[] = [];
    const owner = runnerForSession('session-b', ['r1', 'r2'])!;
    const other = owner === 'r1' ? 'r2' : 'r1';
    const chat = await cluster({ [owner]: 'silent', [other]: 'accept' }, calls);
    expect(await startOnSessionRunner(chat, chat as never, job('run-b', 'session-b'))).toBe(true);
    expect(calls).toEqual([`${owner}:run-b`, `${other}:run-b`]);
  });

  it('passes over a runner that just timed out: the next runs of that session go straight to the next one', async () => {
    const calls: string[] = [];
    const owner = runnerForSession('session-e', ['r1', 'r2'])!;
    const other = owner === 'r1' ? 'r2' : 'r1';
    const chat = await cluster({ [owner]: 'silent', [other]: 'accept' }, calls);
    expect(await startOnSessionRunner(chat, chat as never, job('run-e1', 'session-e'))).toBe(true);
    expect(await startOnSessionRunner(chat, chat as never, job('run-e2', 'session-e'))).toBe(true);
    expect(calls).toEqual([`${owner}:run-e1`, `${other}:run-e1`, `${other}:run-e2`]);
  });

  it('reports a run another runner already claimed as not started, without trying further', async () => {
    const calls: string[] = [];
    const chat = await cluster({ r1: 'refuse', r2: 'refuse' }, calls);
    expect(await startOnSessionRunner(chat, chat as never, job('run-c', 'session-c'))).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('fails with the error when no runner answers', async () => {
    const calls: string[] = [];
    const chat = await cluster({ r1: 'silent', r2: 'silent' }, calls);
    await expect(startOnSessionRunner(chat, chat as never, job('run-d', 'session-d'))).rejects.toThrow(/timed out/);
    expect(calls.filter((c) => c.endsWith(':run-d')).length).toBeGreaterThanOrEqual(2);
  });
});
