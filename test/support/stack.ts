/**
 * The one way an end-to-end or browser file builds its stack: a real Tailchat (the run's shared
 * one, or the file's own), the fake model server and the real OpenClaw gateway, the bundle as its
 * own process, users and a group, a conversation, Chromium. One `stop()` undoes what was
 * started, newest first, also after a start that failed halfway.
 *
 * Shared or own: the shared Tailchat (test/support/shared-tailchat.ts: NATS, web client served)
 * suits every file that only needs fresh users and groups. A file that stops or restarts Tailchat
 * or its transporter, loads server plugins into Tailchat's process, needs Tailchat env or the
 * Redis transporter keeps its own instance (`tailchat: 'own'`).
 *
 * On the shared Tailchat, Tailchat's balanced event `chat.message.updateMessage` would split the
 * messages between this file's bundle and a bundle of an earlier file that is still registered
 * (one killed as a crash stays "available" until its heartbeat times out). So a file's first
 * bundle starts only once no agent service is left in Tailchat's registry.
 */
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import { CHAT_SERVICE, RUNNER_SERVICE } from '../../services/names.js';
import { startModelServer, type ModelServer, type ModelServerOptions } from '../model-server/server.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../openclaw/gateway.js';
import { createUser, TailchatApi, type TestUser } from '../tailchat/api.js';
import { launchBrowser } from '../tailchat/browser.js';
import { fetchHealth, startTailchat, waitForHealthServices, type StartOptions, type TailchatInstance, type TransporterKind } from '../tailchat/kit.js';
import { ensurePluginBotUser } from '../tailchat/plugin-bot.js';
import { createPluginBroker } from '../tailchat/broker.js';
import { openRealClient, webClientFiles, type OpenOptions, type RealClient } from '../web/support/real-client.js';
import { startBundleProcess, type BundleProcess } from './bundle-process.js';
import { startConversation, type Conversation, type ConversationOptions } from './conversation.js';
import { sharedTailchat } from './shared-tailchat.js';

/** The bundle's two services, as Tailchat's health endpoint lists them. */
export const AGENT_SERVICES = [CHAT_SERVICE, RUNNER_SERVICE];

export interface OwnTailchatOptions extends Omit<StartOptions, 'transporter' | 'label' | 'publicDirs' | 'publicFiles'> {
  /** Serve the web client and the built plugin (as the shared Tailchat always does). */
  webClient?: boolean;
}

export interface GroupSpec {
  name?: string;
  /** Users (by name in `users`) the owner adds to the group. */
  members?: string[];
  /**
   * What the web client's "create group" does right after creating one (CreateGroup.tsx,
   * applyDefaultFallbackGroupPermission): members may see panels and write. Without it a member
   * sees "No panel access" in the web client. Default true.
   */
  webDefaults?: boolean;
}

export type GatewaySpec = Omit<TestGatewayOptions, 'modelUrl'>;
/** A bundle's env, or made from what started before it (Tailchat's URL, the model's). */
export type BundleEnv = Record<string, string> | ((started: { tc: TailchatInstance; model: ModelServer | undefined; gateway: TestGateway | undefined }) => Record<string, string>);

export interface StackOptions {
  /** Names the Tailchat home, the bundle's log label and the model/gateway dirs. */
  label: string;
  /** Default 'shared'. */
  tailchat?: 'shared' | 'own';
  /** Own Tailchat only (the shared one is NATS). Default 'nats'. */
  transporter?: TransporterKind;
  own?: OwnTailchatOptions;
  /** The fake OpenAI-compatible model server (started when `gateway` is set, too). */
  model?: ModelServerOptions;
  /** The real OpenClaw gateway on the fake model; the bundle then uses it as its engine. */
  gateway?: GatewaySpec | ((model: ModelServer) => GatewaySpec);
  /**
   * The bundle process started with the stack (`false`: none, e.g. the file starts its own later
   * through `startBundle`). `env` goes over the transporter, namespace and engine.
   */
  bundle?: false | { env?: BundleEnv; label?: string; entry?: string };
  /** Wait until Tailchat lists the agent's services before resolving. Default true when a bundle starts. */
  waitForAgent?: boolean;
  /** Users to create, by name (the first one owns `group`). */
  users?: string[];
  group?: GroupSpec;
  /** alice and bob in a group, bob's socket listening (test/support/conversation.ts). */
  conversation?: boolean | ConversationOptions;
  browser?: boolean;
  /**
   * The real web client (Chromium, plugin pre-installed) signed in as `user` on `group`'s panel,
   * opened while the bundle joins. Implies `browser`.
   */
  client?: { user: string; options?: Omit<OpenOptions, 'browser'> };
}

