/**
 * The OpenClaw engine: the Engine interface (bridge/engine/types.ts) on top of one gateway
 * operator connection (connection.ts) and the pure event mapping (events.ts).
 *
 * - start: `chat.send {sessionKey, message, idempotencyKey: runId, queueMode: "followup", attachments?}`
 *   (attachments: the run's fetched files, base64, as the gateway's ChatAttachment; attachments.ts).
 *   A redelivered runId never starts a second run: known in this process → another view of the
 *   same run; otherwise the gateway answers `in_flight` (attach to its events) or `ok` (already
 *   finished → the reply is read from `chat.history`).
 * - One run per session at a time, queued here: a message sent to a busy OpenClaw session is
 *   acknowledged with an empty `final` and executed later under another runId (seen with every
 *   queue mode). If that still happens (another client used the session), the run is marked
 *   deferred and adopts the next run that starts in its session.
 * - Events are filtered by canonical sessionKey + runId and deduplicated by runId + seq.
 * - After a reconnect (or an event gap) each live run is reconciled with `chat.history`: adopt
 *   the in-flight run's text, or take the finished reply, so the consumer gets the final exactly
 *   once. A run the gateway lost (crash) is sent again if it had not used tools, else reported.
 * - A gateway that is away — down when a run starts, gone while runs are queued, sent or running,
 *   or refusing as unavailable while it restarts — is waited for, up to `reconnectWindowMs` per
 *   run: the run says it is reconnecting (status ENGINE_PHASE.reconnecting) and, once the gateway
 *   answers again, is sent (if it never got through) or reconciled as above. A send that failed
 *   because the gateway was away is tried again and is not counted as a resubmission. After the
 *   window the run ends with an error of cause "engine-unreachable".
 * - A run that never ends gets an error of kind "timeout" (request.timeoutMs ?? runTimeoutMs).
 * - abort → `chat.abort`; reset → `sessions.reset` (needs operator.admin, so it runs on a
 *   short-lived admin connection and the long-lived one keeps least privilege);
 *   resolveApproval → `exec.approval.resolve`.
 */
import { createExpiringMap } from '../../state/expiring-map.js';
import type { HelloOk } from '@openclaw/gateway-protocol/frame-guards';
import { createEventQueue, type EventQueue } from '../event-queue.js';
import {
  ENGINE_PHASE,
  EngineError,
  type ApprovalDecision,
  type Engine,
  type EngineEvent,
  type EngineHealth,
  type EngineRun,
  type RunRequest,
  type TerminalEvent,
} from '../types.js';
import { parseOpenClawSettings, type OpenClawSettings, type OpenClawSettingsInput } from './config.js';
import { createGatewayConnection, type GatewayConnection, type GatewayConnectionOptions } from './connection.js';
import { OpenClawEngineError } from './errors.js';
import { chatEventSchema, createRunEventMapper, messageText, type GatewayEventFrame, type RunEventMapper } from './events.js';
import { chatHistorySchema, locateRun } from './history.js';
import { createRedactor, redactingLogger, silentLogger, type EngineLogger } from './logger.js';
import { agentIdOfSessionKey, canonicalSessionKey } from './session-key.js';
import { toChatSendAttachments, type ChatSendAttachment } from './attachments.js';
import { createCommandGuard } from './command-guard.js';
import { createOpenClawAutomations } from './automations.js';

export const OPENCLAW_ENGINE_ID = 'openclaw';

const TERMINAL = new Set<EngineEvent['type']>(['final', 'error', 'aborted']);
const FINISHED_CACHE = 500;
const FOREIGN_CACHE = 2_000;

/**
 * queued: waits here behind its session's current run. unsent: its session's current run, to be
 * sent once the gateway is reachable (it never got through). deferred: the gateway has the turn
 * but runs it later under another id (queued behind another run there, or restart recovery).
 */
type Phase = 'queued' | 'unsent' | 'sending' | 'running' | 'deferred' | 'done';

/** Phase checks after an await (TypeScript's narrowing does not know other code ran meanwhile). */
const isDone = (run: { phase: Phase }): boolean => run.phase === 'done';

