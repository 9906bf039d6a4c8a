/**
 * The MBE engine: the Engine seam over MBE's SDK surface.
 *
 * One run = one pipeline (pipeline.ts) over a backend (HTTP or MCP) with generation on HTTP.
 * Events: status per step → one `text` (MBE does not stream; generate returns the whole reply)
 * → `final` with the novelty/expert badges; or `error` when generation fails; or `aborted`.
 *
 * Health: checked when the engine is created and again before the next run after any call could
 * not reach MBE ("reconnect"). While MBE's HTTP health fails, runs fail fast with an EngineError
 * (the seed treats a failed health check as fatal) and each failed check is logged as an error;
 * `health()` gives admins the detail. Nothing here ever logs or reports the API key.
 */
import { createEventQueue } from '../event-queue.js';
import { EngineError, type Engine, type EngineHealth, type EngineRun, type RunRequest } from '../types.js';
import type { ErrorKind } from '../../../protocol/blocks.js';
import { createHttpBackend, type MbeBackend } from './backend.js';
import { MbeError, asMbeError, toErrorKind } from './errors.js';
import { MbeHttpClient } from './http-client.js';
import { createRedactor, redactingLogger, silentLogger, type MbeLogger } from './logger.js';
import { createMcpBackend } from './mcp-backend.js';
import { runPipeline } from './pipeline.js';
import { STATS_QUERY, STATS_UNAVAILABLE, helpText, statsText } from './rules.js';
import { parseMbeSettings, type MbeSettingsInput } from './settings.js';

export const MBE_ENGINE_ID = 'mbe';
/** Run ids remembered so a redelivered message returns the same run instead of a second reply. */
const REMEMBERED_RUNS = 1000;

export interface MbeEngine extends Engine {
  readonly transport: 'http' | 'mcp';
  /** The `/stats` text for a Tailchat user (the seed's memory statistics). Never throws. */
  stats(userId: string): Promise<string>;
  /** MBE-specific lines for `/help`. */
  help(prefix?: string): string;
  /** Resolves with the result of the start-up health check. */
  ready(): Promise<EngineHealth>;
}

/** For the chat side's `/stats`: is this engine the MBE one (with its extras)? */
export function isMbeEngine(engine: Engine): engine is MbeEngine {
  return engine.id === MBE_ENGINE_ID && typeof (engine as Partial<MbeEngine>).stats === 'function';
}

export interface MbeEngineDeps {
  now?: () => Date;
  fetch?: typeof fetch;
}

interface Probe extends EngineHealth {
  /** MBE's HTTP side serves (runs need it: generation is always HTTP). */
  httpOk: boolean;
  kind?: ErrorKind;
}

type StopReason = { kind: 'stop'; reason: string } | { kind: 'timeout'; ms: number };

interface ActiveRun {
  sessionKey: string;
  controller: AbortController;
}

