/**
 * OpenClaw's cron jobs as the bundle uses them (issue #22; docs/design/automations.md §1).
 *
 * - Jobs are created, paused and removed only on a short-lived admin connection (the gateway asks
 *   `operator.admin` for `cron.add|update|remove`); the long-lived connection that sends members'
 *   prompts never holds that scope, so an agent's turn gets no automation authority from us.
 * - Every job is an agent turn bound to the group's session (`sessionTarget: "current"`): its
 *   result is committed to that session's transcript with the job's run id, and pushed as a
 *   `session.message` to clients subscribed to the session (`sessions.messages.subscribe`). Its
 *   tools are always listed (a job without `toolsAllow` would get every tool).
 * - A failed run shows only in the `cron` `finished` event (no run id there: the failure is keyed
 *   by job and run time).
 */
import { z } from 'zod';
import type { AutomationEvent, AutomationSpec, ScheduleSpec } from '../../../protocol/automations.js';
import type { EngineLogger } from '../logger.js';
import type { EngineAutomations } from '../types.js';
import type { GatewayConnection } from './connection.js';
import type { GatewayEventFrame } from './events.js';
import { messageText } from './events.js';
import { chatHistorySchema } from './history.js';

export interface OpenClawAutomationsDeps {
  /** The long-lived connection: events, subscriptions and history (operator.read). */
  conn: GatewayConnection;
  /** Runs `work` on a short-lived operator.admin connection, closed after it. */
  withAdmin<T>(work: (admin: GatewayConnection) => Promise<T>): Promise<T>;
  /** Makes members' command tokens inert (command-guard.ts): a job's message is a member's text too. */
  inert(text: string): Promise<string>;
  /** The tools a job's turn may use (never empty by accident: `[]` = none). */
  toolsAllow: readonly string[];
  connectTimeoutMs: number;
  logger: EngineLogger;
}

const jobOf = z.looseObject({ id: z.string().min(1), state: z.looseObject({ nextRunAtMs: z.number().optional() }).optional() });
/** `cron.add` answers the job, or `{created, job}` for a declared (idempotent) one. */
const addResult = z.union([z.looseObject({ job: jobOf }).transform((r) => r.job), jobOf]);

const automationMark = z.looseObject({ kind: z.literal('cron'), jobId: z.string().min(1), runId: z.string().min(1) });
const sessionMessage = z.looseObject({
  sessionKey: z.string().min(1),
  message: z.looseObject({ role: z.string(), openclawAutomation: automationMark.optional() }),
});
const cronEvent = z.looseObject({
  action: z.string(),
  jobId: z.string().min(1),
  status: z.string().optional(),
  error: z.string().optional(),
  runAtMs: z.number().optional(),
  nextRunAtMs: z.number().optional(),
  job: z.looseObject({ enabled: z.boolean().optional() }).optional(),
});

/** The gateway's schedule for ours: a UTC instant, an interval, or cron in a zone without stagger. */
export function gatewaySchedule(schedule: ScheduleSpec): Record<string, unknown> {
  if (schedule.kind === 'at') return { kind: 'at', at: schedule.at };
  if (schedule.kind === 'every') return { kind: 'every', everyMs: schedule.everyMs };
  return { kind: 'cron', expr: schedule.expr, tz: schedule.tz, staggerMs: 0 };
}

/** The one job shape the bundle creates (design §1). */
export function cronAddParams(spec: AutomationSpec, toolsAllow: readonly string[]): Record<string, unknown> {
  return {
    name: spec.name,
    declarationKey: spec.declarationKey,
    agentId: spec.engineAgentId,
    sessionKey: spec.sessionKey,
    sessionTarget: 'current',
    wakeMode: 'now',
    schedule: gatewaySchedule(spec.schedule),
    payload: { kind: 'agentTurn', message: spec.message, toolsAllow: [...toolsAllow] },
    delivery: { mode: 'announce' },
    failureAlert: false,
  };
}

