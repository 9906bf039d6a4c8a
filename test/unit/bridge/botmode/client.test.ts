import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BotAuthError, createOpenPlatformClient, objectIdAt, type MessageSource, type OpenPlatformClientOptions } from '../../../../bridge/botmode/client.js';
import { jwtExpiry, tokenTiming } from '../../../../bridge/botmode/jwt.js';
import type { ChatMessage } from '../../../../bridge/botmode/schemas.js';
import { recordingLogger } from '../../fakes/tailchat-host.js';
import { APP_ID, APP_SECRET, BOT_ID, FakeOpenPlatform, fakeJwt } from './fake-openplatform.js';

const MD5 = createHash('md5').update(APP_ID + APP_SECRET).digest('hex');

function setup(opts: Partial<OpenPlatformClientOptions> = {}, server = new FakeOpenPlatform()) {
  const { lines, logger } = recordingLogger();
  const client = createOpenPlatformClient({
    url: 'http://tailchat.test/',
    appId: APP_ID,
    appSecret: APP_SECRET,
    logger,
    fetch: (input, init) => server.fetch(input, init),
    openSocket: (url, token) => server.openSocket(url, token),
    reconnectMinMs: 5,
    reconnectMaxMs: 20,
    random: () => 0.5,
    ...opts,
  });
  const heard: Array<{ id: string; source: MessageSource }> = [];
  client.onMessage((m: ChatMessage, source) => void heard.push({ id: m._id, source }));
  return { server, client, lines, heard };
}

const until = async (cond: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

let active: { close(): Promise<void> } | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await active?.close();
  active = undefined;
});

describe('tokens', () => {
  it('reads exp, honours a max age and never renews in a tight loop', () => {
    const jwt = fakeJwt(2_000, 1);
    expect(jwtExpiry(jwt)).toBe(2_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
    expect(tokenTiming(jwt, 1_000_000, { renewMarginMs: 100_000 })).toEqual({ expiresAt: 2_000_000, renewAt: 1_900_000 });
    expect(tokenTiming(jwt, 1_000_000, { renewMarginMs: 1_000, maxAgeMs: 10_000 })).toEqual({ expiresAt: 1_010_000, renewAt: 1_009_000 });
    expect(tokenTiming(jwt, 1_000_000, { renewMarginMs: 10_000_000 }).renewAt).toBe(1_001_000);
  });

  it('objectIdAt gives the smallest id of that second', () => {
    expect(objectIdAt(0x6b0490a0 * 1000 + 999)).toBe('6b0490a00000000000000000');
  });
});

describe('login', () => {
  it('logs in with md5(appId + appSecret), then calls with X-Token and unwraps {code, data}', async () => {
    const s = setup();
    active = s.client;
    const session = await s.client.start();
    expect(session).toMatchObject({ appId: APP_ID, userId: BOT_ID, nickname: 'Helper' });
    expect(s.server.callsOf('openapi.bot.login')[0]!.params).toEqual({ appId: APP_ID, token: MD5 });
    expect(await s.client.call('group.getUserGroups')).toHaveLength(1);
    expect(s.server.callsOf('group.getUserGroups')[0]!.token).toBe([...s.server.validTokens][0]);
  });

  it('a wrong secret is a BotAuthError naming the app id and "secret", never the secret or its token', async () => {
    const s = setup({ appSecret: 'wrong-secret-value' });
    active = s.client;
    const err = await s.client.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotAuthError);
    const msg = (err as Error).message;
    expect(msg).toContain(APP_ID);
    expect(msg).toContain('secret');
    expect(msg).not.toContain('wrong-secret-value');
    expect(msg).not.toContain(createHash('md5').update(`${APP_ID}wrong-secret-value`).digest('hex'));
    expect(s.server.logins).toBe(0);
  });

  it('an unknown app id and a missing bot capability are clear BotAuthErrors too', async () => {
    const s = setup({ appId: 'tc_nope' });
    active = s.client;
    await expect(s.client.start()).rejects.toThrow(/no open-platform app tc_nope/);
    const server = new FakeOpenPlatform();
    server.fetch = async () => new Response(JSON.stringify({ name: 'Error', message: 'Open app not enabled capability:bot', code: 500 }), { status: 500 });
    const c = setup({}, server);
    active = c.client;
    await expect(c.client.start()).rejects.toThrow(/no bot capability/);
  });

  it('a 401 renews the token once and retries the call', async () => {
    const s = setup();
    active = s.client;
    await s.client.start();
    s.server.validTokens.clear(); // Tailchat no longer accepts the token (e.g. it expired)
    await expect(s.client.call('group.getUserGroups')).resolves.toHaveLength(1);
    expect(s.server.logins).toBe(2);
    expect(s.lines.some((l) => l.msg === 'bot token renewed')).toBe(true);
  });

  it('validates data with zod and names the action', async () => {
    const s = setup();
    active = s.client;
    await s.client.start();
    const { z } = await import('zod');
    await expect(s.client.call('group.getUserGroups', {}, z.string())).rejects.toThrow(/group\.getUserGroups.*unexpected response/);
    await expect(s.client.call('gateway.notify', {})).rejects.toThrow(/gateway\.notify failed \(HTTP 404\)/);
  });
});