export function createMbeEngine(input: MbeSettingsInput, baseLogger: MbeLogger = silentLogger, deps: MbeEngineDeps = {}): MbeEngine {
  const settings = parseMbeSettings(input);
  const redact = createRedactor(settings.apiKey);
  const logger = redactingLogger(baseLogger, redact);
  const now = deps.now ?? (() => new Date());
  const client = new MbeHttpClient({
    url: settings.url,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    timeoutMs: settings.timeoutMs,
    paths: settings.paths,
    redact,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const backend: MbeBackend = settings.mcp ? createMcpBackend({ mcp: settings.mcp, timeoutMs: settings.timeoutMs, redact, logger }) : createHttpBackend(client);

  const active = new Map<string, ActiveRun>();
  const started = new Map<string, EngineRun>();
  let closed = false;
  let needsCheck = true;
  let lastOk: boolean | undefined;
  let inflight: Promise<Probe> | undefined;
  let warnedNoClear = false;

  if (!settings.apiKey) logger.warn('MBE_API_KEY is not set: using MBE anonymously', { url: client.origin });
  logger.info('MBE engine configured', { url: client.origin, transport: backend.transport, timeoutMs: settings.timeoutMs });

  async function probe(): Promise<Probe> {
    const parts: string[] = [];
    let httpOk = false;
    let kind: ErrorKind | undefined;
    try {
      const h = await client.health();
      httpOk = h.status === 'ok' || h.status === 'degraded';
      if (!httpOk) kind = 'unavailable';
      parts.push(`MBE at ${client.origin}: ${h.status}${h.version ? ` (version ${h.version})` : ''}`);
    } catch (err) {
      const e = asMbeError(err, 'health');
      kind = toErrorKind(e.kind);
      parts.push(e.message);
    }
    const transport = await backend.check();
    parts.push(transport.detail, settings.apiKey ? 'authenticated with an API key' : 'anonymous (no MBE_API_KEY)');
    return { ok: httpOk && transport.ok, httpOk, detail: redact(parts.join('; ')), ...(kind ? { kind } : {}) };
  }

  /** One health check at a time; records the outcome and logs transitions. */
  function checkHealth(reason: 'start' | 'reconnect' | 'admin'): Promise<Probe> {
    inflight ??= probe()
      .then((p) => {
        needsCheck = !p.httpOk;
        // An error when MBE becomes unhealthy (and at start); a warning while it stays so, since
        // every message re-checks and the failed runs are logged by the chat side already.
        if (!p.ok && (lastOk !== false || reason === 'start')) logger.error('MBE is unhealthy', { reason, detail: p.detail });
        else if (!p.ok) logger.warn('MBE is still unhealthy', { reason, detail: p.detail });
        else if (lastOk === false) logger.info('MBE is healthy again', { reason, detail: p.detail });
        else if (reason !== 'admin') logger.info('MBE is healthy', { reason, detail: p.detail });
        lastOk = p.ok;
        return p;
      })
      .finally(() => (inflight = undefined));
    return inflight;
  }

  const startup = checkHealth('start');

  function remember(runId: string, run: EngineRun): void {
    started.set(runId, run);
    if (started.size > REMEMBERED_RUNS) started.delete(started.keys().next().value!);
  }

  async function start(request: RunRequest): Promise<EngineRun> {
    const existing = started.get(request.runId);
    if (existing) return existing; // redelivery: the same run, never a second reply
    if (closed) throw new EngineError('unavailable', 'the MBE engine is closed');
    if (needsCheck) {
      const h = await checkHealth(lastOk === undefined ? 'start' : 'reconnect');
      if (!h.httpOk) {
        throw new EngineError(h.kind ?? 'unavailable', `MBE is unavailable: ${h.detail}`, `check that MBE answers at ${client.origin}${settings.paths.health}`);
      }
    }
    const again = started.get(request.runId);
    if (again) return again; // a redelivery raced us during the health check

    const queue = createEventQueue(request.runId);
    remember(request.runId, queue);
    const controller = new AbortController();
    active.set(request.runId, { sessionKey: request.sessionKey, controller });
    const timer = request.timeoutMs
      ? setTimeout(() => controller.abort({ kind: 'timeout', ms: request.timeoutMs! } satisfies StopReason), request.timeoutMs)
      : undefined;
    const logFields = { runId: request.runId, sessionKey: request.sessionKey };

    void (async () => {
      queue.push({ type: 'status', phase: 'started' });
      try {
        const result = await runPipeline(
          {
            userId: request.requester.userId,
            ...(request.requester.nickname ? { userName: request.requester.nickname } : {}),
            sessionKey: request.sessionKey,
            prompt: request.prompt,
            ...(request.instructions ? { instructions: request.instructions } : {}),
          },
          {
            backend,
            generate: (body, o) => client.generate(body, o),
            temperature: settings.temperature,
            logger,
            now,
            signal: controller.signal,
            logFields,
            onStep: (step) => queue.push({ type: 'status', phase: `mbe.${step}` }),
            onReply: (text) => queue.push({ type: 'text', text, delta: text }),
            onFailure: (err) => {
              if (err.kind === 'unreachable' || err.kind === 'timeout') needsCheck = true;
            },
          },
        );
        if (result.usage) queue.push({ type: 'usage', usage: result.usage });
        queue.push({ type: 'final', text: result.text, badges: result.badges });
        logger.info('MBE reply', {
          ...logFields,
          transport: backend.transport,
          expert: result.expertId ?? null,
          surprise: result.surprise?.surprise_score ?? null,
          confidence: result.route?.routing_confidence ?? null,
          importance: result.importance,
          memoryWritten: result.memoryWritten,
          degraded: result.degraded,
        });
      } catch (raw) {
        const err = asMbeError(raw, 'generate');
        const stop = controller.signal.reason as StopReason | undefined;
        if (err.kind === 'aborted' && stop?.kind === 'timeout') {
          queue.push({ type: 'error', kind: 'timeout', message: `MBE did not answer within ${stop.ms} ms` });
        } else if (err.kind === 'aborted') {
          queue.push({ type: 'aborted', reason: stop?.kind === 'stop' ? stop.reason : 'stopped' });
        } else {
          logger.warn('MBE reply failed', { ...logFields, operation: err.operation, kind: err.kind, error: err.message });
          queue.push({ type: 'error', kind: toErrorKind(err.kind), message: err.message });
        }
      } finally {
        if (timer) clearTimeout(timer);
        active.delete(request.runId);
      }
    })();
    return queue;
  }

  return {
    id: MBE_ENGINE_ID,
    transport: backend.transport,
    start,
    ready: () => startup.then(({ ok, detail }) => ({ ok, detail })),

    async abort(sessionKey, runId) {
      let any = false;
      for (const [id, run] of active) {
        if (run.sessionKey === sessionKey && (!runId || runId === id)) {
          run.controller.abort({ kind: 'stop', reason: 'stopped by user' } satisfies StopReason);
          any = true;
        }
      }
      return any;
    },

    /**
     * `/new`: forget this session's working memory (what surprise compares against). MBE's
     * generation is stateless per message, so this is all a session has. Always over HTTP: the
     * seed's MCP tool set has no clear tool. A server without the (our-extension) clear path
     * makes this a logged no-op instead of a failed `/new`.
     */
    async reset(sessionKey) {
      try {
        const { deleted } = await client.memoryClear({ session_id: sessionKey, memory_type: 'working' });
        logger.info('MBE session memory cleared', { sessionKey, deleted });
      } catch (raw) {
        const err = asMbeError(raw, 'memoryClear');
        if (err.status === 404 || err.status === 405) {
          if (!warnedNoClear) logger.warn('MBE has no memory clear endpoint: /new cannot forget MBE working memory', { path: settings.paths.memoryClear });
          warnedNoClear = true;
          return;
        }
        if (err.kind === 'unreachable' || err.kind === 'timeout') needsCheck = true;
        logger.error('MBE session memory clear failed', { sessionKey, kind: err.kind, error: err.message });
        throw new EngineError(toErrorKind(err.kind), err.message);
      }
    },

    async stats(userId) {
      try {
        return statsText(await backend.memoryRead({ user_id: userId, ...STATS_QUERY }));
      } catch (raw) {
        const err = raw instanceof MbeError ? raw : asMbeError(raw, 'memoryRead');
        if (err.kind === 'unreachable' || err.kind === 'timeout') needsCheck = true;
        logger.error('MBE statistics failed', { userId, kind: err.kind, error: err.message });
        return STATS_UNAVAILABLE;
      }
    },

    help: (prefix) => helpText(prefix),

    async health() {
      const p = await checkHealth('admin');
      return { ok: p.ok, detail: p.detail };
    },

    async close() {
      closed = true;
      for (const run of active.values()) run.controller.abort({ kind: 'stop', reason: 'engine closed' } satisfies StopReason);
      await backend.close();
    },
  };
}
