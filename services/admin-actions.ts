/**
 * The chat service's admin side: usage counters, the audit log and the failed replies of a group,
 * their actions (`getUsage`, `getAuditLog`, `getFailedReplies`; who may call them:
 * bridge/policy/table.ts) and the audit writes of the approval and settings actions. Kept out of
 * ai.service.ts so that file stays the message path.
 */
import type { Context } from 'moleculer';
import type { Redis } from 'ioredis';
import { auditEntryOf, createAuditLog, settingsChanges, type AuditLog } from '../bridge/audit/log.js';
import type { EngineLogger as Logger } from '../bridge/engine/logger.js';
import type { Grant, PolicyTarget } from '../bridge/policy/authorize.js';
import type { PolicyAction } from '../bridge/policy/table.js';
import type { GroupSettingsStore } from '../bridge/settings/group-settings.js';
import type { PluginStore } from '../bridge/store/plugin-store.js';
import type { TailchatHost } from '../bridge/tailchat/host.js';
import { createBudgetCheck, type BudgetCheck } from '../bridge/usage/budget.js';
import { reportFrom, utcMonth } from '../bridge/usage/counts.js';
import { createUsageStore, type UsageStore } from '../bridge/usage/store.js';
import type { FailureLog } from '../bridge/failures/log.js';
import type { AuditAction, AuditLogPage, FailedRepliesPage, UsageReport } from '../protocol/admin.js';
import { ACTIONS, getAuditLogParams, getFailedRepliesParams, getUsageParams, type GroupSettings } from '../protocol/actions.js';

export interface AdminState {
  usage: UsageStore;
  auditLog: AuditLog;
  settings: GroupSettingsStore;
  budget: BudgetCheck;
  /** Failed replies (the runner writes them); only with the plugin's database. */
  failures?: FailureLog;
}

type AuthedContext<P> = Context<P, { userId?: string }>;
type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } };

export interface AdminHelpers {
  state(): AdminState;
  logger(): Logger;
  requireUser(ctx: AuthedContext<unknown>): string;
  /** The policy table's verdict (bridge/policy/); throws the refusal. */
  require(action: PolicyAction, userId: string, target: PolicyTarget): Promise<Grant>;
  parse<T>(schema: Schema<T>, value: unknown): T;
  /** Maps an unreachable plugin database to a clear refusal. */
  fromStore<T>(work: Promise<T>): Promise<T>;
}

const DEFAULT_AUDIT_PAGE = 100;
const DEFAULT_FAILURES_PAGE = 50;

export function createAdminActions(h: AdminHelpers) {
  /** Writes one entry; a failed write is logged, never fails the action it records. */
  const audit = async (groupId: string, actor: string, action: AuditAction, details: Record<string, unknown>) => {
    try {
      await h.state().auditLog.append(auditEntryOf(groupId, actor, action, details));
    } catch (err) {
      h.logger().warn('audit entry not stored', { groupId, actor, action, error: err instanceof Error ? err.message : String(err) });
    }
  };

  return {
    /** `store`: the plugin's own collections, preferred to Redis and to the group data. */
    createState(host: TailchatHost, redis: Redis | undefined, settings: GroupSettingsStore, store?: PluginStore): AdminState {
      const usage = store?.usage ?? createUsageStore(host, redis);
      return {
        usage,
        auditLog: store?.audit ?? createAuditLog(host, redis),
        settings,
        budget: createBudgetCheck(
          usage,
          async (groupId) => {
            const s = await settings.get(groupId);
            return { group: s.monthlyTokenBudget ?? null, ...(s.agentTokenBudgets ? { agents: s.agentTokenBudgets } : {}) };
          },
          h.logger(),
        ),
        ...(store ? { failures: store.failures } : {}),
      };
    },
    audit,
    async auditSettings(groupId: string, actor: string, before: GroupSettings, after: GroupSettings) {
      const changes = settingsChanges(before, after);
      if (Object.keys(changes).length > 0) await audit(groupId, actor, 'settings.changed', { changes });
    },
    actions: {
      [ACTIONS.getUsage]: {
        params: { groupId: 'string', month: { type: 'string', optional: true } },
        async handler(ctx: AuthedContext<unknown>): Promise<UsageReport> {
          const userId = h.requireUser(ctx);
          const p = h.parse(getUsageParams, ctx.params);
          await h.require('getUsage', userId, { groupId: p.groupId });
          const { usage, settings } = h.state();
          const month = p.month ?? utcMonth();
          const [counters, current] = await h.fromStore(Promise.all([usage.read({ groupId: p.groupId }, month), settings.get(p.groupId)]));
          return reportFrom(p.groupId, month, counters, current.monthlyTokenBudget ?? null);
        },
      },
      [ACTIONS.getAuditLog]: {
        params: { groupId: 'string', limit: { type: 'number', optional: true, convert: true } },
        async handler(ctx: AuthedContext<unknown>): Promise<AuditLogPage> {
          const userId = h.requireUser(ctx);
          const p = h.parse(getAuditLogParams, ctx.params);
          await h.require('getAuditLog', userId, { groupId: p.groupId });
          return { groupId: p.groupId, entries: await h.fromStore(h.state().auditLog.recent(p.groupId, p.limit ?? DEFAULT_AUDIT_PAGE)) };
        },
      },
      [ACTIONS.getFailedReplies]: {
        params: { groupId: 'string', limit: { type: 'number', optional: true, convert: true } },
        async handler(ctx: AuthedContext<unknown>): Promise<FailedRepliesPage> {
          const userId = h.requireUser(ctx);
          const p = h.parse(getFailedRepliesParams, ctx.params);
          await h.require('getFailedReplies', userId, { groupId: p.groupId });
          const { failures } = h.state();
          if (!failures) return { groupId: p.groupId, failures: [], kept: false };
          return { groupId: p.groupId, failures: await h.fromStore(failures.recent(p.groupId, p.limit ?? DEFAULT_FAILURES_PAGE)), kept: true };
        },
      },
    },
  };
}