export interface Stack {
  tc: TailchatInstance;
  api: TailchatApi;
  /** The plugin bot user (one per Tailchat). */
  botUserId: string;
  model: ModelServer | undefined;
  gateway: TestGateway | undefined;
  /** The first bundle process (`bundle: false`: the first `startBundle`). */
  bundle: BundleProcess;
  bundles: BundleProcess[];
  users: Record<string, TestUser>;
  group: { groupId: string; panelId: string; owner: TestUser } | undefined;
  conv: Conversation;
  browser: Browser;
  client: RealClient;
  /** The transporter, namespace and (with a gateway) engine env every bundle of this stack starts with. */
  bundleEnv: Record<string, string>;
  /** Another bundle process on this stack (stopped by `stop()` unless the test stops it first). */
  startBundle(env?: Record<string, string>, label?: string, entry?: string): BundleProcess;
  /** Until Tailchat lists the agent's services. */
  waitForAgent(timeoutMs?: number): Promise<void>;
  /** Until Tailchat lists none of them (a stopped or crashed bundle is forgotten). */
  waitForNoAgent(timeoutMs?: number): Promise<void>;
  /**
   * Until the cluster lists exactly `count` live instances of the chat service and of the runner
   * (balanced events alternate between the instances only once all are known).
   */
  waitForInstances(count: number, timeoutMs?: number): Promise<void>;
  /** Everything started, newest first; idempotent. */
  stop(): Promise<void>;
}

/** Until Tailchat's registry no longer lists any of the agent's services. */
export async function waitForNoAgent(url: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const left = (await fetchHealth(url)).services.filter((s) => AGENT_SERVICES.includes(s));
    if (left.length === 0) return;
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`Tailchat ${url} still lists ${left.join(', ')} after ${timeoutMs} ms: a bundle of an earlier file is still registered`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Promise.all that waits for every promise before rejecting: what did start must be known to
 * `stop()` when another part fails.
 */
async function settled<T extends readonly unknown[]>(...promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** A handle that throws on use when the option that makes it was not given. */
function absent<T extends object>(what: string, option: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      throw new Error(`stack.${what} was not started: pass \`${option}\` to startStack`);
    },
  });
}

