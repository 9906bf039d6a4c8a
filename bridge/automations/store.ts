/**
 * What the bundle keeps about automations (docs/design/automations.md §2 "Store"):
 *
 * - the jobs: one record per engine job (protocol `automationRecord`), the durable map of a job
 *   and its engine session to the panel its results go to, plus two marks the delivery keeps on
 *   the same document (the open failure streak, and that the engine ended the job);
 * - the delivery claims: one per result or failure notice, so that of every instance that sees
 *   an event exactly one posts it (the same rule as the intake journal, bridge/intake/journal.ts).
 *
 * Kept in the plugin's database (bridge/store/automations.ts); without one, in memory
 * (memory-store.ts), which does not survive a restart.
 */
import type { AutomationRecord, AutomationState } from '../../protocol/automations.js';

export type LastRun = NonNullable<AutomationRecord['last']>;

/** A job as stored, with the delivery's marks. */
export interface JobProgress {
  record: AutomationRecord;
  /**
   * The engine reported the job ended (removed or disabled by itself). Kept so that whichever of
   * "ended" and the run's outcome is processed second can finish the job's state.
   */
  engineEnded: boolean;
}

/** How many characters of the job id members see and type (`/schedule pause <id>`). */
export const SHORT_ID_LENGTH = 8;
/** A shorter prefix is refused rather than matched: it would pick a job by accident. */
export const MIN_SHORT_ID_LENGTH = 4;

export const shortIdOf = (jobId: string): string => jobId.slice(0, SHORT_ID_LENGTH);

export type ShortIdMatch = { found: AutomationRecord } | { error: 'not-found' | 'ambiguous'; candidates: number };

/**
 * Resolves a typed id among one group's jobs: a prefix (case-insensitive) of at least
 * MIN_SHORT_ID_LENGTH characters, or the whole id. Two jobs sharing it is an error, never a pick.
 */
export function matchShortId(groupJobs: readonly AutomationRecord[], typed: string): ShortIdMatch {
  const prefix = typed.trim().toLowerCase();
  if (prefix.length < MIN_SHORT_ID_LENGTH) return { error: 'not-found', candidates: 0 };
  const exact = groupJobs.filter((r) => r.jobId.toLowerCase() === prefix);
  const matches = exact.length > 0 ? exact : groupJobs.filter((r) => r.jobId.toLowerCase().startsWith(prefix));
  if (matches.length === 1) return { found: matches[0]! };
  return { error: matches.length === 0 ? 'not-found' : 'ambiguous', candidates: matches.length };
}

export interface AutomationJobs {
  /** Stores the job, replacing an earlier document of the same job (its marks too). */
  put(record: AutomationRecord): Promise<void>;
  get(engineId: string, jobId: string): Promise<AutomationRecord | undefined>;
  /** Resolves a short id ONLY among `groupId`'s jobs (matchShortId): another group's job is never found. */
  byShortId(groupId: string, shortId: string): Promise<ShortIdMatch>;
  /** The group's jobs, oldest first. */
  listForGroup(groupId: string): Promise<AutomationRecord[]>;
  /** Every active job of every group (the catch-up reads their sessions). */
  listActive(): Promise<AutomationRecord[]>;
  /**
   * Sets the state; with `onlyFrom`, only when the job is in one of those states (one check-and-set:
   * "auto-disabled" must not overwrite a pause). `active` also clears the engine-ended mark.
   * False when nothing changed.
   */
  setState(engineId: string, jobId: string, state: AutomationState, onlyFrom?: readonly AutomationState[]): Promise<boolean>;
  /** Records a run's outcome; an `ok` also closes the failure streak. Returns the job after, or undefined if unknown. */
  recordLast(engineId: string, jobId: string, last: LastRun): Promise<JobProgress | undefined>;
  /**
   * Opens the job's failure streak with this run: true when no streak was open, or this same run
   * opened it (a retry of its notice); false while another run's streak is open.
   */
  openFailureStreak(engineId: string, jobId: string, runId: string): Promise<boolean>;
  /** Marks the job ended by the engine. Returns the job after, or undefined if unknown. */
  markEngineEnded(engineId: string, jobId: string): Promise<JobProgress | undefined>;
  /** False when there was no such job. */
  remove(engineId: string, jobId: string): Promise<boolean>;
  countForGroup(groupId: string): Promise<number>;
}

/**
 * A claim on one delivery:
 * - `posting`: an instance holds it under a lease; if the lease lapses, it died (or gave up, see
 *   `release`) and another may take over, after checking whether the message was posted after all;
 * - `posted`: the message exists (`messageId`): never posted again;
 * - `dropped`: never to be posted (the panel is gone): not retried.
 */
export type ClaimState = 'posting' | 'posted' | 'dropped';

export interface DeliveryClaim {
  state: ClaimState;
  /** The instance that claimed it last (Moleculer node id). */
  node: string;
  /** While `posting`: the lease's end (epoch ms). */
  leaseUntil: number;
  /** When it entered its state (epoch ms). */
  at: number;
  messageId?: string;
}

export type ClaimResult =
  /** `over`: an earlier claimer's lease had lapsed; it may have posted before it died. */
  | { owned: true; over: boolean }
  | { owned: false; claim: DeliveryClaim };

export interface DeliveryClaims {
  /** Claims the delivery for `node`: the first claim, or a take-over of a lapsed lease. One caller wins. */
  claim(key: string, node: string, leaseMs: number): Promise<ClaimResult>;
  /** The message is in the panel. */
  posted(key: string, messageId: string): Promise<void>;
  /** It will never be posted. */
  dropped(key: string): Promise<void>;
  /**
   * Gives a held claim up now (its lease lapses at once) so a later event or the catch-up retries.
   * The claim stays `posting`: whoever takes it over checks the panel first, since a failed post
   * may have reached it.
   */
  release(key: string, node: string): Promise<void>;
  lookup(key: string): Promise<DeliveryClaim | undefined>;
  /**
   * Deletes settled (`posted`, `dropped`) claims that settled before `before` (epoch ms); returns
   * how many. A `posting` claim stays: it is the only trace that its message may exist.
   */
  purge(before: number): Promise<number>;
}

export interface AutomationStore {
  jobs: AutomationJobs;
  claims: DeliveryClaims;
}

/** Claim keys: a run's result, and a failed run's notice. */
export const resultClaimKey = (runId: string) => `automation-run:${runId}`;
export const failureClaimKey = (jobId: string, runId: string) => `automation-failure:${jobId}:${runId}`;
