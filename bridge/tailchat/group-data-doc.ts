/**
 * A JSON document kept in Tailchat's own per-group data (`group.extra`), for bundle state that
 * must survive restarts without extra infrastructure (usage counts, the audit log when no Redis
 * is configured). Tailchat stores a string and has no compare-and-set, so updates are
 * read-modify-write, serialised per document in this process: correct for a single instance,
 * which is what the no-Redis mode is (with Redis the callers use Redis instead).
 */
import type { TailchatHost } from './host.js';

/** Tailchat's system user passes group.extra's own core.groupConfig check. */
const SYSTEM_USER_ID = '000000000000000000000000';

export interface GroupDataDoc<T> {
  read(groupId: string): Promise<T>;
  /** Applies `change` to the current document and stores the result; resolves with it. */
  update(groupId: string, change: (current: T) => T): Promise<T>;
}

export function createGroupDataDoc<T>(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>, name: string, parse: (raw: unknown) => T): GroupDataDoc<T> {
  const tails = new Map<string, Promise<unknown>>();

  const read = async (groupId: string): Promise<T> => {
    const raw = await host.getGroupData(groupId, name);
    if (!raw) return parse(undefined);
    try {
      return parse(JSON.parse(raw));
    } catch {
      return parse(undefined); // unreadable (hand-edited, older format): start again rather than stop counting
    }
  };

  return {
    read,
    update(groupId, change) {
      const previous = tails.get(groupId) ?? Promise.resolve();
      const next = previous
        .catch(() => undefined)
        .then(async () => {
          const updated = change(await read(groupId));
          await host.saveGroupData(groupId, name, JSON.stringify(updated), SYSTEM_USER_ID);
          return updated;
        });
      tails.set(groupId, next);
      // Forget the chain once it is idle, so the map holds only groups with writes in flight.
      void next.finally(() => tails.get(groupId) === next && tails.delete(groupId)).catch(() => undefined);
      return next;
    },
  };
}
