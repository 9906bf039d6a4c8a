/**
 * `plugin:com.yourcompany.ai` — the chat side. Sees every Tailchat message, decides which are for
 * the agent, checks permissions, and hands runs to the engine side (`…runner`). Carries no
 * engine code and no secrets, so it can run inside Tailchat's own process (Node 18) as a server
 * plugin, or in the bundle's own process on Tailchat's transporter.
 */
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import moleculer from 'moleculer';
import { TEXT } from '../bridge/chat/texts.js';
import { handleMessageEvent, type ChatDeps, type RunnerClient } from '../bridge/chat/handle-message.js';
import { createPermissionChecker, type Capability, type PermissionChecker } from '../bridge/permission/check.js';
import { createGroupSettingsStore, type GroupSettingsStore } from '../bridge/settings/group-settings.js';
import { createBotUserDetector, resolveBotUserId } from '../bridge/tailchat/bot-user.js';
import { createTailchatHost, type TailchatHost } from '../bridge/tailchat/host.js';
import { createMemoryCounterStore, createRateLimiter, createRedisCounterStore } from '../bridge/limits/rate-limit.js';
import { Redis } from 'ioredis';
import type { RunJob } from '../bridge/run/execute.js';
import type { BundleConfig } from '../config/schema.js';
import { ACTIONS, getGroupSettingsParams, resolveApprovalParams, saveGroupSettingsParams, stopRunParams, type GroupSettings } from '../protocol/actions.js';
import { adaptLogger } from './logger.js';
import { CHAT_SERVICE, RUNNER_SERVICE } from './names.js';

const { MoleculerClientError } = moleculer.Errors;

interface ChatState {
  host: TailchatHost;
  closeStore?: () => Promise<void>;
  settings: GroupSettingsStore;
  can: PermissionChecker;
  botUserId?: Promise<string>;
  /** Everything a message needs but the bot id and the runner (which rides the event's context). */
  baseDeps: Omit<ChatDeps, 'botUserId' | 'runner'>;
}

type AuthedContext<P> = Context<P, { userId?: string }>;

