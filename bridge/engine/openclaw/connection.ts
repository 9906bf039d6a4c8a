/**
 * One operator connection to an OpenClaw gateway, on the official `GatewayClient` (challenge
 * handshake, request correlation and timeouts, reconnect backoff, device-auth payloads).
 *
 * Auth:
 * - `token`: `client.id: "gateway-client"`, `mode: "backend"` + the shared token — over true
 *   loopback this keeps its scopes without a device identity.
 * - `device`: a persisted Ed25519 identity (device-identity.ts); a remote first connect fails with
 *   PAIRING_REQUIRED until an operator runs `openclaw devices approve <requestId>`; the device token
 *   the gateway then issues is stored next to the key (0600).
 * With approvals, a device identity is attached in both modes: OpenClaw delivers an exec approval
 * only to the device that started the run (approval reviewer binding).
 *
 * Only the scopes/caps the engine uses are requested: `operator.read` + `operator.write`, cap
 * `tool-events`; plus `operator.approvals` + cap `exec-approvals` when approvals are on.
 * The token is never logged (every client log line passes the redactor).
 */
import { GatewayClient, type GatewayClientOptions } from '@openclaw/gateway-client';
import { PROTOCOL_VERSION } from '@openclaw/gateway-protocol/version';
import { GATEWAY_CLIENT_CAPS } from '@openclaw/gateway-protocol/client-info';
import type { HelloOk } from '@openclaw/gateway-protocol/frame-guards';
import { loadOrCreateDeviceIdentity, type DeviceIdentityStore } from './device-identity.js';
import { connectErrorToEngineError, OpenClawEngineError, requestErrorToEngineError } from './errors.js';
import type { GatewayEventFrame } from './events.js';
import { createRedactor, silentLogger, type EngineLogger } from './logger.js';

export const CLIENT_VERSION = '0.1.0';

export interface GatewayConnectionOptions {
  url: string;
  token?: string;
  auth: 'token' | 'device';
  deviceIdentityPath?: string;
  approvals: boolean;
  requestTimeoutMs: number;
  logger?: EngineLogger;
  /** Replaces the default scopes (the engine's short-lived admin connection for sessions.reset). */
  scopes?: string[];
  caps?: string[];
  displayName?: string;
  /**
   * While not connected, replace the client with a fresh one (immediate attempt) this often.
   * The official client's backoff grows 1 s → 30 s, which leaves the bridge offline for up to
   * 30 s after a ~20 s gateway restart. 0 disables.
   */
  reconnectWatchdogMs?: number;
  /** Test seam: build the client (defaults to the official GatewayClient). */
  createClient?: (options: GatewayClientOptions) => GatewayClientLike;
}

/** The part of GatewayClient the connection uses. */
export interface GatewayClientLike {
  start(): void;
  stop(): void;
  stopAndWait(opts?: { timeoutMs?: number }): Promise<void>;
  request<T = Record<string, unknown>>(method: string, params?: unknown, opts?: { timeoutMs?: number | null }): Promise<T>;
}

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'failed';

export interface GatewayConnection {
  readonly url: string;
  readonly state: ConnectionState;
  readonly hello: HelloOk | undefined;
  /** Why the last connect attempt failed (safe to show admins). */
  readonly lastError: OpenClawEngineError | undefined;
  /**
   * Resolves once connected (hello-ok); rejects with an EngineError (auth, unavailable) otherwise.
   * `failFast`: also rejects when a connect attempt finds the gateway unreachable, instead of
   * waiting for a later attempt to succeed.
   */
  ready(timeoutMs: number, opts?: { failFast?: boolean }): Promise<HelloOk>;
  request<T>(method: string, params: unknown, opts?: { timeoutMs?: number }): Promise<T>;
  onEvent(listener: (frame: GatewayEventFrame) => void): () => void;
  /** Every hello-ok; `reconnect` is false for the first one. */
  onOpen(listener: (hello: HelloOk, reconnect: boolean) => void): () => void;
  onClose(listener: (code: number, reason: string) => void): () => void;
  /** Events were dropped on this socket (seq gap): reload authoritative state. */
  onGap(listener: (info: { expected: number; received: number }) => void): () => void;
  close(): Promise<void>;
}

export function defaultScopes(approvals: boolean): string[] {
  return approvals ? ['operator.read', 'operator.write', 'operator.approvals'] : ['operator.read', 'operator.write'];
}

