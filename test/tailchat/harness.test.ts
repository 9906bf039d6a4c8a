/**
 * Proves the Tailchat test harness against real Tailchat servers:
 * - kit.ts starts two isolated instances at the same time (redis and nats transporters);
 * - api.ts drives users, groups, invites, roles/permissions, group and DM messages;
 * - socket.ts receives notify:chat.message.add as a real client does;
 * - broker.ts joins a separate Moleculer node that receives chat.message.updateMessage;
 * - serverPlugins loads a service file inside Tailchat's own process (plugins/<id>/).
 * Both instances start in parallel in one beforeAll to keep the file's wall time low.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TailchatApi, TailchatApiError, createUser, type ChatMessage, type TestUser } from './api.js';
import { createPluginBroker, joinTailchat } from './broker.js';
import { fetchHealth, instancesRoot, sharedHome, startTailchat, type TailchatInstance } from './kit.js';
import { connectSocket, withTimeout, type TailchatSocket } from './socket.js';

const PROBE = 'plugin:com.example.harnessprobe';
const INPROC = 'plugin:com.example.harnessinproc';
const INVOKE_PERMISSION = 'plugin.com.example.harnessprobe.invoke';

/** Payload of chat.message.updateMessage as Tailchat emits it (kit README). */
interface UpdateMessageEvent {
  type: string;
  groupId?: string;
  converseId: string;
  messageId: string;
  author: string;
  content: string;
  meta: Record<string, unknown>;
}

// A server plugin service in plain TS, loaded by Tailchat's runner (ts-node) from
// server/plugins/com.example.harnessinproc/services/. It reports the process it runs in and
// records the updateMessage events it sees, so the test can tell it is really in-process.
const INPROC_SOURCE = `
const seen: string[] = [];
export default {
  name: '${INPROC}',
  actions: {
    whoami: {
      visibility: 'published',
      handler(ctx: any) {
        return { pid: process.pid, cwd: process.cwd(), nodeID: ctx.broker.nodeID, userId: ctx.meta.userId ?? null };
      },
    },
    seen: { visibility: 'published', handler() { return seen; } },
  },
  events: {
    'chat.message.updateMessage'(ctx: any) { seen.push(String(ctx.params.messageId)); },
  },
};
`;

/** A probe service for the external broker: records updateMessage, answers hello. */
function probeService(store: UpdateMessageEvent[]): ServiceSchema {
  return {
    name: PROBE,
    actions: {
      hello: {
        visibility: 'published',
        handler(ctx: Context<Record<string, unknown>, { userId?: string }>) {
          return { from: PROBE, userId: ctx.meta.userId ?? null };
        },
      },
    },
    events: {
      'chat.message.updateMessage'(ctx: Context<UpdateMessageEvent>) {
        store.push(ctx.params);
      },
    },
  };
}

