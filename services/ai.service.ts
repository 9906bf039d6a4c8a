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
import { regenerate, RegenerateError, runningAmong, type RegenerateRefusal } from '../bridge/chat/regenerate.js';
import { parseRunId } from '../protocol/run-id.js';
import { createPermissionChecker, type Capability, type PermissionChecker } from '../bridge/permission/check.js';
import { createApproverCheck, type ApproverCheck } from '../bridge/permission/approver.js';
import { mayViewToolOutput } from '../bridge/privacy/visibility.js';
import { createGroupSettingsStore, createSettingsStore, type GroupSettingsStore } from '../bridge/settings/group-settings.js';
import { openPluginStore, type PluginStore } from '../bridge/store/plugin-store.js';
import { isStoreUnavailable, STORE_UNAVAILABLE_TEXT } from '../bridge/store/errors.js';
import { startGroupDataMove } from './store-start.js';
import { createBotUserDetector, resolveBotUserId } from '../bridge/tailchat/bot-user.js';
import { createTailchatHost, type TailchatHost } from '../bridge/tailchat/host.js';
import { createFallbackCounterStore, createMemoryCounterStore, createRateLimiter, createRedisCounterStore } from '../bridge/limits/rate-limit.js';
import { acquireRedis } from '../bridge/state/shared-redis.js';
import { trackSizes } from '../bridge/observability/metrics.js';
import { createRedisLedgerReader } from '../bridge/run/ledger-redis.js';
import { reachRunOwner } from '../bridge/run/ledger-routing.js';
import type { RunJob } from '../bridge/run/execute.js';
import type { BundleConfig } from '../config/schema.js';
import { ACTIONS, getGroupSettingsParams, regenerateParams, resolveApprovalParams, saveGroupSettingsParams, stopRunParams, type GroupSettings } from '../protocol/actions.js';
import { getToolOutputAccessParams, getToolOutputParams, type ToolOutputView } from '../protocol/actions.js';
import { agentUsersView, getAgentUsersParams, type AgentUsersView } from '../protocol/actions.js';
import { createAdminActions, type AdminState } from './admin-actions.js';
import { adaptLogger } from './logger.js';
import { CHAT_SERVICE, RUNNER_SERVICE } from './names.js';
import { anyRunnerSaysTrue, askEveryRunner, startOnSessionRunner } from './runner-routing.js';

const { MoleculerClientError } = moleculer.Errors;

interface ChatState {
  host: TailchatHost;
  closeStore?: () => Promise<void>;
  /** The plugin's own collections (AI_MONGO_URL; in Tailchat's process its MONGO_URL). */
  pluginStore?: PluginStore;
  /** Settled once group data of earlier versions is in the store: settings are read after it. */
  moved: Promise<void>;
  /** Which runner executes a run (the shared run ledger; only with Redis). */
  ownerOf?: (runId: string) => Promise<string | undefined>;
  settings: GroupSettingsStore;
  can: PermissionChecker;
  /** 'approve' narrowed to the group's named approvers (bridge/permission/approver.ts). */
  isApprover: ApproverCheck;
  botUserId?: Promise<string>;
  /** Everything a message needs but the bot id and the runner (which rides the event's context). */
  baseDeps: Omit<ChatDeps, 'botUserId' | 'runner'>;
  /** Usage counters and the audit log (services/admin-actions.ts). */
  admin: AdminState;
}

type AuthedContext<P> = Context<P, { userId?: string }>;

