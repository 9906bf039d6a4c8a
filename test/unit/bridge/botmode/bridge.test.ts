import { afterEach, describe, expect, it } from 'vitest';
import { toUpdateMessageEvent } from '../../../../bridge/botmode/adapt.js';
import { createBotModeBridge, type BotModeBridge } from '../../../../bridge/botmode/bridge.js';
import { createOpenPlatformClient } from '../../../../bridge/botmode/client.js';
import { createGroupDirectory, NotAMemberError } from '../../../../bridge/botmode/groups.js';
import { createBotModeHost } from '../../../../bridge/botmode/host.js';
import { chatMessage } from '../../../../bridge/botmode/schemas.js';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import { parseUpdateMessageEvent } from '../../../../bridge/message/incoming.js';
import { createReplyPublisher } from '../../../../bridge/notify/reply-publisher.js';
import { applyEvent, initialReplyState } from '../../../../bridge/stream/reply-state.js';
import { loadConfig } from '../../../../config/load.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { PERMISSIONS } from '../../../../protocol/actions.js';
import { recordingLogger, silentLogger } from '../../fakes/tailchat-host.js';
import { APP_ID, APP_SECRET, BOT_ID, FakeOpenPlatform } from './fake-openplatform.js';

const until = async (cond: () => boolean, ms = 3000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

function world(env: Record<string, string> = {}) {
  const server = new FakeOpenPlatform();
  const { lines, logger } = recordingLogger();
  const config = loadConfig({}, env);
  const client = createOpenPlatformClient({
    url: 'http://tailchat.test',
    appId: APP_ID,
    appSecret: APP_SECRET,
    logger,
    fetch: (i, init) => server.fetch(i, init),
    openSocket: (u, t) => server.openSocket(u, t),
    reconnectMinMs: 5,
    reconnectMaxMs: 10,
  });
  const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 0, chunkChars: 8, label: 'test' }) });
  const handled: string[] = [];
  const bridge = createBotModeBridge({ config, client, engines, logger, onHandled: (m) => void handled.push(m._id) });
  const mention = (text: string, author = 'U1') =>
    server.post({ converseId: 'P1', groupId: 'G1', author, content: `[at=${BOT_ID}]Helper[/at] ${text}`, meta: { mentions: [BOT_ID] } });
  return { server, client, bridge, lines, handled, mention };
}

let running: BotModeBridge | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('adapting a stored message to the core event', () => {
  it('gives the shape handleMessageEvent validates (groupId absent in DMs)', () => {
    const m = chatMessage.parse({ _id: 'M1', converseId: 'P1', groupId: 'G1', author: 'U1', content: 'hi', meta: { mentions: ['B'] }, createdAt: new Date(), reactions: [] });
    expect(parseUpdateMessageEvent(toUpdateMessageEvent(m))).toEqual({
      ok: true,
      event: { type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M1', author: 'U1', content: 'hi', meta: { mentions: ['B'] } },
    });
    const dm = toUpdateMessageEvent(chatMessage.parse({ _id: 'M2', converseId: 'D1', author: 'U1', content: 'x', groupId: null, meta: null }));
    expect(dm).toEqual({ type: 'add', converseId: 'D1', messageId: 'M2', author: 'U1', content: 'x', meta: {} });
  });
});

describe('the group directory (permissions as the bot sees them)', () => {
  const fakeClient = (groups: unknown[]) => {
    const handlers = new Map<string, (d: unknown) => void>();
    let loads = 0;
    return {
      loads: () => loads,
      push: (e: string, d: unknown) => handlers.get(e)?.(d),
      client: {
        call: (async () => {
          loads++;
          return groups;
        }) as never,
        onEvent: (e: string, h: (d: unknown) => void) => (handlers.set(e, h), () => undefined),
        onConnected: () => () => undefined,
      },
    };
  };
  const group = {
    _id: 'G1',
    owner: 'O',
    members: [{ userId: 'O', roles: [] }, { userId: 'U1', roles: ['r1'] }, { userId: 'U2', roles: [] }],
    roles: [{ _id: 'r1', name: 'ai', permissions: [PERMISSIONS.invoke] }],
    fallbackPermissions: ['core.message'],
  };

  it('computes role and fallback permissions like Tailchat, and refuses non-members', async () => {
    const f = fakeClient([group]);
    const dir = createGroupDirectory(f.client, { logger: silentLogger });
    expect(await dir.permissionsOf('G1', 'U1')).toEqual([PERMISSIONS.invoke, 'core.message']);
    expect(await dir.permissionsOf('G1', 'U2')).toEqual(['core.message']);
    await expect(dir.permissionsOf('G1', 'NOPE')).rejects.toBeInstanceOf(NotAMemberError);
    await expect(dir.permissionsOf('G9', 'U1')).rejects.toBeInstanceOf(NotAMemberError);
  });

  it("follows Tailchat's pushes: updateInfo replaces a group, remove drops it", async () => {
    const f = fakeClient([group]);
    const dir = createGroupDirectory(f.client, { logger: silentLogger, missReloadMs: 60_000 });
    await dir.reload();
    f.push('notify:group.updateInfo', { ...group, members: [...group.members.slice(0, 2), { userId: 'U2', roles: ['r1'] }] });
    expect(await dir.permissionsOf('G1', 'U2')).toContain(PERMISSIONS.invoke);
    f.push('notify:group.remove', { groupId: 'G1' });
    await expect(dir.permissionsOf('G1', 'U2')).rejects.toThrow(/not a member/);
    expect(f.loads()).toBe(1);
  });
});

describe('the bot-mode host', () => {
  it('has no live drafts, so the publisher stores only the final message', async () => {
    const server = new FakeOpenPlatform();
    const client = createOpenPlatformClient({ url: 'http://t', appId: APP_ID, appSecret: APP_SECRET, logger: silentLogger, fetch: (i, init) => server.fetch(i, init), openSocket: (u, t) => server.openSocket(u, t) });
    await client.start();
    try {
      const host = createBotModeHost(client, BOT_ID, createGroupDirectory(client, { logger: silentLogger }));
      expect(host.liveDrafts).toBe(false);
      const publisher = createReplyPublisher({
        host, botUserId: BOT_ID, target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } }, runId: 'tc-1', engineId: 'scripted',
        requesterId: 'U1', intervalMs: 50, maxReplyChars: 1000, onError: (e) => { throw e; },
      });
      let state = initialReplyState();
      for (const text of ['a', 'ab', 'abc']) {
        state = applyEvent(state, { type: 'text', text });
        publisher.update(state);
      }
      state = applyEvent(state, { type: 'final', text: 'abc' });
      const sent = await publisher.finish(state);
      expect(sent?._id).toBeDefined();
      expect(publisher.liveUpdates).toBe(0);
      expect(server.callsOf('gateway.notify')).toHaveLength(0);
      expect(server.sent.map((m) => m.content)).toEqual(['abc']);
      // Acting as someone else is impossible over HTTP, and says so.
      await expect(host.sendMessage('SOMEONE', { converseId: 'P1', content: 'x' })).rejects.toThrow(/only as the bot/);
      expect(await host.getUserPermissions('G1', 'U1')).toEqual(['core.message']);
      expect(await host.getGroupInfo('G1')).toMatchObject({ _id: 'G1', owner: 'OWNER' });
      expect(await host.isConverseMember('D1', BOT_ID)).toBe(true);
    } finally {
      await client.close();
    }
  });
});