async function openTailchat(o: StackOptions): Promise<TailchatInstance> {
  if ((o.tailchat ?? 'shared') === 'shared') {
    if (o.own || (o.transporter && o.transporter !== 'nats')) {
      throw new Error(`startStack(${o.label}): transporter and own options need tailchat: 'own' (the shared Tailchat is NATS)`);
    }
    const shared = await sharedTailchat(inject('sharedTailchatControl'));
    // The run stops it; a file's stop leaves it to the next file.
    return { ...shared, redisUrl: shared.redisUrl, natsUrl: shared.natsUrl, stop: async () => {} };
  }
  const { webClient, ...own } = o.own ?? {};
  return startTailchat({ ...own, ...(webClient ? webClientFiles() : {}), transporter: o.transporter ?? 'nats', label: o.label });
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const undo: (() => Promise<unknown> | void)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const errors: unknown[] = [];
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length) throw new AggregateError(errors, `stopping the ${o.label} stack`);
    })();
    return stopped;
  };

  try {
    const startModel = o.model !== undefined || o.gateway !== undefined;
    const model = startModel ? await startModelServer(o.model) : undefined;
    if (model) undo.push(() => model.close());
    // Tailchat and the gateway take the longest (~20-30 s each): side by side.
    const [tc, gateway] = await settled(
      openTailchat(o).then((tc) => (undo.push(() => tc.stop()), tc)),
      o.gateway ? startTestGateway({ ...(typeof o.gateway === 'function' ? o.gateway(model!) : o.gateway), modelUrl: model!.url }).then((g) => (undo.push(() => g.dispose()), g)) : undefined,
    );

    const shared = (o.tailchat ?? 'shared') === 'shared';
    const api = new TailchatApi(tc.url);
    const bundleEnv: Record<string, string> = {
      TRANSPORTER: tc.transporter,
      TAILCHAT_NAMESPACE: tc.namespace,
      ...(gateway ? { AI_ENGINE: 'openclaw', OPENCLAW_GATEWAY_URL: gateway.url, OPENCLAW_GATEWAY_TOKEN: gateway.token } : {}),
    };
    const bundles: BundleProcess[] = [];
    const startBundle = (env: Record<string, string> = {}, label = `bundle-${o.label}`, entry?: string): BundleProcess => {
      const b = startBundleProcess({ ...bundleEnv, ...env }, label, entry);
      bundles.push(b);
      undo.push(() => b.stop());
      return b;
    };
    const waitForAgent = async (timeoutMs = 60_000) => {
      await waitForHealthServices(tc.url, AGENT_SERVICES, timeoutMs);
    };
    const waitForInstances = async (count: number, timeoutMs = 30_000) => {
      const probe = createPluginBroker({ tailchat: tc });
      await probe.start();
      try {
        const t0 = Date.now();
        for (;;) {
          const list = probe.registry.getServiceList({ onlyAvailable: true }) as { name: string; nodeID: string }[];
          const nodes = (name: string) => new Set(list.filter((s) => s.name === name).map((s) => s.nodeID)).size;
          if (AGENT_SERVICES.every((name) => nodes(name) === count)) return;
          if (Date.now() - t0 > timeoutMs) throw new Error(`${count} instances of ${AGENT_SERVICES.join(' and ')} not listed after ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await probe.stop();
      }
    };

    // An earlier file's bundle must be gone before this file's joins (see the header).
    if (shared) await waitForNoAgent(tc.url);
    if (o.bundle) {
      const env = typeof o.bundle.env === 'function' ? o.bundle.env({ tc, model, gateway }) : o.bundle.env;
      startBundle(env, o.bundle.label, o.bundle.entry);
    }

    const [botUserId, users, browser] = await settled(
      ensurePluginBotUser(tc),
      Promise.all((o.users ?? []).map((name) => createUser(api, name))),
      o.browser || o.client ? launchBrowser().then((b) => (undo.push(() => b.close()), b)) : undefined,
    );
    const byName = Object.fromEntries((o.users ?? []).map((name, i) => [name, users[i]!]));

    let group: Stack['group'];
    if (o.group) {
      const owner = users[0];
      if (!owner) throw new Error(`startStack(${o.label}): a group needs users (the first one owns it)`);
      const { groupId, textPanelId: panelId } = await api.createGroup(owner.token, o.group.name ?? `${o.label} group`);
      if (o.group.webDefaults ?? true) {
        await api.call('group.updateGroupField', { groupId, fieldName: 'fallbackPermissions', fieldValue: ['core.viewPanel', 'core.message'] }, owner.token);
      }
      for (const member of o.group.members ?? []) {
        const user = byName[member];
        if (!user) throw new Error(`startStack(${o.label}): group member ${member} is not one of users`);
        await api.joinGroup(owner.token, groupId, user.token);
      }
      group = { groupId, panelId, owner };
    }

    let client: RealClient | undefined;
    const openClient = async () => {
      if (!o.client) return;
      const user = byName[o.client.user];
      if (!user || !group) throw new Error(`startStack(${o.label}): the client needs a group and ${o.client.user} among users`);
      client = await openRealClient(tc.url, user.token, `/main/group/${group.groupId}/${group.panelId}`, { ...o.client.options, browser: browser! });
      undo.push(() => client!.close());
    };
    await settled(openClient(), bundles.length && (o.waitForAgent ?? true) ? waitForAgent() : undefined);
    let conv: Conversation | undefined;
    if (o.conversation) {
      conv = await startConversation(tc, o.conversation === true ? {} : o.conversation);
      undo.push(() => conv!.close());
    }

    return {
      tc,
      api,
      botUserId,
      model,
      gateway,
      get bundle() {
        return bundles[0] ?? absent<BundleProcess>('bundle', 'bundle');
      },
      bundles,
      users: byName,
      group,
      conv: conv ?? absent<Conversation>('conv', 'conversation'),
      browser: browser ?? absent<Browser>('browser', 'browser'),
      client: client ?? absent<RealClient>('client', 'client'),
      bundleEnv,
      startBundle,
      waitForAgent,
      waitForNoAgent: (timeoutMs) => waitForNoAgent(tc.url, timeoutMs),
      waitForInstances,
      stop,
    };
  } catch (err) {
    await stop().catch((e: unknown) => console.error(`stopping the ${o.label} stack after a failed start:`, e));
    throw err;
  }
}
