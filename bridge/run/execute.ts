/**
 * One run, end to end on the engine side: engine → stream (fold events into reply state) →
 * notify (live draft, final message). Every way a run can end reaches the user as a message:
 * a reply, a short error, or "stopped" — never silence.
 */
import type { EngineLogger } from '../engine/logger.js';
import { EngineError, type Engine, type EngineEvent, type ErrorCause, type RunRequest, type Usage } from '../engine/types.js';
import { addUsage } from './map-chunks.js';
import { createReplyPublisher, type ReplyPublisher, type ReplyTarget } from '../notify/reply-publisher.js';
import { applyEvent, expireApproval, initialReplyState, type ReplyState } from '../stream/reply-state.js';
import type { SentMessage, TailchatHost } from '../tailchat/host.js';
import { runMetrics } from '../observability/metrics.js';
import type { UsageRecorder } from '../usage/recorder.js';
import { causeOfErrorKind } from '../failures/cause.js';
import type { FailureRecorder } from '../failures/recorder.js';
import type { FailureCause } from '../../protocol/admin.js';
import { createToolOutputKeeper, type PerRunLimits } from '../privacy/keeper.js';
import type { ToolOutputStore } from '../privacy/store.js';
import { keepsToolOutputPrivate, type ToolOutputVisibility } from '../privacy/visibility.js';
import type { ApprovalBook } from './approval-book.js';

/** One logger shape for the whole bridge (see bridge/engine/logger.ts). */
export type Logger = EngineLogger;

export interface RunJob {
  request: RunRequest;
  engineId: string;
  /** The bundle's agent whose bot user posts the reply; absent = the first agent. */
  agent?: string;
  target: ReplyTarget;
  /** Epoch ms when the chat side received the Tailchat event (metrics: event → engine). */
  receivedAt?: number;
  /** Map step before the run: each chunk is summarized first; the run then combines the parts. */
  mapChunks?: string[];
  /** Who sees tool arguments and results (bridge/privacy/); absent = private in groups. */
  toolOutput?: ToolOutputVisibility;
  /** Who caused the run when not the prompt's author (Regenerate): the per-user cap counts them. */
  actorId?: string;
  /**
   * DMs only: the requester may decide their own approvals (a global approver, bridge/policy/).
   * Absent or false: a command that needs approval is refused at once, since nobody else can
   * see a DM to decide it.
   */
  selfApproval?: boolean;
  /**
   * Handed over by the intake sweep (bridge/intake/sweep.ts), so it may have run before: the
   * runner looks for a stored answer first. 'started': a runner had accepted it, so it is
   * resumed like an adopted run (engines that cannot resume say it was interrupted).
   */
  recovery?: 'unstarted' | 'started';
}

export interface RunDeps {
  host: TailchatHost;
  /** The first agent's bot user: it posts replies of jobs that name no agent (or one not configured here). */
  botUserId: string;
  /** The bot user of a bundle agent (config `agents[].id`); absent = one agent only. */
  agentUserOf?: (agentId: string) => string | undefined;
  intervalMs: number;
  maxReplyChars: number;
  runTimeoutMs: number;
  logger: Logger;
  /** Pending approvals are denied after this long (or at the engine's own deadline if sooner). */
  approvalTtlMs?: number;
  /** Who clicked Approve/Deny in Tailchat (the engine only knows that it was resolved). */
  deciderOf?: (approvalId: string) => string | undefined;
  /** Counts a run that ended, with its engine's usage (bridge/usage/recorder.ts); never throws. */
  recordUsage?: UsageRecorder;
  /** Notes a reply that ended in an error, for /metrics and the group's admins (bridge/failures/); never throws. */
  recordFailure?: FailureRecorder;
  /** Keeps private tool output for getToolOutput (bridge/privacy/store.ts); absent = not kept. */
  toolOutputs?: ToolOutputStore;
  /** Caps on what toolOutputs keeps per run (config limits.toolOutputPerRun); absent = the keeper's defaults. */
  toolOutputPerRun?: PerRunLimits;
  /** The approvals pending per run: the only way a decision reaches the engine (approval-book.ts). */
  approvals?: ApprovalBook;
}

/** A DM run asked for an approval its requester may not give. */
export const DM_APPROVAL_REFUSED_TEXT =
  'This needs an approval, and in a direct message only global approvers may approve their own commands. The command was not run; ask in a group where an approver can decide. · 此操作需要审批；私聊中只有全局审批人可以批准自己的命令。命令未执行，请在有审批人的群组中提问。';

export interface RunOutcome {
  status: ReplyState['status'];
  message: SentMessage | null;
  liveUpdates: number;
}

/** What users read when the engine fails before or during a run (details go to the log). */
export const USER_ERROR_TEXT: Record<string, string> = {
  auth: 'The agent is unavailable right now (the engine refused our credentials). An admin has been told.',
  unavailable: 'The agent is unavailable right now. Please try again in a moment.',
  timeout: 'The agent took too long to answer and was stopped.',
  rate_limit: 'The agent is rate-limited right now. Please try again shortly.',
  context_length: 'This conversation is too long for the model. Start a new one with /new.',
  refusal: 'The model declined to answer.',
  bad_response: 'The agent engine sent an answer we could not read. An admin has been told.',
  denied: 'You do not have permission to do that.',
  unknown: 'The agent failed to answer. Please try again.',
};

