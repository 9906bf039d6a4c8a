/**
 * Votes in the plugin's own collection (bridge/store/feedback.ts) on the kit's CongoDB through
 * the official driver: one vote per user per reply (changed, taken back), a user reads only their
 * own, two instances writing the same vote keep one, and votes older than 27 weeks go.
 */
import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../../bridge/feedback/votes.js';
import { COLLECTIONS } from '../../../../bridge/store/collections.js';
import { createMongoFeedbackStore } from '../../../../bridge/store/feedback.js';
import { congoForFile } from '../../../support/congodb.js';

const congo = congoForFile('feedback');
const freshDb = (): Db => congo.fresh();

const vote = (userId: string, v: 'up' | 'down', at: string, over: Partial<FeedbackRecord> = {}): FeedbackRecord => ({
  runId: 'tc-p1',
  messageId: 'm1',
  converseId: 'c1',
  groupId: 'g1',
  agentId: 'assistant',
  engine: 'scripted',
  userId,
  vote: v,
  at,
  ...over,
});

describe('feedback store', () => {
  it('keeps one vote per user per reply: a change replaces it, a take-back removes it', async () => {
    const store = createMongoFeedbackStore(freshDb(), () => new Date('2026-12-07T12:00:00Z'));
    await store.put(vote('alice', 'up', '2026-12-07T10:00:00.000Z'));
    await store.put(vote('bob', 'up', '2026-12-07T10:01:00.000Z'));
    await store.put(vote('alice', 'down', '2026-12-07T10:02:00.000Z', { comment: 'wrong' }));
    expect(await store.mine('alice', ['m1', 'm2'])).toEqual({ m1: 'down' });
    expect(await store.mine('bob', ['m1'])).toEqual({ m1: 'up' });
    expect((await store.since('g1', '2026-12-01T00:00:00.000Z', 100)).map((r) => [r.userId, r.vote, r.comment])).toEqual([
      ['alice', 'down', 'wrong'],
      ['bob', 'up', undefined],
    ]);
    expect(await store.remove('tc-p1', 'alice')).toBe(true);
    expect(await store.remove('tc-p1', 'alice')).toBe(false);
    expect(await store.mine('alice', ['m1'])).toEqual({});
  });

  it("a user reads only their own votes, whatever message ids they name", async () => {
    const store = createMongoFeedbackStore(freshDb());
    await store.put(vote('alice', 'up', new Date().toISOString()));
    expect(await store.mine('mallory', ['m1'])).toEqual({});
  });

  it('two instances writing the same vote keep one document', async () => {
    const db = freshDb();
    const a = createMongoFeedbackStore(db);
    const b = createMongoFeedbackStore(db);
    const at = new Date().toISOString();
    await Promise.all([a.put(vote('alice', 'up', at)), b.put(vote('alice', 'up', at))]);
    expect(await db.collection(COLLECTIONS.feedback).countDocuments({})).toBe(1);
  });

  it("deletes a panel's votes older than 27 weeks when a new one is written there, and only there", async () => {
    const db = freshDb();
    const then = createMongoFeedbackStore(db, () => new Date('2026-06-01T12:00:00Z'));
    await then.put(vote('old', 'down', '2026-06-01T00:00:00.000Z', { runId: 'r-old' }));
    await then.put(vote('elsewhere', 'down', '2026-06-01T00:00:00.000Z', { runId: 'r-else', converseId: 'c2' }));
    await then.put(vote('kept', 'up', '2026-06-08T00:00:00.000Z', { runId: 'r-kept' }));
    const store = createMongoFeedbackStore(db, () => new Date('2026-12-09T12:00:00Z'));
    await store.put(vote('new', 'up', '2026-12-09T11:00:00.000Z', { runId: 'r-new' }));
    const left = await db.collection(COLLECTIONS.feedback).find({}, { projection: { _id: 0, userId: 1 } }).toArray();
    expect(left.map((d) => d.userId).sort()).toEqual(['elsewhere', 'kept', 'new']);
  });

  it('skips documents it cannot read instead of failing the report', async () => {
    const db = freshDb();
    await db.collection(COLLECTIONS.feedback).insertOne({ groupId: 'g1', at: '2026-12-07T00:00:00.000Z', vote: 'sideways' });
    const store = createMongoFeedbackStore(db);
    await store.put(vote('alice', 'up', '2026-12-07T01:00:00.000Z'));
    expect((await store.since('g1', '2026-12-01T00:00:00.000Z', 10)).map((r) => r.userId)).toEqual(['alice']);
  });
});
