/**
 * Automations on the runner (issue #22): creates, lists and changes a group's jobs on its engine,
 * keeps them in the plugin store (the durable map of job → panel, agent and creator), and delivers
 * what the engines report through the exactly-once delivery (delivery.ts): live events, and a
 * catch-up from each watched session's history at start and every `catchUpMs` (an instance that
 * was down, or a dropped event). Who may create and change jobs was decided by the chat side
 * (bridge/policy/); the runner binds every job to the panel it was asked in.
 */
import { AI_META_KEY, META_VERSION } from '../../protocol/blocks.js';
import { SCHEDULED_META_KEY, type AutomationRecord, type AutomationView } from '../../protocol/automations.js';
import type { RunnerParams, RunnerReply } from '../../protocol/runner.js';
import type { EngineLogger } from '../engine/logger.js';
import type { EngineRegistry } from '../engine/registry.js';
import type { EngineAutomations } from '../engine/types.js';
import { neutralizeBBCode } from '../message/neutralize.js';
import type { TailchatHost } from '../tailchat/host.js';
import { createDelivery, failureNoticeRunId, type Delivery } from './delivery.js';
import { nextRunsOf } from './schedule-parse.js';
import { shortIdOf, type AutomationStore } from './store.js';

/** A notice's run id (delivery.ts names it from the failed run's). */
const FAILURE_NOTICE_PREFIX = failureNoticeRunId('');

/** Results older than this are not caught up from history (their claims may have been purged). */
export const CATCH_UP_WINDOW_MS = 7 * 86_400_000;
/** Settled claims are kept this long: longer than the catch-up window, so nothing is posted twice. */
export const CLAIM_RETENTION_MS = 14 * 86_400_000;

export interface RunnerAutomationsDeps {
  engines: Pick<EngineRegistry, 'get'>;
  store: AutomationStore;
  host: Pick<TailchatHost, 'sendMessage' | 'fetchConverseMessages'>;
  /** The bot user of a bundle agent (`agents[].id`). */
  agentUserOf(agentId: string): string | undefined;
  nodeId: string;
  leaseMs: number;
  maxPerGroup: number;
  catchUpMs: number;
  logger: EngineLogger;
  now?: () => number;
}

export interface RunnerAutomations {
  create(p: RunnerParams<'createAutomation'>): Promise<RunnerReply<'createAutomation'>>;
  list(groupId: string): Promise<AutomationView[]>;
  change(p: RunnerParams<'changeAutomation'>): Promise<RunnerReply<'changeAutomation'>>;
  /** Subscribes to the engines' events, watches the kept jobs' sessions and catches up. */
  start(): Promise<void>;
  stop(): void;
}

/** The run time in a run id (`cron:<job>:<ms>`, `scripted:<job>:<ms>`), when it has one. */
const runTimeOf = (runId: string): number | undefined => {
  const ms = Number(runId.split(':').at(-1));
  return Number.isFinite(ms) && ms > 1e12 ? ms : undefined;
};

/** Tailchat's refusals for a panel or group that is gone, or a bot that is no longer in it. */
const GONE = /not found|no permission|not a member|未找到|没有|不存在/i;

