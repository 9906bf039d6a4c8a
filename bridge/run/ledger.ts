/**
 * The run ledger: which runs are in flight across every runner instance, who owns each, and
 * whether the owner is still alive (a lease it renews while the run lives).
 *
 * - `claim` is the idempotency guard: the first instance to claim a run id runs it; any later
 *   claim (a redelivered event, a duplicate `startRun` on another instance) is refused, also for
 *   a while after the run ended (a tombstone).
 * - The owner renews its lease every few seconds; when an owner dies its lease expires and
 *   another instance `adopt`s the run (atomically: one adopter wins) from the stored job.
 * - `finish` forgets the run once its final message is stored.
 *
 * Two implementations: Redis (`ledger-redis.ts`, shared by every instance) and the in-memory one
 * below (one process: embedded mode, no Redis configured, unit tests — and the fallback while
 * Redis is unreachable).
 */
import { createExpiringMap, type ExpiringMap } from '../state/expiring-map.js';
import type { RunJob } from './execute.js';

/** What is stored for a run: the job to run it again, and its live draft's id. */
export interface LedgerRun {
  job: RunJob;
  /** The draft message id, so an adopter continues (and finally removes) the same draft. */
  draftId?: string;
}

export interface RunLedger {
  /** Who this instance is (the runner's Moleculer node id: the chat side routes to it). */
  readonly owner: string;
  /**
   * Claims a new run for this instance; false when any instance claimed it before. A `recovery`
   * claim (the intake sweep's, for a run that may be alive elsewhere) is also refused while the
   * shared state may be incomplete: Redis is away, or it came back less than a lease ago and live
   * owners have not written their runs into it again yet. The sweep asks again later.
   */
  claim(run: LedgerRun, o?: { recovery?: boolean }): Promise<boolean>;
  /**
   * Renews this instance's leases (restoring records a restarted Redis lost); returns the run ids
   * another instance took over meanwhile.
   */
  renew(runs: LedgerRun[]): Promise<string[]>;
  /** Claims up to `max` runs whose owner stopped renewing; each is returned to one caller only. */
  adoptExpired(max: number): Promise<LedgerRun[]>;
  /** The run's final is stored (or it ended): forget it; its id stays claimed for a while. */
  finish(runId: string): Promise<void>;
  /** The instance that holds the run's lease now (undefined: not in flight, or its owner died). */
  ownerOf(runId: string): Promise<string | undefined>;
  /** Run ids in flight (diagnostics, tests). */
  inFlight(): Promise<string[]>;
  /** Entries this process holds in memory (metrics). */
  sizes(): Record<string, number>;
}

export interface LedgerTimings {
  /** A run whose owner has not renewed for this long is adopted (default 10 s). */
  leaseMs: number;
  /** How long a finished run id stays claimed against redelivery (default 1 h). */
  doneTtlMs?: number;
}

export const DEFAULT_DONE_TTL_MS = 60 * 60_000;

interface MemoryRecord {
  run: LedgerRun;
  owner: string;
  leaseUntil: number;
}

/** The state the in-memory ledgers of one process share (one per "cluster" in tests). */
export interface MemoryLedgerStore {
  records: Map<string, MemoryRecord>;
  /** Finished run ids (tombstones) until their TTL: expired from the oldest, never a full walk. */
  done: ExpiringMap<string, true>;
}

export interface MemoryLedgerStoreOptions {
  doneTtlMs?: number;
  /** Tombstones kept at most (the oldest go first): bounds memory at any run rate. */
  maxDone?: number;
  now?: () => number;
}

export const DEFAULT_MAX_DONE = 100_000;

export function createMemoryLedgerStore(o: MemoryLedgerStoreOptions = {}): MemoryLedgerStore {
  return { records: new Map(), done: createExpiringMap({ ttlMs: o.doneTtlMs ?? DEFAULT_DONE_TTL_MS, maxEntries: o.maxDone ?? DEFAULT_MAX_DONE, ...(o.now ? { now: o.now } : {}) }) };
}

export interface MemoryLedgerOptions extends LedgerTimings {
  owner: string;
  /** Shared by the ledgers of one "cluster"; it keeps the tombstones with its own TTL and clock. */
  store?: MemoryLedgerStore;
  now?: () => number;
}

export function createMemoryLedger(o: MemoryLedgerOptions): RunLedger {
  const now = o.now ?? Date.now;
  const store = o.store ?? createMemoryLedgerStore({ ...(o.doneTtlMs !== undefined ? { doneTtlMs: o.doneTtlMs } : {}), now });
  const isDone = (runId: string) => store.done.has(runId);

  return {
    owner: o.owner,
    async claim(run) {
      const runId = run.job.request.runId;
      if (store.records.has(runId) || isDone(runId)) return false;
      store.records.set(runId, { run, owner: o.owner, leaseUntil: now() + o.leaseMs });
      return true;
    },
    async renew(runs) {
      const lost: string[] = [];
      for (const run of runs) {
        const runId = run.job.request.runId;
        const record = store.records.get(runId);
        if (record && record.owner !== o.owner && record.leaseUntil > now()) lost.push(runId);
        else if (!record && isDone(runId)) lost.push(runId);
        else store.records.set(runId, { run: record?.run ?? run, owner: o.owner, leaseUntil: now() + o.leaseMs });
      }
      return lost;
    },
    async adoptExpired(max) {
      const adopted: LedgerRun[] = [];
      for (const [runId, record] of store.records) {
        if (adopted.length >= max) break;
        if (record.leaseUntil > now()) continue;
        if (isDone(runId)) {
          store.records.delete(runId);
          continue;
        }
        record.owner = o.owner;
        record.leaseUntil = now() + o.leaseMs;
        adopted.push(record.run);
      }
      return adopted;
    },
    async finish(runId) {
      store.records.delete(runId);
      store.done.set(runId, true);
    },
    async ownerOf(runId) {
      const record = store.records.get(runId);
      return record && record.leaseUntil > now() ? record.owner : undefined;
    },
    async inFlight() {
      return [...store.records.keys()];
    },
    sizes: () => ({ ledger_runs: store.records.size, ledger_tombstones: store.done.size }),
  };
}