interface Run {
  readonly runId: string;
  readonly sessionKey: string;
  readonly prompt: string;
  /** chat.send attachments, kept for a later send (gateway away, or it lost the run). */
  readonly attachments: ChatSendAttachment[];
  readonly mapper: RunEventMapper;
  readonly subscribers: EventQueue[];
  phase: Phase;
  timer?: ReturnType<typeof setTimeout>;
  abortTimer?: ReturnType<typeof setTimeout>;
  lostCheck?: ReturnType<typeof setTimeout>;
  /** Set while the run waits for the gateway: ends it when the reconnect window is over. */
  outage?: ReturnType<typeof setTimeout>;
  /** The next try while the connection is up but the gateway did not take the request. */
  retry?: ReturnType<typeof setTimeout>;
  /** Times the gateway lost the run after taking it and it was sent again (not failed sends). */
  resubmits: number;
  reconciling: boolean;
}

export interface OpenClawEngineOptions {
  /** Test seam: build gateway connections (defaults to createGatewayConnection). */
  createConnection?: (options: GatewayConnectionOptions) => GatewayConnection;
}

export interface OpenClawEngine extends Engine {
  readonly settings: Readonly<Omit<OpenClawSettings, 'token'>>;
  /** The long-lived gateway connection (for diagnostics and tests). */
  readonly connection: GatewayConnection;
}

function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

