/**
 * Calls to the plugin's backend (`plugin:com.yourcompany.ai`) through the host's sanctioned
 * `createPluginRequest` (adds the user's token; errors reject with the server's message).
 */
import { createPluginRequest } from '@capital/common';
import type { GroupAgentsView, GroupSettings, ToolOutputView } from '../../../protocol/actions';
import type { AuditEntry, AuditLogPage, FailedRepliesPage, UsageReport } from '../../../protocol/admin';
import type { AutomationView } from '../../../protocol/automations';
import type { FeedbackReport, MyVotesView, Vote } from '../../../protocol/feedback';
import { AUTOMATION_ACTIONS } from './automations-contract';
import { ACTIONS, PLUGIN_ID } from './constants';
import { FEEDBACK_ACTIONS } from './feedback-contract';
import { t } from './i18n';

let client: ReturnType<typeof createPluginRequest> | null = null;
function request(): ReturnType<typeof createPluginRequest> {
  if (!client) client = createPluginRequest(PLUGIN_ID);
  return client;
}

export type ApprovalDecision = 'allow-once' | 'allow-always' | 'deny';

export async function stopRun(runId: string): Promise<void> {
  await request().post(ACTIONS.stopRun, { runId });
}

/** Answers the prompt of `runId` again (a new reply in the same session); rejects with the server's reason. */
export async function regenerate(runId: string): Promise<{ runId: string; attempt: number }> {
  const { data } = await request().post(ACTIONS.regenerate, { runId });
  return data as { runId: string; attempt: number };
}

export async function resolveApproval(runId: string, approvalId: string, decision: ApprovalDecision): Promise<void> {
  await request().post(ACTIONS.resolveApproval, { runId, approvalId, decision });
}

export interface LoadedSettings {
  settings: Partial<GroupSettings>;
  canConfigure: boolean;
  /** The caller may pause, resume and delete the group's scheduled tasks (`schedule`). */
  canSchedule: boolean;
  /** The server's zone for groups that set none (absent: an older backend). */
  defaultTimeZone?: string;
}

export async function getGroupSettings(groupId: string): Promise<LoadedSettings> {
  const { data } = await request().post(ACTIONS.getGroupSettings, { groupId });
  const body = (data ?? {}) as { settings?: Partial<GroupSettings>; canConfigure?: boolean; canSchedule?: boolean; defaultTimeZone?: unknown };
  // Without the flags we let the user try; the server has the last word on every change.
  return {
    settings: body.settings ?? {},
    canConfigure: body.canConfigure !== false,
    canSchedule: body.canSchedule !== false,
    ...(typeof body.defaultTimeZone === 'string' && body.defaultTimeZone ? { defaultTimeZone: body.defaultTimeZone } : {}),
  };
}

/** The group's scheduled tasks (every member may list them; rejects with the server's reason). */
export async function listAutomations(groupId: string): Promise<AutomationView[]> {
  const { data } = await request().post(AUTOMATION_ACTIONS.listAutomations, { groupId });
  const list = ((data ?? {}) as { automations?: unknown }).automations;
  // An older backend answers something else: say so instead of crashing the panel.
  if (!Array.isArray(list)) throw new Error(t('request.failed'));
  return list as AutomationView[];
}

export type AutomationChange = 'pause' | 'resume' | 'delete';

/** Pauses, resumes or deletes one task (`schedule` holders); resolves with the task as it is now. */
export async function changeAutomation(groupId: string, jobId: string, change: AutomationChange): Promise<AutomationView> {
  const { data } = await request().post(AUTOMATION_ACTIONS.changeAutomation, { groupId, jobId, change });
  const automation = ((data ?? {}) as { automation?: AutomationView }).automation;
  if (!automation || typeof automation.jobId !== 'string') throw new Error(t('request.failed'));
  return automation;
}

export async function saveGroupSettings(groupId: string, settings: Partial<GroupSettings>): Promise<Partial<GroupSettings>> {
  const { data } = await request().post(ACTIONS.saveGroupSettings, { groupId, settings });
  return ((data ?? {}) as { settings?: Partial<GroupSettings> }).settings ?? settings;
}

/** The configured agents, which are members of the group, its default agent and whether the caller may change them. */
export async function getGroupAgents(groupId: string): Promise<GroupAgentsView> {
  const { data } = await request().post(ACTIONS.getGroupAgents, { groupId });
  const view = (data ?? {}) as Partial<GroupAgentsView>;
  // An older backend answers something else: say so instead of crashing the panel.
  if (!Array.isArray(view.agents) || typeof view.defaultAgentId !== 'string') throw new Error(t('request.failed'));
  return { agents: view.agents, defaultAgentId: view.defaultAgentId, canConfigure: view.canConfigure === true };
}

/** Adds an agent to the group (its bot joins) or removes it; rejects with the server's reason. */
export async function setGroupAgent(groupId: string, agentId: string, member: boolean): Promise<void> {
  await request().post(ACTIONS.setGroupAgent, { groupId, agentId, member });
}

export async function getUsage(groupId: string, month?: string): Promise<UsageReport> {
  const { data } = await request().post(ACTIONS.getUsage, { groupId, ...(month ? { month } : {}) });
  const report = (data ?? {}) as Partial<UsageReport>;
  // An older backend without usage answers something else: say so instead of crashing the panel.
  if (!report.totals || !Array.isArray(report.users) || !Array.isArray(report.agents)) throw new Error(t('request.failed'));
  return report as UsageReport;
}

