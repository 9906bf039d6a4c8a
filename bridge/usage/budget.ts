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
  | { allowed: false; month: string; used: number; budget: number; renewsOn: string };

export type BudgetCheck = (groupId: string) => Promise<BudgetVerdict>;

export function createBudgetCheck(
  store: UsageStore,
  budgetOf: (groupId: string) => Promise<number | null | undefined>,
  logger: Logger,
  now: () => number = Date.now,
): BudgetCheck {
  return async (groupId) => {
    const budget = await budgetOf(groupId);
    if (!budget) return { allowed: true };
    const month = utcMonth(now());
    let used: number;
    try {
      used = (await store.read({ groupId }, month)).total ?? 0;
    } catch (err) {
      logger.warn('budget not checked (usage store unavailable); run allowed', { groupId, error: err instanceof Error ? err.message : String(err) });
      return { allowed: true };
    }
    return used < budget ? { allowed: true } : { allowed: false, month, used, budget, renewsOn: renewalDate(month) };
  };
}
