/**
 * The engine side's bookkeeping: which runs this instance executes or queues, so that a
 * redelivered job never starts twice, a busy runner queues (with a visible position) or refuses
 * with a message instead of overloading, /stop finds the run, and shutdown can drain.
 *
 * With a run ledger (ledger.ts) the bookkeeping spans every runner instance: a run is claimed
 * there before it starts (a redelivery to another instance starts nothing), its lease is renewed
 * while it lives, and the runs of an instance that died are adopted by another one.
 */
import type { EngineRegistry } from '../engine/registry.js';
import { EngineError, type ApprovalDecision, type Engine, type Usage } from '../engine/types.js';
import { draftMessageId } from '../notify/object-id.js';
import type { ReplyPublisher } from '../notify/reply-publisher.js';
import { applyEvent, initialReplyState, queuedReplyState } from '../stream/reply-state.js';
import { agentReplyOf } from '../message/agent-reply.js';
import { authorOf, createRunPublisher, executeRun, noteFailure, type RunDeps, type RunJob, type RunOutcome } from './execute.js';
import { parseRunJob } from './job.js';
import type { LedgerRun, RunLedger } from './ledger.js';
import { runMapStep } from './map-chunks.js';
import { createApprovalBook } from './approval-book.js';
import type { ApprovalRefusal } from '../../protocol/runner.js';
import { createAdmission, type QueueLimits } from './queue.js';

interface Entry {
  job: RunJob;
  draftId: string;
  publisher: ReplyPublisher;
  /** Taken over from an instance that died: look for its stored final before running again. */
  adopted?: boolean;
  /** Handed over by the intake sweep (RunJob.recovery): may have been answered before. */
  recovery?: RunJob['recovery'];
  done?: Promise<RunOutcome | undefined>;
  finished: Promise<RunOutcome | undefined>;
  settle: (o: RunOutcome | undefined) => void;
}

export interface Runner {
  /** Starts (or queues) the run in the background; false when this or (with a ledger) any instance already has it. */
  start(job: RunJob): Promise<boolean>;
  /** Stops the session's runs; with `requester`, only the runs that user asked for (chat /stop without `approve`). */
  abortSession(sessionKey: string, requester?: string): Promise<boolean>;
  abortRun(runId: string): Promise<boolean>;
  reset(engineId: string, sessionKey: string): Promise<void>;
  /**
   * Passes a decision to the engine of a run this instance executes, if the approval is pending
   * in that run, the engine offered the decision, and nobody decided it yet; remembers who decided
   * for the approval card. `resolved: false` without a refusal: the run is not here (the chat side
   * asks its owner); with one: the run is here and the decision is refused. `groupId` (null = a
   * DM) must be the run's: the chat side authorized the decider for that place only.
   */
  resolveApproval(runId: string, approvalId: string, decision: ApprovalDecision, decidedBy: string, groupId: string | null): Promise<{ resolved: boolean; refusal?: ApprovalRefusal }>;
  stats(engineId: string, userId: string): Promise<string | undefined>;
  activeCount(): number;
  queuedCount(): number;
  /** Adopts runs whose owner died (the ledger's expired leases); returns how many. Also runs on a timer. */
  adoptOrphans(): Promise<number>;
  /** Waits for every active and queued run to finish (graceful shutdown); adopts nothing new meanwhile. */
  drain(): Promise<void>;
  /** Stops the lease and adoption timers (after drain). */
  close(): void;
  /** Resolves when the given run finishes (tests, logs). */
  whenDone(runId: string): Promise<RunOutcome | undefined> | undefined;
  /** Entries of the runner's own maps (metrics). */
  sizes(): Record<string, number>;
}

export interface RunnerOptions {
  /** Shared in-flight state (ledger.ts); without one, runs are known to this instance only. */
  ledger?: RunLedger;
  /** How often leases are renewed and orphans looked for (default 3 s). */
  heartbeatMs?: number;
  /**
   * Engines whose runs an adopter starts again with the same run id: OpenClaw attaches to the
   * gateway's run or reads its outcome from history; the scripted demo engine simply runs again.
   * Other engines (MBE: a second generate would write its memory twice) end with INTERRUPTED_TEXT.
   */
  resumableEngines?: string[];
  /** Finished run ids and approval deciders remembered, each at most (default 10,000; oldest first). */
  remembered?: number;
}

