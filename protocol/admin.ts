/**
 * What the admin actions `getUsage` and `getAuditLog` answer (the settings panel renders them).
 * Types only: the server builds these, the web client reads them.
 */

export interface TokenCounts {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  /** The engine's total when it reports one, else input + output. */
  totalTokens: number;
}

export interface UsageRow extends TokenCounts {
  /** A user id, agent id or engine id, depending on the list. */
  id: string;
}

export interface UsageReport {
  groupId: string;
  /** UTC month, `YYYY-MM`. */
  month: string;
  /** The group as a whole. */
  totals: TokenCounts;
  /** Sorted by total tokens, largest first. */
  users: UsageRow[];
  agents: UsageRow[];
  engines: UsageRow[];
  /** The group's monthly token budget, when it has one. */
  budget: number | null;
  /** ISO date (UTC) when the month's count starts again. */
  renewsOn: string;
}

/** Every action the audit log records (one list: the store's schema reads it too). */
export const AUDIT_ACTIONS = ['approval.decided', 'settings.changed', 'tool-output.read', 'agent.added', 'agent.removed', 'automation.created', 'automation.changed'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** ISO timestamp. */
  at: string;
  groupId: string;
  /** The Tailchat user who did it. */
  actor: string;
  action: AuditAction;
  /**
   * approval.decided: `{runId, approvalId, decision}`;
   * settings.changed: `{changes: {<field>: {from, to}}}`;
   * tool-output.read: `{runId, toolCallId}` (private tool details opened by an approver or the requester);
   * agent.added, agent.removed: `{agentId}` (an agent's bot joined or left the group through the settings);
   * automation.created: `{jobId, human, what}`; automation.changed: `{jobId, change}` (pause, resume, delete).
   */
  details: Record<string, unknown>;
}

export interface AuditLogPage {
  groupId: string;
  /** Newest first. */
  entries: AuditEntry[];
}

/**
 * Why a reply ended in an error, as admins read it (bridge/failures/cause.ts maps the engine's
 * error kind and the runner's own refusals onto these). A fixed list: it is also a metric label.
 */
export type FailureCause =
  | 'engine-down'
  | 'engine-auth'
  | 'timed-out'
  | 'rate-limited'
  | 'busy'
  | 'refused'
  | 'denied'
  | 'too-long'
  | 'bad-response'
  | 'interrupted'
  | 'other';

/** One reply of a group that ended in an error (bridge/store/failures.ts keeps the latest per group). */
export interface FailedReply {
  /** ISO timestamp of the failure. */
  at: string;
  groupId: string;
  /** The panel the reply is in. */
  converseId: string;
  runId: string;
  /** The stored error reply (absent when Tailchat did not take it). */
  messageId?: string;
  engine: string;
  cause: FailureCause;
  /** The member who asked (or who clicked Regenerate / Retry). */
  requester: string;
}

export interface FailedRepliesPage {
  groupId: string;
  /** Newest first. */
  failures: FailedReply[];
  /** false: this deployment has no plugin database (AI_MONGO_URL), so failures are only logged and counted. */
  kept: boolean;
}
