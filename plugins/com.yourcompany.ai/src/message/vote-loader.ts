/**
 * The signed-in user's own 👍 / 👎 on the replies the page shows, asked of the server in batches:
 * a panel renders dozens of replies at once, and one `getMyVotes` per reply would be dozens of
 * requests. The ids wanted within one tick go out together (at most `batchSize` per request), and
 * each answer is remembered per message id for the page's life, so a reply scrolled away and back
 * asks nothing. A vote the user casts replaces the remembered one. No React, no host imports here.
 */
import type { MyVotesView, Vote } from '../../../../protocol/feedback';

/** What the server said about one reply. */
export interface MyVote {
  /** The caller's vote, null when they have not voted. */
  vote: Vote | null;
  /** false: the server keeps no votes (no plugin database), so there is nothing to offer. */
  kept: boolean;
}

export interface VoteLoader {
  /** The answer for this message, or undefined until the server has given it. A stable object per answer (for useSyncExternalStore). */
  peek(messageId: string): MyVote | undefined;
  /** Asks for this message with the others wanted in the same tick, unless it is known or on its way. */
  want(messageId: string): void;
  /** The caller's vote as the server recorded it after a `voteReply`. */
  record(messageId: string, vote: Vote | null): void;
  subscribe(listener: () => void): () => void;
}

export interface VoteLoaderOptions {
  /** Runs the batch once the current tick is over (default: a zero timeout). */
  schedule?: (run: () => void) => void;
  /** The protocol's limit per `getMyVotes` (default 100). */
  batchSize?: number;
  /** Answers kept, the oldest dropped first: a long session scrolls through many replies. */
  maxEntries?: number;
  /** A question that failed: nothing is remembered, so the reply asks again when it is shown again. */
  onError?: (err: unknown) => void;
}

export function createVoteLoader(fetchVotes: (messageIds: string[]) => Promise<MyVotesView>, options: VoteLoaderOptions = {}): VoteLoader {
  const schedule = options.schedule ?? ((run: () => void) => void setTimeout(run, 0));
  const batchSize = options.batchSize ?? 100;
  const maxEntries = options.maxEntries ?? 2_000;
  const known = new Map<string, MyVote>();
  const wanted = new Set<string>();
  const asking = new Set<string>();
  const listeners = new Set<() => void>();
  let scheduled = false;

  const remember = (messageId: string, answer: MyVote) => {
    known.delete(messageId); // re-inserted as the newest
    known.set(messageId, answer);
    if (known.size > maxEntries) known.delete(known.keys().next().value as string);
  };
  const changed = () => listeners.forEach((listener) => listener());

  const ask = (messageIds: string[]) => {
    messageIds.forEach((id) => asking.add(id));
    fetchVotes(messageIds).then(
      (view) => {
        for (const id of messageIds) {
          asking.delete(id);
          // A vote cast while the question was on its way is newer than the answer.
          if (!known.has(id)) remember(id, { vote: view.votes[id] ?? null, kept: view.kept });
        }
        changed();
      },
      (err: unknown) => {
        messageIds.forEach((id) => asking.delete(id));
        options.onError?.(err);
      }
    );
  };

  const flush = () => {
    scheduled = false;
    const ids = [...wanted];
    wanted.clear();
    for (let i = 0; i < ids.length; i += batchSize) ask(ids.slice(i, i + batchSize));
  };

  return {
    peek: (messageId) => known.get(messageId),
    want(messageId) {
      if (known.has(messageId) || asking.has(messageId)) return;
      wanted.add(messageId);
      if (scheduled) return;
      scheduled = true;
      schedule(flush);
    },
    record(messageId, vote) {
      remember(messageId, { vote, kept: true });
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
