/**
 * Bot mode on the real Tailchat: the bridge as an open-platform bot (services/botmode/main.ts as
 * its own process), with no broker access at all. The open-platform app and its bot are created
 * the way an admin does it, over Tailchat's HTTP API (`openapi.app.create`, `setAppCapability`,
 * `openapi.integration.addBotUser`); Tailchat's own `openapi` services do the work.
 *
 * - the same end-to-end conversation as the in-cluster forms (test/e2e/scenario.ts), minus the
 *   live draft (gateway.notify is broker-only), plus a DM;
 * - permissions computed from the group as the bot sees it (roles, members);
 * - the bot's connection cut and restored (a TCP proxy between the bot and Tailchat): it rejoins
 *   its rooms, answers what was posted meanwhile, and handles nothing twice;
 * - its token renewed before expiry (a short max age forces it);
 * - a wrong secret: a clear error naming the app id, exit code 77, the secret never printed.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBundleProcess, type BundleProcess } from '../support/bundle-process.js';
import { aiMeta, startConversation, type Conversation, type WireMessage } from '../support/conversation.js';
import type { TailchatApi, TestUser } from '../tailchat/api.js';
import { fetchHealth, type TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { expectNewForgets, expectNoAnswerToBots, expectReplyAndFinalMessage } from './scenario.js';

const INVOKE = 'plugin.com.yourcompany.ai.invoke';

// ---- the admin's side: an open-platform app with the bot capability --------------------------
interface BotApp {
  appId: string;
  appSecret: string;
  appName: string;
}

async function createBotApp(api: TailchatApi, admin: TestUser, appName: string): Promise<BotApp> {
  const app = await api.call('openapi.app.create', { appName, appDesc: 'tailchat-agent bot mode test', appIcon: '' }, admin.token, z.looseObject({ appId: z.string(), appSecret: z.string() }));
  await api.call('openapi.app.setAppCapability', { appId: app.appId, capability: ['bot'] }, admin.token);
  return { appId: app.appId, appSecret: app.appSecret, appName };
}

async function addBotToGroup(api: TailchatApi, owner: TestUser, app: BotApp, groupId: string): Promise<void> {
  await api.call('openapi.integration.addBotUser', { appId: app.appId, groupId }, owner.token);
}

// ---- the bot-mode process ---------------------------------------------------------------------
type BotProcess = BundleProcess;

function startBot(env: Record<string, string>, label: string): BotProcess {
  return startBundleProcess({ AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '25', ...env }, label, 'services/botmode/main.ts');
}

function botEnv(tcUrl: string, app: BotApp, extra: Record<string, string> = {}): Record<string, string> {
  return { TAILCHAT_BOT_URL: tcUrl, TAILCHAT_BOT_APP_ID: app.appId, TAILCHAT_BOT_APP_SECRET: app.appSecret, ...extra };
}

/** The bot's user id, as the bot-mode login reported it. */
async function readyBotUserId(bot: BotProcess): Promise<string> {
  await bot.waitForOutput(/bot mode ready/);
  const m = /bot mode ready \{"appId":"[^"]+","botUserId":"([0-9a-f]{24})"/.exec(bot.output());
  if (!m) throw new Error(`no bot user id in:\n${bot.output().slice(-2000)}`);
  return m[1]!;
}