export function createRunnerAutomations(d: RunnerAutomationsDeps): RunnerAutomations {
  const now = d.now ?? Date.now;
  const undo: (() => void)[] = [];
  let sweep: NodeJS.Timeout | undefined;

  const automationsOf = async (engineId: string): Promise<EngineAutomations | undefined> => (await d.engines.get(engineId)).automations;
  /** Engines whose events are delivered: those with kept jobs, and any a job is created on (never one unused). */
  const listening = new Set<string>();
  const listenTo = async (engineId: string): Promise<EngineAutomations | undefined> => {
    const automations = await automationsOf(engineId);
    if (!automations || listening.has(engineId)) return automations;
    listening.add(engineId);
    undo.push(
      automations.onEvent((event) => {
        deliver(engineId)
          .deliver(event)
          .then((outcome) => {
            // Another instance delivers it: said once, so several instances can be seen to agree.
            if (outcome === 'held-elsewhere' || outcome === 'delivered-before') d.logger.info('automation event left to the instance that delivers it', { engineId, jobId: event.jobId, outcome });
          })
          .catch((err: unknown) => d.logger.warn('automations: delivery failed (the catch-up retries)', { engineId, jobId: event.jobId, error: err instanceof Error ? err.message : String(err) }));
      }),
    );
    return automations;
  };

  const viewOf = (r: AutomationRecord): AutomationView => {
    const next = r.state === 'active' ? nextRunsOf(r.schedule, new Date(now()), 1)[0] : undefined;
    return {
      jobId: r.jobId,
      shortId: shortIdOf(r.jobId),
      converseId: r.converseId,
      agentId: r.agentId,
      creatorId: r.creatorId,
      name: r.name,
      message: r.message,
      human: r.human,
      tz: r.tz,
      createdAt: r.createdAt,
      state: r.state,
      ...(r.last ? { last: r.last } : {}),
      ...(next ? { nextRunAt: next } : {}),
    };
  };

  const deliveryFor = (engineId: string): Delivery =>
    createDelivery({
      engineId,
      claims: d.store.claims,
      jobs: d.store.jobs,
      async post(record, text, scheduled) {
        const bot = d.agentUserOf(record.agentId);
        if (!bot) throw new Error(`no bot user for agent ${record.agentId}`);
        const notice = scheduled.runId.startsWith(FAILURE_NOTICE_PREFIX);
        const sent = await d.host.sendMessage(bot, {
          converseId: record.converseId,
          groupId: record.groupId,
          content: neutralizeBBCode(notice ? text : `⏰ ${record.name}\n${text}`),
          // The usual agent panel (a result as markdown, a failure as an error), and which job made it.
          meta: {
            [AI_META_KEY]: notice
              ? { v: META_VERSION, runId: scheduled.runId, engine: engineId, status: 'error', blocks: [{ type: 'error', kind: 'unknown', message: text }] }
              : { v: META_VERSION, runId: scheduled.runId, engine: engineId, status: 'done', blocks: [{ type: 'markdown', text }] },
            [SCHEDULED_META_KEY]: scheduled,
          },
        });
        return { messageId: sent._id };
      },
      async findPosted(record, runId) {
        const bot = d.agentUserOf(record.agentId);
        if (!bot) return undefined;
        const page = await d.host.fetchConverseMessages(record.converseId, undefined, bot);
        return page.find((m) => m.author === bot && (m.meta?.[SCHEDULED_META_KEY] as { runId?: unknown } | undefined)?.runId === runId)?._id;
      },
      async pause(record) {
        await (await automationsOf(engineId))?.setEnabled(record.jobId, false);
      },
      isGone: (err) => GONE.test(err instanceof Error ? err.message : String(err)),
      nodeId: d.nodeId,
      leaseMs: d.leaseMs,
      logger: d.logger,
      now,
    });
  const deliveries = new Map<string, Delivery>();
  const deliver = (engineId: string) => {
    let delivery = deliveries.get(engineId);
    if (!delivery) deliveries.set(engineId, (delivery = deliveryFor(engineId)));
    return delivery;
  };

  /** Results committed to the kept jobs' sessions: delivered unless delivered before (the claims say). */
  const catchUp = async () => {
    const active = await d.store.jobs.listActive();
    const sessions = new Map<string, string>(); // sessionKey → engineId
    for (const r of active) sessions.set(r.sessionKey, r.engineId);
    for (const [sessionKey, engineId] of sessions) {
      try {
        const automations = await listenTo(engineId);
        if (!automations) continue;
        await automations.watch(sessionKey);
        for (const event of await automations.committed(sessionKey)) {
          const at = event.kind === 'ended' ? undefined : runTimeOf(event.runId);
          if (at !== undefined && at < now() - CATCH_UP_WINDOW_MS) continue;
          await deliver(engineId).deliver(event);
        }
      } catch (err) {
        d.logger.warn('automations: catch-up of a session failed', { sessionKey, engineId, error: err instanceof Error ? err.message : String(err) });
      }
    }
    await d.store.claims.purge(now() - CLAIM_RETENTION_MS).catch(() => 0);
  };

  return {
    async create(p) {
      const automations = await listenTo(p.engineId);
      if (!automations) return { refusal: 'unsupported' };
      if ((await d.store.jobs.countForGroup(p.groupId)) >= d.maxPerGroup) return { refusal: 'too-many' };
      const { jobId, nextRunAt } = await automations.create(p.spec);
      const record: AutomationRecord = {
        engineId: p.engineId,
        jobId,
        groupId: p.groupId,
        converseId: p.converseId,
        sessionKey: p.spec.sessionKey,
        agentId: p.agentId,
        creatorId: p.creatorId,
        name: p.spec.name,
        message: p.spec.message,
        schedule: p.spec.schedule,
        when: p.when,
        human: p.human,
        tz: p.tz,
        createdAt: new Date(now()).toISOString(),
        state: 'active',
      };
      // The same request again (a redelivered command) finds its job: keep the first record.
      if (!(await d.store.jobs.get(p.engineId, jobId))) await d.store.jobs.put(record);
      await automations.watch(p.spec.sessionKey).catch((err: unknown) =>
        d.logger.warn('automations: could not watch the session of a new job (the catch-up will)', { jobId, error: err instanceof Error ? err.message : String(err) }),
      );
      d.logger.info('automations: job created', { engineId: p.engineId, jobId, groupId: p.groupId, converseId: p.converseId, creatorId: p.creatorId });
      const next = nextRunAt ?? nextRunsOf(p.spec.schedule, new Date(now()), 1)[0];
      return { jobId, shortId: shortIdOf(jobId), ...(next ? { nextRunAt: next } : {}) };
    },
    async list(groupId) {
      return (await d.store.jobs.listForGroup(groupId)).map(viewOf);
    },
    async change(p) {
      const match = await d.store.jobs.byShortId(p.groupId, p.jobId);
      if (!('found' in match)) return { refusal: match.error };
      const record = match.found;
      const automations = await automationsOf(record.engineId);
      if (p.change === 'delete') {
        await automations?.remove(record.jobId).catch((err: unknown) => d.logger.warn('automations: the engine could not remove a job (removed here anyway)', { jobId: record.jobId, error: String(err) }));
        await d.store.jobs.remove(record.engineId, record.jobId);
        return { automation: viewOf({ ...record, state: 'paused' }) };
      }
      const enabled = p.change === 'resume';
      await automations?.setEnabled(record.jobId, enabled);
      await d.store.jobs.setState(record.engineId, record.jobId, enabled ? 'active' : 'paused');
      return { automation: viewOf({ ...record, state: enabled ? 'active' : 'paused' }) };
    },
    async start() {
      await catchUp();
      d.logger.info('automations: started', { watching: listening.size });
      sweep = setInterval(() => void catchUp(), d.catchUpMs);
      sweep.unref();
    },
    stop() {
      if (sweep) clearInterval(sweep);
      for (const u of undo.splice(0)) u();
    },
  };
}
