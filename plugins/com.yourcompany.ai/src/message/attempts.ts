/**
 * The attempts at one prompt that the message list has shown, grouped by converse and the first
 * answer's run id (meta `attempt.of`, protocol/run-id.ts), fed only by the agent users' messages. Tailchat cannot edit a stored reply, so Regenerate
 * posts a new one: the newest attempt's panel pages between the attempts, the older messages
 * collapse. Fed by the messages our extra parser renders; entries are never removed when a
 * message scrolls out of view, so paging keeps working in a virtualised list. No React here.
 */
import type { AiMeta } from '../../../../protocol/blocks';

/** A reply in one of these states is stored: its live draft is only a leftover. */
export const FINISHED: ReadonlySet<AiMeta['status']> = new Set<AiMeta['status']>(['done', 'error', 'aborted']);

export interface Attempt {
  /** 1 = the first answer. */
  n: number;
  /** The message holding this attempt's panel (part 1; a live draft until the final is stored). */
  messageId: string;
  meta: AiMeta;
}

export interface AttemptGroup {
  /** Sorted by `n`; only the attempts this page has rendered (older ones may not be loaded). */
  attempts: Attempt[];
  /** The highest attempt number known, also when that reply's own message is not loaded. */
  newest: number;
  /** The attempt the newest message's panel shows now. */
  selected: number;
}

/**
 * The key all attempts at one prompt share: the converse and the run id of the first answer. The
 * converse is part of it because `attempt.of` is only what a message says: a reply elsewhere
 * naming this run must not page or collapse the replies here.
 */
export function attemptKeyOf(meta: Pick<AiMeta, 'runId' | 'attempt'>, converseId: string): string {
  return `${converseId}/${meta.attempt?.of ?? meta.runId}`;
}

/** The message a reply came in (Tailchat's message payload, the fields the store needs). */
export interface ReplyMessage {
  _id: string;
  converseId: string;
  author?: string;
}

export function attemptNumberOf(meta: Pick<AiMeta, 'attempt'>): number {
  return meta.attempt?.n ?? 1;
}

interface Entry {
  attempts: Attempt[];
  newest: number;
  /** The user's choice, valid only while no newer attempt arrived (a new reply is shown at once). */
  choice?: { n: number; whenNewest: number };
  snapshot: AttemptGroup;
}

export interface AttemptStore {
  /**
   * Remembers the reply a message shows; a later part (2+) of a split reply only counts its number.
   * Only messages of the agent users count: anyone can post a message with a forged `attempt`.
   */
  note(meta: AiMeta, message: ReplyMessage, agents: ReadonlySet<string>): void;
  /** A stable object until the group changes (for useSyncExternalStore). */
  group(key: string): AttemptGroup | undefined;
  select(key: string, n: number): void;
  subscribe(listener: () => void): () => void;
}

export function createAttemptStore(maxGroups = 500): AttemptStore {
  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();

  const publish = (key: string, entry: Entry) => {
    const valid = entry.choice && entry.choice.whenNewest === entry.newest && entry.attempts.some((a) => a.n === entry.choice!.n);
    entry.snapshot = { attempts: entry.attempts, newest: entry.newest, selected: valid ? entry.choice!.n : entry.newest };
    entries.delete(key); // re-inserted as the most recent: the oldest groups go first
    entries.set(key, entry);
    if (entries.size > maxGroups) entries.delete(entries.keys().next().value as string);
    listeners.forEach((listener) => listener());
  };

  return {
    note(meta, message, agents) {
      if (!message.author || !agents.has(message.author)) return;
      const messageId = message._id;
      const key = attemptKeyOf(meta, message.converseId);
      const n = attemptNumberOf(meta);
      const entry = entries.get(key) ?? { attempts: [], newest: 0, snapshot: { attempts: [], newest: 0, selected: 0 } };
      const isPanel = !meta.part || meta.part.index === 1;
      const known = entry.attempts.find((a) => a.n === n);
      const sameAsKnown = known && known.messageId === messageId && known.meta === meta;
      if (n <= entry.newest && (!isPanel || sameAsKnown)) return;
      // A draft announced again after its final was stored (the 2 s re-announce) never takes back
      // the final's place.
      if (known && known.messageId !== messageId && FINISHED.has(known.meta.status) && !FINISHED.has(meta.status)) return;
      if (isPanel && !sameAsKnown) {
        // A live draft and then its stored final: the later message of an attempt wins.
        entry.attempts = [...entry.attempts.filter((a) => a.n !== n), { n, messageId, meta }].sort((a, b) => a.n - b.n);
      }
      entry.newest = Math.max(entry.newest, n);
      publish(key, entry);
    },
    group: (key) => entries.get(key)?.snapshot,
    select(key, n) {
      const entry = entries.get(key);
      if (!entry || !entry.attempts.some((a) => a.n === n)) return;
      entry.choice = { n, whenNewest: entry.newest };
      publish(key, entry);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** The one store of the page (every message view reads and feeds it). */
export const attemptStore = createAttemptStore();