export function createAiService(config: BundleConfig): ServiceSchema {
  let state: ChatState;
  let broker: ServiceBroker;

  const defaults: GroupSettings = { ...config.groupDefaults, engine: config.groupDefaults.engine ?? config.engines.default };

  const botUserId = () => {
    state.botUserId ??= broker
      .waitForServices(['user'], 60_000)
      .then(() => resolveBotUserId(state.host, config.bot))
      .catch((err) => {
        state.botUserId = undefined; // retry on the next message
        throw err;
      });
    return state.botUserId;
  };

  const runnerClient = (ctx: Context, receivedAt?: number): RunnerClient => ({
    async start(job: RunJob) {
      await ctx.call(`${RUNNER_SERVICE}.startRun`, { job: receivedAt === undefined ? job : { ...job, receivedAt } });
    },
    async abortSession(sessionKey) {
      return anyRunnerSaysTrue(await askEveryRunner(broker, ctx, 'abortSession', { sessionKey }));
    },
    async stats(engineId, userId) {
      const { text } = (await ctx.call(`${RUNNER_SERVICE}.stats`, { engineId, userId })) as { text: string | null };
      return text ?? TEXT.noStats;
    },
    async reset(engineId, sessionKey) {
      const results = await askEveryRunner(broker, ctx, 'resetSession', { engineId, sessionKey });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  });

  const requireUser = (ctx: AuthedContext<unknown>): string => {
    const userId = ctx.meta.userId;
    if (!userId) throw new MoleculerClientError('Sign in to use the AI assistant.', 401, 'UNAUTHORIZED');
    return userId;
  };
  const requireCapability = async (groupId: string, userId: string, capability: Capability) => {
    const result = await state.can(groupId, userId, capability);
    if (!result.allowed) {
      throw new MoleculerClientError(`You do not have the "${capability}" permission of the AI assistant in this group.`, 403, 'FORBIDDEN', { capability });
    }
  };
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new MoleculerClientError(`Invalid request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 422, 'VALIDATION_ERROR');
    }
    return r.data;
  };
  /** The run's group and requester, read from the prompt message itself (stateless: any instance can answer). */
  const runOrigin = async (ctx: Context, runId: string, userId: string) => {
    const messageId = runId.startsWith('tc-') ? runId.slice(3) : runId;
    const message = (await ctx.call('chat.message.getMessage', { messageId }, { meta: { userId } }).catch(() => null)) as {
      groupId?: string;
      author?: string;
    } | null;
    if (!message) throw new MoleculerClientError('That reply is not visible to you.', 404, 'NOT_FOUND');
    return { groupId: message.groupId ? String(message.groupId) : undefined, requester: String(message.author) };
  };

  return {
    name: CHAT_SERVICE,
    settings: {
      // Visible to every node ($node.services): nothing secret here.
      botId: config.bot.id,
    },
    events: {
      'chat.message.updateMessage': {
        async handler(this: unknown, ctx: Context) {
          const receivedAt = Date.now(); // metrics: event → engine
          const { logger } = state.baseDeps;
          let bot: string;
          try {
            bot = await botUserId();
          } catch (err) {
            logger.error('cannot resolve the plugin bot user; message not handled', { error: String(err) });
            return;
          }
          const deps: ChatDeps = { ...state.baseDeps, botUserId: bot, runner: runnerClient(ctx, receivedAt) };
          try {
            const outcome = await handleMessageEvent(ctx.params, deps);
            if (outcome.kind === 'started' || outcome.kind === 'refused' || outcome.kind === 'command') logger.info('message handled', outcome);
          } catch (err) {
            logger.error('message handling failed', { error: err instanceof Error ? err.message : String(err) });
          }
        },
      },
    },
    actions: {
      [ACTIONS.stopRun]: {
        params: { runId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { runId } = parse(stopRunParams, ctx.params);
          const origin = await runOrigin(ctx, runId, userId);
          if (origin.groupId && origin.requester !== userId) await requireCapability(origin.groupId, userId, 'approve');
          return { stopped: anyRunnerSaysTrue(await askEveryRunner(broker, ctx, 'abortRun', { runId })) };
        },
      },
      [ACTIONS.resolveApproval]: {
        params: { runId: 'string', approvalId: 'string', decision: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(resolveApprovalParams, ctx.params);
          const origin = await runOrigin(ctx, p.runId, userId);
          if (origin.groupId) {
            await requireCapability(origin.groupId, userId, 'approve');
            const { approvers } = await state.settings.get(origin.groupId);
            if (approvers?.length && !approvers.includes(userId) && (await state.host.getGroupInfo(origin.groupId))?.owner !== userId) {
              throw new MoleculerClientError('Only the named approvers of this group can decide this.', 403, 'FORBIDDEN', { capability: 'approve' });
            }
            broker.getLogger(CHAT_SERVICE).info('audit: approval decided', { groupId: origin.groupId, runId: p.runId, approvalId: p.approvalId, decision: p.decision, by: userId });
          } else if (origin.requester !== userId) throw new MoleculerClientError('Only the requester can approve here.', 403, 'FORBIDDEN');
          return ctx.call(`${RUNNER_SERVICE}.resolveApproval`, { ...p, decidedBy: userId });
        },
      },
      [ACTIONS.getGroupSettings]: {
        params: { groupId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { groupId } = parse(getGroupSettingsParams, ctx.params);
          const member = await state.can(groupId, userId, 'invoke');
          if (!member.allowed && member.reason === 'not-member') throw new MoleculerClientError('Not a member of this group.', 403, 'FORBIDDEN');
          const configurable = (await state.can(groupId, userId, 'configure')).allowed;
          return { settings: await state.settings.get(groupId), canConfigure: configurable };
        },
      },
      [ACTIONS.saveGroupSettings]: {
        params: { groupId: 'string', settings: 'object' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(saveGroupSettingsParams, ctx.params);
          await requireCapability(p.groupId, userId, 'configure');
          const settings = await state.settings.save(p.groupId, p.settings);
          broker.getLogger(CHAT_SERVICE).info('audit: group settings changed', { groupId: p.groupId, by: userId, settings });
          return { settings };
        },
      },
    },
    created(this: { broker: ServiceBroker }) {
      broker = this.broker;
      const host = createTailchatHost((action, params, opts) => broker.call(action, params, opts));
      // Counters shared by every instance when Redis is configured, else per instance.
      const redis = config.state.redisUrl ? new Redis(config.state.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : undefined;
      // Without a listener ioredis prints "Unhandled error event" to stderr on every retry (not a log line).
      redis?.on('error', (err: Error) => broker.getLogger(CHAT_SERVICE).warn('shared Redis unavailable', { error: err.message }));
      const store = redis ? createRedisCounterStore(redis) : createMemoryCounterStore();
      const settings = createGroupSettingsStore(host, defaults);
      const can = createPermissionChecker(host, config.permissions);
      const rateLimit = createRateLimiter(store, config.limits);
      const isBot = createBotUserDetector(host);
      state = {
        host,
        ...(redis ? { closeStore: async () => void (await redis.quit()) } : {}),
        settings,
        can,
        baseDeps: {
          host,
          botNickname: config.bot.nickname,
          settings,
          can,
          isBot,
          dmEnabled: config.dm.enabled,
          maxPromptChars: config.limits.maxPromptChars,
          rateLimit,
          defaultEngine: config.engines.default,
          dmAgentId: config.groupDefaults.agentId,
          logger: adaptLogger(broker.getLogger(CHAT_SERVICE)),
        },
      };
    },
    async stopped() {
      await state.closeStore?.();
    },
    started() {
      // Resolve the bot early, but never block start-up on Tailchat being there yet.
      botUserId().catch((err) => broker.getLogger(CHAT_SERVICE).warn('plugin bot not ready yet', { error: String(err) }));
    },
  } as ServiceSchema;
}

interface EndpointRegistry {
  getActionEndpoints(action: string): { endpoints: { id: string; state: boolean }[] } | undefined;
}

/**
 * Calls `action` on every live runner instance (Moleculer has getActionEndpoints; its typings lack
 * it): a run lives on exactly one runner, and stopping or resetting must reach that one.
 */
function askEveryRunner(broker: ServiceBroker, ctx: Context, action: string, params: Record<string, unknown>): Promise<PromiseSettledResult<unknown>[]> {
  const list = (broker.registry as unknown as EndpointRegistry).getActionEndpoints(`${RUNNER_SERVICE}.${action}`);
  const nodes = [...new Set((list?.endpoints ?? []).filter((e) => e.state).map((e) => e.id))];
  return Promise.allSettled(nodes.map((nodeID) => ctx.call(`${RUNNER_SERVICE}.${action}`, params, { nodeID })));
}

const anyRunnerSaysTrue = (results: PromiseSettledResult<unknown>[]) => results.some((r) => r.status === 'fulfilled' && r.value === true);