export function createAiService(config: BundleConfig): ServiceSchema {
  let state: ChatState;
  let broker: ServiceBroker;
  let untrackSizes: (() => void) | undefined;

  const defaults: GroupSettings = { ...config.groupDefaults, engine: config.groupDefaults.engine ?? config.engines.default };
  const admin = createAdminActions({
    state: () => state.admin,
    logger: () => adaptLogger(broker.getLogger(CHAT_SERVICE)),
    requireUser: (ctx) => requireUser(ctx),
    requireCapability: (groupId, userId, capability) => requireCapability(groupId, userId, capability),
    parse: (schema, value) => parse(schema, value),
    fromStore: (work) => fromStore(work),
  });

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
      return startOnSessionRunner(broker, ctx, receivedAt === undefined ? job : { ...job, receivedAt });
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

  /** The runner that executes `runId` (ledger), else every runner; only the owner acts (bridge/run/ledger-routing.ts). */
  const askRunOwner = (ctx: Context, runId: string, action: string, params: Record<string, unknown>, acted: (r: unknown) => boolean) =>
    reachRunOwner<unknown>(runId, {
      ...(state.ownerOf ? { ownerOf: state.ownerOf } : {}),
      callOn: (nodeID) => ctx.call(`${RUNNER_SERVICE}.${action}`, params, { nodeID }),
      callEvery: () => askEveryRunner(broker, ctx, action, params),
      acted,
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
  /** Deciding approvals: the approver rule, with the refusal saying which part failed. */
  const requireApprover = async (groupId: string, userId: string) => {
    const result = await state.isApprover(groupId, userId);
    if (result.allowed) return;
    if (result.reason === 'not-named') throw new MoleculerClientError('Only the named approvers of this group can decide this.', 403, 'FORBIDDEN', { capability: 'approve' });
    throw new MoleculerClientError('You do not have the "approve" permission of the AI assistant in this group.', 403, 'FORBIDDEN', { capability: 'approve' });
  };
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new MoleculerClientError(`Invalid request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 422, 'VALIDATION_ERROR');
    }
    return r.data;
  };
  /** A store call of an action: an unreachable database is a 503 the user can read, not a driver message. */
  const fromStore = <T>(work: Promise<T>): Promise<T> =>
    work.catch((err: unknown) => {
      if (isStoreUnavailable(err)) throw new MoleculerClientError(STORE_UNAVAILABLE_TEXT, 503, 'STORE_UNAVAILABLE');
      throw err;
    });
  /** Private tool output of a run (bridge/privacy/): its requester, or an approver of its group. */
  const toolViewOf = async (ctx: Context, runId: string, userId: string): Promise<{ allowed: boolean; groupId?: string }> => {
    const origin = await runOrigin(ctx, runId, userId);
    const approver = origin.requester !== userId && origin.groupId ? (await state.isApprover(origin.groupId, userId)).allowed : false;
    return { allowed: mayViewToolOutput(origin, userId, approver), ...(origin.groupId ? { groupId: origin.groupId } : {}) };
  };
  /** With shared Redis any runner has it; without, only the runner that ran the tool: then ask them all. */
  const toolOutputFromRunners = async (ctx: Context, params: { runId: string; toolCallId: string }): Promise<ToolOutputView | undefined> => {
    type Answer = { output?: ToolOutputView | null } | null;
    const first = (await ctx.call(`${RUNNER_SERVICE}.getToolOutput`, params).catch(() => null)) as Answer;
    if (first?.output) return first.output;
    for (const r of await askEveryRunner(broker, ctx, 'getToolOutput', params)) {
      if (r.status === 'fulfilled' && (r.value as Answer)?.output) return (r.value as { output: ToolOutputView }).output;
    }
    return undefined;
  };
  /** The run's group and requester, read from the prompt message itself (stateless: any instance can answer). */
  const runOrigin = async (ctx: Context, runId: string, userId: string) => {
    const messageId = parseRunId(runId)?.messageId ?? runId;
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
          return { stopped: (await askRunOwner(ctx, runId, 'abortRun', { runId }, (r) => r === true)) === true };
        },
      },
      [ACTIONS.regenerate]: {
        params: { runId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { runId } = parse(regenerateParams, ctx.params);
          const chat: ChatDeps = { ...state.baseDeps, botUserId: await botUserId(), runner: runnerClient(ctx) };
          try {
            return await regenerate(runId, userId, {
              chat,
              readMessage: (messageId, asUserId) => ctx.call('chat.message.getMessage', { messageId }, { meta: { userId: asUserId } }),
              activeRuns: async (runIds) => runningAmong(await askEveryRunner(broker, ctx, 'activeRuns', { runIds })),
              maxAttempts: config.limits.maxAttempts,
            });
          } catch (err) {
            if (err instanceof RegenerateError) throw new MoleculerClientError(err.message, REGENERATE_STATUS[err.kind], err.kind.toUpperCase().replace(/-/g, '_'));
            throw err;
          }
        },
      },
      [ACTIONS.resolveApproval]: {
        params: { runId: 'string', approvalId: 'string', decision: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(resolveApprovalParams, ctx.params);
          const origin = await runOrigin(ctx, p.runId, userId);
          if (origin.groupId) {
            await requireApprover(origin.groupId, userId);
            broker.getLogger(CHAT_SERVICE).info('audit: approval decided', { groupId: origin.groupId, runId: p.runId, approvalId: p.approvalId, decision: p.decision, by: userId });
          } else if (origin.requester !== userId) throw new MoleculerClientError('Only the requester can approve here.', 403, 'FORBIDDEN');
          const resolved = await askRunOwner(ctx, p.runId, 'resolveApproval', { ...p, decidedBy: userId }, (r) => (r as { resolved?: boolean } | null)?.resolved === true);
          if (!resolved) throw new MoleculerClientError('This request is not pending any more (its reply has ended).', 409, 'NOT_PENDING');
          if (origin.groupId) await admin.audit(origin.groupId, userId, 'approval.decided', { runId: p.runId, approvalId: p.approvalId, decision: p.decision });
          return resolved;
        },
      },
      [ACTIONS.getToolOutputAccess]: {
        params: { runId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { runId } = parse(getToolOutputAccessParams, ctx.params);
          return { allowed: (await toolViewOf(ctx, runId, userId)).allowed };
        },
      },
      [ACTIONS.getToolOutput]: {
        params: { runId: 'string', toolCallId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(getToolOutputParams, ctx.params);
          const view = await toolViewOf(ctx, p.runId, userId);
          if (!view.allowed) {
            throw new MoleculerClientError('Only the requester and the approvers of this group can see the details of this tool call.', 403, 'FORBIDDEN', { capability: 'approve' });
          }
          const output = await toolOutputFromRunners(ctx, p);
          if (!output) throw new MoleculerClientError('The details of this tool call are no longer kept.', 404, 'NOT_FOUND');
          broker.getLogger(CHAT_SERVICE).info('audit: private tool output read', { runId: p.runId, toolCallId: p.toolCallId, by: userId });
          if (view.groupId) await admin.audit(view.groupId, userId, 'tool-output.read', { runId: p.runId, toolCallId: p.toolCallId });
          return { output };
        },
      },
      [ACTIONS.getAgentUsers]: {
        // The web client renders agent panels only on these users' messages (bridge/message/agent-reply.ts).
        async handler(ctx: AuthedContext<unknown>): Promise<AgentUsersView> {
          requireUser(ctx);
          parse(getAgentUsersParams, ctx.params ?? {});
          return agentUsersView.parse({ userIds: [await botUserId()] });
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
          return { settings: await fromStore(state.settings.get(groupId)), canConfigure: configurable };
        },
      },
      [ACTIONS.saveGroupSettings]: {
        params: { groupId: 'string', settings: 'object' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(saveGroupSettingsParams, ctx.params);
          await requireCapability(p.groupId, userId, 'configure');
          const before = await fromStore(state.settings.get(p.groupId));
          const settings = await fromStore(state.settings.save(p.groupId, p.settings));
          broker.getLogger(CHAT_SERVICE).info('audit: group settings changed', { groupId: p.groupId, by: userId, settings });
          await admin.auditSettings(p.groupId, userId, before, settings);
          return { settings };
        },
      },
      ...admin.actions,
    },
    created(this: { broker: ServiceBroker }) {
      broker = this.broker;
      const host = createTailchatHost((action, params, opts) => broker.call(action, params, opts));
      // Counters shared by every instance when Redis is configured, else per instance.
      const shared = config.state.redisUrl ? acquireRedis(config.state.redisUrl, adaptLogger(broker.getLogger(CHAT_SERVICE))) : undefined;
      const redis = shared?.redis;
      const localCounts = createMemoryCounterStore();
      const store = redis
        ? createFallbackCounterStore(createRedisCounterStore(redis), localCounts, (err) =>
            broker.getLogger(CHAT_SERVICE).warn('rate limits counted per instance while shared Redis is unavailable', { error: String(err) }),
          )
        : localCounts;
      untrackSizes = trackSizes(() => localCounts.sizes?.() ?? {});
      const pluginStore = config.state.mongoUrl ? openPluginStore(config.state.mongoUrl, adaptLogger(broker.getLogger(CHAT_SERVICE))) : undefined;
      const settings = pluginStore
        ? createSettingsStore(
            {
              ...pluginStore.settings,
              read: async (groupId) => {
                await state.moved;
                return pluginStore.settings.read(groupId);
              },
            },
            defaults,
          )
        : createGroupSettingsStore(host, defaults);
      const can = createPermissionChecker(host, config.permissions);
      const rateLimit = createRateLimiter(store, config.limits);
      const isBot = createBotUserDetector(host);
      const adminState = admin.createState(host, redis, settings, pluginStore);
      state = {
        admin: adminState,
        host,
        ...(pluginStore ? { pluginStore } : {}),
        moved: Promise.resolve(),
        ...(shared ? { closeStore: () => shared.release(), ownerOf: createRedisLedgerReader(shared.redis).ownerOf } : {}),
        settings,
        can,
        isApprover: createApproverCheck({ can, settings, host }),
        baseDeps: {
          host,
          botNickname: config.bot.nickname,
          settings,
          can,
          isBot,
          dmEnabled: config.dm.enabled,
          maxPromptChars: config.limits.maxPromptChars,
          maxIntakeChars: config.limits.maxIntakeChars,
          attachments: config.limits.attachments,
          rateLimit,
          budget: adminState.budget,
          defaultEngine: config.engines.default,
          dmAgentId: config.groupDefaults.agentId,
          logger: adaptLogger(broker.getLogger(CHAT_SERVICE)),
        },
      };
    },
    async stopped() {
      untrackSizes?.();
      await state.closeStore?.();
      await state.moved;
      await state.pluginStore?.release();
    },
    started() {
      const logger = adaptLogger(broker.getLogger(CHAT_SERVICE));
      state.moved = startGroupDataMove({
        store: state.pluginStore,
        host: state.host,
        redis: !!config.state.redisUrl,
        tailchatReady: () => broker.waitForServices(['group.extra'], 120_000).then(() => undefined),
        logger,
      });
      // Resolve the bot early, but never block start-up on Tailchat being there yet.
      botUserId().catch((err) => broker.getLogger(CHAT_SERVICE).warn('plugin bot not ready yet', { error: String(err) }));
    },
  } as ServiceSchema;
}

/** HTTP status of each Regenerate refusal (the web client shows the message as a toast). */
const REGENERATE_STATUS: Record<RegenerateRefusal, number> = {
  'not-found': 404,
  forbidden: 403,
  running: 409,
  'not-a-prompt': 422,
  'rate-limited': 429,
  unavailable: 503,
  refused: 409,
  'too-many-attempts': 409,
};

