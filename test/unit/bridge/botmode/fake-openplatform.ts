/**
 * An in-memory stand-in for Tailchat's open platform (HTTP actions as `fetch`, sockets as
 * BotSocket), for unit tests of the bot-mode client and bridge only. The real Tailchat is in
 * test/e2e/bot-mode.test.ts.
 */
import { createHash } from 'node:crypto';
import type { BotSocket, SocketFactory } from '../../../../bridge/botmode/client.js';

export const APP_ID = 'tc_000000000000000000000aaa';
export const APP_SECRET = 'Sup3r-Secret-Value-0123456789abcd';
export const BOT_ID = '0000000000000000000000b0';

export interface FakeMessage {
  _id: string;
  converseId: string;
  groupId?: string;
  author: string;
  content: string;
  meta?: Record<string, unknown>;
}

/** A JWT-shaped token (unsigned: the fake only compares strings). */
export function fakeJwt(expSeconds: number, n: number): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ _id: BOT_ID, exp: expSeconds, n })}.c2ln`;
}

export class FakeSocket implements BotSocket {
  private listeners = new Map<string, Array<(...a: never[]) => void>>();
  private any: Array<(event: string, ...args: unknown[]) => void> = [];
  closed = false;
  joinCalls = 0;
  constructor(
    readonly server: FakeOpenPlatform,
    readonly token: string,
  ) {}
  on(event: string, listener: (...a: never[]) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  onAny(listener: (event: string, ...args: unknown[]) => void): void {
    this.any.push(listener);
  }
  fire(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
  /** A server push (notify:…), as socket.io delivers it to onAny. */
  push(event: string, data: unknown): void {
    if (this.closed) return;
    for (const l of this.any) l(event, data);
  }
  async emitWithAck(event: string, _data: unknown): Promise<unknown> {
    if (event === 'chat.converse.findAndJoinRoom') {
      this.joinCalls++;
      return { result: true, data: this.server.rooms };
    }
    return { result: false, message: `unknown ${event}` };
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fire('disconnect', 'io client disconnect');
  }
}

export class FakeOpenPlatform {
  logins = 0;
  jwtLifetimeS = 30 * 24 * 3600;
  validTokens = new Set<string>();
  calls: { action: string; params: Record<string, unknown>; token?: string }[] = [];
  sockets: FakeSocket[] = [];
  /** What the next socket does: connect (default), or fail with a connect_error message. */
  nextSocket: Array<'connect' | { error: string }> = [];
  rooms = { groupIds: ['G1'], textPanelIds: ['P1'], dmConverseIds: [] as string[], subscribeFeaturePanelIds: [] as string[] };
  messages: FakeMessage[] = [];
  sent: FakeMessage[] = [];
  groups: Record<string, unknown>[] = [
    {
      _id: 'G1',
      owner: 'OWNER',
      members: [
        { userId: 'OWNER', roles: [] },
        { userId: 'U1', roles: [] },
        { userId: BOT_ID, roles: [] },
      ],
      roles: [],
      fallbackPermissions: ['core.message'],
      panels: [{ id: 'P1', name: 'general', type: 0 }],
    },
  ];
  users: Record<string, { type: string }> = {};
  groupData: Record<string, string> = {};
  private seq = 0x100;
  private now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** ObjectId-like ids, increasing with time, as Tailchat's. */
  nextId(): string {
    return Math.floor(this.now() / 1000).toString(16).padStart(8, '0') + (this.seq++).toString(16).padStart(16, '0');
  }

  get socket(): FakeSocket | undefined {
    return this.sockets.at(-1);
  }

  /** Someone posts in a converse: stored, then pushed to the live socket. */
  post(m: Omit<FakeMessage, '_id'> & { _id?: string }): FakeMessage {
    const msg = { ...m, _id: m._id ?? this.nextId() };
    this.messages.push(msg);
    const s = this.socket;
    if (s && !s.closed) s.push('notify:chat.message.add', { ...msg, createdAt: new Date(this.now()) });
    return msg;
  }

  openSocket: SocketFactory = (_url, token) => {
    const s = new FakeSocket(this, token);
    this.sockets.push(s);
    const what = this.nextSocket.shift() ?? 'connect';
    queueMicrotask(() => {
      if (s.closed) return;
      if (what === 'connect') {
        if (!this.validTokens.has(token)) s.fire('connect_error', new Error('Token invalid'));
        else s.fire('connect');
      } else s.fire('connect_error', new Error(what.error));
    });
    return s;
  };

  fetch: typeof fetch = async (input, init) => {
    const url = String(input);
    const action = url.replace(/^.*\/api\//, '').replace(/\//g, '.');
    const params = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    const token = (init?.headers as Record<string, string> | undefined)?.['X-Token'];
    this.calls.push({ action, params, ...(token ? { token } : {}) });
    const ok = (data: unknown) => new Response(JSON.stringify({ code: 200, data }), { status: 200 });
    const err = (status: number, message: string) => new Response(JSON.stringify({ name: 'Error', message, code: status }), { status });

    if (action === 'openapi.bot.login') {
      if (params.appId !== APP_ID) return err(500, `Not found open app:${String(params.appId)}`);
      const expected = createHash('md5').update(APP_ID + APP_SECRET).digest('hex');
      if (params.token !== expected) return err(500, 'Auth failed.');
      this.logins++;
      const jwt = fakeJwt(Math.floor(this.now() / 1000) + this.jwtLifetimeS, this.logins);
      this.validTokens.add(jwt);
      return ok({ jwt, userId: BOT_ID, email: 'bot@openapi', nickname: 'Helper', avatar: '' });
    }
    if (!token || !this.validTokens.has(token)) return err(401, 'Invalid Token:JsonWebTokenError');
    switch (action) {
      case 'group.getUserGroups':
        return ok(this.groups);
      case 'group.extra.getGroupData':
        return ok({ data: this.groupData[`${String(params.groupId)}/${String(params.name)}`] ?? null });
      case 'user.getUserInfo':
        return ok({ _id: params.userId, nickname: 'x', ...(this.users[String(params.userId)] ?? { type: 'normalUser' }) });
      case 'chat.converse.findConverseInfo':
        return ok({ _id: params.converseId, members: ['U1', BOT_ID] });
      case 'chat.message.sendMessage': {
        const m = this.post({ converseId: String(params.converseId), ...(params.groupId ? { groupId: String(params.groupId) } : {}), author: BOT_ID, content: String(params.content), meta: params.meta as Record<string, unknown> });
        this.sent.push(m);
        return ok({ ...m, createdAt: new Date(this.now()).toISOString() });
      }
      case 'chat.message.fetchConverseLastMessages':
        return ok(
          (params.converseIds as string[]).map((id) => {
            const last = this.messages.filter((m) => m.converseId === id).at(-1);
            return last ? { converseId: id, lastMessageId: last._id } : null;
          }),
        );
      case 'chat.message.fetchConverseMessage':
        return ok(this.messages.filter((m) => m.converseId === params.converseId).slice(-50).reverse());
      case 'gateway.notify':
      case 'group.getUserAllPermissions':
      case 'group.getGroupInfo':
        return err(404, `Service '${action}' is not found.`);
      default:
        return err(404, `Service '${action}' is not found.`);
    }
  };

  callsOf(action: string) {
    return this.calls.filter((c) => c.action === action);
  }
}
