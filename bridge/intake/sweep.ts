/**
 * The intake sweep: every chat instance reads, a little behind real time, the messages Tailchat
 * stored, and makes sure each one addressed to the agent is taken by somebody. The live event
 * path takes a prompt within milliseconds (journal.ts); the sweep acts only on what it did not:
 *
 * - never taken (its event was lost, or the instance it went to died before taking it): taken
 *   and handled here;
 * - taken by an instance whose lease lapsed (it died while handling it): taken over;
 * - handed to a runner but not answered yet: every `recheckMs` the runner is asked again, with a
 *   job marked as a recovery: a runner that has the run (or finished it) starts nothing, a
 *   runner that never heard of it (a restart without Redis, or Redis lost the run with its
 *   owner) looks for a stored answer first and otherwise adopts it (bridge/run/runner.ts).
 *
 * Answered prompts are recognised by the agent's own replies in the same stream. Everything held
 * here is bounded by the window: a message older than `windowMs` is not followed any more.
 */
import type { EngineLogger } from '../engine/logger.js';
import type { AddedMessage } from '../message/incoming.js';
import { createExpiringMap } from '../state/expiring-map.js';
import type { IntakeEntry, IntakeJournal } from './journal.js';
import type { StoredMessage, StoredMessageReader } from './stored-messages.js';

/** What a runner may assume about a prompt the sweep hands it (bridge/run/job.ts `recovery`). */
export type Recovery = 'unstarted' | 'started';

export interface IntakeTiming {
  graceMs: number;
  leaseMs: number;
  windowMs: number;
  recheckMs: number;
}

export interface SweepDeps {
  /** This instance (Moleculer node id), recorded as the taker. */
  node: string;
  journal: IntakeJournal;
  messages: StoredMessageReader;
  /** The live path's own decision, without side effects: is this message for the agent? */
  isAddressed(event: AddedMessage): Promise<boolean>;
  /** The prompt this message answers when it is the agent's reply; else undefined. */
  answers(event: AddedMessage): string | undefined;
  /**
   * Handles a taken message as the live path does ('unstarted': the journal entry is ours and
   * is marked by it), or asks the runner again about a handed one ('started': the journal stays).
   * `uncounted`: no instance ever took it, so its rate limit was never counted (the live path
   * counts after taking); a prompt taken over from a dead instance may have been counted.
   */
  handle(event: AddedMessage, recovery: Recovery, uncounted?: boolean): Promise<void>;
  timing: IntakeTiming;
  logger: EngineLogger;
  now?: () => number;
  /** Messages read per sweep at most (default 1,000): a backlog is read over several sweeps. */
  batch?: number;
}

export interface SweepReport {
  read: number;
  addressed: number;
  /** Taken here: never taken before, or taken over from a dead instance. */
  taken: number;
  /** Handed prompts asked about again. */
  rechecked: number;
  watching: number;
}

export interface IntakeSweep {
  sweep(): Promise<SweepReport>;
  /** Entries of the sweep's own maps (metrics). */
  sizes(): Record<string, number>;
}

/** Ids are second-granular and several Tailchat instances write them: each read overlaps the last. */
const OVERLAP_MS = 2_000;
/** Prompts a sweep handles at the same time. */
const HANDLED_AT_ONCE = 8;
/** Retention of journal entries: well past the window, then deleted (at most once per window / 4). */
const RETAIN_WINDOWS = 2;

interface Watched {
  event: AddedMessage;
  /** Message creation (epoch ms). */
  at: number;
  /** When to ask the runner again (handed) or look at the lease again (taking). */
  nextCheck: number;
}

