/**
 * How the chat side reaches the runner instances over the broker: a run to the runner that owns
 * its session, a question (stop, reset, "is this run yours?") to every runner.
 */
import type { Context, ServiceBroker } from 'moleculer';
import moleculer from 'moleculer';
import { runnerForSession } from '../bridge/run/affinity.js';
import { createExpiringMap, type ExpiringMap } from '../bridge/state/expiring-map.js';
import type { RunJob } from '../bridge/run/execute.js';
import { callRunner, runnerAction, type RunnerActionName, type RunnerParams, type RunnerReply } from '../protocol/runner.js';
import { CHAT_SERVICE } from './names.js';

interface EndpointRegistry {
  getActionEndpoints(action: string): { endpoints: { id: string; state: boolean }[] } | undefined;
}

/**
 * Calls `action` on every live runner instance (Moleculer has getActionEndpoints; its typings lack
 * it): a run lives on exactly one runner, and stopping or resetting must reach that one.
 */
export function askEveryRunner<N extends RunnerActionName>(broker: ServiceBroker, ctx: Context, action: N, params: RunnerParams<N>): Promise<PromiseSettledResult<RunnerReply<N>>[]> {
  return Promise.allSettled(runnerNodes(broker, action).map((nodeID) => callRunner(ctx, action, params, { nodeID })));
}

/** Node ids of the live runner instances that offer `action`. */
export function runnerNodes(broker: ServiceBroker, action: RunnerActionName): string[] {
  const list = (broker.registry as unknown as EndpointRegistry).getActionEndpoints(runnerAction(action));
  return [...new Set((list?.endpoints ?? []).filter((e) => e.state).map((e) => e.id))];
}

/**
 * Hands a job to the runner that owns its session (bridge/run/affinity.ts). If that runner has
 * just gone (killed: the cluster still lists it until its heartbeat times out, and a call to it
 * times out), the next runner by the same hashing takes it. A second start is harmless: the
 * run ledger lets only one runner claim a run id, so a runner that got the job before it went
 * silent makes the next one refuse it (and adopt it once its lease expires).
 */
export async function startOnSessionRunner(broker: ServiceBroker, ctx: Context, job: RunJob): Promise<boolean> {
  const runners = runnerNodes(broker, 'startRun');
  const unreachable: string[] = [];
  // A runner that just timed out is passed over for a while (unless no other is left): every
  // job would otherwise wait out the call timeout again until the cluster drops the node.
  const silent = silentRunnersOf(broker);
  const live = runners.filter((id) => !silent.has(id));
  for (;;) {
    const candidates = (live.length ? live : runners).filter((id) => !unreachable.includes(id));
    const nodeID = runnerForSession(job.request.sessionKey, candidates);
    try {
      // false: some runner already has this run id (a redelivery, or a second click on Regenerate).
      const accepted = (await callRunner(ctx, 'startRun', { job }, nodeID ? { nodeID } : {})).accepted;
      if (nodeID) silent.delete(nodeID);
      return accepted;
    } catch (err) {
      if (!nodeID || !isUnreachable(err)) throw err;
      unreachable.push(nodeID);
      silent.set(nodeID, true);
      broker.getLogger(CHAT_SERVICE).warn('runner unreachable; handing the run to the next one', { runId: job.request.runId, nodeID, error: (err as Error).name });
    }
  }
}

/** Runners that did not answer a start lately, per broker (until one answers again, or 30 s). */
const silentRunners = new WeakMap<ServiceBroker, ExpiringMap<string, true>>();
function silentRunnersOf(broker: ServiceBroker): ExpiringMap<string, true> {
  let map = silentRunners.get(broker);
  if (!map) silentRunners.set(broker, (map = createExpiringMap({ ttlMs: 30_000, maxEntries: 1_000 })));
  return map;
}

/** The called node is not there (any more), or did not answer in time (killed, not yet noticed). */
export function isUnreachable(err: unknown): boolean {
  const { ServiceNotAvailableError, ServiceNotFoundError, RequestRejectedError, RequestTimeoutError } = moleculer.Errors;
  return err instanceof ServiceNotAvailableError || err instanceof ServiceNotFoundError || err instanceof RequestRejectedError || err instanceof RequestTimeoutError;
}

/** At least one runner answered `true` (the one that has the run). */
export const anyRunnerSaysTrue = (results: PromiseSettledResult<boolean>[]) => results.some((r) => r.status === 'fulfilled' && r.value === true);
