/**
 * The intake journal: which messages addressed to the agent an instance has taken, and how far
 * it got with each. It is what lets a sweep of Tailchat's stored messages (sweep.ts) tell a
 * prompt nobody took (the event was lost, or its instance died first) from one that is being
 * handled, was handed to a runner, or was settled (answered, refused, a command done).
 *
 * - `taking`: an instance holds it under a lease; if the lease lapses, the instance died and
 *   another may take it over.
 * - `handed`: a runner accepted its run; from here the run ledger (bridge/run/ledger.ts) and
 *   the stored reply say what happened, and the sweep only checks that a runner still has it.
 * - `settled`: nothing more will happen (a refusal or a command was answered).
 *
 * Kept in the plugin's database (bridge/store/intake.ts): it must outlive a restart of the only
 * instance and a Redis restart.
 */
export type IntakeState = 'taking' | 'handed' | 'settled';

export interface IntakeEntry {
  state: IntakeState;
  /** The instance that took it last (Moleculer node id). */
  node: string;
  /** While `taking`: the lease's end (epoch ms). */
  leaseUntil: number;
  /** When it entered its state (epoch ms). */
  at: number;
}

export type TakeResult =
  /** `over`: it had been taken before by an instance whose lease lapsed. */
  | { taken: true; over: boolean }
  | { taken: false; entry: IntakeEntry };

export interface IntakeJournal {
  /** Takes the message for `node`: the first take, or a take-over of a lapsed lease. One caller wins. */
  take(messageId: string, node: string, leaseMs: number): Promise<TakeResult>;
  /** The taker got this far. */
  mark(messageId: string, state: Exclude<IntakeState, 'taking'>): Promise<void>;
  /** The entries of these messages (absent: never taken). */
  lookup(messageIds: string[]): Promise<Map<string, IntakeEntry>>;
  /**
   * When journalling began here (epoch ms), fixed on the first call ever: messages older than
   * this were handled by a version without the journal and are never swept.
   */
  since(): Promise<number>;
  /** Deletes entries older than `before` (epoch ms); returns how many. */
  purge(before: number): Promise<number>;
}
