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
import { createPermissionChecker, type PermissionChecker } from '../bridge/permission/check.js';
import { createApproverCheck, type ApproverCheck } from '../bridge/permission/approver.js';
import { accessConfigFrom, authorize, REFUSAL_TEXT, type Grant, type PolicyTarget } from '../bridge/policy/authorize.js';
import type { PolicyAction } from '../bridge/policy/table.js';
import { createGroupSettingsStore, createSettingsStore, type GroupSettingsStore } from '../bridge/settings/group-settings.js';
import { openPluginStore, type PluginStore } from '../bridge/store/plugin-store.js';
import { isStoreUnavailable, STORE_UNAVAILABLE_TEXT } from '../bridge/store/errors.js';
import { startGroupDataMove } from './store-start.js';
import { startIntakeSweep } from './intake-start.js';
import { createMongoIntakeJournal } from '../bridge/store/intake.js';
import type { IntakeJournal } from '../bridge/intake/journal.js';
import type { IntakeHooks } from '../bridge/chat/handle-message.js';
import { createBotUserDetector } from '../bridge/tailchat/bot-user.js';
import { createRoster } from '../bridge/agents/roster.js';
import { AgentMembershipError } from '../bridge/agents/membership.js';
import { resolveChatAgents, startGroupScan, type ChatAgents } from './agents-start.js';
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
import { getRegenerateAccessParams } from '../protocol/actions.js';
import { agentUsersView, getAgentUsersParams, getGroupAgentsParams, groupAgentsView, setGroupAgentParams, type AgentUsersView, type AgentView, type GroupAgentsView } from '../protocol/actions.js';
import type { ResolvedAgent } from '../bridge/agents/directory.js';
import { defaultAgentOf } from '../bridge/chat/handle-message.js';
import { callRunner, type ApprovalRefusal, type RunnerActionName, type RunnerParams, type RunnerReply } from '../protocol/runner.js';
import { createAdminActions, type AdminState } from './admin-actions.js';
import { createFeedbackActions } from './feedback-actions.js';
import { AUTOMATION_ACTIONS, changeAutomationParams, listAutomationsParams, type AutomationView } from '../protocol/automations.js';
import { SCHEDULE_TEXT } from '../bridge/chat/schedule-commands.js';
import { adaptLogger } from './logger.js';
import { CHAT_SERVICE } from './names.js';
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
  /** The agents with their bot users, resolved once (bridge/agents/). */
  agents?: Promise<ChatAgents>;
  /** Everything a message needs but the agents and the runner (which rides the event's context). */
  baseDeps: Omit<ChatDeps, 'botUserId' | 'runner' | 'agents' | 'groupAgents' | 'defaultJoins'>;
  /** Usage counters and the audit log (services/admin-actions.ts). */
  admin: AdminState;
  /** Which messages for the agent an instance has taken (bridge/intake/; needs the database). */
  intake?: IntakeJournal;
  /** Stops the sweep of stored messages. */
  stopSweep?: () => Promise<void>;
  /** Stops the scan of groups for the default agents. */
  stopGroupScan?: () => Promise<void>;
}

type AuthedContext<P> = Context<P, { userId?: string }>;

