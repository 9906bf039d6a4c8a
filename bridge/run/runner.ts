/**
 * The engine side's bookkeeping: which runs this instance executes or queues, so that a
 * redelivered job never starts twice here, a busy runner queues (with a visible position) or
 * refuses with a message instead of overloading, /stop finds the run, and shutdown can drain.
 */
import type { EngineRegistry } from '../engine/registry.js';
import { EngineError, type ApprovalDecision, type Engine } from '../engine/types.js';
import type { ReplyPublisher } from '../notify/reply-publisher.js';
import { applyEvent, initialReplyState, queuedReplyState } from '../stream/reply-state.js';
import { createRunPublisher, executeRun, type RunDeps, type RunJob, type RunOutcome } from './execute.js';
import { runMapStep } from './map-chunks.js';
import { createAdmission, type QueueLimits } from './queue.js';

interface Entry {
  job: RunJob;
  publisher: ReplyPublisher;
  done?: Promise<RunOutcome | undefined>;
  finished: Promise<RunOutcome | undefined>;
  settle: (o: RunOutcome | undefined) => void;
}

export interface Runner {
  /** Starts (or queues) the run in the background; false when this instance already has it. */
  start(job: RunJob): boolean;
  abortSession(sessionKey: string): Promise<boolean>;
  abortRun(runId: string): Promise<boolean>;
  reset(engineId: string, sessionKey: string): Promise<void>;
  /** Passes a decision to the engine; remembers who decided for the approval card. */
  resolveApproval(runId: string, approvalId: string, decision: ApprovalDecision, decidedBy: string): Promise<{ resolved: boolean }>;
  stats(engineId: string, userId: string): Promise<string | undefined>;
  activeCount(): number;
  queuedCount(): number;
  /** Waits for every active and queued run to finish (graceful shutdown). */
  drain(): Promise<void>;
  /** Resolves when the given run finishes (tests, logs). */
  whenDone(runId: string): Promise<RunOutcome | undefined> | undefined;
}

export const BUSY_TEXT =
  'The assistant is busy right now and its queue is full. Please try again in a minute. · AI 助手正忙，队列已满，请稍后再试。';

const UNLIMITED: QueueLimits = { maxActive: Number.MAX_SAFE_INTEGER, maxPerGroup: Number.MAX_SAFE_INTEGER, maxQueued: 0 };

export function createRunner(engines: EngineRegistry, baseDeps: RunDeps, limits: QueueLimits = UNLIMITED): Runner {
  const entries = new Map<string, Entry>();
  const deciders = new Map<string, string>();
  const deps: RunDeps = { ...baseDeps, deciderOf: (approvalId) => deciders.get(approvalId) };
  const admission = createAdmission<Entry>(limits, (e) => e.job.request.origin.groupId ?? e.job.request.sessionKey);
  const recent = new Set<string>();
  const remember = (runId: string) => {
    recent.add(runId);
    if (recent.size > 10_000) recent.delete(recent.values().next().value!);
  };

  const showPositions = () => {
    for (const { item, position } of admission.positions()) item.publisher.update(queuedReplyState(position));
  };

  const launch = (entry: Entry) => {
    const { job } = entry;
    const prepare = async (): Promise<{ engine: Engine; request: RunJob['request'] }> => {
      const engine = await engines.get(job.engineId);
      const request = job.mapChunks?.length ? await runMapStep(engine, job.request, job.mapChunks, entry.publisher) : job.request;
      return { engine, request };
    };
    entry.done = prepare()
      .then(
        ({ engine, request }) => executeRun(engine, { ...job, request }, deps, entry.publisher),
        // No engine (or the map step failed): still tell the user, through the same path.
        (err) => executeRun(unavailableEngine(job.engineId, err), job, deps, entry.publisher),
      )
      // Only publishing itself can fail here; a second message would risk a duplicate reply.
      .catch((e) => {
        deps.logger.error('run could not be reported', { runId: job.request.runId, error: String(e) });
        return undefined;
      })
      .then((outcome) => {
        entries.delete(job.request.runId);
        for (const next of admission.release(entry)) launch(next);
        showPositions();
        entry.settle(outcome);
        return outcome;
      });
  };

  /** Ends a run that never started (queue full, stopped while queued) with one final message. */
  const finishUnstarted = async (entry: Entry, how: 'busy' | 'stopped') => {
    entries.delete(entry.job.request.runId);
    const state =
      how === 'busy'
        ? applyEvent(initialReplyState(), { type: 'error', kind: 'rate_limit', message: BUSY_TEXT })
        : applyEvent(initialReplyState(), { type: 'aborted', reason: 'stopped while queued' });
    const message = await entry.publisher.finish(state).catch((err) => {
      deps.logger.error('could not report an unstarted run', { runId: entry.job.request.runId, error: String(err) });
      return null;
    });
    entry.settle({ status: state.status, message, liveUpdates: entry.publisher.liveUpdates });
  };

  return {
    start(job) {
      const { runId } = job.request;
      if (entries.has(runId) || recent.has(runId)) return false;
      remember(runId);
      let settle!: Entry['settle'];
      const finished = new Promise<RunOutcome | undefined>((r) => (settle = r));
      const entry: Entry = { job, publisher: createRunPublisher(job, deps), finished, settle };
      entries.set(runId, entry);
      const admitted = admission.admit(entry);
      if (admitted.kind === 'run') launch(entry);
      else if (admitted.kind === 'queued') {
        deps.logger.info('run queued', { runId, position: admitted.position, active: admission.active });
        entry.publisher.update(queuedReplyState(admitted.position));
      } else {
        deps.logger.warn('run refused: queue full', { runId, active: admission.active, queued: admission.queued });
        void finishUnstarted(entry, 'busy');
      }
      return true;
    },
    async abortSession(sessionKey) {
      // A snapshot taken now: a prompt sent right after /stop may start while we await, and must live.
      const running = [...entries.values()].filter((e) => e.done && e.job.request.sessionKey === sessionKey);
      const waiting = admission.remove((e) => e.job.request.sessionKey === sessionKey);
      await Promise.all(waiting.map((e) => finishUnstarted(e, 'stopped')));
      if (waiting.length) showPositions();
      let any = waiting.length > 0;
      for (const { job } of running) {
        const engine = await engines.get(job.engineId);
        any = (await engine.abort(sessionKey, job.request.runId)) || any;
      }
      return any;
    },
    async abortRun(runId) {
      const entry = entries.get(runId);
      if (!entry) return false;
      if (!entry.done) {
        admission.remove((e) => e === entry);
        await finishUnstarted(entry, 'stopped');
        showPositions();
        return true;
      }
      const engine = await engines.get(entry.job.engineId);
      return engine.abort(entry.job.request.sessionKey, runId);
    },
    async reset(engineId, sessionKey) {
      const engine = await engines.get(engineId);
      await engine.reset(sessionKey);
    },
    async resolveApproval(runId, approvalId, decision, decidedBy) {
      const entry = entries.get(runId);
      const engine = await engines.get(entry?.job.engineId ?? 'openclaw');
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
    activeCount: () => admission.active,
    queuedCount: () => admission.queued,
    async drain() {
      await Promise.allSettled([...entries.values()].map((e) => e.finished));
    },
    whenDone: (runId) => entries.get(runId)?.finished,
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
