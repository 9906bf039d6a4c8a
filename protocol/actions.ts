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
  /** 'private' (the default): tool arguments and results only for the requester and approvers. */
  toolOutput: toolOutputVisibility.optional(),
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
export const agentUsersView = z.object({ userIds: z.array(z.string().min(1)).min(1) });
export type AgentUsersView = z.infer<typeof agentUsersView>;

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
} as const;
