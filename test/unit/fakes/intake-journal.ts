/** An in-memory intake journal (bridge/intake/journal.ts) for unit tests; the real one is bridge/store/intake.ts. */
import type { IntakeEntry, IntakeJournal } from '../../../bridge/intake/journal.js';

export function createMemoryIntakeJournal(now: () => number, since = 0): IntakeJournal & { entries: Map<string, IntakeEntry> } {
  const entries = new Map<string, IntakeEntry>();
  return {
    entries,
    async take(messageId, node, leaseMs) {
      const t = now();
      const entry = entries.get(messageId);
      if (!entry) {
        entries.set(messageId, { state: 'taking', node, leaseUntil: t + leaseMs, at: t });
        return { taken: true, over: false };
      }
      if (entry.state !== 'taking' || entry.leaseUntil > t) return { taken: false, entry: { ...entry } };
      entries.set(messageId, { state: 'taking', node, leaseUntil: t + leaseMs, at: t });
      return { taken: true, over: true };
    },
    async mark(messageId, state) {
      const entry = entries.get(messageId);
      if (entry) entries.set(messageId, { ...entry, state, at: now() });
    },
    async lookup(ids) {
      return new Map(ids.flatMap((id) => (entries.has(id) ? [[id, { ...entries.get(id)! }] as const] : [])));
    },
    since: async () => since,
    async purge(before) {
      let n = 0;
      for (const [id, e] of entries) if (e.at < before && entries.delete(id)) n++;
      return n;
    },
  };
}