export function defaultCaps(approvals: boolean): string[] {
  return approvals ? [GATEWAY_CLIENT_CAPS.TOOL_EVENTS, GATEWAY_CLIENT_CAPS.EXEC_APPROVALS] : [GATEWAY_CLIENT_CAPS.TOOL_EVENTS];
}

export function createGatewayConnection(options: GatewayConnectionOptions): GatewayConnection {
  const logger = options.logger ?? silentLogger;
  const wantsDevice = options.auth === 'device' || options.approvals;
  let device: DeviceIdentityStore | undefined;
  if (wantsDevice) {
    if (!options.deviceIdentityPath) throw new OpenClawEngineError('auth', 'OpenClaw device auth needs deviceIdentityPath.', 'Set engines.openclaw.deviceIdentityPath to a writable file path.');
    device = loadOrCreateDeviceIdentity(options.deviceIdentityPath);
  }
  if (options.auth === 'token' && !options.token) {
    throw new OpenClawEngineError('auth', 'No OpenClaw gateway token configured.', 'Set OPENCLAW_GATEWAY_TOKEN (or OPENCLAW_GATEWAY_TOKEN_FILE) to the gateway.auth.token value.');
  }
  const redact = createRedactor(() => [options.token, ...(device?.secrets() ?? [])]);

  const eventListeners = new Set<(frame: GatewayEventFrame) => void>();
  const openListeners = new Set<(hello: HelloOk, reconnect: boolean) => void>();
  const closeListeners = new Set<(code: number, reason: string) => void>();
  const gapListeners = new Set<(info: { expected: number; received: number }) => void>();
  const waiters = new Set<{ resolve: (h: HelloOk) => void; reject: (e: OpenClawEngineError) => void; failFast: boolean }>();

  let state: ConnectionState = 'connecting';
  let hello: HelloOk | undefined;
  let lastError: OpenClawEngineError | undefined;
  let everOpened = false;
  let closedByUs = false;
  let failedAt = 0;
  let client: GatewayClientLike | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;

  const notify = <A extends unknown[]>(set: Set<(...a: A) => void>, ...args: A) => {
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (err) {
        logger.error(`openclaw: listener failed: ${redact(String(err))}`);
      }
    }
  };

  const rejectWaiters = (err: OpenClawEngineError) => {
    for (const w of [...waiters]) w.reject(err);
    waiters.clear();
  };

  const build = (): GatewayClientLike => {
    let self: GatewayClientLike | undefined;
    /** Callbacks of a replaced client are ignored. */
    const current = () => self !== undefined && self === client;
    const clientOptions: GatewayClientOptions = {
      url: options.url,
      ...(options.token ? { token: options.token } : {}),
      clientName: 'gateway-client',
      mode: 'backend',
      clientDisplayName: options.displayName ?? 'tailchat-agent bridge',
      clientVersion: CLIENT_VERSION,
      platform: process.platform,
      role: 'operator',
      scopes: options.scopes ?? defaultScopes(options.approvals),
      caps: options.caps ?? defaultCaps(options.approvals),
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      requestTimeoutMs: options.requestTimeoutMs,
      deviceIdentity: device ? device.identity : null,
      hostDeps: {
        ...(device ? device.hostDeps() : {}),
        redactForLog: redact,
        logDebug: (m) => logger.debug?.(`openclaw client: ${redact(m)}`),
        logError: (m) => logger.warn(`openclaw client: ${redact(m)}`),
      },
      onHelloOk: (h) => {
        if (!current()) return;
        disarmWatchdog();
        hello = h;
        state = 'open';
        lastError = undefined;
        const reconnect = everOpened;
        everOpened = true;
        logger.info(`openclaw: connected to ${options.url} (gateway ${h.server.version}, protocol ${h.protocol}${reconnect ? ', reconnected' : ''})`);
        for (const w of [...waiters]) w.resolve(h);
        waiters.clear();
        notify(openListeners, h, reconnect);
      },
      onConnectError: (err) => {
        if (!current()) return;
        const mapped = connectErrorToEngineError(err, options.url);
        lastError = mapped;
        if (mapped.kind === 'auth' || mapped.kind === 'rate_limit') {
          state = 'failed';
          failedAt = Date.now();
          logger.error(`openclaw: ${mapped.message}${mapped.adminHint ? ` — ${mapped.adminHint}` : ''}`);
          rejectWaiters(mapped);
        } else {
          logger.debug?.(`openclaw: connect attempt failed: ${redact(mapped.message)}`);
          for (const w of [...waiters]) {
            if (!w.failFast) continue;
            waiters.delete(w);
            w.reject(mapped);
          }
        }
      },
      onReconnectPaused: (info) => {
        if (!current()) return;
        state = 'failed';
        failedAt = Date.now();
        lastError ??= new OpenClawEngineError('auth', `OpenClaw gateway at ${options.url} refused the connection (${info.detailCode ?? info.code}).`, undefined, info.detailCode ?? undefined);
        rejectWaiters(lastError);
      },
      onClose: (code, reason) => {
        if (!current()) return;
        const wasOpen = state === 'open';
        if (state === 'open') state = closedByUs ? 'closed' : 'connecting';
        if (wasOpen) {
          logger.warn(`openclaw: connection closed (${code}${reason ? ` ${redact(reason)}` : ''})${closedByUs ? '' : ', reconnecting'}`);
          notify(closeListeners, code, reason);
        }
        if (!closedByUs && state === 'connecting') armWatchdog();
      },
      onGap: (info) => {
        if (!current()) return;
        logger.warn(`openclaw: missed gateway events (expected seq ${info.expected}, got ${info.received})`);
        notify(gapListeners, info);
      },
      onEvent: (frame) => {
        if (!current()) return;
        notify(eventListeners, { event: frame.event, payload: frame.payload, ...(typeof frame.seq === 'number' ? { seq: frame.seq } : {}) });
      },
    };
    self = options.createClient ? options.createClient(clientOptions) : new GatewayClient(clientOptions);
    return self;
  };

  const restartClient = () => {
    client?.stop();
    state = 'connecting';
    client = build();
    client.start();
  };

  function armWatchdog(): void {
    const every = options.reconnectWatchdogMs ?? 4_000;
    if (watchdog || closedByUs || every <= 0) return;
    watchdog = setInterval(() => {
      if (closedByUs || state === 'open' || state === 'failed') return disarmWatchdog();
      logger.debug?.('openclaw: still not connected; starting a fresh connection attempt');
      restartClient();
    }, every);
    watchdog.unref?.();
  }

  function disarmWatchdog(): void {
    if (watchdog) clearInterval(watchdog);
    watchdog = undefined;
  }

  restartClient();
  armWatchdog();

  return {
    url: options.url,
    get state() {
      return state;
    },
    get hello() {
      return hello;
    },
    get lastError() {
      return lastError;
    },
    ready(timeoutMs, opts) {
      if (state === 'open' && hello) return Promise.resolve(hello);
      if (state === 'closed') return Promise.reject(new OpenClawEngineError('unavailable', 'OpenClaw engine is closed.'));
      if (state === 'failed') {
        // An operator may have fixed it meanwhile (approved the pairing): try again, at most every 5 s.
        if (Date.now() - failedAt < 5_000 && lastError) return Promise.reject(lastError);
        restartClient();
      }
      return new Promise<HelloOk>((resolve, reject) => {
        const waiter = {
          failFast: opts?.failFast === true,
          resolve: (h: HelloOk) => {
            clearTimeout(timer);
            resolve(h);
          },
          reject: (e: OpenClawEngineError) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            lastError && lastError.kind !== 'unknown'
              ? lastError
              : new OpenClawEngineError('unavailable', `OpenClaw gateway at ${options.url} did not complete the handshake within ${timeoutMs} ms.`, 'Check that the gateway runs and engines.openclaw.url points at it.'),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async request<T>(method: string, params: unknown, opts?: { timeoutMs?: number }): Promise<T> {
      if (state !== 'open') throw lastError && state === 'failed' ? lastError : new OpenClawEngineError('unavailable', `OpenClaw gateway not connected (${method}).`);
      try {
        return await client!.request<T>(method, params, opts?.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : undefined);
      } catch (err) {
        const mapped = requestErrorToEngineError(err, method);
        throw new OpenClawEngineError(mapped.kind, redact(mapped.message), mapped.adminHint, mapped.code, mapped.requestId);
      }
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onOpen(listener) {
      openListeners.add(listener);
      return () => openListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    onGap(listener) {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },
    async close() {
      closedByUs = true;
      state = 'closed';
      disarmWatchdog();
      rejectWaiters(new OpenClawEngineError('unavailable', 'OpenClaw engine is closed.'));
      try {
        await client?.stopAndWait({ timeoutMs: 2_000 });
      } catch {
        client?.stop();
      }
    },
  };
}