/** What users read when the engine says why it failed and the kind alone would not tell them. */
export const USER_CAUSE_TEXT: Record<ErrorCause, string> = {
  'engine-unreachable': 'The agent stayed unreachable: its engine did not come back in time, so this reply could not be finished. Please try again later.',
  'interrupted-after-tools':
    'The agent was interrupted (its engine restarted) after it had already used tools. To make sure nothing runs twice it was not repeated by itself: please check what it did, then ask again.',
};

/** The bot user that posts a job's reply: its agent's. */
export function authorOf(job: Pick<RunJob, 'agent'>, deps: Pick<RunDeps, 'botUserId' | 'agentUserOf'>): string {
  return (job.agent ? deps.agentUserOf?.(job.agent) : undefined) ?? deps.botUserId;
}

/** The live draft + final message of one run (created early when the run has to wait in a queue). */
export function createRunPublisher(job: RunJob, deps: RunDeps, draftId?: string): ReplyPublisher {
  const { request } = job;
  const log = { runId: request.runId, engine: job.engineId, sessionKey: request.sessionKey };
  let draftWarnedAt = -Infinity;
  let draftFailuresSkipped = 0;
  return createReplyPublisher({
    host: deps.host,
    botUserId: authorOf(job, deps),
    target: job.target,
    runId: request.runId,
    engineId: job.engineId,
    requesterId: request.requester.userId,
    intervalMs: deps.intervalMs,
    maxReplyChars: deps.maxReplyChars,
    onError: (err, phase) => {
      runMetrics.notifyFailed(phase);
      // While Tailchat is unreachable every live update fails: one line per run per 10 s (with
      // how many were skipped), not one per update. Failures of the final are always logged.
      const now = Date.now();
      if (phase === 'draft' && now - draftWarnedAt < 10_000) {
        draftFailuresSkipped++;
        return;
      }
      if (phase === 'draft') draftWarnedAt = now;
      deps.logger.warn('tailchat notify failed', { ...log, phase, error: String(err), ...(draftFailuresSkipped ? { alsoFailedSinceLastLine: draftFailuresSkipped } : {}) });
      if (phase === 'draft') draftFailuresSkipped = 0;
    },
    onLive: (ms) => runMetrics.deltaToNotify(job.engineId, ms),
    ...(draftId ? { draftId } : {}),
    privateTools: keepsToolOutputPrivate(job),
  });
}

