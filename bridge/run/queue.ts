/**
 * Admission of runs on one runner instance: at most `maxPerGroup` running per group and
 * `maxActive` in all; the rest wait in a bounded FIFO queue whose positions are shown to users.
 * One user holds at most `maxPerUser` runs, running and waiting together, whatever groups they
 * come from: more are refused, not queued, or one member could fill the queue for everyone.
 * Pure bookkeeping — the runner decides what starting and refusing mean.
 */
export interface QueueLimits {
  maxActive: number;
  maxPerGroup: number;
  maxQueued: number;
  /** Absent: no cap per user. */
  maxPerUser?: number;
}

export interface AdmitOptions {
  /** An adopted run (its owner died) was admitted once already: it still counts, but is never refused for its user. */
  exemptFromUserCap?: boolean;
}

export type Admitted = { kind: 'run' } | { kind: 'queued'; position: number } | { kind: 'full' } | { kind: 'user-busy' };

export interface Admission<T> {
  /** 'run' now, 'queued' at a position (1 = next), 'full', or 'user-busy' (its user holds maxPerUser runs). */
  admit(item: T, opts?: AdmitOptions): Admitted;
  /** A run ended: returns the queued items that may start now, in order. */
  release(item: T): T[];
  /** Removes a waiting item (stopped before it started). */
  remove(pred: (item: T) => boolean): T[];
  /** Current 1-based positions of the waiting items. */
  positions(): Array<{ item: T; position: number }>;
  readonly active: number;
  readonly queued: number;
}

export function createAdmission<T>(limits: QueueLimits, groupOf: (item: T) => string, userOf?: (item: T) => string): Admission<T> {
  const running = new Map<string, number>();
  /** Runs per user, running or waiting (an item is counted from admit until release/remove). */
  const held = new Map<string, number>();
  const hold = (item: T, delta: 1 | -1) => {
    if (!userOf) return;
    const user = userOf(item);
    const n = (held.get(user) ?? 0) + delta;
    if (n > 0) held.set(user, n);
    else held.delete(user);
  };
  let active = 0;
  const waiting: T[] = [];
  const fits = (item: T) => active < limits.maxActive && (running.get(groupOf(item)) ?? 0) < limits.maxPerGroup;
  const take = (item: T) => {
    active++;
    running.set(groupOf(item), (running.get(groupOf(item)) ?? 0) + 1);
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    admit(item, opts = {}) {
      if (!opts.exemptFromUserCap && userOf && limits.maxPerUser !== undefined && (held.get(userOf(item)) ?? 0) >= limits.maxPerUser) return { kind: 'user-busy' };
      if (fits(item)) {
        take(item);
        hold(item, 1);
        return { kind: 'run' };
      }
      if (waiting.length >= limits.maxQueued) return { kind: 'full' };
      waiting.push(item);
      hold(item, 1);
      return { kind: 'queued', position: waiting.length };
    },
    release(item) {
      hold(item, -1);
      const g = groupOf(item);
      active = Math.max(0, active - 1);
      const left = (running.get(g) ?? 1) - 1;
      if (left > 0) running.set(g, left);
      else running.delete(g);
      const started: T[] = [];
      for (let i = 0; i < waiting.length; ) {
        if (fits(waiting[i]!)) {
          const [next] = waiting.splice(i, 1);
          take(next!);
          started.push(next!);
        } else i++;
      }
      return started;
    },
    remove(pred) {
      const removed: T[] = [];
      for (let i = waiting.length - 1; i >= 0; i--) if (pred(waiting[i]!)) removed.unshift(...waiting.splice(i, 1));
      for (const item of removed) hold(item, -1);
      return removed;
    },
    positions: () => waiting.map((item, i) => ({ item, position: i + 1 })),
  };
}