export function createOpenClawEngine(
  settingsInput: OpenClawSettingsInput,
  baseLogger: EngineLogger = silentLogger,
  options: OpenClawEngineOptions = {},
): OpenClawEngine {
  const settings = parseOpenClawSettings(settingsInput);
  const logger = redactingLogger(baseLogger, createRedactor(() => [settings.token]));
  const connect = options.createConnection ?? createGatewayConnection;
  const connectionOptions: GatewayConnectionOptions = {
    url: settings.url,
    ...(settings.token ? { token: settings.token } : {}),
    auth: settings.auth,
    deviceIdentityPath: settings.deviceIdentityPath,
    approvals: settings.approvals,
    requestTimeoutMs: settings.requestTimeoutMs,
    reconnectWatchdogMs: settings.reconnectWatchdogMs,
    logger,
  };
  const conn = connect(connectionOptions);
  /**
   * Admin-only calls (sessions.reset, cron.*) run on a short-lived connection for that call alone:
   * the long-lived one, which sends members' prompts, never holds operator.admin.
   */
  async function withAdmin<T>(purpose: string, work: (admin: GatewayConnection) => Promise<T>): Promise<T> {
    const admin = connect({ ...connectionOptions, approvals: false, scopes: ['operator.admin'], caps: [], displayName: `tailchat-agent bridge (${purpose})`, reconnectWatchdogMs: 0 });
    try {
      await admin.ready(settings.connectTimeoutMs);
      return await work(admin);
    } finally {
      await admin.close();
    }
  }
  const automations = createOpenClawAutomations({
    conn,
    withAdmin: (work) => withAdmin('automations', work),
    inert: (text) => commandGuard.inert(text),
    toolsAllow: settings.automationTools,
    connectTimeoutMs: settings.connectTimeoutMs,
    logger,
  });
  // Members' text must never reach the gateway's command layer (command-guard.ts).
  const commandGuard = createCommandGuard((method, params) => conn.request(method, params), logger);

  const runs = new Map<string, Run>(); // by our runId (live runs)
  const byGatewayId = new Map<string, Run>(); // by every gateway runId a live run uses
  const endedGatewayIds = createExpiringMap<string, true>({ ttlMs: 60_000, maxEntries: 10_000 }); // of ended runs: late events dropped
  const finished = new Map<string, TerminalEvent>(); // recently finished, for redelivery
  const sessions = new Map<string, { current?: Run; waiting: Run[] }>();
  const foreignSeen = new Set<string>();
  let closed = false;

  // ---------- run bookkeeping ----------

  function session(key: string) {
    let s = sessions.get(key);
    if (!s) {
      s = { waiting: [] };
      sessions.set(key, s);
    }
    return s;
  }

  /** Another view of a live run (in-process redelivery): catch up, then follow live events. */
  function subscribe(run: Run): EngineRun {
    const queue = createEventQueue(run.runId);
    if (run.phase === 'queued' || run.phase === 'deferred') queue.push({ type: 'status', phase: 'queued' });
    else if (run.mapper.lastStatus) queue.push({ type: 'status', phase: run.mapper.lastStatus });
    if (run.mapper.text) queue.push({ type: 'text', text: run.mapper.text, replace: true });
    if (run.outage) queue.push({ type: 'status', phase: ENGINE_PHASE.reconnecting });
    for (const approval of run.mapper.pendingApprovals.values()) queue.push(approval);
    run.subscribers.push(queue);
    return queue;
  }

  function emit(run: Run, events: EngineEvent[]): void {
    for (const event of events) {
      if (run.phase === 'done') return;
      for (const queue of run.subscribers) queue.push(event);
      if (TERMINAL.has(event.type)) finish(run, event as TerminalEvent);
    }
  }

  function finish(run: Run, terminal: TerminalEvent): void {
    run.phase = 'done';
    if (run.timer) clearTimeout(run.timer);
    if (run.abortTimer) clearTimeout(run.abortTimer);
    if (run.lostCheck) clearTimeout(run.lostCheck);
    if (run.outage) clearTimeout(run.outage);
    if (run.retry) clearTimeout(run.retry);
    runs.delete(run.runId);
    // Late events of an ended run are dropped for a minute: its gateway ids are remembered (not
    // the run, which a timer per run used to hold for that minute).
    for (const id of run.mapper.runIds) {
      if (byGatewayId.get(id) === run) byGatewayId.delete(id);
      endedGatewayIds.set(id, true);
    }
    finished.set(run.runId, terminal);
    if (finished.size > FINISHED_CACHE) finished.delete(finished.keys().next().value!);
    logger.info(`openclaw: run ${run.runId} ended (${terminal.type}${terminal.type === 'error' ? `: ${terminal.kind}` : ''})`);
    const s = sessions.get(run.sessionKey);
    if (s) {
      s.waiting = s.waiting.filter((r) => r !== run);
      if (s.current === run) {
        s.current = undefined;
        startNext(run.sessionKey);
      }
      if (!s.current && s.waiting.length === 0) sessions.delete(run.sessionKey);
    }
  }

  function startNext(key: string): void {
    const s = sessions.get(key);
    if (!s || s.current || closed) return;
    const next = s.waiting.shift();
    if (!next) return;
    s.current = next;
    void dispatch(next);
  }

  /** A request failed because the gateway is away (not connected, restarting, not answering), not because it refused. */
  function gatewayAway(err: unknown): boolean {
    if (conn.state !== 'open') return conn.state === 'connecting';
    return err instanceof EngineError && (err.kind === 'unavailable' || err.kind === 'timeout');
  }

  function toErrorEvent(err: unknown): Extract<EngineEvent, { type: 'error' }> {
    if (err instanceof EngineError) return { type: 'error', kind: err.kind, message: err.message };
    return { type: 'error', kind: 'unknown', message: err instanceof Error ? err.message : String(err) };
  }

  function alias(run: Run, gatewayRunId: string): void {
    run.mapper.alias(gatewayRunId);
    byGatewayId.set(gatewayRunId, run);
  }

  /** The gateway run id to address (a deferred run's execution id once adopted). */
  function gatewayRunIdOf(run: Run): string {
    let last = run.runId;
    for (const id of run.mapper.runIds) last = id;
    return last;
  }

  // ---------- talking to the gateway ----------

  /** Sends the run; if the gateway is away it waits for it instead of failing. */
  async function dispatch(run: Run): Promise<void> {
    try {
      await send(run);
    } catch (err) {
      if (isDone(run)) return;
      if (!gatewayAway(err)) {
        emit(run, [toErrorEvent(err)]);
        return;
      }
      run.phase = 'unsent';
      awaitGateway(run);
    }
  }

  /**
   * The gateway cannot be reached for this run: the reply says so, and the run gets until the end
   * of the reconnect window. It goes on when the connection opens again (onOpen), or — when the
   * connection is up and the gateway refused as unavailable — at the next try.
   */
  function awaitGateway(run: Run): void {
    if (run.phase === 'done' || closed) return;
    if (!run.outage) {
      const windowMs = settings.reconnectWindowMs;
      run.outage = setTimeout(() => gaveUpWaiting(run), windowMs);
      run.outage.unref?.();
      logger.warn(`openclaw: run ${run.runId} waits for the gateway (up to ${formatMs(windowMs)})`);
      emit(run, [{ type: 'status', phase: ENGINE_PHASE.reconnecting }]);
      // A connection that fails for good (the gateway came back with other credentials) ends the wait.
      if (conn.state !== 'open') {
        conn.ready(windowMs).catch((err: unknown) => {
          if (run.outage && err instanceof EngineError && err.kind !== 'unavailable') emit(run, [toErrorEvent(err)]);
        });
      }
    }
    if (conn.state === 'open' && !run.retry) {
      run.retry = setTimeout(() => {
        run.retry = undefined;
        void resume(run);
      }, settings.reconnectWatchdogMs);
      run.retry.unref?.();
    }
  }

  /** The gateway answered for this run again. */
  function gatewayBack(run: Run): void {
    if (run.retry) clearTimeout(run.retry);
    run.retry = undefined;
    if (!run.outage || run.phase === 'done') return;
    clearTimeout(run.outage);
    run.outage = undefined;
    logger.info(`openclaw: run ${run.runId} goes on: the gateway is back`);
    emit(run, [{ type: 'status', phase: ENGINE_PHASE.reconnected }]);
  }

  /** Picks up a run that waited for the gateway. */
  async function resume(run: Run): Promise<void> {
    if (run.phase === 'done' || run.phase === 'sending') return; // a send under way decides for itself
    if (run.phase === 'queued') {
      if (conn.state === 'open') gatewayBack(run); // it is sent when its turn comes
      return;
    }
    if (run.phase === 'unsent') return dispatch(run);
    return reconcile(run, 'reconnect');
  }

  function gaveUpWaiting(run: Run): void {
    if (run.phase === 'done') return;
    const wasSent = run.phase !== 'queued' && run.phase !== 'unsent';
    logger.warn(`openclaw: run ${run.runId} ends: the gateway stayed unreachable for ${formatMs(settings.reconnectWindowMs)}`);
    emit(run, [
      {
        type: 'error',
        kind: 'unavailable',
        cause: 'engine-unreachable',
        message: `The OpenClaw gateway stayed unreachable for ${formatMs(settings.reconnectWindowMs)}.`,
      },
    ]);
    if (wasSent && conn.state === 'open') conn.request('chat.abort', { sessionKey: run.sessionKey, runId: gatewayRunIdOf(run) }).catch(() => undefined);
  }

  async function send(run: Run): Promise<void> {
    run.phase = 'sending';
    const message = await commandGuard.inert(run.prompt);
    const res = await conn.request<{ runId?: string; status?: string }>('chat.send', {
      sessionKey: run.sessionKey,
      message,
      idempotencyKey: run.runId,
      queueMode: 'followup',
      ...(run.attachments.length ? { attachments: run.attachments } : {}),
    });
    if (isDone(run)) return;
    run.phase = 'running';
    gatewayBack(run);
    if (res.runId && res.runId !== run.runId) alias(run, res.runId);
    const status = res.status ?? 'started';
    if (status !== 'started') {
      // in_flight: a redelivery of a run the gateway still runs; ok: it already finished.
      logger.info(`openclaw: run ${run.runId} was already known to the gateway (${status}); attaching`);
      void reconcile(run, status === 'ok' ? 'finished-elsewhere' : 'attach');
      if (status !== 'ok') void backfillApprovals(); // it may be waiting for an approval asked before we attached
    }
  }

  type ReconcileReason = 'attach' | 'finished-elsewhere' | 'reconnect' | 'gap' | 'lost-check';

  async function reconcile(run: Run, reason: ReconcileReason): Promise<void> {
    if (run.phase === 'done' || run.phase === 'queued' || run.phase === 'unsent' || run.reconciling) return;
    if (reason !== 'lost-check' && run.lostCheck) {
      clearTimeout(run.lostCheck);
      run.lostCheck = undefined;
    }
    run.reconciling = true;
    try {
      const raw = await conn.request<unknown>('chat.history', { sessionKey: run.sessionKey, limit: 100 });
      if (isDone(run)) return;
      gatewayBack(run);
      const parsed = chatHistorySchema.safeParse(raw);
      if (!parsed.success) {
        logger.warn(`openclaw: unexpected chat.history answer while reconciling run ${run.runId}`);
        return;
      }
      const aliases = [...run.mapper.runIds].filter((id) => id !== run.runId);
      const where = locateRun(parsed.data, run.runId, aliases);
      switch (where.state) {
        case 'in-flight':
          if (!run.mapper.runIds.has(where.runId)) alias(run, where.runId);
          if (run.phase === 'deferred') run.phase = 'running';
          if (run.lostCheck) clearTimeout(run.lostCheck);
          // never step backwards: only adopt text we have not already shown
          if (!run.mapper.text.startsWith(where.text)) emit(run, run.mapper.adoptText(where.text));
          return;
        case 'finished':
          if (!run.mapper.runIds.has(where.runId)) alias(run, where.runId);
          emit(run, [{ type: 'final', text: where.text }]);
          return;
        case 'accepted':
        case 'unknown': {
          if (reason === 'attach' || reason === 'gap') return; // events will come
          if (reason === 'finished-elsewhere') {
            emit(run, [{ type: 'error', kind: 'unknown', message: 'The gateway reports this run as finished, but its reply is not in the session history.' }]);
            return;
          }
          if (where.state === 'accepted' && reason === 'reconnect') {
            // The gateway has our turn but nothing runs it (yet): after a crash its restart
            // recovery continues interrupted turns under a new run id. Wait for a run to start in
            // the session (adopted like a queued run), then look again.
            run.phase = 'deferred';
            run.lostCheck = setTimeout(() => void reconcile(run, 'lost-check'), settings.lostRunGraceMs);
            run.lostCheck.unref?.();
            return;
          }
          // The gateway lost the turn (it never recorded it, or nothing continued it).
          if (run.mapper.sawTool) {
            emit(run, [
              {
                type: 'error',
                kind: 'unavailable',
                cause: 'interrupted-after-tools',
                message: 'The OpenClaw gateway lost this run after it had used tools; it was not sent again, so no tool runs twice.',
              },
            ]);
            return;
          }
          if (settings.resubmitLostRuns && run.resubmits < 2) {
            run.resubmits += 1;
            logger.warn(`openclaw: run ${run.runId} was lost by the gateway; sending it again (attempt ${run.resubmits})`);
            run.mapper.restartExecution();
            emit(run, [{ type: 'status', phase: 'resubmitted' }]);
            await dispatch(run);
            return;
          }
          emit(run, [{ type: 'error', kind: 'unavailable', message: 'The OpenClaw gateway lost this run (restart or crash).' }]);
          return;
        }
      }
    } catch (err) {
      logger.warn(`openclaw: reconcile of run ${run.runId} failed: ${err instanceof Error ? err.message : String(err)}`);
      // Look again once the gateway answers (this very reconcile may have been the one after a reconnect).
      if (gatewayAway(err)) awaitGateway(run);
    } finally {
      run.reconciling = false;
    }
  }

  function onFrame(frame: GatewayEventFrame): void {
    if (frame.event === 'shutdown') {
      logger.warn('openclaw: gateway is shutting down');
      return;
    }
    if (frame.event !== 'chat' && frame.event !== 'agent' && !frame.event.startsWith('exec.approval.')) return;
    const payload = (frame.payload ?? {}) as { runId?: unknown; sessionKey?: unknown; seq?: unknown; request?: { runId?: unknown } };
    const gatewayRunId = typeof payload.runId === 'string' ? payload.runId : typeof payload.request?.runId === 'string' ? payload.request.runId : undefined;
    if (!gatewayRunId || endedGatewayIds.has(gatewayRunId)) return;
    let run = byGatewayId.get(gatewayRunId);
    if (!run && (frame.event === 'chat' || frame.event === 'agent')) run = adoptForDeferred(gatewayRunId, payload);
    if (!run || run.phase === 'done') return;
    // Its events flow again: the gateway is back for this run (a reconcile may not have said so yet).
    if (run.outage && (run.phase === 'running' || run.phase === 'deferred')) gatewayBack(run);

    if (frame.event === 'chat' && run.phase !== 'deferred') {
      const chat = chatEventSchema.safeParse(frame.payload);
      if (chat.success && chat.data.state !== 'delta' && chat.data.state !== 'status') {
        logger.debug?.(`openclaw: run ${run.runId}: chat ${chat.data.state} (gateway run ${chat.data.runId}, seq ${chat.data.seq}, activity ${run.mapper.sawActivity})`);
      }
      if (chat.success && chat.data.state === 'final' && !messageText(chat.data.message) && !run.mapper.sawActivity && chat.data.runId === run.runId) {
        // The gateway queued our message behind another run: it answers with an empty final
        // under our id and runs the turn later under a new id. Wait for that run.
        run.phase = 'deferred';
        run.mapper.accept(frame); // marks the frame as seen
        logger.info(`openclaw: run ${run.runId} queued by the gateway behind another run in ${run.sessionKey}`);
        emit(run, [{ type: 'status', phase: 'queued' }]);
        return;
      }
    }
    emit(run, run.mapper.accept(frame));
  }

  /** A run starting in the session of a deferred run (that is not ours) is its execution. */
  function adoptForDeferred(gatewayRunId: string, payload: { sessionKey?: unknown; seq?: unknown }): Run | undefined {
    if (foreignSeen.has(gatewayRunId)) return undefined;
    const key = typeof payload.sessionKey === 'string' ? payload.sessionKey.toLowerCase() : undefined;
    const current = key ? sessions.get(key)?.current : undefined;
    const startsNow = typeof payload.seq === 'number' && payload.seq <= 2;
    if (current && current.phase === 'deferred' && startsNow) {
      logger.info(`openclaw: run ${current.runId} executes as gateway run ${gatewayRunId}`);
      alias(current, gatewayRunId);
      current.phase = 'running';
      return current;
    }
    foreignSeen.add(gatewayRunId);
    if (foreignSeen.size > FOREIGN_CACHE) foreignSeen.delete(foreignSeen.values().next().value!);
    return undefined;
  }

  async function backfillApprovals(): Promise<void> {
    if (!settings.approvals || runs.size === 0) return;
    try {
      const list = await conn.request<unknown>('exec.approval.list', {});
      if (!Array.isArray(list)) return;
      for (const entry of list) onFrame({ event: 'exec.approval.requested', payload: entry });
    } catch (err) {
      logger.warn(`openclaw: exec.approval.list failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  conn.onEvent(onFrame);
  conn.onEvent((frame) => automations.onFrame(frame));
  conn.onOpen((_hello: HelloOk, reconnect: boolean) => {
    commandGuard.refresh();
    if (reconnect) automations.onOpen();
    for (const run of [...runs.values()]) {
      if (run.outage) void resume(run);
      else if (reconnect) void reconcile(run, 'reconnect');
    }
    if (reconnect) void backfillApprovals();
  });
  // Every live run waits for the gateway, also the ones queued here: their window starts now.
  conn.onClose(() => {
    for (const run of [...runs.values()]) awaitGateway(run);
  });
  conn.onGap(() => {
    for (const run of runs.values()) void reconcile(run, 'gap');
  });

  // ---------- Engine ----------

  async function abortRun(run: Run): Promise<boolean> {
    if (run.phase === 'done') return false;
    if (run.phase === 'queued' || run.phase === 'unsent') {
      emit(run, [{ type: 'aborted', reason: 'stopped before it started' }]);
      return true;
    }
    if (conn.state !== 'open') {
      // The gateway is away: nothing can be told to it now; its run (if it survived) goes unheard.
      emit(run, [{ type: 'aborted', reason: 'stopped' }]);
      return true;
    }
    const res = await conn.request<{ aborted?: boolean }>('chat.abort', { sessionKey: run.sessionKey, runId: gatewayRunIdOf(run) });
    const aborted = res.aborted === true || run.phase === 'deferred';
    if (aborted && !isDone(run) && !run.abortTimer) {
      // normally the gateway's `aborted` event ends the run; do not wait for it forever
      run.abortTimer = setTimeout(() => emit(run, [{ type: 'aborted', reason: 'stopped' }]), settings.abortGraceMs);
      run.abortTimer.unref?.();
    }
    return aborted;
  }

  const engine: OpenClawEngine = {
    id: OPENCLAW_ENGINE_ID,
    capabilities: { attachments: true },
    settings: (({ token: _token, ...rest }) => rest)(settings),
    connection: conn,

    async start(request: RunRequest): Promise<EngineRun> {
      if (closed) throw new OpenClawEngineError('unavailable', 'OpenClaw engine is closed.');
      const live = runs.get(request.runId);
      if (live) return subscribe(live); // redelivery while running: same run, new view
      const done = finished.get(request.runId);
      if (done) {
        const queue = createEventQueue(request.runId);
        queue.push(done);
        return queue;
      }
      const agentId = request.agentId ?? settings.defaultAgentId;
      let sessionKey: string;
      try {
        sessionKey = canonicalSessionKey(request.sessionKey, agentId);
      } catch (err) {
        throw new OpenClawEngineError('unknown', `Invalid session key: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (request.agentId && agentIdOfSessionKey(sessionKey) !== request.agentId.toLowerCase()) {
        throw new OpenClawEngineError('unknown', `Session key ${sessionKey} belongs to another agent than ${request.agentId}.`);
      }
      // A connection that failed for good (auth, pairing) is tried again, and its refusal fails
      // start() with the admin's hint; so does the outcome of the very first handshake while it is
      // under way. An unreachable gateway is waited for instead (below).
      if (conn.state !== 'open' && conn.state !== 'connecting') await conn.ready(settings.connectTimeoutMs);
      else if (conn.state === 'connecting' && !conn.hello && !conn.lastError) {
        await conn.ready(settings.connectTimeoutMs, { failFast: true }).catch((err: unknown) => {
          if (!(err instanceof EngineError && err.kind === 'unavailable')) throw err;
        });
      }
      // The limits of the gateway we last talked to (it checks them again itself).
      const attachments = toChatSendAttachments(request.loadedAttachments ?? [], conn.hello?.policy);

      const run: Run = {
        runId: request.runId,
        sessionKey,
        prompt: request.prompt,
        attachments,
        mapper: createRunEventMapper({ runId: request.runId, sessionKey }),
        subscribers: [],
        phase: 'queued',
        resubmits: 0,
        reconciling: false,
      };
      runs.set(run.runId, run);
      byGatewayId.set(run.runId, run);
      const view = createEventQueue(run.runId);
      run.subscribers.push(view);
      const timeoutMs = request.timeoutMs ?? settings.runTimeoutMs;
      run.timer = setTimeout(() => {
        if (run.phase === 'done') return;
        const gatewayId = gatewayRunIdOf(run);
        const wasSent = run.phase !== 'queued' && run.phase !== 'unsent';
        emit(run, [{ type: 'error', kind: 'timeout', message: `The agent did not finish within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.` }]);
        if (wasSent) conn.request('chat.abort', { sessionKey, runId: gatewayId }).catch(() => undefined);
      }, timeoutMs);
      run.timer.unref?.();

      const s = session(sessionKey);
      if (s.current) {
        s.waiting.push(run);
        view.push({ type: 'status', phase: 'queued' });
        logger.info(`openclaw: run ${run.runId} waits for run ${s.current.runId} in ${sessionKey}`);
        if (conn.state !== 'open') awaitGateway(run);
        return view;
      }
      s.current = run;
      try {
        await send(run);
      } catch (err) {
        if (gatewayAway(err)) {
          run.phase = 'unsent';
          awaitGateway(run);
          return view;
        }
        // nothing started: report it as a failure of start(), not as a run
        runs.delete(run.runId);
        byGatewayId.delete(run.runId);
        if (run.timer) clearTimeout(run.timer);
        run.phase = 'done';
        s.current = undefined;
        startNext(sessionKey);
        if (!s.current && s.waiting.length === 0) sessions.delete(sessionKey);
        throw err instanceof EngineError ? err : new OpenClawEngineError('unknown', err instanceof Error ? err.message : String(err));
      }
      logger.info(`openclaw: run ${run.runId} started in ${sessionKey}`);
      return view;
    },

    async abort(sessionKey: string, runId?: string): Promise<boolean> {
      const key = canonicalSessionKey(sessionKey, settings.defaultAgentId);
      if (runId) {
        const run = runs.get(runId) ?? byGatewayId.get(runId);
        if (run && run.sessionKey === key) return abortRun(run);
        if (run || endedGatewayIds.has(runId)) return false; // another session's, or already over
        // not ours (e.g. started before a bridge restart): ask the gateway anyway
        await conn.ready(settings.connectTimeoutMs);
        const res = await conn.request<{ aborted?: boolean }>('chat.abort', { sessionKey: key, runId });
        return res.aborted === true;
      }
      const s = sessions.get(key);
      let stopped = false;
      for (const waiting of [...(s?.waiting ?? [])]) stopped = (await abortRun(waiting)) || stopped;
      const current = s?.current;
      if (current) {
        stopped = (await abortRun(current)) || stopped;
      } else {
        await conn.ready(settings.connectTimeoutMs);
        const res = await conn.request<{ aborted?: boolean }>('chat.abort', { sessionKey: key });
        stopped = res.aborted === true || stopped;
      }
      return stopped;
    },

    async reset(sessionKey: string): Promise<void> {
      const key = canonicalSessionKey(sessionKey, settings.defaultAgentId);
      await withAdmin('reset', (admin) => admin.request('sessions.reset', { key, reason: 'new' }));
      logger.info(`openclaw: session ${key} reset`);
    },

    automations,

    async resolveApproval(approvalId: string, decision: ApprovalDecision): Promise<void> {
      if (!settings.approvals) throw new OpenClawEngineError('denied', 'Exec approvals are disabled for the OpenClaw engine.', 'Set engines.openclaw.approvals to true.');
      await conn.ready(settings.connectTimeoutMs);
      try {
        await conn.request('exec.approval.resolve', { id: approvalId, decision });
      } catch (err) {
        if (err instanceof EngineError && /not found|unknown approval|expired/i.test(err.message)) {
          throw new OpenClawEngineError('unknown', `Approval ${approvalId} is not pending any more (resolved, expired or unknown).`);
        }
        throw err;
      }
    },

    async health(): Promise<EngineHealth> {
      if (conn.state !== 'open' || !conn.hello) {
        const err = conn.lastError;
        return {
          ok: false,
          detail: err ? `${err.message}${err.adminHint ? ` ${err.adminHint}` : ''}` : `connecting to OpenClaw gateway at ${settings.url}`,
        };
      }
      const hello = conn.hello;
      try {
        const res = await conn.request<{ ok?: boolean }>('health', {}, { timeoutMs: 5_000 });
        const ok = res.ok !== false;
        return { ok, detail: `OpenClaw ${hello.server.version} at ${settings.url} (protocol ${hello.protocol})${ok ? '' : ': gateway reports a problem'}` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    sizes: () => ({ openclaw_runs: runs.size, openclaw_gateway_run_ids: byGatewayId.size, openclaw_ended_gateway_run_ids: endedGatewayIds.size, openclaw_finished_runs: finished.size, openclaw_sessions: sessions.size, openclaw_foreign_runs_seen: foreignSeen.size }),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const run of [...runs.values()]) emit(run, [{ type: 'error', kind: 'unavailable', message: 'The OpenClaw engine was shut down.' }]);
      sessions.clear();
      await conn.close();
    },
  };
  return engine;
}