// ---- a TCP proxy the test can cut: the bot's network to Tailchat (HTTP and websocket) ---------
interface Proxy {
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${own}`,
    cut() {
      down = true;
      for (const s of open) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

/** How many stored bot replies answer each prompt id. */
async function repliesPerPrompt(conv: Conversation): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of await conv.botMessages()) {
    const to = (m.meta?.reply as { _id?: string } | undefined)?._id;
    if (to) out.set(to, (out.get(to) ?? 0) + 1);
  }
  return out;
}

let stack: Stack;
let tc: TailchatInstance;
let api: TailchatApi;
let admin: TestUser;

// The bot talks to Tailchat over HTTP and socket.io only: the shared Tailchat, no bundle node.
beforeAll(async () => {
  stack = await startStack({ label: 'botmode', bundle: false, users: ['admin'] });
  ({ tc, api } = stack);
  admin = stack.users.admin!;
});
afterAll(() => stack?.stop());

describe('bot mode: the open platform of the real Tailchat', () => {
  it("Tailchat's own openapi services are loaded (no flag needed: enableOpenapi is on by default)", async () => {
    const { services } = await fetchHealth(tc.url);
    expect(services).toEqual(expect.arrayContaining(['openapi.app', 'openapi.bot', 'openapi.integration']));
  });

  it('a wrong secret stops the bridge with a clear error naming the app id, exit code 77, the secret never printed', async () => {
    const app = await createBotApp(api, admin, 'Wrong secret bot');
    const wrong = `not-the-secret-${Date.now()}`;
    const bot = startBot(botEnv(tc.url, { ...app, appSecret: wrong }), 'bot-wrong');
    const code = await Promise.race([bot.exited, new Promise<'hang'>((r) => setTimeout(() => r('hang'), 30_000))]);
    const out = bot.output();
    expect(code, out).toBe(77);
    expect(out).toContain(app.appId);
    expect(out).toMatch(/secret is wrong/);
    for (const s of [wrong, app.appSecret, createHash('md5').update(app.appId + wrong).digest('hex')]) expect(out).not.toContain(s);
  });
});

describe('bot mode: the same conversation as the in-cluster forms', () => {
  let bot: BotProcess;
  let app: BotApp;
  let conv: Conversation;

  beforeAll(async () => {
    app = await createBotApp(api, admin, 'Agent Bot');
    bot = startBot(botEnv(tc.url, app), 'bot-a');
    const botUserId = await readyBotUserId(bot);
    conv = await startConversation(tc, {
      bot: { userId: botUserId, nickname: app.appName },
      onGroup: ({ groupId, owner }) => addBotToGroup(api, owner, app, groupId),
    });
  });
  afterAll(async () => {
    conv?.close();
    expect(await bot?.stop()).toBe(0);
    expect(bot.output()).not.toContain(app.appSecret);
  });

  it('answers a mention with one stored reply (no live draft without the broker)', async () => {
    await expectReplyAndFinalMessage(conv, { live: false });
  });
  it('never answers itself or another bot', async () => {
    await expectNoAnswerToBots(conv, tc);
  });
  it('/new starts a new conversation for the group', async () => {
    await expectNewForgets(conv);
  });
  it('answers a direct message to the bot', async () => {
    const dm = await conv.api.createDMConverse(conv.alice.token, [conv.botUserId]);
    const sent = await conv.api.sendMessage(conv.alice.token, { converseId: dm._id, content: 'hello in private' });
    const t0 = Date.now();
    for (;;) {
      const reply = (await conv.api.fetchConverseMessage(conv.alice.token, dm._id)).find((m) => m.author === conv.botUserId);
      if (reply) {
        expect(reply.content).toContain('You said: "hello in private"');
        expect((reply.meta?.reply as { _id?: string })._id).toBe(sent._id);
        break;
      }
      if (Date.now() - t0 > 15_000) throw new Error(`no DM reply:\n${bot.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

describe('bot mode: permissions, a cut connection, token renewal', () => {
  let bot: BotProcess;
  let app: BotApp;
  let conv: Conversation;
  let proxy: Proxy;

  beforeAll(async () => {
    app = await createBotApp(api, admin, 'Resilient Bot');
    proxy = await startProxy(tc.url);
    bot = startBot(
      botEnv(proxy.url, app, {
        AI_INVOKE_BY_DEFAULT: 'false',
        // Tokens "expire" after 3 s and are renewed 1 s before: several renewals per test.
        TAILCHAT_BOT_TOKEN_MAX_AGE_MS: '3000',
        TAILCHAT_BOT_TOKEN_RENEW_MARGIN_MS: '1000',
        TAILCHAT_BOT_RECONNECT_MAX_MS: '1000',
      }),
      'bot-b',
    );
    const botUserId = await readyBotUserId(bot);
    conv = await startConversation(tc, {
      bot: { userId: botUserId, nickname: app.appName },
      onGroup: ({ groupId, owner }) => addBotToGroup(api, owner, app, groupId),
    });
  });
  afterAll(async () => {
    conv?.close();
    await bot?.stop();
    await proxy?.close();
  });

  it("checks the invoke permission against the group's roles and members as the bot sees them", async () => {
    const refused = await conv.ask('may I?', conv.bob);
    const no = await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === refused._id, 15_000);
    expect(no.content).toContain('do not have permission');

    const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'ai users', [INVOKE]);
    await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [conv.bob.userId], [roleId]);
    const allowed = await conv.ask('and now?', conv.bob);
    const yes = await conv.finalReplyTo(allowed);
    expect(yes.content).toContain('You said: "and now?"');
    expect(aiMeta(yes)).toMatchObject({ status: 'done', requester: conv.bob.userId });
    // The owner may always invoke.
    expect((await conv.finalReplyTo(await conv.ask('owner asks'))).content).toContain('You said: "owner asks"');
  });

  it('renews its token before expiry and keeps working with the new one', async () => {
    await bot.waitForOutput(/bot token renewed/, 15_000, 3);
    const prompt = await conv.ask('after renewals');
    expect((await conv.finalReplyTo(prompt)).content).toContain('You said: "after renewals"');
    expect(bot.output()).not.toMatch(/answered 401|socket refused the token/);
  });

  it('after the connection is cut and restored it rejoins its rooms, answers what it missed, and handles nothing twice', async () => {
    const before = await conv.ask('before the cut');
    await conv.finalReplyTo(before);
    // Bob can see the reply before the bot has read Tailchat's answer to storing it: wait for that too.
    await bot.waitForOutput(new RegExp(`run finished \\{"runId":"tc-${before._id}"`));
    const joinsBefore = bot.count(/socket reconnected; rooms joined again/);

    proxy.cut();
    await bot.waitForOutput(/socket unavailable; reconnecting/);
    // Posted while the bot cannot hear anything.
    const during = await conv.ask('during the cut');
    await new Promise((r) => setTimeout(r, 1500));
    proxy.restore();
    await bot.waitForOutput(/socket reconnected; rooms joined again/, 20_000, joinsBefore + 1);

    expect((await conv.finalReplyTo(during, 20_000)).content).toContain('You said: "during the cut"');
    const after = await conv.ask('after the cut');
    expect((await conv.finalReplyTo(after)).content).toContain('You said: "after the cut"');

    // Exactly one reply per prompt, ever; the catch-up saw the pre-cut messages again and dropped them.
    await new Promise((r) => setTimeout(r, 1000));
    const counts = await repliesPerPrompt(conv);
    for (const p of [before, during, after]) expect(counts.get(p._id), `replies to ${p.content}`).toBe(1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const caught = /caught up after reconnect \{[^}]*"delivered":(\d+),"duplicates":(\d+)\}/.exec(bot.output());
    expect(caught, bot.output().slice(-3000)).not.toBeNull();
    expect(Number(caught![1])).toBeGreaterThanOrEqual(1);
    expect(Number(caught![2])).toBeGreaterThanOrEqual(1);
    const handled = [...bot.output().matchAll(/message handled \{"messageId":"([0-9a-f]{24})"/g)].map((m) => m[1]);
    expect(handled.length).toBe(new Set(handled).size);
    expect(handled).toContain(during._id);
  });
});