async function waitForProbe(store: UpdateMessageEvent[], pred: (e: UpdateMessageEvent) => boolean, ms = 10_000): Promise<UpdateMessageEvent> {
  const t0 = Date.now();
  for (;;) {
    const hit = store.find(pred);
    if (hit) return hit;
    if (Date.now() - t0 > ms) throw new Error(`probe did not get the expected chat.message.updateMessage in ${ms} ms (got ${store.length} events)`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.includes('Z');
  } catch {
    return false;
  }
}

/** One Tailchat plus the actors of the scenario. */
interface World {
  tc: TailchatInstance;
  api: TailchatApi;
  alice: TestUser;
  bob: TestUser;
  groupId: string;
  panelId: string;
  bobSocket: TailchatSocket;
  broker: ServiceBroker;
  probeEvents: UpdateMessageEvent[];
}

async function buildWorld(tc: TailchatInstance): Promise<World> {
  const api = new TailchatApi(tc.url);
  const [alice, bob] = await Promise.all([createUser(api, 'alice'), createUser(api, 'bob')]);
  const { groupId, textPanelId } = await api.createGroup(alice.token, `harness-${tc.transporterKind}`);
  await api.joinGroup(alice.token, groupId, bob.token);
  const probeEvents: UpdateMessageEvent[] = [];
  const broker = createPluginBroker({ tailchat: tc, services: [probeService(probeEvents)] });
  const [bobSocket] = await Promise.all([connectSocket(tc.url, bob.token), joinTailchat(broker)]);
  return { tc, api, alice, bob, groupId, panelId: textPanelId, bobSocket, broker, probeEvents };
}

async function teardown(w: World | undefined): Promise<void> {
  if (!w) return;
  w.bobSocket.close();
  await w.broker.stop().catch(() => {});
}

/** The core scenario both transporters must pass. */
function groupMessageTests(get: () => World): void {
  it('bob joined the group and his socket is in the text panel room', async () => {
    const w = get();
    const groups = await w.api.getUserGroups(w.bob.token);
    const g = groups.find((x) => x._id === w.groupId);
    expect(g?.members.map((m) => m.userId).sort()).toEqual([w.alice.userId, w.bob.userId].sort());
    expect(w.bobSocket.joined.textPanelIds).toContain(w.panelId);
  });

  it('alice sends over HTTP: bob gets notify:chat.message.add, the broker node gets chat.message.updateMessage', async () => {
    const w = get();
    const content = `hello from alice ${Date.now()}`;
    const sent = await w.api.sendMessage(w.alice.token, { converseId: w.panelId, groupId: w.groupId, content, meta: { harness: true } });
    expect(sent.content).toBe(content);

    const atBob = await w.bobSocket.waitFor<ChatMessage>('notify:chat.message.add', (m) => m._id === sent._id);
    expect(atBob).toMatchObject({ content, author: w.alice.userId, converseId: w.panelId, groupId: w.groupId, meta: { harness: true } });

    const ev = await waitForProbe(w.probeEvents, (e) => e.messageId === sent._id);
    expect(ev).toEqual({
      type: 'add',
      groupId: w.groupId,
      converseId: w.panelId,
      messageId: sent._id,
      author: w.alice.userId,
      content,
      meta: { harness: true },
    });

    const history = await w.api.fetchConverseMessage(w.bob.token, w.panelId);
    expect(history.map((m) => m._id)).toContain(sent._id);
  });

  it('a published action of the broker node is reachable over HTTP with X-Token (401 without)', async () => {
    const w = get();
    await expect(w.api.call(`${PROBE}.hello`, {}, w.bob.token)).resolves.toEqual({ from: PROBE, userId: w.bob.userId });
    const err = await w.api.call(`${PROBE}.hello`, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TailchatApiError);
    expect((err as TailchatApiError).status).toBe(401);
  });
}

const PUBLIC_TEXT = 'served from this instance public/';
const PUBLIC_JS = "definePlugin('@plugins/com.example.harnessweb', [], function () {});\n";

let redisTc: TailchatInstance | undefined;
let natsTc: TailchatInstance | undefined;
let pluginSrcDir: string | undefined;
const startTimes: Record<string, number> = {};

beforeAll(async () => {
  pluginSrcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-plugin-src-'));
  const inprocFile = path.join(pluginSrcDir, 'harnessinproc.service.ts');
  fs.writeFileSync(inprocFile, INPROC_SOURCE);
  fs.writeFileSync(path.join(pluginSrcDir, 'probe.txt'), PUBLIC_TEXT);
  fs.mkdirSync(path.join(pluginSrcDir, 'webplugin'));
  fs.writeFileSync(path.join(pluginSrcDir, 'webplugin', 'index.js'), PUBLIC_JS);
  const timed = async (label: string, p: Promise<TailchatInstance>): Promise<TailchatInstance> => {
    const t0 = Date.now();
    const r = await p;
    startTimes[label] = Date.now() - t0;
    return r;
  };
  // Started together: this is also the "several instances at once" case.
  const [a, b] = await Promise.allSettled([
    timed('redis', startTailchat({
      label: 'harness-redis',
      transporter: 'redis',
      serverPlugins: [{ id: 'com.example.harnessinproc', files: { 'services/harnessinproc.service.ts': inprocFile } }],
      waitForServices: [INPROC],
      publicFiles: { 'harness/probe.txt': path.join(pluginSrcDir, 'probe.txt') },
      publicDirs: { 'plugins/com.example.harnessweb': path.join(pluginSrcDir, 'webplugin') },
    })),
    timed('nats', startTailchat({ label: 'harness-nats', transporter: 'nats' })),
  ]);
  if (a.status === 'fulfilled') redisTc = a.value;
  if (b.status === 'fulfilled') natsTc = b.value;
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
});

afterAll(async () => {
  await Promise.all([redisTc?.stop(), natsTc?.stop()]);
  if (pluginSrcDir) fs.rmSync(pluginSrcDir, { recursive: true, force: true });
  if (process.env.TAILCHAT_HARNESS_VERBOSE) console.error('[harness] start times ms', startTimes);
});

describe('two Tailchat instances at the same time', () => {
  it('each answers health on its own port, node, transporter and home (never the default home)', async () => {
    const a = redisTc!;
    const b = natsTc!;
    const [ha, hb] = await Promise.all([fetchHealth(a.url), fetchHealth(b.url)]);
    expect(ha.nodeID).toBe(a.nodeId);
    expect(hb.nodeID).toBe(b.nodeId);
    expect(a.url).not.toBe(b.url);
    expect(a.nodeId).not.toBe(b.nodeId);
    expect(a.transporter).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(b.transporter).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(a.redisUrl).not.toBe(b.redisUrl);
    for (const h of [ha, hb]) expect(h.services).toEqual(expect.arrayContaining(['gateway', 'user', 'group', 'chat.message', 'chat.converse', 'file']));
    for (const tc of [a, b]) {
      expect(tc.home.startsWith(instancesRoot() + path.sep)).toBe(true);
      expect(path.resolve(tc.home)).not.toBe(path.resolve(sharedHome()));
    }
    // The in-process plugin exists only where it was placed.
    expect(ha.services).toContain(INPROC);
    expect(hb.services).not.toContain(INPROC);
  });

  it("publicFiles/publicDirs are served by that instance's gateway only", async () => {
    const txt = await fetch(`${redisTc!.url}/harness/probe.txt`);
    expect(txt.status).toBe(200);
    expect(await txt.text()).toBe(PUBLIC_TEXT);
    const js = await fetch(`${redisTc!.url}/plugins/com.example.harnessweb/index.js`);
    expect(await js.text()).toBe(PUBLIC_JS);
    const other = await fetch(`${natsTc!.url}/harness/probe.txt`);
    expect(await other.text()).not.toBe(PUBLIC_TEXT);
  });

  it('their databases are separate: a user of one cannot log in to the other', async () => {
    const u = await createUser(new TailchatApi(redisTc!.url), 'iso');
    const err = await new TailchatApi(natsTc!.url).login({ email: u.email, password: u.password }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TailchatApiError);
  });
});

describe('Tailchat over redis', () => {
  let w: World | undefined;
  beforeAll(async () => {
    w = await buildWorld(redisTc!);
  });
  afterAll(() => teardown(w));
  groupMessageTests(() => w!);

  it('roles: a role with a plugin permission string reaches only the member it was given to', async () => {
    const { api, alice, bob, groupId } = w!;
    expect(await api.getPermissions(bob.token, groupId)).not.toContain(INVOKE_PERMISSION);
    const roleId = await api.createGroupRole(alice.token, groupId, 'ai-users', [INVOKE_PERMISSION]);
    await api.appendGroupMemberRoles(alice.token, groupId, [bob.userId], [roleId]);
    expect(await api.getPermissions(bob.token, groupId)).toContain(INVOKE_PERMISSION);
    const g = (await api.getUserGroups(alice.token)).find((x) => x._id === groupId);
    expect(g?.members.find((m) => m.userId === bob.userId)?.roles).toEqual([roleId]);
    expect(g?.members.find((m) => m.userId === alice.userId)?.roles).toEqual([]);
  });

  it('DM: alice -> bob arrives at bob and at the broker node without groupId', async () => {
    const { api, alice, bob, bobSocket, probeEvents } = w!;
    const dm = await api.createDMConverse(alice.token, [bob.userId]);
    expect(dm.type).toBe('DM');
    expect([...dm.members].sort()).toEqual([alice.userId, bob.userId].sort());
    const sent = await api.sendMessage(alice.token, { converseId: dm._id, content: 'psst bob' });
    const atBob = await bobSocket.waitFor<ChatMessage>('notify:chat.message.add', (m) => m._id === sent._id);
    expect(atBob.converseId).toBe(dm._id);
    const ev = await waitForProbe(probeEvents, (e) => e.messageId === sent._id);
    expect(ev.converseId).toBe(dm._id);
    expect(ev).not.toHaveProperty('groupId');
  });

  it("serverPlugins: the placed service runs inside Tailchat's own process", async () => {
    const { api, bob, tc, alice, panelId, groupId } = w!;
    const who = await api.call<{ pid: number; cwd: string; nodeID: string; userId: string }>(`${INPROC}.whoami`, {}, bob.token);
    expect(who.pid).toBe(Number(tc.env.TAILCHAT_PID));
    expect(who.nodeID).toBe(tc.nodeId);
    expect(who.cwd).toBe(path.join(tc.home, 'tailchat', 'server'));
    expect(who.userId).toBe(bob.userId);
    // and it gets Tailchat's events like any local service
    const sent = await api.sendMessage(alice.token, { converseId: panelId, groupId, content: 'for the in-process plugin' });
    await withTimeout(
      (async () => {
        while (!(await api.call<string[]>(`${INPROC}.seen`, {}, bob.token)).includes(sent._id)) await new Promise((r) => setTimeout(r, 50));
      })(),
      10_000,
      'in-process plugin to see the message',
    );
  });

  it('socket.waitFor fails with a timeout when the event never comes', async () => {
    await expect(w!.bobSocket.waitFor('notify:never.happens', undefined, 300)).rejects.toThrow(/timeout after 300 ms.*notify:never\.happens/);
  });
});

describe('Tailchat over nats', () => {
  let w: World | undefined;
  beforeAll(async () => {
    w = await buildWorld(natsTc!);
  });
  afterAll(() => teardown(w));
  groupMessageTests(() => w!);
});

describe('stop()', () => {
  it('ends every process of the instance, is idempotent, and leaves the other instance running', async () => {
    const tc = natsTc!;
    const pids = ['TAILCHAT_PID', 'CONGODB_PID', 'REDIS_PID', 'S3RVER_PID', 'NATS_PID'].map((k) => Number(tc.env[k]));
    expect(pids.every((p) => p > 0 && alive(p))).toBe(true);
    await tc.stop();
    await tc.stop();
    expect(pids.filter(alive)).toEqual([]);
    await expect(fetchHealth(tc.url)).rejects.toThrow();
    await expect(fetchHealth(redisTc!.url)).resolves.toMatchObject({ nodeID: redisTc!.nodeId });
  });
});