export function createAiService(config: BundleConfig): ServiceSchema {
  let state: ChatState;
  let broker: ServiceBroker;
  let untrackSizes: (() => void) | undefined;
  let untrackAgentSizes: (() => void) | undefined;

  const defaults: GroupSettings = { ...config.groupDefaults, engine: config.groupDefaults.engine ?? config.engines.default };
  const access = accessConfigFrom(config);
  const admin = createAdminActions({
    state: () => state.admin,
    logger: () => adaptLogger(broker.getLogger(CHAT_SERVICE)),
    requireUser: (ctx) => requireUser(ctx),
    require: (action, userId, target) => require(action, userId, target),
    parse: (schema, value) => parse(schema, value),
    fromStore: (work) => fromStore(work),
  });

  /** What the policy table's rules read (bridge/policy/authorize.ts). */
  const policyDeps = () => ({ can: state.can, isApprover: state.isApprover, config: access, isConverseMember: state.host.isConverseMember.bind(state.host) });
  const feedback = createFeedbackActions({
    store: () => state.pluginStore?.feedback,
    agents: () => agents(),
    logger: () => adaptLogger(broker.getLogger(CHAT_SERVICE)),
    requireUser: (ctx) => requireUser(ctx),
    require: (action, userId, target) => require(action, userId, target),
    parse: (schema, value) => parse(schema, value),
    fromStore: (work) => fromStore(work),
  });

  const roster = createRoster(config);
  const agentsOptions = () => ({
    broker,
    host: state.host,
    roster,
    settings: state.settings,
    ...(state.pluginStore ? { db: state.pluginStore.db } : {}),
    scanMs: config.agentJoins.scanMs,
    logger: adaptLogger(broker.getLogger(CHAT_SERVICE)),
    ready: () => state.moved,
  });
  const agents = (): Promise<ChatAgents> => {
    state.agents ??= resolveChatAgents(agentsOptions()).then(
      (resolved) => {
        untrackAgentSizes ??= trackSizes(() => ({ agent_group_members: resolved.groupAgents.size(), agent_joined_groups: resolved.defaultJoins.size() }));
        return resolved;
      },
      (err: unknown) => {
        state.agents = undefined; // retry on the next message
        throw err;
      },
    );
    return state.agents;
  };
  /** The chat core's deps for one piece of work: the agents, and the default agent speaking until one is chosen. */
  const chatDeps = async (runner: RunnerClient): Promise<ChatDeps> => {
    const { directory, groupAgents, defaultJoins } = await agents();
    return { ...state.baseDeps, botUserId: directory.defaultAgent.userId, agents: directory, groupAgents, defaultJoins, runner };
  };
  const groupAgentsViewOf = async (groupId: string, userId: string): Promise<GroupAgentsView> => {
    const { directory, groupAgents } = await agents();
    const [members, settings, canConfigure] = await Promise.all([
      groupAgents.membersOf(groupId),
      fromStore(state.settings.get(groupId)),
      authorize('setGroupAgent', userId, { groupId }, policyDeps()).then((v) => v.allowed),
    ]);
    const memberIds = new Set(members.map((a) => a.id));
    return groupAgentsView.parse({
      agents: directory.agents.map((a) => ({ ...viewOf(a), member: memberIds.has(a.id) })),
      defaultAgentId: defaultAgentOf(settings, { agents: directory }).id,
      canConfigure,
    });
  };
  const viewOf = (a: ResolvedAgent): AgentView => ({
    agentId: a.id,
    userId: a.userId,
    nickname: a.nickname,
    ...(a.avatar ? { avatar: a.avatar } : {}),
    starterPrompts: a.starterPrompts,
    isDefault: a.isDefault,
  });

  const runnerClient = (ctx: Context, receivedAt?: number): RunnerClient => ({
    async start(job: RunJob) {
      return startOnSessionRunner(broker, ctx, receivedAt === undefined ? job : { ...job, receivedAt });
    },
    async abortSession(sessionKey, requester) {
      return anyRunnerSaysTrue(await askEveryRunner(broker, ctx, 'abortSession', { sessionKey, ...(requester ? { requester } : {}) }));
    },
    async stats(engineId, userId) {
      const { text } = await callRunner(ctx, 'stats', { engineId, userId });
      return text ?? TEXT.noStats;
    },
    async reset(engineId, sessionKey) {
      const results = await askEveryRunner(broker, ctx, 'resetSession', { engineId, sessionKey });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    automations: automationsClient(ctx),
  });
  /** Scheduled tasks live on the runners (engines and the job store are theirs). */
  const automationsClient = (ctx: Context) => ({
    create: (p: RunnerParams<'createAutomation'>) => callRunner(ctx, 'createAutomation', p),
    list: async (groupId: string) => (await callRunner(ctx, 'listAutomations', { groupId })).automations,
    change: (p: RunnerParams<'changeAutomation'>) => callRunner(ctx, 'changeAutomation', p),
  });

  /** The runner that executes `runId` (ledger), else every runner; only the owner acts (bridge/run/ledger-routing.ts). */
  const askRunOwner = <N extends 'abortRun' | 'resolveApproval'>(ctx: Context, runId: string, action: N, params: RunnerParams<N>, acted: (r: RunnerReply<N>) => boolean) =>
    reachRunOwner<RunnerReply<N>>(runId, {
      ...(state.ownerOf ? { ownerOf: state.ownerOf } : {}),
      callOn: (nodeID) => callRunner(ctx, action, params, { nodeID }),
      callEvery: () => askEveryRunner(broker, ctx, action, params),
      acted,
    });

  /** The journal as the chat core uses it: taken by this node, under the configured lease. */
  const intakeHooks = (journal: IntakeJournal): IntakeHooks => ({
    take: async (messageId) => (await journal.take(messageId, broker.nodeID, config.intake.leaseMs)).taken,
    mark: (messageId, to) => journal.mark(messageId, to),
  });

  /** Signed out: refused before the params are even read (bridge/policy/ refuses the same way). */
  const requireUser = (ctx: AuthedContext<unknown>): string => {
    const userId = ctx.meta.userId;
    if (!userId) throw new MoleculerClientError(REFUSAL_TEXT.signedOut, 401, 'UNAUTHORIZED');
    return userId;
  };
  /** The policy table's verdict (bridge/policy/), a refusal thrown as the client's error. */
  const require = async (action: PolicyAction, userId: string, target: PolicyTarget): Promise<Grant> => {
    const verdict = await authorize(action, userId, target, policyDeps());
    if (verdict.allowed) return verdict;
    throw new MoleculerClientError(verdict.message, verdict.status, verdict.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', {
      reason: verdict.reason,
      ...(verdict.capability ? { capability: verdict.capability } : {}),
    });
  };
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) {
      // Not type VALIDATION_ERROR: Tailchat's web client replaces the message of that type with its
      // own "Request parameter verification failed", and the user would never read what was wrong
      // (e.g. a group time zone the server does not know).
      throw new MoleculerClientError(`Invalid request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 422, 'INVALID_REQUEST');
    }
    return r.data;
  };
  /** A store call of an action: an unreachable database is a 503 the user can read, not a driver message. */
  const fromStore = <T>(work: Promise<T>): Promise<T> =>
    work.catch((err: unknown) => {
      if (isStoreUnavailable(err)) throw new MoleculerClientError(STORE_UNAVAILABLE_TEXT, 503, 'STORE_UNAVAILABLE');
      throw err;
    });
  /** With shared Redis any runner has it; without, only the runner that ran the tool: then ask them all. */
  const toolOutputFromRunners = async (ctx: Context, params: { runId: string; toolCallId: string }): Promise<ToolOutputView | undefined> => {
    const first = await callRunner(ctx, 'getToolOutput', params).catch(() => null);
    if (first?.output) return first.output;
    for (const r of await askEveryRunner(broker, ctx, 'getToolOutput', params)) {
      if (r.status === 'fulfilled' && r.value.output) return r.value.output;
    }
    return undefined;
  };
  /** The run's group and requester, read from the prompt message itself (stateless: any instance can answer). */
  const runOrigin = async (ctx: Context, runId: string, userId: string): Promise<{ groupId: string | undefined; requester: string }> => {
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
          let deps: ChatDeps;
          try {
            deps = { ...(await chatDeps(runnerClient(ctx, receivedAt))), ...(state.intake ? { intake: intakeHooks(state.intake) } : {}) };
          } catch (err) {
            logger.error("cannot resolve the agents' bot users; message not handled", { error: String(err) });
            return;
          }
          try {
            const outcome = await handleMessageEvent(ctx.params, deps);
            if (outcome.kind === 'started' || outcome.kind === 'refused' || outcome.kind === 'command') logger.info('message handled', outcome);
            else if (outcome.kind === 'ignored' && outcome.reason === 'taken-elsewhere') {
              logger.info('message left alone: another instance took it (intake journal)', { messageId: (ctx.params as { messageId?: string }).messageId });
            }
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
          await require('stopRun', userId, await runOrigin(ctx, runId, userId));
          return { stopped: (await askRunOwner(ctx, runId, 'abortRun', { runId }, (r) => r)) === true };
        },
      },
      [ACTIONS.regenerate]: {
        params: { runId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { runId } = parse(regenerateParams, ctx.params);
          await require('regenerate', userId, await runOrigin(ctx, runId, userId));
          const chat = await chatDeps(runnerClient(ctx));
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
      [ACTIONS.getRegenerateAccess]: {
        // The web client shows Regenerate and Retry only when this says yes; regenerate decides anyway.
        params: { runId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { runId } = parse(getRegenerateAccessParams, ctx.params);
          const origin = await runOrigin(ctx, runId, userId);
          return { allowed: (await authorize('getRegenerateAccess', userId, origin, policyDeps())).allowed };
        },
      },
      [ACTIONS.resolveApproval]: {
        params: { runId: 'string', approvalId: 'string', decision: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(resolveApprovalParams, ctx.params);
          const origin = await runOrigin(ctx, p.runId, userId);
          await require('resolveApproval', userId, origin);
          // The runner holding the run accepts it only if pending in THAT run, offered, and undecided.
          const answer = await askRunOwner(ctx, p.runId, 'resolveApproval', { ...p, decidedBy: userId, groupId: origin.groupId ?? null }, (r) => r.resolved || r.refusal !== undefined);
          if (!answer?.resolved) throw approvalRefused(answer?.refusal ?? 'not-pending');
          broker.getLogger(CHAT_SERVICE).info('audit: approval decided', { groupId: origin.groupId, runId: p.runId, approvalId: p.approvalId, decision: p.decision, by: userId });
          if (origin.groupId) await admin.audit(origin.groupId, userId, 'approval.decided', { runId: p.runId, approvalId: p.approvalId, decision: p.decision });
          return { resolved: true };
        },
      },
      [ACTIONS.getToolOutputAccess]: {
        params: { runId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { runId } = parse(getToolOutputAccessParams, ctx.params);
          const origin = await runOrigin(ctx, runId, userId);
          return { allowed: (await authorize('getToolOutputAccess', userId, origin, policyDeps())).allowed };
        },
      },
      [ACTIONS.getToolOutput]: {
        params: { runId: 'string', toolCallId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(getToolOutputParams, ctx.params);
          const origin = await runOrigin(ctx, p.runId, userId);
          await require('getToolOutput', userId, origin);
          const output = await toolOutputFromRunners(ctx, p);
          if (!output) throw new MoleculerClientError('The details of this tool call are no longer kept.', 404, 'NOT_FOUND');
          broker.getLogger(CHAT_SERVICE).info('audit: private tool output read', { runId: p.runId, toolCallId: p.toolCallId, by: userId });
          if (origin.groupId) await admin.audit(origin.groupId, userId, 'tool-output.read', { runId: p.runId, toolCallId: p.toolCallId });
          return { output };
        },
      },
      [ACTIONS.getAgentUsers]: {
        // The web client renders agent panels only on these users' messages (bridge/message/agent-reply.ts).
        async handler(ctx: AuthedContext<unknown>): Promise<AgentUsersView> {
          await require('getAgentUsers', requireUser(ctx), {});
          parse(getAgentUsersParams, ctx.params ?? {});
          const { directory } = await agents();
          return agentUsersView.parse({ userIds: directory.userIds, agents: directory.agents.map(viewOf) });
        },
      },
      [ACTIONS.getGroupAgents]: {
        params: { groupId: 'string' },
        async handler(ctx: AuthedContext<unknown>): Promise<GroupAgentsView> {
          const userId = requireUser(ctx);
          const { groupId } = parse(getGroupAgentsParams, ctx.params);
          await require('getGroupAgents', userId, { groupId });
          return groupAgentsViewOf(groupId, userId);
        },
      },
      [ACTIONS.setGroupAgent]: {
        params: { groupId: 'string', agentId: 'string', member: 'boolean' },
        async handler(ctx: AuthedContext<unknown>): Promise<GroupAgentsView> {
          const userId = requireUser(ctx);
          const p = parse(setGroupAgentParams, ctx.params);
          await require('setGroupAgent', userId, { groupId: p.groupId });
          const { directory, groupAgents } = await agents();
          const agent = directory.byId(p.agentId);
          if (!agent) throw new MoleculerClientError(`There is no agent "${p.agentId}" on this server.`, 404, 'NOT_FOUND');
          let changed: boolean;
          try {
            changed = await groupAgents.set(p.groupId, agent, p.member);
          } catch (err) {
            if (err instanceof AgentMembershipError) throw new MoleculerClientError(err.message, 409, 'CONFLICT');
            throw err;
          }
          if (changed) {
            broker.getLogger(CHAT_SERVICE).info('audit: group agents changed', { groupId: p.groupId, agentId: agent.id, member: p.member, by: userId });
            await admin.audit(p.groupId, userId, p.member ? 'agent.added' : 'agent.removed', { agentId: agent.id });
          }
          return groupAgentsViewOf(p.groupId, userId);
        },
      },
      [ACTIONS.getGroupSettings]: {
        params: { groupId: 'string' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const { groupId } = parse(getGroupSettingsParams, ctx.params);
          await require('getGroupSettings', userId, { groupId });
          // What the settings panel offers the caller (the server checks each action again).
          const [configurable, schedules] = await Promise.all([
            authorize('saveGroupSettings', userId, { groupId }, policyDeps()).then((v) => v.allowed),
            authorize('changeAutomation', userId, { groupId }, policyDeps()).then((v) => v.allowed),
          ]);
          return {
            settings: await fromStore(state.settings.get(groupId)),
            canConfigure: configurable,
            /** Pause, resume and delete the group's scheduled tasks (the `schedule` permission). */
            canSchedule: schedules,
            /** The zone of groups that set none (the field's hint). */
            defaultTimeZone: config.automations.defaultTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
          };
        },
      },
      [ACTIONS.saveGroupSettings]: {
        params: { groupId: 'string', settings: 'object' },
        async handler(ctx: AuthedContext<unknown>) {
          const userId = requireUser(ctx);
          const p = parse(saveGroupSettingsParams, ctx.params);
          await require('saveGroupSettings', userId, { groupId: p.groupId });
          const before = await fromStore(state.settings.get(p.groupId));
          const settings = await fromStore(state.settings.save(p.groupId, p.settings));
          broker.getLogger(CHAT_SERVICE).info('audit: group settings changed', { groupId: p.groupId, by: userId, settings });
          await admin.auditSettings(p.groupId, userId, before, settings);
          return { settings };
        },
      },
      ...admin.actions,
      ...feedback,
      [AUTOMATION_ACTIONS.listAutomations]: {
        params: { groupId: 'string' },
        async handler(ctx: AuthedContext<unknown>): Promise<{ automations: AutomationView[] }> {
          const userId = requireUser(ctx);
          const { groupId } = parse(listAutomationsParams, ctx.params);
          await require('listAutomations', userId, { groupId });
          return { automations: await automationsClient(ctx).list(groupId) };
        },
      },
      [AUTOMATION_ACTIONS.changeAutomation]: {
        params: { groupId: 'string', jobId: 'string', change: 'string' },
        async handler(ctx: AuthedContext<unknown>): Promise<{ automation: AutomationView }> {
          const userId = requireUser(ctx);
          const p = parse(changeAutomationParams, ctx.params);
          await require('changeAutomation', userId, { groupId: p.groupId });
          const answer = await automationsClient(ctx).change(p);
          if ('refusal' in answer) throw new MoleculerClientError(answer.refusal === 'ambiguous' ? SCHEDULE_TEXT.ambiguous(p.jobId) : SCHEDULE_TEXT.notFound(p.jobId), answer.refusal === 'ambiguous' ? 409 : 404, answer.refusal.toUpperCase().replace(/-/g, '_'));
          broker.getLogger(CHAT_SERVICE).info('audit: scheduled task changed', { groupId: p.groupId, jobId: answer.automation.jobId, change: p.change, by: userId });
          await admin.audit(p.groupId, userId, 'automation.changed', { jobId: answer.automation.jobId, change: p.change });
          return { automation: answer.automation };
        },
      },
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
        ...(pluginStore ? { intake: createMongoIntakeJournal(pluginStore.db) } : {}),
        host,
        ...(pluginStore ? { pluginStore } : {}),
        moved: Promise.resolve(),
        ...(shared ? { closeStore: () => shared.release(), ownerOf: createRedisLedgerReader(shared.redis).ownerOf } : {}),
        settings,
        can,
        isApprover: createApproverCheck({ can, settings, host }),
        baseDeps: {
          host,
          settings,
          can,
          isBot,
          access,
          maxPromptChars: config.limits.maxPromptChars,
          maxIntakeChars: config.limits.maxIntakeChars,
          attachments: config.limits.attachments,
          rateLimit,
          budget: adminState.budget,
          defaultEngine: config.engines.default,
          dmAgentId: config.groupDefaults.agentId,
          ...(config.automations.enabled
            ? {
                automations: {
                  enabled: true,
                  defaultTimeZone: config.automations.defaultTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
                  minIntervalMs: config.automations.minIntervalMs,
                },
              }
            : {}),
          logger: adaptLogger(broker.getLogger(CHAT_SERVICE)),
          audit: (groupId, actor, action, details) => admin.audit(groupId, actor, action, details),
        },
      };
    },
    async stopped() {
      await state.stopSweep?.();
      await state.stopGroupScan?.();
      untrackSizes?.();
      untrackAgentSizes?.();
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
      if (state.intake && state.pluginStore && config.intake.sweepMs > 0) {
        const journal = state.intake;
        state.stopSweep = startIntakeSweep({
          broker,
          journal,
          db: state.pluginStore.db,
          timing: config.intake,
          logger,
          ready: () => state.moved,
          chatDeps: async (ctx, recovery) => ({
            ...(await chatDeps(runnerClient(ctx))),
            recovery,
            // The sweep took the message itself; only a handed prompt's second look leaves the journal be.
            ...(recovery === 'unstarted' ? { intake: { take: async () => true, mark: (id, to) => journal.mark(id, to) } } : {}),
          }),
        });
      }
      // Resolve the agents early, but never block start-up on Tailchat being there yet.
      agents().catch((err) => broker.getLogger(CHAT_SERVICE).warn("agents' bot users not ready yet", { error: String(err) }));
      state.stopGroupScan = startGroupScan(agentsOptions(), agents);
    },
  } as ServiceSchema;
}

/** The runner holding the run refused the decision (bridge/run/approval-book.ts). */
function approvalRefused(refusal: ApprovalRefusal): Error {
  const { MoleculerClientError } = moleculer.Errors;
  if (refusal === 'decision-not-offered') return new MoleculerClientError('That decision was not offered for this request.', 422, 'DECISION_NOT_OFFERED');
  return new MoleculerClientError('This request is not pending in that reply (decided already, expired, or its reply has ended).', 409, 'NOT_PENDING');
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