/** `priorUsage`: what the run's map step already used (long summaries), metered with the run. */
export async function executeRun(
  engine: Engine,
  job: RunJob,
  deps: RunDeps,
  publisher: ReplyPublisher = createRunPublisher(job, deps),
  priorUsage?: Usage,
): Promise<RunOutcome> {
  const { request } = job;
  const log = { runId: request.runId, engine: job.engineId, sessionKey: request.sessionKey };

  let state = initialReplyState();
  let failKind: string | undefined;
  let failCause: ErrorCause | undefined;
  const startedAt = performance.now();
  runMetrics.started(job.engineId);
  const fail = (kind: keyof typeof USER_ERROR_TEXT, detail: string, cause?: ErrorCause): EngineEvent => ({
    type: 'error',
    kind: kind as never,
    message: (cause && USER_CAUSE_TEXT[cause]) ?? USER_ERROR_TEXT[kind] ?? detail,
    ...(cause ? { cause } : {}),
  });
  const failWith = (kind: string, detail: string, cause?: ErrorCause) => {
    if (failKind === undefined) failCause = cause;
    failKind ??= kind;
    return fail(kind, detail, cause);
  };
  const keeper =
    deps.toolOutputs && keepsToolOutputPrivate(job)
      ? createToolOutputKeeper(
          deps.toolOutputs,
          request.runId,
          {
            onError: (err, toolCallId) => deps.logger.warn('private tool output not kept', { ...log, toolCallId, error: String(err) }),
            onCapped: (at) => deps.logger.warn('private tool output over the per-run cap; later tool calls keep no details', { ...log, ...at }),
          },
          deps.toolOutputPerRun,
        )
      : undefined;

  try {
    if (job.receivedAt !== undefined) runMetrics.eventToEngine(job.engineId, Date.now() - job.receivedAt);
    const run = await engine.start(request);
    let timedOut = false;
    const approvalTimers: NodeJS.Timeout[] = [];
    const expireLater = (event: Extract<EngineEvent, { type: 'approval.requested' }>) => {
      const ttl = deps.approvalTtlMs ?? 30 * 60_000;
      const due = Math.min(Date.now() + ttl, event.expiresAt ?? Infinity) - Date.now();
      approvalTimers.push(
        setTimeout(() => {
          if (!state.approvals.some((a) => a.block.approvalId === event.approvalId && a.block.status === 'pending')) return;
          deps.logger.info('approval expired; denying', { ...log, approvalId: event.approvalId });
          deps.approvals?.close(request.runId, event.approvalId);
          state = expireApproval(state, event.approvalId);
          publisher.update(state);
          void engine.resolveApproval?.(event.approvalId, 'deny').catch(() => undefined);
        }, Math.max(0, due)),
      );
    };
    const deadline = setTimeout(() => {
      deps.logger.warn('run timed out; aborting', { ...log, timeoutMs: deps.runTimeoutMs });
      void engine.abort(request.sessionKey, request.runId).catch(() => undefined);
      timedOut = true;
    }, deps.runTimeoutMs);
    const refuseApprovals = !job.target.groupId && job.selfApproval !== true;
    try {
      for await (const event of run) {
        const eventAt = performance.now();
        if (event.type === 'approval.requested' && refuseApprovals) {
          deps.logger.info('approval refused at once: a DM whose requester may not approve', { ...log, approvalId: event.approvalId });
          void engine.resolveApproval?.(event.approvalId, 'deny').catch(() => undefined);
          void engine.abort(request.sessionKey, request.runId).catch(() => undefined);
          state = applyEvent(applyEvent(state, event), { type: 'approval.resolved', approvalId: event.approvalId, decision: 'deny' });
          failKind ??= 'denied';
          state = applyEvent(state, { type: 'error', kind: 'denied', message: DM_APPROVAL_REFUSED_TEXT });
          break;
        }
        if (event.type === 'approval.requested' && !state.approvals.some((a) => a.block.approvalId === event.approvalId)) {
          deps.approvals?.offer(request.runId, event.approvalId, event.allowedDecisions, event.expiresAt);
        }
        if (event.type === 'approval.resolved') deps.approvals?.close(request.runId, event.approvalId);
        if (event.type === 'error') {
          deps.logger.warn('engine reported an error', { ...log, kind: event.kind, ...(event.cause ? { cause: event.cause } : {}), detail: event.message });
          state = applyEvent(state, failWith(event.kind, event.message, event.cause));
        } else if (event.type === 'approval.resolved' && deps.deciderOf?.(event.approvalId)) {
          // The Tailchat member who decided wins over the engine's `by` (for OpenClaw that is
          // only our own client's name); decisions made elsewhere keep the engine's.
          state = applyEvent(state, { ...event, by: deps.deciderOf(event.approvalId)! });
        } else if (event.type === 'aborted' && timedOut) {
          state = applyEvent(state, failWith('timeout', 'timed out'));
        } else {
          state = applyEvent(state, event);
          if (event.type === 'approval.requested') expireLater(event);
          if (event.type === 'tool') {
            const tool = state.tools.find((t) => t.block.toolCallId === event.toolCallId);
            if (tool) keeper?.keep(tool.block);
          }
        }
        if (state.status === 'streaming') publisher.update(state, eventAt);
      }
    } finally {
      clearTimeout(deadline);
      approvalTimers.forEach(clearTimeout);
      deps.approvals?.closeRun(request.runId);
    }
    if (state.status === 'streaming') {
      deps.logger.error('engine stream ended without a final event', log);
      state = applyEvent(state, failWith('bad_response', 'stream ended early'));
    }
  } catch (err) {
    const kind = err instanceof EngineError ? err.kind : 'unknown';
    deps.logger.error('engine run failed', {
      ...log,
      kind,
      error: err instanceof Error ? err.message : String(err),
      ...(err instanceof EngineError && err.adminHint ? { adminHint: err.adminHint } : {}),
    });
    state = applyEvent(state, failWith(kind, String(err)));
  }
  runMetrics.finished(job.engineId, state.status, performance.now() - startedAt, failKind);
  const usage = addUsage(priorUsage, state.usage);
  // Counted per bundle agent (the engine's own agent id is the same for two agents on one engine agent).
  void deps.recordUsage?.({ request: job.agent ? { ...request, agentId: job.agent } : request, engineId: job.engineId, status: state.status, ...(usage ? { usage } : {}) });

  // Kept before the reply is stored: a viewer who clicks at once finds the details.
  await keeper?.settled();
  const message = await publisher.finish(state);
  deps.logger.info('run finished', { ...log, status: state.status, liveUpdates: publisher.liveUpdates, messageId: message?._id });
  if (state.status === 'error') noteFailure(job, deps, causeOfErrorKind(failKind, failCause), message);
  return { status: state.status, message, liveUpdates: publisher.liveUpdates };
}

/**
 * A reply that ended in an error, after it was stored (the admin list links to it). Also for
 * runs that ended without reaching an engine (queue full, not resumable: bridge/run/runner.ts).
 */
export function noteFailure(job: RunJob, deps: Pick<RunDeps, 'recordFailure'>, cause: FailureCause, message: SentMessage | null): void {
  const { request, target } = job;
  void deps.recordFailure?.({
    runId: request.runId,
    engineId: job.engineId,
    cause,
    ...(target.groupId ? { groupId: target.groupId } : {}),
    converseId: target.converseId,
    ...(message?._id ? { messageId: String(message._id) } : {}),
    requester: job.actorId ?? request.requester.userId,
  });
}