/** A pushed or stored transcript row → the result of an automation run (other rows: undefined). */
export function resultOfRow(sessionKey: string, message: unknown): AutomationEvent | undefined {
  const mark = automationMark.safeParse((message as { openclawAutomation?: unknown } | null)?.openclawAutomation);
  if (!mark.success) return undefined;
  return { kind: 'result', jobId: mark.data.jobId, runId: mark.data.runId, sessionKey, text: messageText(message) ?? '' };
}

/** Frames → automation events: results from `session.message`, failures and ends from `cron`. */
export function automationEventsOf(frame: GatewayEventFrame): AutomationEvent[] {
  if (frame.event === 'session.message') {
    const parsed = sessionMessage.safeParse(frame.payload);
    if (!parsed.success || parsed.data.message.role !== 'assistant') return [];
    const result = resultOfRow(parsed.data.sessionKey, parsed.data.message);
    return result ? [result] : [];
  }
  if (frame.event === 'cron') {
    const parsed = cronEvent.safeParse(frame.payload);
    if (!parsed.success) return [];
    const e = parsed.data;
    if (e.action === 'finished' && e.status === 'error') return [{ kind: 'failed', jobId: e.jobId, runId: `${e.jobId}:${e.runAtMs ?? 0}`, error: e.error ?? 'the scheduled run failed' }];
    if (e.action === 'removed') return [{ kind: 'ended', jobId: e.jobId, enabled: false }];
    if ((e.action === 'updated' || e.action === 'scheduled') && e.job?.enabled === false) return [{ kind: 'ended', jobId: e.jobId, enabled: false }];
  }
  return [];
}

export interface OpenClawAutomations extends EngineAutomations {
  /** Feed every frame of the long-lived connection. */
  onFrame(frame: GatewayEventFrame): void;
  /** After a reconnect: subscribe to the watched sessions again. */
  onOpen(): void;
  watchedCount(): number;
}

export function createOpenClawAutomations(d: OpenClawAutomationsDeps): OpenClawAutomations {
  const listeners = new Set<(e: AutomationEvent) => void>();
  const watched = new Set<string>();
  const subscribe = async (key: string) => {
    await d.conn.ready(d.connectTimeoutMs);
    await d.conn.request('sessions.messages.subscribe', { key });
  };
  return {
    async create(spec) {
      // Created on an admin connection, the job's turn must not read a member's `/exec …` as a command.
      const guarded = { ...spec, message: await d.inert(spec.message) };
      const answer = await d.withAdmin((admin) => admin.request<unknown>('cron.add', cronAddParams(guarded, d.toolsAllow)));
      const job = addResult.parse(answer);
      const next = job.state?.nextRunAtMs;
      d.logger.info(`openclaw: automation ${job.id} created`, { sessionKey: spec.sessionKey });
      return { jobId: job.id, ...(next ? { nextRunAt: new Date(next).toISOString() } : {}) };
    },
    async setEnabled(jobId, enabled) {
      await d.withAdmin((admin) => admin.request('cron.update', { id: jobId, patch: { enabled } }));
    },
    async remove(jobId) {
      await d.withAdmin((admin) => admin.request('cron.remove', { id: jobId }));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async watch(sessionKey) {
      if (!watched.has(sessionKey)) watched.add(sessionKey);
      await subscribe(sessionKey);
    },
    async committed(sessionKey) {
      await d.conn.ready(d.connectTimeoutMs);
      const history = chatHistorySchema.parse(await d.conn.request('chat.history', { sessionKey, limit: 200 }));
      return history.messages.flatMap((m) => {
        const r = resultOfRow(sessionKey, m);
        return r ? [r] : [];
      });
    },
    onFrame(frame) {
      for (const event of automationEventsOf(frame)) for (const l of listeners) l(event);
    },
    onOpen() {
      for (const key of watched) {
        subscribe(key).catch((err: unknown) => d.logger.warn('openclaw: could not subscribe to a session for its automations again', { sessionKey: key, error: err instanceof Error ? err.message : String(err) }));
      }
    },
    watchedCount: () => watched.size,
  };
}
