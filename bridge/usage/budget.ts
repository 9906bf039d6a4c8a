/**
 * The optional per-group monthly token budget, checked on the chat side before a run starts
 * (commands that start no run, such as /help, /stop and /new, are never refused). A run that
 * starts under the budget may end above it: tokens are only known afterwards.
 * If the usage store cannot be read, the run goes ahead (logged): a broken counter must not
 * silence the assistant.
 */
import type { EngineLogger as Logger } from '../engine/logger.js';
import { renewalDate, utcMonth } from './counts.js';
import type { UsageStore } from './store.js';

export type BudgetVerdict =
  | { allowed: true }
  /** `agentId`: the agent's own budget in the group is used up (else the group's). */
  | { allowed: false; month: string; used: number; budget: number; renewsOn: string; agentId?: string };

/** Checks the group's budget and, for a run of an agent, that agent's own budget in the group. */
export type BudgetCheck = (groupId: string, agentId?: string) => Promise<BudgetVerdict>;

/** A group's budgets: its own, and per agent (group settings `monthlyTokenBudget`, `agentTokenBudgets`). */
export interface GroupBudgets {
  group?: number | null;
  agents?: Record<string, number>;
}

export function createBudgetCheck(
  store: UsageStore,
  budgetsOf: (groupId: string) => Promise<GroupBudgets>,
  logger: Logger,
  now: () => number = Date.now,
): BudgetCheck {
  return async (groupId, agentId) => {
    const budgets = await budgetsOf(groupId);
    const agentBudget = agentId ? budgets.agents?.[agentId] : undefined;
    if (!budgets.group && !agentBudget) return { allowed: true };
    const month = utcMonth(now());
    let counters: Record<string, number>;
    try {
      counters = await store.read({ groupId }, month);
    } catch (err) {
      logger.warn('budget not checked (usage store unavailable); run allowed', { groupId, error: err instanceof Error ? err.message : String(err) });
      return { allowed: true };
    }
    const over = (used: number, budget: number) => ({ allowed: false as const, month, used, budget, renewsOn: renewalDate(month) });
    const used = counters.total ?? 0;
    if (budgets.group && used >= budgets.group) return over(used, budgets.group);
    // The group's counters keep every agent's share (bridge/usage/counts.ts: `agent|<id>|total`).
    const agentUsed = counters[`agent|${agentId}|total`] ?? 0;
    if (agentId && agentBudget && agentUsed >= agentBudget) return { ...over(agentUsed, agentBudget), agentId };
    return { allowed: true };
  };
}
