/**
 * Bot mode: the same bridge as the in-cluster service, reached through Tailchat's open platform
 * instead of its broker. One core, two ways in: messages go through `handleMessageEvent` (session
 * mapping, triggers, permissions, settings, commands, rate limits), runs through `createRunner`
 * in this process (engines, streaming, final message), both with a TailchatHost over HTTP.
 */
import { handleMessageEvent, type ChatDeps, type HandleOutcome, type RunnerClient } from '../chat/handle-message.js';
import { TEXT } from '../chat/texts.js';
import type { EngineRegistry } from '../engine/registry.js';
import { createMemoryCounterStore, createRateLimiter } from '../limits/rate-limit.js';
import { createPermissionChecker } from '../permission/check.js';
import type { Logger } from '../run/execute.js';
import { createRunner, type Runner } from '../run/runner.js';
import { createGroupSettingsStore, createSettingsStore } from '../settings/group-settings.js';
import { openPluginStore, type PluginStore } from '../store/plugin-store.js';
import { createBotUserDetector } from '../tailchat/bot-user.js';
import { createRoster } from '../agents/roster.js';
import { directoryOf } from '../agents/directory.js';
import { botModeGroupAgents } from '../agents/membership.js';
import type { BundleConfig } from '../../config/schema.js';
import type { GroupSettings } from '../../protocol/actions.js';
import { toUpdateMessageEvent } from './adapt.js';
import type { BotSession, MessageSource, OpenPlatformClient } from './client.js';
import { createGroupDirectory, type GroupDirectory } from './groups.js';
import { createBotModeHost } from './host.js';
import type { ChatMessage } from './schemas.js';
import { accessConfigFrom } from '../policy/authorize.js';

export interface BotModeBridgeOptions {
  config: BundleConfig;
  client: OpenPlatformClient;
  engines: EngineRegistry;
  logger: Logger;
  /** How long stop() waits for running replies (default 30 s). */
  drainTimeoutMs?: number;
  /** Every handled message and its outcome (tests, logs). */
  onHandled?: (message: ChatMessage, source: MessageSource, outcome: HandleOutcome) => void;
}

export interface BotModeBridge {
  /** Logs in, joins the rooms and starts answering. Rejects with BotAuthError on bad credentials. */
  start(): Promise<BotSession>;
  readonly runner: Runner | undefined;
  readonly groups: GroupDirectory;
  /** Stops hearing messages, waits for running replies, closes the engines. */
  stop(): Promise<void>;
}

export function createBotModeBridge(o: BotModeBridgeOptions): BotModeBridge {
  const { config, client, engines, logger } = o;
  const groups = createGroupDirectory(client, { logger });
  const defaults: GroupSettings = { ...config.groupDefaults, engine: config.groupDefaults.engine ?? config.engines.default };
  let runner: Runner | undefined;
  let unsubscribe: (() => void) | undefined;
  let pluginStore: PluginStore | undefined;

  return {
    get runner() {
      return runner;
    },
    groups,
    async start() {
      // Subscribed before the first connect, so nothing heard then is lost.
      let deps: ChatDeps | undefined;
      const pending: Array<[ChatMessage, MessageSource]> = [];
      const handle = async (m: ChatMessage, source: MessageSource) => {
        if (!deps) {
          pending.push([m, source]);
          return;
        }
        const outcome = await handleMessageEvent(toUpdateMessageEvent(m), deps);
        if (outcome.kind === 'started' || outcome.kind === 'refused' || outcome.kind === 'command') {
          logger.info('message handled', { messageId: m._id, source, ...outcome });
        }
        o.onHandled?.(m, source, outcome);
      };
      unsubscribe = client.onMessage(handle);

      const session = await client.start();
      const host = createBotModeHost(client, session.userId, groups);
      // Bot mode usually reaches no database: then group settings are read from Tailchat's group
      // data, which anyone can read and core.groupConfig holders rewrite (docs/SECURITY.md).
      pluginStore = config.state.mongoUrl ? openPluginStore(config.state.mongoUrl, logger) : undefined;
      if (!pluginStore) logger.warn("group settings read from Tailchat's group data (no AI_MONGO_URL): holders of core.groupConfig can change them (docs/SECURITY.md)");
      runner = createRunner(
        engines,
        {
          host,
          botUserId: session.userId,
          intervalMs: config.stream.intervalMs,
          maxReplyChars: config.limits.maxReplyChars,
          runTimeoutMs: config.limits.runTimeoutMs,
          logger,
        },
        { maxActive: config.limits.maxRuns, maxPerGroup: config.limits.maxRunsPerGroup, maxQueued: config.limits.maxQueued, maxPerUser: config.limits.maxRunsPerUser },
      );
      const local = runner;
      const runnerClient: RunnerClient = {
        async start(job) {
          local.start(job);
        },
        abortSession: (sessionKey, requester) => local.abortSession(sessionKey, requester),
        reset: (engineId, sessionKey) => local.reset(engineId, sessionKey),
        async stats(engineId, userId) {
          return (await local.stats(engineId, userId)) ?? TEXT.noStats;
        },
      };
      // One app is one bot: the process serves one agent, the first configured, as the app's bot.
      // The app's name is its display name: typed "@<app name> …" mentions count.
      const agent = { ...createRoster(config).defaultAgent, userId: session.userId, nickname: session.nickname || config.bot.nickname };
      deps = {
        host,
        botUserId: session.userId,
        agents: directoryOf([agent]),
        groupAgents: botModeGroupAgents(agent),
        settings: pluginStore ? createSettingsStore(pluginStore.settings, defaults) : createGroupSettingsStore(host, defaults),
        can: createPermissionChecker(host, config.permissions),
        runner: runnerClient,
        isBot: createBotUserDetector(host),
        access: accessConfigFrom(config),
        maxPromptChars: config.limits.maxPromptChars,
        maxIntakeChars: config.limits.maxIntakeChars,
        attachments: config.limits.attachments,
        // One bot-mode process per app (every process of an app hears every message).
        rateLimit: createRateLimiter(createMemoryCounterStore(), config.limits),
        defaultEngine: config.engines.default,
        dmAgentId: config.groupDefaults.agentId,
        logger,
      };
      for (const [m, source] of pending.splice(0)) {
        void handle(m, source).catch((err) => logger.error('message handling failed', { messageId: m._id, error: String(err) }));
      }
      return session;
    },
    async stop() {
      unsubscribe?.();
      await client.close();
      if (runner) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((r) => (timer = setTimeout(r, o.drainTimeoutMs ?? 30_000)));
        await Promise.race([runner.drain(), timeout]);
        clearTimeout(timer);
      }
      await engines.close();
      await pluginStore?.release();
    },
  };
}
