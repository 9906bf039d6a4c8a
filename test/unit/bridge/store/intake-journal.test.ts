/**
 * The intake journal (bridge/store/intake.ts) on the kit's CongoDB through the official driver:
 * one taker per message, a take-over only after the lease lapsed (and by one instance only),
 * states, the fixed start of journalling, and purging old entries.
 */
import { ObjectId, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createMongoIntakeJournal } from '../../../../bridge/store/intake.js';
import { createStoredMessageReader, TAILCHAT_MESSAGES } from '../../../../bridge/intake/stored-messages.js';
import { congoForFile } from '../../../support/congodb.js';

const congo = congoForFile('intake');
const freshDb = (): Db => congo.fresh();
const messageId = () => new ObjectId().toHexString();


describe('intake journal', () => {
  it('gives a message to one taker; others see who holds it until the lease lapses, then one takes it over', async () => {
    let t = 1_000_000;
    const db = freshDb();
    const a = createMongoIntakeJournal(db, () => t);
    const b = createMongoIntakeJournal(db, () => t);
    const c = createMongoIntakeJournal(db, () => t);
    const id = messageId();
    expect(await a.take(id, 'A', 30_000)).toEqual({ taken: true, over: false });
    expect(await b.take(id, 'B', 30_000)).toEqual({ taken: false, entry: { state: 'taking', node: 'A', leaseUntil: t + 30_000, at: t } });
    t += 30_000;
    // Two instances find the lapsed lease at once: one of them takes it over.
    const [byB, byC] = await Promise.all([b.take(id, 'B', 30_000), c.take(id, 'C', 30_000)]);
    expect([byB.taken, byC.taken].filter(Boolean)).toHaveLength(1);
    expect(byB.taken ? byB : byC).toEqual({ taken: true, over: true });
    expect((await a.lookup([id])).get(id)?.node).toBe(byB.taken ? 'B' : 'C');
  });

  it('records how far a message got; a handed or settled message is never taken again', async () => {
    let t = 2_000_000;
    const j = createMongoIntakeJournal(freshDb(), () => t);
    const [handed, settled, never] = [messageId(), messageId(), messageId()];
    await j.take(handed, 'A', 1_000);
    await j.take(settled, 'A', 1_000);
    await j.mark(handed, 'handed');
    await j.mark(settled, 'settled');
    t += 60_000;
    expect((await j.take(handed, 'B', 1_000)).taken).toBe(false);
    expect((await j.take(settled, 'B', 1_000)).taken).toBe(false);
    const found = await j.lookup([handed, settled, never]);
    expect(found.get(handed)?.state).toBe('handed');
    expect(found.get(settled)?.state).toBe('settled');
    expect(found.has(never)).toBe(false);
  });

  it('fixes when journalling began on the first call, keeps it through purges, and purges old entries', async () => {
    let t = 3_000_000;
    const db = freshDb();
    const j = createMongoIntakeJournal(db, () => t);
    expect(await j.since()).toBe(3_000_000);
    const old = messageId();
    await j.take(old, 'A', 1_000);
    t += 100_000;
    const recent = messageId();
    await j.take(recent, 'A', 1_000);
    expect(await createMongoIntakeJournal(db, () => t).since()).toBe(3_000_000); // another instance, later
    expect(await j.purge(t - 50_000)).toBe(1);
    expect([...(await j.lookup([old, recent])).keys()]).toEqual([recent]);
    expect(await j.since()).toBe(3_000_000);
  });
});

describe("Tailchat's stored messages, as the sweep reads them", () => {
  it('reads a time range in id order as add events; recalled messages and other seconds are left out', async () => {
    const db = freshDb();
    const at = (sec: number) => ObjectId.createFromTime(sec);
    const [group, panel, dm, alice] = [new ObjectId(), new ObjectId(), new ObjectId(), new ObjectId()];
    const id = (sec: number) => {
      const o = at(sec).toHexString();
      return new ObjectId(o.slice(0, 8) + new ObjectId().toHexString().slice(8));
    };
    const [first, second, recalled, inDm, later] = [id(1_000), id(1_001), id(1_001), id(1_002), id(1_010)];
    // As Tailchat's mongoose model stores them: ObjectId references, meta as sent.
    await db.collection(TAILCHAT_MESSAGES).insertMany([
      { _id: later, content: 'later', author: alice, groupId: group, converseId: panel, hasRecall: false },
      { _id: first, content: '[at=bot]AI[/at] hi', author: alice, groupId: group, converseId: panel, hasRecall: false, meta: { mentions: ['bot'] } },
      { _id: second, content: 'reply', author: alice, groupId: group, converseId: panel, hasRecall: false, meta: { reply: { _id: first.toHexString(), author: 'x', content: 'y' } } },
      { _id: recalled, content: 'oops', author: alice, groupId: group, converseId: panel, hasRecall: true },
      { _id: inDm, content: 'in a DM', author: alice, converseId: dm, hasRecall: false },
    ]);
    const { messages: read, full } = await createStoredMessageReader(db).between(1_000_000, 1_010_000, 100);
    expect(full).toBe(false);
    expect(read.map((m) => m.event.content)).toEqual(['[at=bot]AI[/at] hi', 'reply', 'in a DM']);
    expect(read[0]).toEqual({
      at: 1_000_000,
      event: { type: 'add', messageId: first.toHexString(), converseId: panel.toHexString(), groupId: group.toHexString(), author: alice.toHexString(), content: '[at=bot]AI[/at] hi', meta: { mentions: ['bot'] } },
    });
    expect(read[1]!.event.meta.reply?._id).toBe(first.toHexString());
    expect(read[2]!.event.groupId).toBeUndefined();
    // A full batch says so, and where it stopped: the recalled message counts as read.
    expect(await createStoredMessageReader(db).between(1_001_000, 1_010_000, 2)).toMatchObject({ full: true, lastAt: 1_001_000 });
  });
});
