/**
 * The page's one vote loader (vote-loader.ts) on `getMyVotes`, and the hook a reply's feedback
 * bar reads its vote with.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { getMyVotes } from '../api';
import { createVoteLoader } from './vote-loader';
import type { MyVote } from './vote-loader';

export const myVotes = createVoteLoader(getMyVotes, {
  onError: (err) => console.warn('[com.yourcompany.ai] could not load your votes on the replies; their 👍/👎 stay hidden for now', err),
});

/** The caller's vote on a reply, or undefined until the server has answered. */
export function useMyVote(messageId: string): MyVote | undefined {
  const answer = useSyncExternalStore(myVotes.subscribe, () => myVotes.peek(messageId));
  // Asked again only when the answer goes missing (dropped from the cache), not on every render.
  useEffect(() => {
    if (!answer) myVotes.want(messageId);
  }, [messageId, answer]);
  return answer;
}
