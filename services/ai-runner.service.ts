/**
 * `plugin:com.yourcompany.ai.runner` — the engine side. Holds the engine connections (OpenClaw's
 * client needs Node >= 22.19, so this runs in the bundle's own Node 24 process), executes runs and
 * streams them into Tailchat. Its actions are `visibility: public`: callable over the broker,
 * never through Tailchat's HTTP gateway.
 */
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import moleculer from 'moleculer';
import type { z } from 'zod';
import { RUNNER_ACTIONS, type RunnerActionName, type RunnerReply } from '../protocol/runner.js';
import type { EngineRegistry } from '../bridge/engine/registry.js';
import { parseRunJob } from '../bridge/run/job.js';
import { createRunner, type Runner } from '../bridge/run/runner.js';
import { createMemoryLedger, type RunLedger } from '../bridge/run/ledger.js';
import { createRedisLedger } from '../bridge/run/ledger-redis.js';
import { allowMetricLabels, feedbackMetrics, trackRunner, trackSizes } from '../bridge/observability/metrics.js';
import { createMemoryToolOutputStore, createRedisToolOutputStore, type ToolOutputStore } from '../bridge/privacy/store.js';
import { createUsageRecorder } from '../bridge/usage/recorder.js';
import { createFailureRecorder } from '../bridge/failures/recorder.js';
import { createUsageStore, type UsageStore } from '../bridge/usage/store.js';
import { openPluginStore, type PluginStore } from '../bridge/store/plugin-store.js';
import { acquireRedis, type SharedRedis } from '../bridge/state/shared-redis.js';
import { resolveAgentDirectory } from '../bridge/agents/directory.js';
import { createRoster } from '../bridge/agents/roster.js';
import { createTailchatHost } from '../bridge/tailchat/host.js';
import { createRunnerAutomations, type RunnerAutomations } from '../bridge/automations/runner-automations.js';
import { createMongoAutomationStore } from '../bridge/store/automations.js';
import { createMemoryAutomationStore } from '../bridge/automations/memory-store.js';
import type { BundleConfig } from '../config/schema.js';
import { adaptLogger } from './logger.js';
import { RUNNER_SERVICE } from './names.js';

const { MoleculerClientError } = moleculer.Errors;

export interface RunnerServiceOptions {
  config: BundleConfig;
  /** Built by the process entry (engines own secrets; they are created only here). */
  engines: EngineRegistry;
  /** How long shutdown waits for running replies to finish. */
  drainTimeoutMs?: number;
}

/**
 * A runner action from the shared contract (protocol/runner.ts): params checked on arrival, a bad
 * call answered with a validation error that names the fields.
 */
