/**
 * Where the user had read up to in a converse when they opened it, for "Summarize unread". Pure
 * logic, fed by read-marker.ts (the host's store) and the probe in the message box.
 *
 * Tailchat's web client marks messages read as soon as they are on screen, so once a panel is
 * open its read position is already at the end. A visit therefore remembers the position as it
 * was when the visit began: the newest of
 *  - the read position in the client's store at that moment (taken in the layout effect that
 *    first shows the messages, before any IntersectionObserver can ack them);
 *  - the newest stored message the panel showed when the user last left it in this tab. The
 *    client's store alone is not enough: a cached read-position fetch that resolves late
 *    (Tailchat's `useAckInfoChecker`, 2 s cache) writes an older position over a newer one, and
 *    the summary then held messages the user had already read;
 *  - the read position fetched when the plugin loaded (a page opened right on the panel, before
 *    the store knows anything).
 * Message ids are ObjectIds: their order is the order the server stored them (Tailchat compares
 * its read positions the same way).
 *
 * Tailchat remounts the message box after a socket reconnect (it reloads the messages) while the
 * user stays where they are: that is the same visit. It is told apart from leaving and coming back
 * by the reconnect count: it moved during the visit and did not move since the box went away.
 */

/** undefined = unknown; null = never read. */
export type ReadPosition = string | null | undefined;

export interface VisitSources {
  /** The read position in the client's store now (undefined when it has none). */
  storedAck(converseId: string): string | undefined;
  /** The client's socket reconnect count now. */
  reconnects(): number;
  /** Read positions fetched at plugin load: null when that failed or was not possible. */
  atStartup(): Promise<Map<string, string> | null>;
}

interface Visit {
  readUpTo: Promise<ReadPosition>;
  /** Message boxes of this converse on screen now (a panel can also be open in a popup). */
  open: number;
  reconnectsAtStart: number;
  reconnectsAtEnd?: number;
  /** The newest stored message the panel showed while open. */
  newestShown?: string;
}

export interface VisitTracker {
  /** A message box of `converseId` appeared (before Tailchat acks what it shows). */
  started(converseId: string): void;
  /** The panel now shows `messageId` as its newest stored message. */
  shown(converseId: string, messageId: string | undefined): void;
  ended(converseId: string): void;
  /** The read position when the current (or last) visit of `converseId` began. */
  readUpTo(converseId: string): Promise<ReadPosition>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The newest of the given message ids (ObjectIds compare in the order they were stored). */
export function newestId(...ids: Array<string | null | undefined>): string | undefined {
  let newest: string | undefined;
  for (const id of ids) if (typeof id === 'string' && OBJECT_ID.test(id) && (newest === undefined || id.toLowerCase() > newest.toLowerCase())) newest = id;
  return newest;
}

export function createVisitTracker(sources: VisitSources, maxConverses = 1000): VisitTracker {
  const visits = new Map<string, Visit>();

  const remember = (converseId: string, visit: Visit) => {
    visits.delete(converseId); // re-inserted as the most recent: the oldest converses go first
    visits.set(converseId, visit);
    if (visits.size > maxConverses) visits.delete(visits.keys().next().value as string);
  };

  return {
    started(converseId) {
      const previous = visits.get(converseId);
      const reconnects = sources.reconnects();
      const remount =
        previous !== undefined &&
        (previous.open > 0 ||
          (previous.reconnectsAtEnd !== undefined && previous.reconnectsAtEnd !== previous.reconnectsAtStart && previous.reconnectsAtEnd === reconnects));
      if (previous && remount) {
        previous.open++;
        previous.reconnectsAtStart = reconnects;
        previous.reconnectsAtEnd = undefined;
        return;
      }
      const stored = sources.storedAck(converseId);
      const leftAt = previous?.newestShown;
      const readUpTo = sources.atStartup().then((startup): ReadPosition => {
        const newest = newestId(stored, leftAt, startup?.get(converseId));
        if (newest !== undefined) return newest;
        return startup ? null : undefined;
      });
      remember(converseId, { readUpTo, open: 1, reconnectsAtStart: reconnects, newestShown: leftAt });
    },
    shown(converseId, messageId) {
      const visit = visits.get(converseId);
      if (visit && visit.open > 0) visit.newestShown = newestId(visit.newestShown, messageId);
    },
    ended(converseId) {
      const visit = visits.get(converseId);
      if (!visit) return;
      visit.open = Math.max(0, visit.open - 1);
      if (visit.open === 0) visit.reconnectsAtEnd = sources.reconnects();
    },
    readUpTo(converseId) {
      return visits.get(converseId)?.readUpTo ?? Promise.resolve(undefined);
    },
  };
}