export function createIntakeSweep(deps: SweepDeps): IntakeSweep {
  const now = deps.now ?? Date.now;
  const { graceMs, leaseMs, windowMs, recheckMs } = deps.timing;
  const batch = deps.batch ?? 1_000;
  const mapOptions = { ttlMs: windowMs, maxEntries: 100_000, now };
  /** Messages looked at already (the reads overlap). */
  const examined = createExpiringMap<string, true>({ ...mapOptions, ttlMs: Math.min(windowMs, 10 * 60_000) });
  /** Prompts the agent has answered (seen in the stream). */
  const answered = createExpiringMap<string, true>(mapOptions);
  /** Addressed prompts someone else holds: followed until answered or settled, or out of the window. */
  const watching = createExpiringMap<string, Watched>(mapOptions);
  let cursor: number | undefined;
  let purgedAt = 0;

  /** Takes the message and handles it; the entry it is left with when that did not settle it. */
  const takeAndHandle = async (event: AddedMessage, report: SweepReport): Promise<IntakeEntry | undefined> => {
    const t = now();
    const took = await deps.journal.take(event.messageId, deps.node, leaseMs);
    if (!took.taken) return took.entry;
    report.taken++;
    deps.logger.warn(took.over ? 'intake: taking over a prompt whose instance stopped handling it' : 'intake: answering a prompt no instance took', {
      messageId: event.messageId,
      converseId: event.converseId,
    });
    try {
      await deps.handle(event, 'unstarted', !took.over);
      return undefined;
    } catch (err) {
      // Held under our lease: taken over again (by us or another instance) once it lapses. One
      // message that keeps failing must not hold up the sweep of the others.
      deps.logger.warn('intake: a swept prompt could not be handled; trying again after the lease', { messageId: event.messageId, error: err instanceof Error ? err.message : String(err) });
      return { state: 'taking', node: deps.node, leaseUntil: t + leaseMs, at: t };
    }
  };

  const follow = (m: { event: AddedMessage; at: number }, entry: IntakeEntry, t: number) => {
    if (entry.state === 'settled') return watching.delete(m.event.messageId);
    const nextCheck = entry.state === 'taking' ? entry.leaseUntil : Math.max(entry.at + recheckMs, t);
    watching.set(m.event.messageId, { event: m.event, at: m.at, nextCheck });
  };

  /** The messages not looked at yet, and where the next read starts once they are dealt with. */
  const readNew = async (t: number, report: SweepReport): Promise<{ fresh: StoredMessage[]; next: number } | undefined> => {
    cursor ??= Math.max(t - windowMs, await deps.journal.since());
    const until = t - graceMs;
    if (cursor >= until) return undefined;
    const got = await deps.messages.between(cursor - OVERLAP_MS, until, batch);
    const read = got.messages;
    report.read = read.length;
    // A full batch: go on from its last second next time (the overlap reads that second again).
    // (More than a batch in one second would hold it in place: then it moves on a second.)
    const next = got.full && got.lastAt !== undefined ? (got.lastAt > cursor ? got.lastAt : cursor + 1_000) : until;
    const fresh: StoredMessage[] = [];
    for (const m of read) {
      if (examined.has(m.event.messageId)) continue;
      const prompt = deps.answers(m.event);
      if (prompt === undefined) fresh.push(m);
      else {
        answered.set(prompt, true);
        watching.delete(prompt);
      }
    }
    return { fresh, next };
  };

  return {
    async sweep() {
      const t = now();
      const report: SweepReport = { read: 0, addressed: 0, taken: 0, rechecked: 0, watching: 0 };
      const got = await readNew(t, report);
      const fresh = got?.fresh ?? [];

      const addressed: StoredMessage[] = [];
      for (const m of fresh) {
        if (answered.has(m.event.messageId)) continue;
        // In doubt (settings unreadable, say), take it: the live path's own decision runs again.
        if (await deps.isAddressed(m.event).catch(() => true)) addressed.push(m);
      }
      report.addressed = addressed.length;
      const entries = await deps.journal.lookup(addressed.map((m) => m.event.messageId));
      // Side by side (a few at a time): one prompt waiting on an unreachable runner must not
      // hold up the others, and a backlog after a restart must not start everything at once.
      await eachLimited(addressed, HANDLED_AT_ONCE, async (m) => {
        const entry = entries.get(m.event.messageId) ?? (await takeAndHandle(m.event, report));
        if (entry) follow(m, entry, t);
      });
      // Only now are they dealt with: a sweep that failed halfway reads them again (the journal
      // makes a second take of the same message a no-op).
      for (const m of fresh) examined.set(m.event.messageId, true);
      if (got) cursor = got.next;

      // The prompts followed: a lapsed lease is taken over, a handed prompt is asked about again.
      const due = [...watching.entries()].filter(([id, w]) => w.nextCheck <= t && !answered.has(id));
      const current = await deps.journal.lookup(due.map(([id]) => id));
      for (const [id, w] of due) {
        if (w.at < t - windowMs) {
          watching.delete(id);
          continue;
        }
        const entry = current.get(id);
        if (!entry || (entry.state === 'taking' && entry.leaseUntil <= t)) {
          const still = await takeAndHandle(w.event, report);
          if (still) follow(w, still, t);
          else watching.delete(id);
          continue;
        }
        if (entry.state === 'handed' && entry.at + recheckMs <= t) {
          report.rechecked++;
          await deps.handle(w.event, 'started').catch((err) =>
            deps.logger.warn('intake: could not ask the runners about a handed prompt; asking again later', { messageId: id, error: err instanceof Error ? err.message : String(err) }),
          );
          watching.set(id, { ...w, nextCheck: t + recheckMs });
          continue;
        }
        follow(w, entry, t);
      }
      report.watching = watching.size;

      if (t - purgedAt > windowMs / 4) {
        purgedAt = t;
        await deps.journal.purge(t - RETAIN_WINDOWS * windowMs).catch((err) => deps.logger.warn('intake: old journal entries not purged', { error: String(err) }));
      }
      return report;
    },
    sizes: () => ({ intake_examined: examined.size, intake_answered: answered.size, intake_watching: watching.size }),
  };
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