export async function getAuditLog(groupId: string, limit = 50): Promise<AuditEntry[]> {
  const { data } = await request().post(ACTIONS.getAuditLog, { groupId, limit });
  return ((data ?? {}) as Partial<AuditLogPage>).entries ?? [];
}

/** The group's latest failed replies (admins only; rejects with the server's reason). */
export async function getFailedReplies(groupId: string): Promise<FailedRepliesPage> {
  const { data } = await request().post(ACTIONS.getFailedReplies, { groupId });
  const page = (data ?? {}) as Partial<FailedRepliesPage>;
  // An older backend answers something else: say so instead of crashing the panel.
  if (!Array.isArray(page.failures)) throw new Error(t('request.failed'));
  return { groupId, failures: page.failures, kept: page.kept !== false };
}

const isVote = (value: unknown): value is Vote => value === 'up' || value === 'down';

/** Records the caller's 👍 / 👎 on a reply (`none` takes it back); resolves with the vote the server kept. */
export async function voteReply(messageId: string, vote: Vote | 'none', comment?: string): Promise<Vote | null> {
  const { data } = await request().post(FEEDBACK_ACTIONS.voteReply, { messageId, vote, ...(comment ? { comment } : {}) });
  const kept = (data as { vote?: unknown } | undefined)?.vote;
  if (kept !== null && !isVote(kept)) throw new Error(t('request.failed'));
  return kept;
}

/** The caller's own votes on these replies (at most 100 ids; rejects with the server's reason). */
export async function getMyVotes(messageIds: string[]): Promise<MyVotesView> {
  const { data } = await request().post(FEEDBACK_ACTIONS.getMyVotes, { messageIds });
  const view = (data ?? {}) as { votes?: unknown; kept?: unknown };
  // An older backend answers something else: say so instead of showing every reply unvoted.
  if (typeof view.votes !== 'object' || view.votes === null || typeof view.kept !== 'boolean') throw new Error(t('request.failed'));
  const votes: Record<string, Vote> = {};
  for (const [messageId, vote] of Object.entries(view.votes)) if (isVote(vote)) votes[messageId] = vote;
  return { votes, kept: view.kept };
}

/** The group's 👍 / 👎 per agent and week, and the latest 👎 (admins only; rejects with the server's reason). */
export async function getFeedback(groupId: string, weeks: number): Promise<FeedbackReport> {
  const { data } = await request().post(FEEDBACK_ACTIONS.getFeedback, { groupId, weeks });
  const report = (data ?? {}) as Partial<FeedbackReport>;
  // An older backend answers something else: say so instead of crashing the panel.
  if (!Array.isArray(report.weeks) || !Array.isArray(report.latestDown)) throw new Error(t('request.failed'));
  return { groupId, weeks: report.weeks, latestDown: report.latestDown, kept: report.kept !== false };
}

/**
 * Whether the signed-in user may answer a reply's prompt again (Regenerate, Retry). In a group
 * the rule is the group's "invoke" permission whatever the run (bridge/policy/table.ts), so one
 * answer per group is kept; in a DM it is the run's requester, so per run. Remembered for the
 * page's life; a failed question counts as "no" for now and is asked again on the next render.
 */
const regenerateAccess = new Map<string, Promise<boolean>>();
export function getRegenerateAccess(runId: string, groupId: string | undefined): Promise<boolean> {
  const key = groupId ? `group:${groupId}` : `run:${runId}`;
  let answer = regenerateAccess.get(key);
  if (!answer) {
    answer = request()
      .post(ACTIONS.getRegenerateAccess, { runId })
      .then(({ data }) => (data as { allowed?: boolean } | undefined)?.allowed === true)
      .catch(() => {
        regenerateAccess.delete(key);
        return false;
      });
    regenerateAccess.set(key, answer);
    if (regenerateAccess.size > 500) regenerateAccess.delete(regenerateAccess.keys().next().value as string);
  }
  return answer;
}

/**
 * Whether the signed-in user may see the private tool details of a run (its requester or an
 * approver of the group). Asked once per run and remembered for the page's life; a failed
 * question counts as "no" for now (the card then explains who can see the details).
 */
const toolAccess = new Map<string, Promise<boolean>>();
export function getToolOutputAccess(runId: string): Promise<boolean> {
  let answer = toolAccess.get(runId);
  if (!answer) {
    answer = request()
      .post(ACTIONS.getToolOutputAccess, { runId })
      .then(({ data }) => (data as { allowed?: boolean } | undefined)?.allowed === true)
      .catch(() => {
        toolAccess.delete(runId); // asked again on the next render (a network hiccup is not a "no")
        return false;
      });
    toolAccess.set(runId, answer);
    // A long session scrolls through many replies: keep only the recent answers.
    if (toolAccess.size > 500) toolAccess.delete(toolAccess.keys().next().value as string);
  }
  return answer;
}

/** The private arguments and result of one tool call (rejects with the server's reason). */
export async function getToolOutput(runId: string, toolCallId: string): Promise<ToolOutputView> {
  const { data } = await request().post(ACTIONS.getToolOutput, { runId, toolCallId });
  return ((data ?? {}) as { output: ToolOutputView }).output;
}

/** A 403 from the server, when the host's request error carries the status (axios-style). */
export function isForbidden(err: unknown): boolean {
  const e = err as { status?: number; response?: { status?: number } } | null;
  return e?.status === 403 || e?.response?.status === 403;
}

/** The server's refusal text (Tailchat's request layer puts it in `Error.message`). */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return message || t('request.failed');
}
