/**
 * A small, typed client of Tailchat's open platform, for a bot that has no broker access.
 *
 * - Login: `POST /api/openapi/bot/login {appId, token: md5(appId + appSecret)}` → a JWT and the
 *   bot's user id. Bad credentials end in a BotAuthError that names the app id and never the
 *   secret (nor the md5 token, which is as good as the secret).
 * - Calls: `POST /api/<action, dots as slashes>` with `X-Token`; replies are `{code, data}`.
 *   A 401 renews the token once and retries.
 * - Token: renewed before it expires (`exp` − renewMarginMs; maxAgeMs can shorten the lifetime),
 *   and before any call or reconnect once it is past its expiry.
 * - Realtime: socket.io v4 over websocket with the msgpack parser and `auth.token`;
 *   `chat.converse.findAndJoinRoom` after EVERY connect (the server forgets a socket's rooms);
 *   reconnect with exponential backoff and jitter on any loss, including a server-side kick
 *   (which socket.io itself never retries) and a rejected handshake (after a fresh login).
 * - Messages: `notify:chat.message.add`, validated, each message id delivered at most once per
 *   client. After a reconnect, messages posted while the socket was away (within
 *   catchUpWindowMs) are fetched over HTTP and delivered through the same at-most-once gate.
 */
import { createHash } from 'node:crypto';
import { io } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { z } from 'zod';
import type { Logger } from '../run/execute.js';
import { tokenTiming } from './jwt.js';
import { botLoginData, chatMessage, envelope, joinedRooms, lastMessages, socketAck, type ChatMessage, type JoinedRooms } from './schemas.js';

/** The app id or secret is wrong, or the app may not act as a bot. Not worth retrying. */
export class BotAuthError extends Error {
  constructor(
    readonly appId: string,
    message: string,
  ) {
    super(message);
    this.name = 'BotAuthError';
  }
}

/** A Tailchat action answered with an error (or with something unreadable). */
export class OpenApiError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(`Tailchat ${action} failed (HTTP ${status}): ${redact(serverMessage).slice(0, 300)}`);
    this.name = 'OpenApiError';
  }
}

/** Masks JWTs and 32-hex tokens so that no error or log line carries a credential. */
export function redact(text: string): string {
  return text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>').replace(/\b[0-9a-f]{32}\b/g, '<token>');
}

/** The subset of a socket.io client socket this client uses (a seam for unit tests). */
export interface BotSocket {
  on(event: 'connect', listener: () => void): void;
  on(event: 'disconnect', listener: (reason: string) => void): void;
  on(event: 'connect_error', listener: (err: Error) => void): void;
  onAny(listener: (event: string, ...args: unknown[]) => void): void;
  emitWithAck(event: string, data: unknown): Promise<unknown>;
  close(): void;
}
export type SocketFactory = (url: string, token: string) => BotSocket;

/** Tailchat's realtime transport: websocket only, msgpack parser, JWT in `auth.token`. */
export const socketIoFactory: SocketFactory = (url, token) => {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { token },
    parser: msgpackParser,
    forceNew: true,
    // This client runs its own loop: it must rejoin rooms and may need a fresh token first.
    reconnection: false,
    timeout: 20_000,
  });
  return {
    on: (event: string, listener: (...args: never[]) => void) => void socket.on(event as 'connect', listener as () => void),
    onAny: (listener) => void socket.onAny(listener),
    emitWithAck: (event, data) => socket.emitWithAck(event, data),
    close: () => void socket.close(),
  };
};

export interface OpenPlatformClientOptions {
  /** Tailchat's base URL, e.g. https://chat.example.com (HTTP API and socket.io both). */
  url: string;
  appId: string;
  appSecret: string;
  logger: Logger;
  /** Renew this long before the token expires (default 1 day; Tailchat issues 30-day tokens). */
  renewMarginMs?: number;
  /** Treat a token as expired after this long even if its `exp` is later. */
  tokenMaxAgeMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  requestTimeoutMs?: number;
  /** How far back a reconnect looks for missed messages (0 = never). Default 5 minutes. */
  catchUpWindowMs?: number;
  /** Test seams. */
  fetch?: typeof fetch;
  openSocket?: SocketFactory;
  now?: () => number;
  random?: () => number;
}