describe('token renewal', () => {
  it('renews before expiry on its own, and before a call when the token is already past it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const s = setup({ tokenMaxAgeMs: 10_000, renewMarginMs: 2_000 });
    active = s.client;
    const start = s.client.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    expect(s.server.logins).toBe(1);
    await vi.advanceTimersByTimeAsync(8_100);
    expect(s.server.logins).toBe(2);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(s.server.logins).toBe(3);
    expect(s.lines.filter((l) => l.msg === 'bot token renewed')).toHaveLength(2);

    // Renewal failing (Tailchat down) keeps retrying; a call after expiry logs in first.
    const good = s.server.fetch;
    s.server.fetch = async (i, init) => (String(i).endsWith('/login') ? new Response('down', { status: 502 }) : good(i, init));
    await vi.advanceTimersByTimeAsync(12_000);
    expect(s.lines.some((l) => l.msg === 'could not renew the bot token; retrying')).toBe(true);
    s.server.fetch = good;
    const before = s.server.logins;
    await s.client.call('group.getUserGroups');
    expect(s.server.logins).toBeGreaterThan(before);
  });
});

describe('socket', () => {
  it('joins the rooms after every connect and hears each message once, across reconnects', async () => {
    const s = setup({ catchUpWindowMs: 0 });
    active = s.client;
    await s.client.start();
    expect(s.server.socket!.joinCalls).toBe(1);
    const m1 = s.server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: 'one' });
    await until(() => s.heard.length === 1);

    s.server.socket!.fire('disconnect', 'transport close');
    await until(() => s.server.sockets.length === 2 && s.client.connected);
    expect(s.server.socket!.joinCalls).toBe(1);
    // The same message again (a redelivery) is dropped; a new one is heard.
    s.server.socket!.push('notify:chat.message.add', { ...m1, createdAt: new Date() });
    s.server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: 'two' });
    await until(() => s.heard.length === 2);
    expect(s.heard.map((h) => h.source)).toEqual(['socket', 'socket']);
    expect(s.client.stats()).toMatchObject({ connects: 2, messages: 2, duplicates: 1 });
    expect(s.lines.some((l) => l.msg === 'socket reconnected; rooms joined again')).toBe(true);
  });

  it('reconnects after a server-side kick and backs off while connecting fails', async () => {
    const s = setup({ catchUpWindowMs: 0 });
    active = s.client;
    await s.client.start();
    s.server.nextSocket.push({ error: 'xhr poll error' }, { error: 'websocket error' });
    s.server.socket!.fire('disconnect', 'io server disconnect');
    await until(() => s.client.connected && s.server.sockets.length === 4);
    const waits = s.lines.filter((l) => l.msg === 'socket unavailable; reconnecting').map((l) => l.fields!.inMs as number);
    expect(waits).toEqual([5, 10, 20]);
  });

  it('a handshake refused for the token logs in again before the next attempt', async () => {
    const s = setup({ catchUpWindowMs: 0 });
    active = s.client;
    await s.client.start();
    s.server.validTokens.clear();
    s.server.socket!.fire('disconnect', 'transport close');
    await until(() => s.client.connected);
    expect(s.server.logins).toBe(2);
    expect(s.server.socket!.token).not.toBe(s.server.sockets[0]!.token);
  });

  it('drops malformed messages with a warning', async () => {
    const s = setup();
    active = s.client;
    await s.client.start();
    s.server.socket!.push('notify:chat.message.add', { _id: 'x', content: 5 });
    await new Promise((r) => setTimeout(r, 5));
    expect(s.heard).toHaveLength(0);
    expect(s.lines.find((l) => l.level === 'warn')?.msg).toBe('dropped a malformed chat message');
  });

  it('after a reconnect, delivers the messages missed meanwhile once, in order', async () => {
    const s = setup({ catchUpWindowMs: 60_000 });
    active = s.client;
    await s.client.start();
    const before = s.server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: 'heard live' });
    await until(() => s.heard.length === 1);
    s.server.nextSocket.push({ error: 'network down' });
    s.server.socket!.fire('disconnect', 'transport close');
    // Posted while the bot is away: no socket to push to.
    const missed1 = s.server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: 'missed 1' });
    const missed2 = s.server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: 'missed 2' });
    await until(() => s.heard.length === 3);
    expect(s.heard).toEqual([
      { id: before._id, source: 'socket' },
      { id: missed1._id, source: 'catch-up' },
      { id: missed2._id, source: 'catch-up' },
    ]);
    const caught = s.lines.find((l) => l.msg === 'caught up after reconnect');
    expect(caught?.fields).toMatchObject({ delivered: 2, duplicates: 1 });
  });

  it('a catch-up cut short is redone from the first loss at the next reconnect', async () => {
    let t = 1_800_000_000_000;
    const server = new FakeOpenPlatform(() => t);
    let failCatchUp = 1;
    const s = setup({ now: () => t, catchUpWindowMs: 300_000 }, server);
    const real = server.fetch;
    server.fetch = async (i, init) => (String(i).includes('fetchConverseLastMessages') && failCatchUp-- > 0 ? new Response('busy', { status: 502 }) : real(i, init));
    active = s.client;
    await s.client.start();
    server.nextSocket.push({ error: 'network down' });
    server.socket!.fire('disconnect', 'transport close');
    const missed = server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: 'missed' });
    await until(() => s.lines.some((l) => l.msg === 'could not catch up on missed messages'));
    expect(s.heard).toHaveLength(0);

    t += 60_000; // well past the clock-skew margin of the second loss
    server.socket!.fire('disconnect', 'transport close');
    await until(() => s.heard.length === 1);
    expect(s.heard[0]).toEqual({ id: missed._id, source: 'catch-up' });
  });

  it('close() stops reconnecting', async () => {
    const s = setup();
    await s.client.start();
    await s.client.close();
    const n = s.server.sockets.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(s.server.sockets.length).toBe(n);
  });
});
