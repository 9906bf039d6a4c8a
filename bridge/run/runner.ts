/**
 * The engine side's bookkeeping: which runs this instance is executing, so that a redelivered
 * job never starts twice here, /stop finds the run, and shutdown can drain.
 */
import type { EngineRegistry } from '../engine/registry.js';
import { EngineError, type ApprovalDecision, type Engine } from '../engine/types.js';
import { executeRun, type RunDeps, type RunJob, type RunOutcome } from './execute.js';

interface ActiveRun {
  job: RunJob;
  done: Promise<RunOutcome | undefined>;
}

export interface Runner {
  /** Starts the run in the background; false when this instance already has it. */
  start(job: RunJob): boolean;
  abortSession(sessionKey: string): Promise<boolean>;
  abortRun(runId: string): Promise<boolean>;
  reset(engineId: string, sessionKey: string): Promise<void>;
  /** Passes a decision to the engine; remembers who decided for the approval card. */
  resolveApproval(runId: string, approvalId: string, decision: ApprovalDecision, decidedBy: string): Promise<{ resolved: boolean }>;
  stats(engineId: string, userId: string): Promise<string | undefined>;
  activeCount(): number;
  /** Waits for every active run to finish (graceful shutdown). */
  drain(): Promise<void>;
  /** Resolves when the given run finishes (tests, logs). */
  whenDone(runId: string): Promise<RunOutcome | undefined> | undefined;
}

export function createRunner(engines: EngineRegistry, baseDeps: RunDeps): Runner {
  const active = new Map<string, ActiveRun>();
  const deciders = new Map<string, string>();
  const deps: RunDeps = { ...baseDeps, deciderOf: (approvalId) => deciders.get(approvalId) };
  const recent = new Set<string>();
  const remember = (runId: string) => {
    recent.add(runId);
    if (recent.size > 10_000) recent.delete(recent.values().next().value!);
  };

  return {
    start(job) {
      const { runId } = job.request;
      if (active.has(runId) || recent.has(runId)) return false;
      remember(runId);
      const done = engines
        .get(job.engineId)
        .then((engine) => executeRun(engine, job, deps))
        // The engine could not even be created: still tell the user, through the same path.
        .catch((err) =>
          executeRun(unavailableEngine(job.engineId, err), job, deps).catch((e) => {
            deps.logger.error('run could not be reported', { runId, error: String(e) });
            return undefined;
          }),
        )
        .finally(() => active.delete(runId));
      active.set(runId, { job, done });
      return true;
    },
    async abortSession(sessionKey) {
      let any = false;
      for (const { job } of active.values()) {
        if (job.request.sessionKey !== sessionKey) continue;
        const engine = await engines.get(job.engineId);
        any = (await engine.abort(sessionKey, job.request.runId)) || any;
      }
      return any;
    },
    async abortRun(runId) {
      const run = active.get(runId);
      if (!run) return false;
      const engine = await engines.get(run.job.engineId);
      return engine.abort(run.job.request.sessionKey, runId);
    },
    async reset(engineId, sessionKey) {
      const engine = await engines.get(engineId);
      await engine.reset(sessionKey);
    },
    async resolveApproval(runId, approvalId, decision, decidedBy) {
      const run = active.get(runId);
      const engine = await engines.get(run?.job.engineId ?? 'openclaw');
      if (!engine.resolveApproval) throw new EngineError('unavailable', `engine "${engine.id}" has no approvals`);
      deciders.set(approvalId, decidedBy);
      if (deciders.size > 10_000) deciders.delete(deciders.keys().next().value!);
      await engine.resolveApproval(approvalId, decision);
      return { resolved: true };
    },
    async stats(engineId, userId) {
      const engine = await engines.get(engineId);
      return engine.stats ? engine.stats(userId) : undefined;
    },
    activeCount: () => active.size,
    async drain() {
      await Promise.allSettled([...active.values()].map((r) => r.done));
    },
    whenDone: (runId) => active.get(runId)?.done,
  };
}

function unavailableEngine(id: string, err: unknown): Engine {
  const error = err instanceof EngineError ? err : new EngineError('unavailable', String(err));
  return {
    id,
    start: () => Promise.reject(error),
    abort: async () => false,
    reset: async () => undefined,
    health: async () => ({ ok: false, detail: error.message }),
    close: async () => undefined,
  };
}