export interface BotSession {
  appId: string;
  userId: string;
  nickname: string;
  /** Epoch ms; see TokenTiming. */
  expiresAt: number;
  renewAt: number;
}

export type MessageSource = 'socket' | 'catch-up';
export type MessageHandler = (message: ChatMessage, source: MessageSource) => void | Promise<void>;
export interface ConnectedInfo {
  rooms: JoinedRooms;
  /** False on the first connect of this client. */
  reconnect: boolean;
}

export interface ClientStats {
  logins: number;
  renewals: number;
  connects: number;
  messages: number;
  duplicates: number;
  caughtUp: number;
}

export interface OpenPlatformClient {
  /** Logs in, connects and joins the bot's rooms. Rejects with BotAuthError on bad credentials. */
  start(): Promise<BotSession>;
  readonly session: BotSession | undefined;
  readonly connected: boolean;
  /** Any published Tailchat action as the bot; `data` validated with `schema` when given. */
  call<T = unknown>(action: string, params?: Record<string, unknown>, schema?: z.ZodType<T>): Promise<T>;
  /** Every chat message the bot can see, each id once. Returns an unsubscribe function. */
  onMessage(handler: MessageHandler): () => void;
  /** Any other socket event by name (e.g. `notify:group.updateInfo`). */
  onEvent(eventName: string, handler: (data: unknown) => void): () => void;
  /** After each connect, once the rooms are joined and before missed messages are caught up. */
  onConnected(handler: (info: ConnectedInfo) => void | Promise<void>): () => void;
  /** Logs in again now (single flight). */
  renewToken(reason?: string): Promise<BotSession>;
  stats(): ClientStats;
  close(): Promise<void>;
}

/** Catch-up looks this much further back than the local disconnect time (clocks differ). */
const CLOCK_SKEW_MS = 10_000;
const MAX_TIMER_MS = 6 * 3600_000;
const SEEN_IDS = 50_000;
const OBJECT_ID = /^[0-9a-f]{24}$/;

/** The smallest ObjectId created at `ms` (ObjectIds start with their creation second). */
export function objectIdAt(ms: number): string {
  return Math.max(0, Math.floor(ms / 1000)).toString(16).padStart(8, '0') + '0'.repeat(16);
}

