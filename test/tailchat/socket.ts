/**
 * socket.io client connected as one Tailchat user, the way Tailchat's web client connects:
 * websocket transport, msgpack parser (Tailchat's server uses socket.io-msgpack-parser, the
 * default parser cannot talk to it), `auth: {token}`, then `chat.converse.findAndJoinRoom`
 * so the server puts the socket into the rooms of its groups, panels and DMs. Without that
 * call no `notify:chat.message.add` arrives.
 *
 * Every received event is recorded, so `waitFor` also matches events that arrived before it
 * was called (tests need not race the server).
 */
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { redact } from './api.js';

export interface JoinedRooms {
  dmConverseIds: string[];
  groupIds: string[];
  textPanelIds: string[];
  subscribeFeaturePanelIds: string[];
}

export interface RecordedEvent {
  name: string;
  data: unknown;
  at: number;
}

export interface TailchatSocket {
  readonly socket: Socket;
  /** Rooms joined by findAndJoinRoom at connect (empty lists when joinRooms was false). */
  readonly joined: JoinedRooms;
  /** Resolves with the first payload of `eventName` matching `predicate`, past or future. */
  waitFor<T = unknown>(eventName: string, predicate?: (data: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Payloads of `eventName` received so far, oldest first. */
  events<T = unknown>(eventName: string): T[];
  /** Everything received so far. */
  all(): readonly RecordedEvent[];
  /** Emits a Tailchat socket action and unwraps its `{result, data}` ack (throws on result=false). */
  call<T = unknown>(eventName: string, data?: unknown, timeoutMs?: number): Promise<T>;
  close(): void;
}

interface Waiter {
  name: string;
  pred: (data: unknown) => boolean;
  resolve: (data: unknown) => void;
}

export interface ConnectOptions {
  /** Emit chat.converse.findAndJoinRoom after connect (default true). */
  joinRooms?: boolean;
  timeoutMs?: number;
}

export async function connectSocket(url: string, token: string, opts: ConnectOptions = {}): Promise<TailchatSocket> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const socket = io(url, {
    transports: ['websocket'],
    auth: { token },
    parser: msgpackParser,
    forceNew: true,
    reconnection: false,
  });
  const seen: RecordedEvent[] = [];
  const waiters: Waiter[] = [];
  // Registered before connect so nothing the server sends right after the handshake is lost.
  socket.onAny((name: string, data: unknown) => {
    seen.push({ name, data, at: Date.now() });
    for (const w of [...waiters]) {
      if (w.name === name && safePred(w.pred, data)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(data);
      }
    }
  });

  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (e: Error) => reject(new Error(`socket.io connect to ${url} failed: ${e.message}`)));
      }),
      timeoutMs,
      `socket.io connect to ${url}`,
    );
  } catch (e) {
    socket.close();
    throw e;
  }

  const call = async <T>(eventName: string, data: unknown = {}, ms = timeoutMs): Promise<T> => {
    const ack = (await withTimeout(socket.emitWithAck(eventName, data), ms, `ack of ${eventName}`)) as {
      result?: boolean;
      data?: unknown;
      message?: string;
    };
    if (!ack || ack.result !== true) throw new Error(`socket ${eventName} failed: ${redact(JSON.stringify(ack) ?? 'no ack').slice(0, 300)}`);
    return ack.data as T;
  };

  let joined: JoinedRooms = { dmConverseIds: [], groupIds: [], textPanelIds: [], subscribeFeaturePanelIds: [] };
  if (opts.joinRooms !== false) {
    try {
      joined = { ...joined, ...(await call<Partial<JoinedRooms>>('chat.converse.findAndJoinRoom', {})) };
    } catch (e) {
      socket.close();
      throw e;
    }
  }

  return {
    socket,
    joined,
    waitFor<T>(eventName: string, predicate: (data: T) => boolean = () => true, ms = 10_000): Promise<T> {
      const pred = predicate as (d: unknown) => boolean;
      const hit = seen.find((e) => e.name === eventName && safePred(pred, e.data));
      if (hit) return Promise.resolve(hit.data as T);
      let waiter: Waiter | undefined;
      const p = new Promise<T>((resolve) => {
        waiter = { name: eventName, pred, resolve: resolve as (d: unknown) => void };
        waiters.push(waiter);
      });
      return withTimeout(p, ms, () => {
        if (waiter) waiters.splice(waiters.indexOf(waiter), 1);
        const counts = new Map<string, number>();
        for (const e of seen) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
        const got = [...counts].map(([n, c]) => `${n}×${c}`).join(', ') || 'nothing';
        return `socket event '${eventName}' matching the predicate (received so far: ${got}; connected=${socket.connected})`;
      });
    },
    events<T>(eventName: string): T[] {
      return seen.filter((e) => e.name === eventName).map((e) => e.data as T);
    },
    all: () => seen,
    call,
    close: () => {
      socket.close();
    },
  };
}

function safePred(pred: (d: unknown) => boolean, data: unknown): boolean {
  try {
    return pred(data);
  } catch {
    return false;
  }
}

/** Rejects after `ms`; `what` may be lazy so the message can describe the state at timeout. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
