/**
 * The default joins' records (bridge/store/agent-joins.ts) and the scan of Tailchat's groups
 * (bridge/agents/tailchat-groups.ts) on the kit's CongoDB through the official driver.
 */
import { ObjectId, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createMongoJoinRecords } from '../../../../bridge/store/agent-joins.js';
import { createGroupIdReader, scanGroups, TAILCHAT_GROUPS } from '../../../../bridge/agents/tailchat-groups.js';
import { congoForFile } from '../../../support/congodb.js';

const congo = congoForFile('joins');
const freshDb = (): Db => congo.fresh();

describe('join records on the database', () => {
  it('one claim per (group, agent) wins; a claim whose instance died is taken over after its lease, by one', async () => {
    let t = 1_000_000;
    const db = freshDb();
    const a = createMongoJoinRecords(db, () => t);
    const b = createMongoJoinRecords(db, () => t);
    expect(await a.claim('G1', 'assistant', 'A', 60_000)).toBe(true);
    expect(await b.claim('G1', 'assistant', 'B', 60_000)).toBe(false);
    expect(await b.claim('G1', 'reviewer', 'B', 60_000)).toBe(true);
    expect(await a.doneIn('G1')).toEqual(new Set());
    t += 60_001;
    expect(await b.claim('G1', 'assistant', 'B', 60_000)).toBe(true);
    expect(await a.claim('G1', 'assistant', 'A', 60_000)).toBe(false);
    await b.done('G1', 'assistant');
    expect(await a.doneIn('G1')).toEqual(new Set(['assistant']));
    t += 1_000_000;
    expect(await a.claim('G1', 'assistant', 'A', 60_000)).toBe(false);
    expect(await a.doneIn('G2')).toEqual(new Set());
  });
});

describe("the scan of Tailchat's groups", () => {
  it('visits every group in id order in pages, then only the ones created since, and goes on from a failure', async () => {
    const db = freshDb();
    const ids = Array.from({ length: 5 }, () => new ObjectId());
    await db.collection(TAILCHAT_GROUPS).insertMany(ids.map((_id) => ({ _id, name: 'g' })));
    const reader = createGroupIdReader(db);
    const seen: string[] = [];
    const scan: { position?: string } = {};
    await scanGroups(reader, scan, async (id) => void seen.push(id), 2);
    expect(seen).toEqual(ids.map(String));
    const later = new ObjectId();
    await db.collection(TAILCHAT_GROUPS).insertOne({ _id: later, name: 'new' });
    let fail = true;
    await expect(
      scanGroups(reader, scan, async (id) => {
        if (fail) throw new Error('tailchat away');
        seen.push(id);
      }),
    ).rejects.toThrow('tailchat away');
    fail = false;
    await scanGroups(reader, scan, async (id) => void seen.push(id));
    expect(seen).toEqual([...ids.map(String), String(later)]);
  });
});
