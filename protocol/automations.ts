/**
 * Automations (issue #22; design: docs/design/automations.md): reminders and schedules that make
 * an agent speak first in a panel. Jobs are created only by the bundle, after the requester's
 * `schedule` permission is checked on the server; the engine runs them (OpenClaw cron, or the
 * scripted engine's timers) and the runner delivers each result once into the job's panel.
 * These are the shapes every side shares: the schedule, the job as the bundle keeps it, the view
 * the settings and `/schedule list` show, and the meta of a delivered message.
 */
import { z } from 'zod';
import { agentSlug } from './actions.js';

/** An IANA time zone name (checked against the runtime's Intl data where it is parsed). */
export const timeZoneName = z.string().min(1).max(64);

/**
 * When a job runs. Only these three: no command, script or stream payloads exist in the bundle.
 * `at` is a UTC instant (the engine API has no zone for it); `every` a fixed interval; `cron` five
 * fields in a zone (croner semantics, as the gateway).
 */
export const scheduleSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('at'), at: z.iso.datetime() }),
  z.object({ kind: z.literal('every'), everyMs: z.number().int().min(1_000).max(366 * 86_400_000) }),
  z.object({ kind: z.literal('cron'), expr: z.string().min(9).max(120), tz: timeZoneName }),
]);
export type ScheduleSpec = z.infer<typeof scheduleSpec>;

/** Longest text a job sends to its agent each time it runs. */
export const MAX_AUTOMATION_MESSAGE = 2_000;

/** What the bundle asks an engine to create (the runner action `createAutomation`). */
export const automationSpec = z.object({
  /** Idempotent create: the same key makes one job (a double click, two instances). */
  declarationKey: z.string().min(1).max(128),
  /** Short title shown in the panel and the settings. */
  name: z.string().min(1).max(80),
  /** What the agent is asked each time it runs. */
  message: z.string().min(1).max(MAX_AUTOMATION_MESSAGE),
  schedule: scheduleSpec,
  /** The engine session the result is committed to (the group's session of the agent). */
  sessionKey: z.string().min(1).max(600),
  /** The engine's agent (OpenClaw agent id). */
  engineAgentId: z.string().min(1).max(64),
});
export type AutomationSpec = z.infer<typeof automationSpec>;

export const automationState = z.enum(['active', 'paused', 'failed', 'orphaned']);
export type AutomationState = z.infer<typeof automationState>;

/** The job as the bundle keeps it (plugin store): the durable map of a job and its session to a panel. */
export const automationRecord = z.object({
  engineId: z.string().min(1),
  /** The engine's job id. */
  jobId: z.string().min(1).max(128),
  groupId: z.string().min(1),
  converseId: z.string().min(1),
  sessionKey: z.string().min(1).max(600),
  /** The bundle agent (`agents[].id`) whose bot posts the results. */
  agentId: agentSlug,
  creatorId: z.string().min(1),
  name: z.string(),
  message: z.string(),
  schedule: scheduleSpec,
  /** The words the schedule was given in, and how the bundle restates it ("every weekday at 09:00 Europe/Vienna"). */
  when: z.string(),
  human: z.string(),
  tz: timeZoneName,
  createdAt: z.string(),
  state: automationState,
  last: z.object({ at: z.string(), status: z.enum(['ok', 'error']), error: z.string().optional() }).optional(),
});
export type AutomationRecord = z.infer<typeof automationRecord>;

/** A job as members see it in `/schedule list` and the settings. */
export const automationView = automationRecord.pick({ jobId: true, converseId: true, agentId: true, creatorId: true, name: true, message: true, human: true, tz: true, createdAt: true, state: true, last: true }).extend({
  /** The first 8 characters of the job id: what `/schedule pause <id>` takes. */
  shortId: z.string(),
  nextRunAt: z.string().optional(),
});
export type AutomationView = z.infer<typeof automationView>;

/** `meta.scheduled` of a delivered result (on the agent's message, beside the reply meta). */
export const scheduledMeta = z.object({ jobId: z.string(), runId: z.string(), name: z.string(), creatorId: z.string() });
export type ScheduledMeta = z.infer<typeof scheduledMeta>;
export const SCHEDULED_META_KEY = 'com.yourcompany.ai.scheduled';

/** A result or a failure of one run of a job, as an engine reports it (live, or read back from history). */
export const automationEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), jobId: z.string(), runId: z.string(), sessionKey: z.string(), text: z.string() }),
  z.object({ kind: z.literal('failed'), jobId: z.string(), runId: z.string(), error: z.string() }),
  /** The engine removed or disabled a job by itself (a one-shot that ran, too many failures). */
  z.object({ kind: z.literal('ended'), jobId: z.string(), enabled: z.boolean(), nextRunAt: z.string().optional() }),
]);
export type AutomationEvent = z.infer<typeof automationEvent>;

/** HTTP actions (the settings list, pause, resume, delete). */
export const listAutomationsParams = z.object({ groupId: z.string().min(1) });
export const changeAutomationParams = z.object({ groupId: z.string().min(1), jobId: z.string().min(1).max(128), change: z.enum(['pause', 'resume', 'delete']) });
export const AUTOMATION_ACTIONS = { listAutomations: 'listAutomations', changeAutomation: 'changeAutomation' } as const;
