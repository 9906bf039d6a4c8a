/**
 * The chat side ↔ runner contract: every action of `plugin:com.yourcompany.ai.runner` with its
 * params and reply, as zod schemas both sides use. The chat side validates params before they
 * leave and replies when they arrive; the runner validates params on arrival. The two halves may
 * run different versions during a rolling upgrade, so nothing crosses unchecked.
 */
import { z } from 'zod';
import { agentSlug, SERVICE_NAME } from './actions.js';
import { vote } from './feedback.js';
import { automationSpec, automationView } from './automations.js';

export const RUNNER_SERVICE_NAME = `${SERVICE_NAME}.runner`;

const id = z.string().min(1).max(128);
export const approvalDecision = z.enum(['allow-once', 'allow-always', 'deny']);

/** Why the runner that has a run refused a decision (bridge/run/approval-book.ts). */
export const approvalRefusal = z.enum(['not-pending', 'decision-not-offered', 'wrong-run']);
export type ApprovalRefusal = z.infer<typeof approvalRefusal>;

const toolOutputView = z.object({ name: z.string(), args: z.unknown().optional(), result: z.unknown().optional(), truncated: z.boolean().optional() });

export const RUNNER_ACTIONS = {
  /** `job` is checked by the runner against bridge/run/job.ts (it owns the job's shape). */
  startRun: { params: z.object({ job: z.unknown().refine((v) => typeof v === 'object' && v !== null, 'must be a run job') }), reply: z.object({ accepted: z.boolean() }) },
  /** `requester`: stop only that user's runs (chat /stop by someone without `approve`). */
  abortSession: { params: z.object({ sessionKey: z.string().min(1).max(600), requester: id.optional() }), reply: z.boolean() },
  activeRuns: { params: z.object({ runIds: z.array(z.string().max(128)).max(1000) }), reply: z.array(z.string()) },
  abortRun: { params: z.object({ runId: id }), reply: z.boolean() },
  resetSession: { params: z.object({ engineId: z.string().min(1), sessionKey: z.string().min(1).max(600) }), reply: z.literal(true) },
  /**
   * A decision for an approval pending in `runId`. `groupId` (null in a DM) is the group the chat
   * side authorized the decider for: the runner refuses when the run is in another place.
   */
  resolveApproval: {
    params: z.object({ runId: id, approvalId: z.string().min(1).max(256), decision: approvalDecision, decidedBy: id, groupId: id.nullable() }),
    reply: z.object({ resolved: z.boolean(), refusal: approvalRefusal.optional() }),
  },
  stats: { params: z.object({ engineId: z.string().min(1), userId: id }), reply: z.object({ text: z.string().nullable() }) },
  getToolOutput: { params: z.object({ runId: id, toolCallId: z.string().min(1).max(256) }), reply: z.object({ output: toolOutputView.nullable() }) },
  /**
   * Counts a vote on a reply in the runner's metrics (the bundle process serves /metrics; the chat
   * side may run inside Tailchat's). One runner counts it: a call, not an event.
   */
  countFeedback: { params: z.object({ agent: agentSlug, engine: z.string().min(1).max(64), vote }), reply: z.literal(true) },
  /**
   * Creates a job on the engine and keeps it (issue #22). The chat side checked the requester's
   * `schedule` permission in `groupId`; the runner binds the job to that panel and agent.
   */
  createAutomation: {
    params: z.object({
      engineId: z.string().min(1),
      spec: automationSpec,
      groupId: id,
      converseId: id,
      agentId: agentSlug,
      creatorId: id,
      when: z.string().max(300),
      human: z.string().max(300),
      tz: z.string().min(1).max(64),
    }),
    reply: z.union([z.object({ jobId: z.string(), shortId: z.string(), nextRunAt: z.string().optional() }), z.object({ refusal: z.enum(['unsupported', 'too-many']) })]),
  },
  /** The group's jobs (its own only). */
  listAutomations: { params: z.object({ groupId: id }), reply: z.object({ automations: z.array(automationView) }) },
  /** Pause, resume or delete a job of `groupId`, named by its id or the first 8 characters of it (resolved only among the group's jobs). */
  changeAutomation: {
    params: z.object({ groupId: id, jobId: z.string().min(4).max(128), change: z.enum(['pause', 'resume', 'delete']) }),
    reply: z.union([z.object({ automation: automationView }), z.object({ refusal: z.enum(['not-found', 'ambiguous']) })]),
  },
  health: {
    params: z.object({}),
    reply: z.object({ engines: z.record(z.string(), z.unknown()), activeRuns: z.number(), queuedRuns: z.number() }),
  },
} as const;

export type RunnerActionName = keyof typeof RUNNER_ACTIONS;
export type RunnerParams<N extends RunnerActionName> = z.input<(typeof RUNNER_ACTIONS)[N]['params']>;
export type RunnerReply<N extends RunnerActionName> = z.infer<(typeof RUNNER_ACTIONS)[N]['reply']>;

/** The broker name of a runner action. */
export const runnerAction = (name: RunnerActionName): string => `${RUNNER_SERVICE_NAME}.${name}`;

/** What a Moleculer context or broker offers for calling (both have `call`). */
export interface Caller {
  call(action: string, params?: unknown, opts?: { nodeID?: string }): Promise<unknown>;
}

/**
 * Calls a runner action with checked params and a checked reply. A reply of the wrong shape (a
 * runner of an incompatible version) is an error here, not a wrong value further on.
 */
export async function callRunner<N extends RunnerActionName>(caller: Caller, name: N, params: RunnerParams<N>, opts?: { nodeID?: string }): Promise<RunnerReply<N>> {
  const spec = RUNNER_ACTIONS[name];
  const sent = spec.params.parse(params);
  const reply = await caller.call(runnerAction(name), sent, opts ?? {});
  // Checked by N's own reply schema; TypeScript cannot tie the indexed schema's output back to N.
  return spec.reply.parse(reply) as RunnerReply<N>;
}