describe('the bot-mode bridge (one core, two ways in)', () => {
  it('answers a mention with one final message, a reply to the prompt, no live drafts', async () => {
    const w = world();
    running = w.bridge;
    await w.bridge.start();
    const prompt = w.mention('hello there');
    await until(() => w.server.sent.length === 1);
    const reply = w.server.sent[0]!;
    expect(reply.content).toContain('You said: "hello there"');
    expect(reply.meta).toMatchObject({ reply: { _id: prompt._id }, [AI_META_KEY]: { status: 'done', runId: `tc-${prompt._id}`, requester: 'U1' } });
    expect(w.server.callsOf('gateway.notify')).toHaveLength(0);
    expect(w.lines.some((l) => l.msg === 'message handled' && l.fields?.kind === 'started')).toBe(true);
  });

  it('handles a message heard twice (redelivery, catch-up) once', async () => {
    const w = world();
    running = w.bridge;
    await w.bridge.start();
    const prompt = w.mention('only once');
    w.server.socket!.push('notify:chat.message.add', { ...prompt, createdAt: new Date() });
    await until(() => w.server.sent.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.handled.filter((id) => id === prompt._id)).toHaveLength(1);
    expect(w.server.sent).toHaveLength(1);
  });

  it('permissions come from the group as the bot sees it, and follow role changes', async () => {
    const w = world({ AI_INVOKE_BY_DEFAULT: 'false' });
    running = w.bridge;
    await w.bridge.start();
    w.mention('may I?');
    await until(() => w.server.sent.length === 1);
    expect(w.server.sent[0]!.content).toContain('do not have permission');

    const g = w.server.groups[0]!;
    const updated = { ...g, roles: [{ _id: 'r1', name: 'ai', permissions: [PERMISSIONS.invoke] }], members: (g.members as { userId: string }[]).map((m) => ({ ...m, roles: m.userId === 'U1' ? ['r1'] : [] })) };
    w.server.groups = [updated];
    w.server.socket!.push('notify:group.updateInfo', updated);
    w.mention('now?');
    await until(() => w.server.sent.length === 2);
    expect(w.server.sent[1]!.content).toContain('You said: "now?"');
    // The owner may always invoke.
    w.mention('owner here', 'OWNER');
    await until(() => w.server.sent.length === 3);
    expect(w.server.sent[2]!.content).toContain('You said: "owner here"');
  });

  it('never answers itself or another bot; commands work as in the cluster', async () => {
    const w = world();
    running = w.bridge;
    w.server.users.OTHERBOT = { type: 'openapiBot' };
    await w.bridge.start();
    w.mention('from a bot', 'OTHERBOT');
    w.mention('/new');
    await until(() => w.server.sent.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.server.sent.map((m) => m.content)).toEqual([expect.stringContaining('Started a new conversation')]);
  });

  it('answers a DM with the bot', async () => {
    const w = world();
    running = w.bridge;
    await w.bridge.start();
    w.server.post({ converseId: 'D1', author: 'U1', content: 'hi in private' });
    await until(() => w.server.sent.length === 1);
    expect(w.server.sent[0]).toMatchObject({ converseId: 'D1', content: expect.stringContaining('You said: "hi in private"') });
    expect(w.server.sent[0]!.groupId).toBeUndefined();
  });
});
