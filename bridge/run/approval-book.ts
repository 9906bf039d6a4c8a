/**
 * The approvals a runner instance is waiting on, per run. A decision reaches the engine only
 * through `take`: for an approval pending in that very run (an approval id of another run is
 * not pending here, whoever holds it), with a decision the engine offered, and once (the entry is
 * gone before the engine is called, so a replay or a racing second click finds nothing).
 * Engines resolve approvals by id alone, so this is the only place the run binding can live.
 */
import type { ApprovalDecision } from '../engine/types.js';
import type { ApprovalRefusal } from '../../protocol/runner.js';

/** What an engine that names no decisions accepts (protocol/blocks.ts `decisions`). */
const ALL_DECISIONS: readonly ApprovalDecision[] = ['allow-once', 'allow-always', 'deny'];

interface Pending {
  decisions: readonly ApprovalDecision[];
  /** Epoch ms; the runner's own expiry timer denies it then, this only refuses late decisions. */
  expiresAt?: number;
}

export type TakeResult = { ok: true } | { ok: false; refusal: Exclude<ApprovalRefusal, 'wrong-run'> };

export interface ApprovalBook {
  offer(runId: string, approvalId: string, decisions: readonly ApprovalDecision[] | undefined, expiresAt?: number): void;
  /** Decided elsewhere, expired, or its run ended: no decision is accepted any more. */
  close(runId: string, approvalId: string): void;
  closeRun(runId: string): void;
  take(runId: string, approvalId: string, decision: ApprovalDecision): TakeResult;
  /** The approvals still pending in a run (tests, logs). */
  pendingIn(runId: string): string[];
}

export function createApprovalBook(now: () => number = Date.now): ApprovalBook {
  const runs = new Map<string, Map<string, Pending>>();
  return {
    offer(runId, approvalId, decisions, expiresAt) {
      let run = runs.get(runId);
      if (!run) runs.set(runId, (run = new Map()));
      // An engine announcing the same approval again (OpenClaw's backfill) keeps the first offer.
      if (!run.has(approvalId)) run.set(approvalId, { decisions: decisions?.length ? decisions : ALL_DECISIONS, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    },
    close(runId, approvalId) {
      runs.get(runId)?.delete(approvalId);
    },
    closeRun(runId) {
      runs.delete(runId);
    },
    take(runId, approvalId, decision) {
      const pending = runs.get(runId)?.get(approvalId);
      if (!pending) return { ok: false, refusal: 'not-pending' };
      if (pending.expiresAt !== undefined && pending.expiresAt <= now()) {
        runs.get(runId)!.delete(approvalId);
        return { ok: false, refusal: 'not-pending' };
      }
      // Refused without closing it: the card's own buttons still work.
      if (!pending.decisions.includes(decision)) return { ok: false, refusal: 'decision-not-offered' };
      runs.get(runId)!.delete(approvalId);
      return { ok: true };
    },
    pendingIn: (runId) => [...(runs.get(runId)?.keys() ?? [])],
  };
}
