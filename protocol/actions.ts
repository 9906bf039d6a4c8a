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
export const resolveApprovalParams = z.object({
  runId: z.string().min(1),
  approvalId: z.string().min(1),
  decision: z.enum(['allow-once', 'allow-always', 'deny']),
});

export const triggerMode = z.enum(['mention', 'prefix', 'all']);
export const sessionScope = z.enum(['group', 'panel', 'thread']);

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
});
export type GroupSettings = z.infer<typeof groupSettings>;
export const getGroupSettingsParams = z.object({ groupId: z.string().min(1) });
export const saveGroupSettingsParams = z.object({
  groupId: z.string().min(1),
  settings: groupSettings.partial(),
});

export const ACTIONS = {
  stopRun: 'stopRun',
  resolveApproval: 'resolveApproval',
  getGroupSettings: 'getGroupSettings',
  saveGroupSettings: 'saveGroupSettings',
} as const;
