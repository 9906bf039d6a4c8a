/**
 * The web client's loader of the user's own 👍/👎 (plugins/.../message/vote-loader.ts): the
 * replies a panel shows in one render cost one `getMyVotes`, not one each.
 */
import { describe, expect, it } from 'vitest';
import { createVoteLoader } from '../../../plugins/com.yourcompany.ai/src/message/vote-loader.js';
import type { MyVotesView } from '../../../protocol/feedback.js';

/** A server that answers from `votes` and remembers every question. */
function fakeServer(votes: MyVotesView['votes'] = {}, kept = true) {
  const asked: string[][] = [];
  let failing = false;
  return {
    asked,
    failNext: () => void (failing = true),
    fetch: async (ids: string[]): Promise<MyVotesView> => {
      asked.push(ids);
      if (failing) {
        failing = false;
        throw new Error('503');
      }
      return { votes: Object.fromEntries(ids.flatMap((id) => (votes[id] ? [[id, votes[id]!]] : []))), kept };
    },
  };
}

/** Lets the zero-timeout batch go out and its answer arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the loader of my votes', () => {
  it('asks once for all the replies shown in the same tick, and knows each vote afterwards', async () => {
    const server = fakeServer({ m1: 'up', m3: 'down' });
    const loader = createVoteLoader(server.fetch);
    for (const id of ['m1', 'm2', 'm3']) loader.want(id);
    expect(loader.peek('m1')).toBeUndefined(); // nothing until the server answered
    await settle();
    expect(server.asked).toEqual([['m1', 'm2', 'm3']]);
    expect(loader.peek('m1')).toEqual({ vote: 'up', kept: true });
    expect(loader.peek('m2')).toEqual({ vote: null, kept: true });
    expect(loader.peek('m3')).toEqual({ vote: 'down', kept: true });
  });

  it('splits a long panel into requests of at most 100 ids', async () => {
    const server = fakeServer();
    const loader = createVoteLoader(server.fetch);
    for (let i = 0; i < 230; i++) loader.want(`m${i}`);
    await settle();
    expect(server.asked.map((ids) => ids.length)).toEqual([100, 100, 30]);
    expect(new Set(server.asked.flat()).size).toBe(230);
  });

  it('does not ask again for a reply it knows or is asking about (a re-render, a reply scrolled back)', async () => {
    const server = fakeServer({ m1: 'up' });
    const loader = createVoteLoader(server.fetch);
    loader.want('m1');
    await settle();
    loader.want('m1');
    loader.want('m2');
    loader.want('m2');
    await settle();
    expect(server.asked).toEqual([['m1'], ['m2']]);
  });

  it('shows a vote just cast at once, also over an answer that was already on its way', async () => {
    let answer!: (view: MyVotesView) => void;
    const asked: string[][] = [];
    const loader = createVoteLoader((ids) => {
      asked.push(ids);
      return new Promise((resolve) => (answer = resolve));
    });
    let changes = 0;
    loader.subscribe(() => changes++);
    loader.want('m1');
    await settle();
    expect(asked).toEqual([['m1']]); // the question is out, its answer not yet here
    loader.record('m1', 'down');
    expect(loader.peek('m1')).toEqual({ vote: 'down', kept: true });
    answer({ votes: { m1: 'up' }, kept: true }); // read before the vote was cast
    await settle();
    expect(loader.peek('m1')).toEqual({ vote: 'down', kept: true });
    expect(changes).toBeGreaterThanOrEqual(1);

    loader.record('m1', null);
    expect(loader.peek('m1')).toEqual({ vote: null, kept: true });
  });

  it('a question that failed is asked again when the reply wants it again', async () => {
    const server = fakeServer({ m1: 'down' });
    const errors: unknown[] = [];
    const loader = createVoteLoader(server.fetch, { onError: (err) => errors.push(err) });
    server.failNext();
    loader.want('m1');
    await settle();
    expect(loader.peek('m1')).toBeUndefined();
    expect(errors).toHaveLength(1);
    loader.want('m1');
    await settle();
    expect(loader.peek('m1')).toEqual({ vote: 'down', kept: true });
  });

  it('says when the server keeps no votes (no plugin database)', async () => {
    const loader = createVoteLoader(fakeServer({}, false).fetch);
    loader.want('m1');
    await settle();
    expect(loader.peek('m1')).toEqual({ vote: null, kept: false });
  });

  it('keeps a stable answer object until it changes (what React reads it with needs that)', async () => {
    const loader = createVoteLoader(fakeServer({ m1: 'up' }).fetch);
    loader.want('m1');
    await settle();
    expect(loader.peek('m1')).toBe(loader.peek('m1'));
  });

  it('forgets the oldest answers beyond its size', async () => {
    const server = fakeServer();
    const loader = createVoteLoader(server.fetch, { maxEntries: 2 });
    for (const id of ['m1', 'm2', 'm3']) loader.want(id);
    await settle();
    expect(loader.peek('m1')).toBeUndefined();
    expect(loader.peek('m3')).toEqual({ vote: null, kept: true });
  });
});
