/**
 * Actions of `plugin:com.yourcompany.ai` that the web client calls through
 * `createPluginRequest('com.yourcompany.ai').post(<action>, body)`
 * (HTTP `POST /api/plugin:com.yourcompany.ai/<action>`, caller = `ctx.meta.userId`).
 * Every one is checked on the server against the caller's Tailchat group permissions.
 */
import { z } from 'zod';

export const SERVICE_NAME = 'plugin:com.yourcompany.ai';

/** Plugin permission keys (declared on the client with `regPluginPermission`). */
export const PERMISSIONS = {
  invoke: 'plugin.com.yourcompany.ai.invoke',
  approve: 'plugin.com.yourcompany.ai.approve',
  configure: 'plugin.com.yourcompany.ai.configure',
  /** Create, pause, resume and delete the group's scheduled tasks (issue #22). */
  schedule: 'plugin.com.yourcompany.ai.schedule',
} as const;

export const stopRunParams = z.object({ runId: z.string().min(1) });
/** Answer the same prompt again (bridge/chat/regenerate.ts); `runId` is any attempt's run id. */
export const regenerateParams = z.object({ runId: z.string().min(1).max(128) });
/** Whether the caller may answer a run's prompt again (the Regenerate and Retry buttons are shown only then). */
export const getRegenerateAccessParams = z.object({ runId: z.string().min(1).max(128) });
export const resolveApprovalParams = z.object({
  runId: z.string().min(1),
  approvalId: z.string().min(1),
  decision: z.enum(['allow-once', 'allow-always', 'deny']),
});

export const triggerMode = z.enum(['mention', 'prefix', 'all']);
export const sessionScope = z.enum(['group', 'panel', 'thread']);
/** Who sees tool arguments and results in a group (bridge/privacy/): absent = 'private'. */
export const toolOutputVisibility = z.enum(['private', 'everyone']);
export type ToolOutputVisibility = z.infer<typeof toolOutputVisibility>;

/** What an admin sets per group (stored in Tailchat's own group data). */
/** An agent's id in the bundle's config (`agents[].id`): also a segment of its session keys. */
export const agentSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 characters: a-z, 0-9, _ or -, starting with a letter or digit');

/** Whether this runtime knows the IANA time zone (Intl throws a RangeError for unknown ones). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const groupSettings = z.object({
  enabled: z.boolean(),
  engine: z.string().min(1),
  agentId: z.string().min(1),
  trigger: triggerMode,
  /** Command prefix for trigger 'prefix' (e.g. "/ai"). */
  prefix: z.string().min(1).max(32),
  /** Panel ids where every message goes to the agent (trigger 'all'); empty = none. */
  allMessagesPanels: z.array(z.string()),
  sessionScope,
  /** When set, only these users (and the group owner) may decide approvals. */
  approvers: z.array(z.string()).optional(),
  /** Tokens the group may use per UTC month; null/absent = no budget (bridge/usage/budget.ts). */
  monthlyTokenBudget: z.number().int().positive().max(1e12).nullable().optional(),
  /** Tokens each agent (by `agents[].id`) may use in the group per UTC month, within the group's budget. */
  agentTokenBudgets: z.record(agentSlug, z.number().int().positive().max(1e12)).optional(),
  /** 'private' (the default): tool arguments and results only for the requester and approvers. */
  toolOutput: toolOutputVisibility.optional(),
  /** The agent (`agents[].id`) that answers the prefix command and "every message" panels; absent = the first agent. */
  defaultAgent: agentSlug.optional(),
  /** The group's time zone (IANA) for schedules; null/absent = the server's (`automations.defaultTimeZone`). */
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Vienna').nullable().optional(),
});
export type GroupSettings = z.infer<typeof groupSettings>;
export const getGroupSettingsParams = z.object({ groupId: z.string().min(1) });
export const saveGroupSettingsParams = z.object({
  groupId: z.string().min(1),
  settings: groupSettings.partial(),
});

/** A UTC month, `YYYY-MM`. */
export const usageMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');
export const getUsageParams = z.object({ groupId: z.string().min(1), month: usageMonth.optional() });
export const getAuditLogParams = z.object({ groupId: z.string().min(1), limit: z.number().int().min(1).max(500).optional() });
/** The group's latest replies that ended in an error (bridge/failures/), newest first. */
export const getFailedRepliesParams = z.object({ groupId: z.string().min(1), limit: z.number().int().min(1).max(50).optional() });

/** The private details of one tool call of a run (only the requester and approvers get them). */
export const getToolOutputParams = z.object({ runId: z.string().min(1).max(128), toolCallId: z.string().min(1).max(256) });
/** Whether the caller may see a run's private tool details (the card offers "Show details"). */
export const getToolOutputAccessParams = z.object({ runId: z.string().min(1).max(128) });
/** What getToolOutput answers: the kept arguments and result (size-capped on the runner). */
export interface ToolOutputView {
  name: string;
  args?: unknown;
  result?: unknown;
  /** Something was cut to the stored size cap. */
  truncated?: boolean;
}

/**
 * Who speaks for the agent: the users whose messages the web client renders as agent panels (the
 * plugin's bot; more when several agents exist). Any member can post a message carrying our meta,
 * so on anyone else's message it is plain text. Any signed-in user may ask (bot ids are public in
 * every group they are in).
 */
export const getAgentUsersParams = z.object({});
/** One configured agent as every signed-in user may see it (its bot user is public in its groups anyway). */
export const agentView = z.object({
  agentId: agentSlug,
  /** The agent's Tailchat bot user: its messages are the agent's replies. */
  userId: z.string().min(1),
  nickname: z.string().min(1),
  avatar: z.string().optional(),
  /** Up to four prompts offered where a conversation with the agent begins. */
  starterPrompts: z.array(z.string().min(1)).max(4),
  /** The first configured agent: the default of every group that names none. */
  isDefault: z.boolean(),
});
export type AgentView = z.infer<typeof agentView>;
export const agentUsersView = z.object({ userIds: z.array(z.string().min(1)).min(1), agents: z.array(agentView).min(1) });
export type AgentUsersView = z.infer<typeof agentUsersView>;

/** The agents of one group: which are members (and so answer there), and the group's default agent. */
export const getGroupAgentsParams = z.object({ groupId: z.string().min(1) });
export const groupAgentsView = z.object({
  agents: z.array(agentView.extend({ member: z.boolean() })),
  /** Answers the prefix command and "every message" panels (group setting `defaultAgent`, else the first agent). */
  defaultAgentId: agentSlug,
  /** The caller holds `configure` here (the settings show the add/remove switches). */
  canConfigure: z.boolean(),
});
export type GroupAgentsView = z.infer<typeof groupAgentsView>;
/** Add an agent to a group (its bot user becomes a member) or remove it (the bot leaves the group). */
export const setGroupAgentParams = z.object({ groupId: z.string().min(1), agentId: agentSlug, member: z.boolean() });

export const ACTIONS = {
  stopRun: 'stopRun',
  regenerate: 'regenerate',
  resolveApproval: 'resolveApproval',
  getGroupSettings: 'getGroupSettings',
  saveGroupSettings: 'saveGroupSettings',
  getUsage: 'getUsage',
  getAuditLog: 'getAuditLog',
  getFailedReplies: 'getFailedReplies',
  getRegenerateAccess: 'getRegenerateAccess',
  getToolOutput: 'getToolOutput',
  getToolOutputAccess: 'getToolOutputAccess',
  getAgentUsers: 'getAgentUsers',
  getGroupAgents: 'getGroupAgents',
  setGroupAgent: 'setGroupAgent',
} as const;