export function createOpenPlatformClient(o: OpenPlatformClientOptions): OpenPlatformClient {
  const baseUrl = o.url.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  const openSocket = o.openSocket ?? socketIoFactory;
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const log = o.logger;
  const renewMarginMs = o.renewMarginMs ?? 24 * 3600_000;
  const reconnectMinMs = o.reconnectMinMs ?? 500;
  const reconnectMaxMs = Math.max(o.reconnectMaxMs ?? 30_000, reconnectMinMs);
  const requestTimeoutMs = o.requestTimeoutMs ?? 15_000;
  const catchUpWindowMs = o.catchUpWindowMs ?? 300_000;

  let jwt: string | undefined;
  let session: BotSession | undefined;
  let renewing: Promise<BotSession> | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let socket: BotSocket | undefined;
  let isConnected = false;
  let connectedOnce = false;
  let disconnectedAt: number | undefined;
  let attempt = 0;
  let needRenew = false;
  let closed = false;
  let firstJoin: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  const messageHandlers = new Set<MessageHandler>();
  const eventHandlers = new Map<string, Set<(data: unknown) => void>>();
  const connectedHandlers = new Set<(info: ConnectedInfo) => void | Promise<void>>();
  const seen = new Set<string>();
  const stats: ClientStats = { logins: 0, renewals: 0, connects: 0, messages: 0, duplicates: 0, caughtUp: 0 };

  // ---- HTTP ---------------------------------------------------------------------------------
  const post = async (action: string, params: unknown, token?: string): Promise<{ status: number; body: z.infer<typeof envelope> | undefined; text: string }> => {
    const res = await doFetch(`${baseUrl}/api/${action.replace(/\./g, '/')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'X-Token': token } : {}) },
      body: JSON.stringify(params ?? {}),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = envelope.safeParse(json);
    return { status: res.status, body: parsed.success ? parsed.data : undefined, text };
  };

  const unwrap = <T>(action: string, r: Awaited<ReturnType<typeof post>>, schema?: z.ZodType<T>): T => {
    if (r.status !== 200 || r.body?.code !== 200) throw new OpenApiError(action, r.status, r.body?.message ?? r.text);
    if (!schema) return r.body.data as T;
    const parsed = schema.safeParse(r.body.data);
    if (!parsed.success) throw new OpenApiError(action, r.status, `unexpected response: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };

  // ---- login and token ----------------------------------------------------------------------
  const login = async (): Promise<BotSession> => {
    const token = createHash('md5').update(o.appId + o.appSecret).digest('hex');
    const r = await post('openapi.bot.login', { appId: o.appId, token });
    if (r.status === 404) {
      throw new BotAuthError(o.appId, `Tailchat at ${baseUrl} has no open platform: POST /api/openapi/bot/login answered 404 (are Tailchat's openapi services running?)`);
    }
    if (r.status !== 200 || r.body?.code !== 200) {
      const msg = r.body?.message ?? '';
      if (/auth failed/i.test(msg)) {
        throw new BotAuthError(o.appId, `Tailchat refused the bot login of app ${o.appId}: the app secret is wrong for this app id`);
      }
      if (/not found open app/i.test(msg)) {
        throw new BotAuthError(o.appId, `Tailchat has no open-platform app ${o.appId} (check the app id; the app secret was not checked)`);
      }
      if (/capability/i.test(msg)) {
        throw new BotAuthError(o.appId, `the open-platform app ${o.appId} has no bot capability: enable "Bot" for it in Tailchat (Settings → Open platform → the app → Bot)`);
      }
      throw new OpenApiError('openapi.bot.login', r.status, msg || r.text);
    }
    const data = botLoginData.safeParse(r.body.data);
    if (!data.success) throw new OpenApiError('openapi.bot.login', r.status, 'the login reply has no jwt/userId');
    const obtainedAt = now();
    jwt = data.data.jwt;
    const timing = tokenTiming(jwt, obtainedAt, { renewMarginMs, ...(o.tokenMaxAgeMs !== undefined ? { maxAgeMs: o.tokenMaxAgeMs } : {}) });
    session = { appId: o.appId, userId: data.data.userId, nickname: data.data.nickname, ...timing };
    stats.logins++;
    needRenew = false;
    scheduleRenewal();
    return session;
  };

  const renewToken = (reason = 'requested'): Promise<BotSession> => {
    renewing ??= (async () => {
      try {
        const s = await login();
        stats.renewals++;
        log.info('bot token renewed', { appId: o.appId, reason, expiresAt: new Date(s.expiresAt).toISOString() });
        return s;
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  };

  function scheduleRenewal(): void {
    clearTimeout(renewTimer);
    if (closed || !session) return;
    const due = session.renewAt;
    renewTimer = setTimeout(() => {
      if (closed) return;
      if (now() < due) return scheduleRenewal(); // long waits are done in steps (setTimeout caps at ~24.8 days)
      renewToken('before expiry').catch((err) => {
        const left = (session?.expiresAt ?? 0) - now();
        const retryIn = Math.max(1000, Math.min(reconnectMaxMs, left / 4));
        log.error('could not renew the bot token; retrying', { appId: o.appId, retryInMs: Math.round(retryIn), error: errText(err) });
        clearTimeout(renewTimer);
        renewTimer = setTimeout(() => void renewToken('retry').catch(() => scheduleRenewal()), retryIn);
      });
    }, Math.max(0, Math.min(due - now(), MAX_TIMER_MS)));
  }

  /** A token good for a call right now (renewing first when it is past its expiry). */
  const currentToken = async (): Promise<string> => {
    if (renewing) await renewing;
    if (!session || !jwt) throw new Error('open-platform client not started');
    if (now() >= session.expiresAt) await renewToken('expired');
    return jwt;
  };

  const call = async <T>(action: string, params: Record<string, unknown> = {}, schema?: z.ZodType<T>): Promise<T> => {
    let r = await post(action, params, await currentToken());
    if (r.status === 401) {
      await renewToken(`${action} answered 401`);
      r = await post(action, params, await currentToken());
    }
    return unwrap(action, r, schema);
  };

  // ---- messages -----------------------------------------------------------------------------
  const deliver = (raw: unknown, source: MessageSource): boolean => {
    const parsed = chatMessage.safeParse(raw);
    if (!parsed.success) {
      log.warn('dropped a malformed chat message', { source, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return false;
    }
    const m = parsed.data;
    if (seen.has(m._id)) {
      stats.duplicates++;
      return false;
    }
    seen.add(m._id);
    if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value!);
    stats.messages++;
    for (const h of messageHandlers) {
      Promise.resolve()
        .then(() => h(m, source))
        .catch((err) => log.error('message handler failed', { messageId: m._id, error: errText(err) }));
    }
    return true;
  };

  const dispatch = (event: string, data: unknown): void => {
    if (event === 'notify:chat.message.add') {
      deliver(data, 'socket');
      return;
    }
    for (const h of eventHandlers.get(event) ?? []) {
      try {
        h(data);
      } catch (err) {
        log.error('socket event handler failed', { event, error: errText(err) });
      }
    }
  };

  /** Messages posted while the socket was away, through the same at-most-once gate. */
  const catchUp = async (rooms: JoinedRooms, since: number): Promise<void> => {
    if (catchUpWindowMs <= 0) return;
    const threshold = objectIdAt(Math.max(since - CLOCK_SKEW_MS, now() - catchUpWindowMs));
    const converseIds = [...new Set([...rooms.textPanelIds, ...rooms.dmConverseIds])];
    if (converseIds.length === 0) return;
    const last = await call('chat.message.fetchConverseLastMessages', { converseIds }, lastMessages);
    const active = last.filter((l): l is NonNullable<typeof l> => !!l && OBJECT_ID.test(l.lastMessageId) && l.lastMessageId >= threshold);
    let fetched = 0;
    let delivered = 0;
    for (const { converseId } of active) {
      const list = await call('chat.message.fetchConverseMessage', { converseId }, z.array(z.unknown()));
      const recent = list
        .map((m) => chatMessage.safeParse(m))
        .flatMap((p) => (p.success ? [p.data] : []))
        .filter((m) => OBJECT_ID.test(m._id) && m._id >= threshold && (m as { hasRecall?: unknown }).hasRecall !== true)
        .sort((a, b) => (a._id < b._id ? -1 : 1));
      for (const m of recent) {
        fetched++;
        if (deliver(m, 'catch-up')) delivered++;
      }
    }
    stats.caughtUp += delivered;
    log.info('caught up after reconnect', { converses: active.length, fetched, delivered, duplicates: fetched - delivered });
  };

  // ---- socket loop --------------------------------------------------------------------------
  const connectOnce = (): void => {
    if (closed || !jwt) return;
    const s = openSocket(baseUrl, jwt);
    socket = s;
    let failed = false;
    const fail = (why: string, authProblem = false): void => {
      if (failed || socket !== s) return;
      failed = true;
      socket = undefined;
      isConnected = false;
      disconnectedAt ??= now();
      if (authProblem) needRenew = true;
      s.close();
      scheduleReconnect(why);
    };
    s.onAny((event, data) => {
      if (socket === s) dispatch(event, data);
    });
    s.on('connect_error', (err) => fail(`connect failed: ${redact(err.message)}`, /token|jwt/i.test(err.message)));
    s.on('disconnect', (reason) => fail(`disconnected: ${reason}`));
    s.on('connect', () => {
      void (async () => {
        let rooms: JoinedRooms;
        try {
          const ack = socketAck.parse(await withTimeout(s.emitWithAck('chat.converse.findAndJoinRoom', {}), requestTimeoutMs, 'chat.converse.findAndJoinRoom'));
          if (!ack.result) throw new Error(ack.message ?? 'refused');
          rooms = joinedRooms.parse(ack.data ?? {});
        } catch (err) {
          fail(`joining the rooms failed: ${errText(err)}`, /token|jwt/i.test(errText(err)));
          return;
        }
        if (socket !== s) return;
        isConnected = true;
        attempt = 0;
        stats.connects++;
        const reconnect = connectedOnce;
        connectedOnce = true;
        // Kept until a catch-up succeeds: a catch-up cut short by another loss is redone from
        // the first loss (what it already delivered is dropped as duplicates).
        const since = disconnectedAt;
        if (!reconnect || catchUpWindowMs <= 0) disconnectedAt = undefined;
        log.info(reconnect ? 'socket reconnected; rooms joined again' : 'socket connected; rooms joined', {
          groups: rooms.groupIds.length,
          panels: rooms.textPanelIds.length,
          dms: rooms.dmConverseIds.length,
        });
        for (const h of connectedHandlers) {
          await Promise.resolve()
            .then(() => h({ rooms, reconnect }))
            .catch((err) => log.error('connect handler failed', { error: errText(err) }));
        }
        firstJoin?.resolve();
        firstJoin = undefined;
        if (reconnect && since !== undefined && catchUpWindowMs > 0) {
          try {
            await catchUp(rooms, since);
            if (disconnectedAt === since) disconnectedAt = undefined;
          } catch (err) {
            log.error('could not catch up on missed messages', { error: errText(err) });
          }
        }
      })();
    });
  };

  function scheduleReconnect(why: string): void {
    if (closed) return;
    clearTimeout(reconnectTimer);
    const base = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(attempt, 20));
    const delay = Math.round(base * (0.8 + 0.4 * random()));
    attempt++;
    log.warn('socket unavailable; reconnecting', { reason: why, attempt, inMs: delay });
    reconnectTimer = setTimeout(() => {
      void (async () => {
        if (closed) return;
        try {
          if (needRenew || !session || now() >= session.expiresAt) await renewToken(needRenew ? 'socket refused the token' : 'expired');
        } catch (err) {
          if (err instanceof BotAuthError) log.error('the bot can no longer log in', { appId: o.appId, error: err.message });
          scheduleReconnect(`login failed: ${errText(err)}`);
          return;
        }
        connectOnce();
      })();
    }, delay);
  }

  return {
    async start() {
      if (session) throw new Error('open-platform client already started');
      // Network trouble at start-up is retried; wrong credentials are not.
      for (let tries = 0; ; tries++) {
        try {
          await login();
          break;
        } catch (err) {
          if (err instanceof BotAuthError || closed) throw err;
          const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(tries, 20));
          log.warn('bot login failed; retrying', { appId: o.appId, inMs: delay, error: errText(err) });
          await new Promise((r) => setTimeout(r, delay));
        }
      }
      const joined = new Promise<void>((resolve, reject) => (firstJoin = { resolve, reject }));
      connectOnce();
      await joined;
      return session!;
    },
    get session() {
      return session;
    },
    get connected() {
      return isConnected;
    },
    call,
    onMessage(handler) {
      messageHandlers.add(handler);
      return () => void messageHandlers.delete(handler);
    },
    onEvent(eventName, handler) {
      let set = eventHandlers.get(eventName);
      if (!set) eventHandlers.set(eventName, (set = new Set()));
      set.add(handler);
      return () => void set.delete(handler);
    },
    onConnected(handler) {
      connectedHandlers.add(handler);
      return () => void connectedHandlers.delete(handler);
    },
    renewToken,
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      clearTimeout(renewTimer);
      clearTimeout(reconnectTimer);
      const s = socket;
      socket = undefined;
      isConnected = false;
      s?.close();
      firstJoin?.reject(new Error('open-platform client closed'));
      firstJoin = undefined;
    },
  };
}

function errText(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${what} in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