function runnerAction<N extends RunnerActionName>(name: N, handle: (params: z.infer<(typeof RUNNER_ACTIONS)[N]['params']>) => Promise<RunnerReply<N>>) {
  return {
    visibility: 'public' as const,
    async handler(ctx: Context<unknown>): Promise<RunnerReply<N>> {
      const parsed = RUNNER_ACTIONS[name].params.safeParse(ctx.params);
      if (!parsed.success) {
        throw new MoleculerClientError(`Invalid ${name} call: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 422, 'VALIDATION_ERROR');
      }
      // TypeScript cannot tie the indexed schema's output back to N; the schema above is N's own.
      return handle(parsed.data as z.infer<(typeof RUNNER_ACTIONS)[N]['params']>);
    },
  };
}

export function createRunnerService(opts: RunnerServiceOptions): ServiceSchema {
  const { config, engines } = opts;
  let runner: Runner | undefined;
  let broker: ServiceBroker;
  let untrack: (() => void) | undefined;
  /** Redis when configured: the run ledger, usage counts and private tool output are then shared by every runner. */
  let shared: SharedRedis | undefined;
  /** Private tool output for getToolOutput (bridge/privacy/). */
  let toolOutputs: ToolOutputStore | undefined;
  /** In-flight runs, for the idempotency guard and adoption (bridge/run/ledger.ts). */
  let ledger: RunLedger | undefined;
  /** The plugin's own collections (AI_MONGO_URL): usage counters go there, as the chat side reads them. */
  let pluginStore: PluginStore | undefined;
  /** Scheduled tasks: jobs, and their results delivered once (bridge/automations/). */
  let automations: Promise<RunnerAutomations> | undefined;
  /** Tailchat and the agents' bot users, as the runner resolved them. */
  let tailchat: { host: ReturnType<typeof createTailchatHost>; agents: Awaited<ReturnType<typeof resolveAgentDirectory>> } | undefined;
  /** The automations, once started (stopping never waits for Tailchat to appear). */
  let runningAutomations: RunnerAutomations | undefined;

  const getRunner = async (): Promise<Runner> => {
    if (runner) return runner;
    await broker.waitForServices(['user', 'chat.message', 'gateway'], 60_000);
    const host = createTailchatHost((action, params, o) => broker.call(action, params, o));
    const agents = await resolveAgentDirectory(host, createRoster(config));
    tailchat ??= { host, agents };
    runner ??= createRunner(engines, {
      host,
      botUserId: agents.defaultAgent.userId,
      agentUserOf: (agentId) => agents.byId(agentId)?.userId,
      intervalMs: config.stream.intervalMs,
      maxReplyChars: config.limits.maxReplyChars,
      runTimeoutMs: config.limits.runTimeoutMs,
      approvalTtlMs: config.limits.approvalTtlMs,
      logger: adaptLogger(broker.getLogger(RUNNER_SERVICE)),
      ...(toolOutputs ? { toolOutputs } : {}),
      toolOutputPerRun: config.limits.toolOutputPerRun,
      recordUsage: createUsageRecorder(usageStore(host), adaptLogger(broker.getLogger(RUNNER_SERVICE))),
      // The admin list needs the plugin's database; without one, failures are logged and counted only.
      recordFailure: createFailureRecorder(pluginStore?.failures, adaptLogger(broker.getLogger(RUNNER_SERVICE))),
    }, { maxActive: config.limits.maxRuns, maxPerGroup: config.limits.maxRunsPerGroup, maxQueued: config.limits.maxQueued, maxPerUser: config.limits.maxRunsPerUser },
    { ...(ledger ? { ledger } : {}), heartbeatMs: config.state.runHeartbeatMs });
    return runner;
  };

  /** Created with the runner (it needs Tailchat and the agents' bot users), started once. */
  const getAutomations = (): Promise<RunnerAutomations> => {
    automations ??= (async () => {
      await getRunner();
      // The runner's own Tailchat host and agents (resolved once, with it).
      const { host, agents } = tailchat!;
      const created = createRunnerAutomations({
        engines,
        store: pluginStore ? createMongoAutomationStore(pluginStore.db) : createMemoryAutomationStore(),
        host,
        agentUserOf: (agentId) => agents.byId(agentId)?.userId,
        nodeId: broker.nodeID,
        leaseMs: config.automations.deliveryLeaseMs,
        maxPerGroup: config.automations.maxPerGroup,
        catchUpMs: config.automations.catchUpMs,
        logger: adaptLogger(broker.getLogger(RUNNER_SERVICE)),
      });
      await created.start();
      runningAutomations = created;
      return created;
    })().catch((err: unknown) => {
      automations = undefined; // tried again on the next call
      throw err;
    });
    return automations;
  };

  const usageStore = (host: Parameters<typeof createUsageStore>[0]): UsageStore => pluginStore?.usage ?? createUsageStore(host, shared?.redis);

  return {
    name: RUNNER_SERVICE,
    settings: { engines: engines.ids() },
    actions: {
      startRun: runnerAction('startRun', async ({ job }) => ({ accepted: await (await getRunner()).start(parseRunJob(job)) })),
      abortSession: runnerAction('abortSession', async ({ sessionKey, requester }) => (runner ? runner.abortSession(sessionKey, requester) : false)),
      // Which of these runs this instance executes or queues (Regenerate waits for them).
      activeRuns: runnerAction('activeRuns', async ({ runIds }) => (runner ? runIds.filter((id) => runner!.whenDone(id) !== undefined) : [])),
      abortRun: runnerAction('abortRun', async ({ runId }) => (runner ? runner.abortRun(runId) : false)),
      resetSession: runnerAction('resetSession', async ({ engineId, sessionKey }) => {
        await (await getRunner()).reset(engineId, sessionKey);
        return true as const;
      }),
      // The chat side authorized the decider for groupId (bridge/policy/); the runner binds the
      // decision to the run (bridge/run/approval-book.ts).
      resolveApproval: runnerAction('resolveApproval', async (p) => (await getRunner()).resolveApproval(p.runId, p.approvalId, p.decision, p.decidedBy, p.groupId)),
      stats: runnerAction('stats', async ({ engineId, userId }) => ({ text: (await (await getRunner()).stats(engineId, userId)) ?? null })),
      // The chat side checked the caller (requester or approver); this only reads the store.
      getToolOutput: runnerAction('getToolOutput', async ({ runId, toolCallId }) => ({ output: (await toolOutputs?.get(runId, toolCallId)) ?? null })),
      // The chat side checked `schedule` in the group (bridge/policy/); the job is bound to its panel.
      createAutomation: runnerAction('createAutomation', async (p) => (await getAutomations()).create(p)),
      listAutomations: runnerAction('listAutomations', async ({ groupId }) => ({ automations: await (await getAutomations()).list(groupId) })),
      changeAutomation: runnerAction('changeAutomation', async (p) => (await getAutomations()).change(p)),
      countFeedback: runnerAction('countFeedback', async ({ agent, engine, vote }) => {
        feedbackMetrics.voted(engine, agent, vote);
        return true as const;
      }),
      health: runnerAction('health', async () => {
          const out: Record<string, unknown> = {};
          for (const id of engines.ids()) {
            try {
              out[id] = await (await engines.get(id)).health();
            } catch (err) {
              out[id] = { ok: false, detail: err instanceof Error ? err.message : String(err) };
            }
          }
          return { engines: out, activeRuns: runner?.activeCount() ?? 0, queuedRuns: runner?.queuedCount() ?? 0 };
      }),
    },
    created(this: { broker: ServiceBroker }) {
      broker = this.broker;
      const logger = adaptLogger(broker.getLogger(RUNNER_SERVICE));
      shared = config.state.redisUrl ? acquireRedis(config.state.redisUrl, logger) : undefined;
      pluginStore = config.state.mongoUrl ? openPluginStore(config.state.mongoUrl, logger) : undefined;
      // The chat side reads usage where it keeps its own data: every process needs the same AI_MONGO_URL.
      logger.info(`usage counted in ${pluginStore ? "the plugin's collections (AI_MONGO_URL)" : shared ? 'Redis (no AI_MONGO_URL)' : "Tailchat's group data (no AI_MONGO_URL, no AI_REDIS_URL)"}`);
      const ttlMs = config.state.toolOutputTtlMs;
      toolOutputs = shared ? createRedisToolOutputStore(shared.redis, { ttlMs }) : createMemoryToolOutputStore({ ttlMs });
      const owner = broker.nodeID;
      const leaseMs = config.state.runLeaseMs;
      const doneTtlMs = config.state.runDoneTtlMs;
      ledger = shared ? createRedisLedger(shared.redis, { owner, leaseMs, doneTtlMs, logger }) : createMemoryLedger({ owner, leaseMs, doneTtlMs });
      allowMetricLabels({ engines: engines.ids(), agents: [...createRoster(config).agents.map((a) => a.id), config.groupDefaults.agentId, ...config.observability.agents] });
      // Metrics: this instance's active and queued runs, read at scrape time.
      const untrackRuns = trackRunner({ activeCount: () => runner?.activeCount() ?? 0, queuedCount: () => runner?.queuedCount() ?? 0 });
      const untrackSizes = trackSizes(() => ({
        ...ledger?.sizes(),
        ...runner?.sizes(),
        ...engines.sizes(),
        ...(toolOutputs && 'size' in toolOutputs ? { tool_outputs: Number(toolOutputs.size) } : {}),
      }));
      untrack = () => {
        untrackRuns();
        untrackSizes();
      };
    },
    started() {
      getRunner().catch((err) => broker.getLogger(RUNNER_SERVICE).warn('runner not ready yet (Tailchat unreachable?)', { error: String(err) }));
      // Results of jobs that fired while no runner was up are caught up now (and then every catchUpMs).
      if (config.automations.enabled) getAutomations().catch((err) => broker.getLogger(RUNNER_SERVICE).warn('automations not started yet', { error: String(err) }));
    },
    async stopped() {
      runningAutomations?.stop();
      if (runner) {
        const timeout = new Promise((r) => setTimeout(r, opts.drainTimeoutMs ?? 30_000).unref());
        await Promise.race([runner.drain(), timeout]);
        runner.close();
      }
      // A run still going after the drain timeout keeps its record: its lease lapses and another runner adopts it.
      await engines.close();
      await shared?.release();
      await pluginStore?.release();
      untrack?.();
    },
  } as ServiceSchema;
}