export const BUSY_TEXT =
  'The assistant is busy right now and its queue is full. Please try again in a minute. · AI 助手正忙，队列已满，请稍后再试。';

export const USER_BUSY_TEXT = (max: number) =>
  `You already have ${max} replies running or waiting. Please wait for one of them to finish, then ask again. · 你已有 ${max} 个回复正在进行或排队，请等待其中一个完成后再提问。`;

export const INTERRUPTED_TEXT =
  'This reply was interrupted (the server running it stopped) and could not be resumed. Please ask again. · 回复因服务中断未能完成，请重新提问。';

export const DEFAULT_RESUMABLE_ENGINES = ['openclaw', 'scripted'];

const UNLIMITED: QueueLimits = { maxActive: Number.MAX_SAFE_INTEGER, maxPerGroup: Number.MAX_SAFE_INTEGER, maxQueued: 0 };

export function createRunner(engines: EngineRegistry, baseDeps: RunDeps, limits: QueueLimits = UNLIMITED, options: RunnerOptions = {}): Runner {
  const { ledger } = options;
  const remembered = options.remembered ?? 10_000;
  const resumable = new Set(options.resumableEngines ?? DEFAULT_RESUMABLE_ENGINES);
  const entries = new Map<string, Entry>();
  const deciders = new Map<string, string>();
  const approvals = baseDeps.approvals ?? createApprovalBook();
  const deps: RunDeps = { ...baseDeps, approvals, deciderOf: (approvalId) => deciders.get(approvalId) };
  const admission = createAdmission<Entry>(
    limits,
    (e) => e.job.request.origin.groupId ?? e.job.request.sessionKey,
    // Who caused the run: the one who clicked Regenerate, else the prompt's author.
    (e) => e.job.actorId ?? e.job.request.requester.userId,
  );
  const recent = new Set<string>();
  const remember = (runId: string) => {
    recent.add(runId);
    if (recent.size > remembered) recent.delete(recent.values().next().value!);
  };
  let draining = false;

  const showPositions = () => {
    for (const { item, position } of admission.positions()) item.publisher.update(queuedReplyState(position));
  };

  /** The ledger forgets the run once its final is stored; a ledger failure never fails a run. */
  const forget = async (runId: string) => {
    await ledger?.finish(runId).catch((err) => deps.logger.warn('run ledger: finish failed', { runId, error: String(err) }));
  };

  /** The dead owner may have stored the final just before it died: then there is nothing to do. */
  const storedFinal = async (job: RunJob): Promise<boolean> => {
    const author = authorOf(job, deps);
    const latest = await deps.host.fetchConverseMessages(job.target.converseId, undefined, author);
    return latest.some((m) => agentReplyOf(m, [author])?.runId === job.request.runId);
  };

  const launch = (entry: Entry) => {
    const { job } = entry;
    const runId = job.request.runId;
    const prepare = async (): Promise<{ engine: Engine; request: RunJob['request']; mapUsage?: Usage } | 'answered' | 'interrupted'> => {
      if (entry.adopted || entry.recovery) {
        const answered = await storedFinal(job).catch((err) => {
          deps.logger.warn('adopted run: could not look for its stored final; running it again', { runId, error: String(err) });
          return false;
        });
        if (answered) return 'answered';
        // Started once: running it again would repeat what the engine cannot resume.
        if ((entry.adopted || entry.recovery === 'started') && !resumable.has(job.engineId)) return 'interrupted';
      }
      const engine = await engines.get(job.engineId);
      if (!job.mapChunks?.length) return { engine, request: job.request };
      const mapped = await runMapStep(engine, job.request, job.mapChunks, entry.publisher);
      return { engine, request: mapped.request, ...(mapped.usage ? { mapUsage: mapped.usage } : {}) };
    };
    entry.done = prepare()
      .then(
        async (prepared) => {
          if (prepared === 'answered') {
            deps.logger.info('adopted run was already answered; nothing to resend', { runId });
            return undefined;
          }
          if (prepared === 'interrupted') {
            deps.logger.warn('adopted run cannot be resumed on its engine; telling the user', { runId, engine: job.engineId });
            const state = applyEvent(initialReplyState(), { type: 'error', kind: 'unavailable', message: INTERRUPTED_TEXT });
            const message = await entry.publisher.finish(state);
            noteFailure(job, deps, 'interrupted', message);
            return { status: state.status, message, liveUpdates: entry.publisher.liveUpdates };
          }
          return executeRun(prepared.engine, { ...job, request: prepared.request }, deps, entry.publisher, prepared.mapUsage);
        },
        // No engine (or the map step failed): still tell the user, through the same path.
        (err) => executeRun(unavailableEngine(job.engineId, err), job, deps, entry.publisher),
      )
      // Only publishing itself can fail here; a second message would risk a duplicate reply.
      .catch((e) => {
        deps.logger.error('run could not be reported', { runId, error: String(e) });
        return undefined;
      })
      .then(async (outcome) => {
        // The dead owner's draft (same id) may still be on screens, also when this instance never
        // pushed an update (answered already, interrupted, or the outcome came from history).
        if (entry.adopted || entry.recovery) {
          await deps.host
            .notify(job.target.audience, 'notify:chat.message.delete', { converseId: job.target.converseId, messageId: entry.draftId })
            .catch(() => undefined);
        }
        await forget(runId);
        entries.delete(runId);
        for (const next of admission.release(entry)) launch(next);
        showPositions();
        entry.settle(outcome);
        return outcome;
      });
  };

  /** Ends a run that never started (queue full, stopped while queued) with one final message. */
  const finishUnstarted = async (entry: Entry, how: 'busy' | 'user-busy' | 'stopped') => {
    entries.delete(entry.job.request.runId);
    const state =
      how === 'stopped'
        ? applyEvent(initialReplyState(), { type: 'aborted', reason: 'stopped while queued' })
        : applyEvent(initialReplyState(), { type: 'error', kind: 'rate_limit', message: how === 'busy' ? BUSY_TEXT : USER_BUSY_TEXT(limits.maxPerUser ?? 0) });
    const message = await entry.publisher.finish(state).catch((err) => {
      deps.logger.error('could not report an unstarted run', { runId: entry.job.request.runId, error: String(err) });
      return null;
    });
    if (how !== 'stopped') noteFailure(entry.job, deps, 'busy', message);
    await forget(entry.job.request.runId);
    entry.settle({ status: state.status, message, liveUpdates: entry.publisher.liveUpdates });
  };

  /** Admits a claimed run: it runs now, waits with a visible position, or is refused as busy. */
  const admit = (job: RunJob, draftId: string, adopted: boolean) => {
    const { runId } = job.request;
    let settle!: Entry['settle'];
    const finished = new Promise<RunOutcome | undefined>((r) => (settle = r));
    const entry: Entry = { job, draftId, publisher: createRunPublisher(job, deps, draftId), finished, settle, ...(adopted ? { adopted } : {}), ...(job.recovery ? { recovery: job.recovery } : {}) };
    entries.set(runId, entry);
    // A run taken over from a dead instance was admitted there once already.
    const admitted = admission.admit(entry, { exemptFromUserCap: adopted || job.recovery !== undefined });
    if (admitted.kind === 'run') launch(entry);
    else if (admitted.kind === 'queued') {
      deps.logger.info('run queued', { runId, position: admitted.position, active: admission.active });
      entry.publisher.update(queuedReplyState(admitted.position));
    } else if (admitted.kind === 'user-busy') {
      deps.logger.info('run refused: the user holds their most runs', { runId, userId: job.actorId ?? job.request.requester.userId, maxPerUser: limits.maxPerUser });
      void finishUnstarted(entry, 'user-busy');
    } else {
      deps.logger.warn('run refused: queue full', { runId, active: admission.active, queued: admission.queued });
      void finishUnstarted(entry, 'busy');
    }
  };

  const ledgerRuns = (): LedgerRun[] => [...entries.values()].map((e) => ({ job: e.job, draftId: e.draftId }));

  const renewLeases = async () => {
    if (!ledger || entries.size === 0) return;
    const lost = await ledger.renew(ledgerRuns());
    for (const runId of lost) {
      // Our lease lapsed (this process stalled or lost Redis for longer than a lease) and another
      // instance adopted the run; it looks for our stored final before it publishes.
      if (entries.has(runId)) deps.logger.warn('run ledger: another instance took over this run', { runId });
    }
  };

  const adoptOrphans = async (): Promise<number> => {
    if (!ledger || draining) return 0;
    // Adopt only what this instance can start now; other instances take the rest.
    const room = Math.min(20, limits.maxActive - admission.active);
    if (room <= 0) return 0;
    const orphans = await ledger.adoptExpired(room);
    let adopted = 0;
    for (const orphan of orphans) {
      let job: RunJob;
      try {
        // Not the adopter's event: keep event → engine metrics to first starts.
        const { receivedAt: _receivedAt, ...stored } = parseRunJob(orphan.job);
        job = stored;
      } catch (err) {
        deps.logger.error('run ledger: unreadable orphaned job; dropped', { error: String(err) });
        const runId = (orphan.job as { request?: { runId?: unknown } } | undefined)?.request?.runId;
        if (typeof runId === 'string') await forget(runId);
        continue;
      }
      const { runId } = job.request;
      if (entries.has(runId)) continue; // ours after all (our lease had lapsed): renewal keeps it
      deps.logger.warn('adopting a run whose runner stopped renewing its lease', { runId, engine: job.engineId });
      remember(runId);
      admit(job, orphan.draftId ?? draftMessageId(), true);
      adopted++;
    }
    return adopted;
  };

  let timer: NodeJS.Timeout | undefined;
  if (ledger) {
    let busy = false;
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      renewLeases()
        .then(adoptOrphans)
        .catch((err) => deps.logger.warn('run ledger: heartbeat failed', { error: String(err) }))
        .finally(() => (busy = false));
    }, options.heartbeatMs ?? 3_000);
    timer.unref();
  }

  return {
    async start(job) {
      const { runId } = job.request;
      if (entries.has(runId) || recent.has(runId)) return false;
      remember(runId);
      const draftId = draftMessageId();
      if (ledger) {
        const claimed = await ledger.claim({ job, draftId }, { recovery: job.recovery !== undefined }).catch((err) => {
          // A broken ledger must not refuse runs (the resilient Redis ledger does not throw).
          deps.logger.warn('run ledger: claim failed; running anyway', { runId, error: String(err) });
          return true;
        });
        if (!claimed) {
          // A refused recovery is asked again later: it must not count as seen here.
          if (job.recovery) recent.delete(runId);
          deps.logger.info(job.recovery ? 'recovered run not started: a runner has it, or the shared ledger is not complete yet' : 'run already claimed by another runner; not started again', { runId });
          return false;
        }
      }
      admit(job, draftId, false);
      return true;
    },
    async abortSession(sessionKey, requester) {
      const mine = (e: Entry) => e.job.request.sessionKey === sessionKey && (requester === undefined || e.job.request.requester.userId === requester);
      // A snapshot taken now: a prompt sent right after /stop may start while we await, and must live.
      const running = [...entries.values()].filter((e) => e.done && mine(e));
      const waiting = admission.remove(mine);
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
    async resolveApproval(runId, approvalId, decision, decidedBy, groupId) {
      const entry = entries.get(runId);
      if (!entry) return { resolved: false };
      if ((entry.job.target.groupId ?? null) !== groupId) {
        deps.logger.warn('approval decision refused: authorized for another place than the run', { runId, approvalId, decidedBy });
        return { resolved: false, refusal: 'wrong-run' };
      }
      const engine = await engines.get(entry.job.engineId);
      if (!engine.resolveApproval) throw new EngineError('unavailable', `engine "${engine.id}" has no approvals`);
      const taken = approvals.take(runId, approvalId, decision);
      if (!taken.ok) {
        deps.logger.info('approval decision refused', { runId, approvalId, decision, decidedBy, refusal: taken.refusal });
        return { resolved: false, refusal: taken.refusal };
      }
      deciders.set(approvalId, decidedBy);
      if (deciders.size > remembered) deciders.delete(deciders.keys().next().value!);
      await engine.resolveApproval(approvalId, decision);
      return { resolved: true };
    },
    async stats(engineId, userId) {
      const engine = await engines.get(engineId);
      return engine.stats ? engine.stats(userId) : undefined;
    },
    activeCount: () => admission.active,
    queuedCount: () => admission.queued,
    adoptOrphans,
    async drain() {
      draining = true;
      await Promise.allSettled([...entries.values()].map((e) => e.finished));
    },
    close() {
      if (timer) clearInterval(timer);
    },
    whenDone: (runId) => entries.get(runId)?.finished,
    sizes: () => ({ runner_runs: entries.size, runner_approval_deciders: deciders.size, runner_recent_runs: recent.size }),
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
