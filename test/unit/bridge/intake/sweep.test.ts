/**
 * The intake sweep (bridge/intake/sweep.ts) with a controlled clock, an in-memory journal and a
 * list of "stored" messages: what it takes, what it leaves to the live path, what it follows, and
 * that nothing is handled twice.
 */
import { describe, expect, it } from 'vitest';
import type { AddedMessage } from '../../../../bridge/message/incoming.js';
import { createIntakeSweep, type Recovery } from '../../../../bridge/intake/sweep.js';
import type { StoredMessage } from '../../../../bridge/intake/stored-messages.js';
import { createMemoryIntakeJournal } from '../../fakes/intake-journal.js';
import { silentLogger } from '../../fakes/tailchat-host.js';

const timing = { graceMs: 10_000, leaseMs: 30_000, windowMs: 15 * 60_000, recheckMs: 30_000 };
const BOT = 'BOT';

function setup(o: { since?: number; start?: number } = {}) {
  let t = o.start ?? 10_000_000;
  const journal = createMemoryIntakeJournal(() => t, o.since ?? 0);
  const stored: StoredMessage[] = [];
  const handled: { id: string; recovery: Recovery; uncounted?: boolean }[] = [];
  let seq = 0;
  const post = (content: string, extra: Partial<AddedMessage> = {}, ago = 0): AddedMessage => {
    const event: AddedMessage = { type: 'add', messageId: `m${++seq}`, converseId: 'P', groupId: 'G', author: 'U', content, meta: {}, ...extra };
    stored.push({ event, at: Math.floor((t - ago) / 1000) * 1000 });
    stored.sort((a, b) => a.at - b.at);
    return event;
  };
  const reply = (to: AddedMessage) => post('the answer', { author: BOT, meta: { reply: { _id: to.messageId } } });
  let failHandle = false;
  const make = () =>
    createIntakeSweep({
      node: 'N',
      journal,
      messages: {
        async between(from, to, limit) {
          const messages = stored.filter((m) => m.at >= from && m.at < to).slice(0, limit);
          return { messages, full: messages.length === limit, ...(messages.length ? { lastAt: messages[messages.length - 1]!.at } : {}) };
        },
      },
      isAddressed: async (e) => e.content.startsWith('@AI'),
      answers: (e) => (e.author === BOT ? e.meta.reply?._id : undefined),
      async handle(event, recovery, uncounted) {
        if (failHandle) throw new Error('Tailchat unreachable');
        handled.push({ id: event.messageId, recovery, ...(uncounted ? { uncounted } : {}) });
        if (recovery === 'unstarted') await journal.mark(event.messageId, 'handed');
      },
      timing,
      logger: silentLogger,
      now: () => t,
      batch: 3,
    });
  return { journal, post, reply, handled, make, pass: (ms: number) => void (t += ms), failHandles: (v: boolean) => void (failHandle = v), now: () => t };
}

describe('intake sweep', () => {
  it('answers a prompt no instance took once it is older than the grace, once only; other messages are left alone', async () => {
    const s = setup();
    const sweep = s.make();
    const lost = s.post('@AI where is my answer?');
    s.post('just people talking');
    await sweep.sweep();
    expect(s.handled).toEqual([]); // the live path has the grace to take it
    s.pass(11_000);
    await sweep.sweep();
    // Nobody took it, so nobody counted it against the rate limit: the sweep's handling does.
    expect(s.handled).toEqual([{ id: lost.messageId, recovery: 'unstarted', uncounted: true }]);
    s.pass(60_000);
    await sweep.sweep();
    expect(s.handled).toHaveLength(1);
  });

  it('leaves a prompt the live path took; takes it over when its instance died holding it', async () => {
    const s = setup();
    const sweep = s.make();
    const prompt = s.post('@AI hello');
    await s.journal.take(prompt.messageId, 'DEAD', timing.leaseMs);
    s.pass(11_000);
    await sweep.sweep();
    expect(s.handled).toEqual([]);
    s.pass(timing.leaseMs);
    await sweep.sweep();
    expect(s.handled).toEqual([{ id: prompt.messageId, recovery: 'unstarted' }]);
    expect(s.journal.entries.get(prompt.messageId)?.node).toBe('N');
  });

  it('asks again about a handed prompt every recheck until its answer shows up; a settled one is done', async () => {
    const s = setup();
    const sweep = s.make();
    const handed = s.post('@AI long task');
    const settled = s.post('@AI /help');
    for (const m of [handed, settled]) await s.journal.take(m.messageId, 'A', timing.leaseMs);
    await s.journal.mark(handed.messageId, 'handed');
    await s.journal.mark(settled.messageId, 'settled');
    s.pass(11_000);
    await sweep.sweep();
    expect(s.handled).toEqual([]);
    s.pass(timing.recheckMs);
    await sweep.sweep();
    expect(s.handled).toEqual([{ id: handed.messageId, recovery: 'started' }]);
    s.pass(5_000);
    await sweep.sweep();
    expect(s.handled).toHaveLength(1); // not before the next recheck
    s.reply(handed);
    s.pass(timing.recheckMs + timing.graceMs);
    await sweep.sweep();
    expect(s.handled).toHaveLength(1); // answered: no longer followed
    expect(sweep.sizes().intake_watching).toBe(0);
  });

  it('never answers a prompt already answered (a reply in the stream), nor one older than journalling', async () => {
    const s = setup({ since: 10_000_000 + 5_000 });
    const before = s.post('@AI from before the upgrade', {}, 20_000);
    const answered = s.post('@AI answered without a journal entry');
    s.reply(answered);
    s.pass(11_000);
    await s.make().sweep();
    expect(s.handled).toEqual([]);
    expect(before.messageId).toBeDefined();
  });

  it('after a restart, answers what arrived while it was down (within the window), through a backlog of several batches', async () => {
    const s = setup();
    const missed = [s.post('@AI one', {}, 60_000), s.post('chatter', {}, 50_000), s.post('@AI two', {}, 40_000), s.post('more', {}, 30_000), s.post('@AI three', {}, 20_000)];
    const tooOld = s.post('@AI ancient', {}, timing.windowMs + 60_000);
    const sweep = s.make(); // a fresh process: nothing examined yet
    for (let i = 0; i < 4; i++) await sweep.sweep();
    expect(s.handled.map((h) => h.id).sort()).toEqual([missed[0]!, missed[2]!, missed[4]!].map((m) => m.messageId).sort());
    expect(s.handled.some((h) => h.id === tooOld.messageId)).toBe(false);
  });

  it('a prompt that fails to be handled (Tailchat away) is tried again after the lease; the others go on meanwhile', async () => {
    const s = setup();
    const sweep = s.make();
    const prompt = s.post('@AI are you there?');
    s.pass(11_000);
    s.failHandles(true);
    await sweep.sweep();
    expect(s.handled).toEqual([]);
    s.failHandles(false);
    const next = s.post('@AI and this one?');
    s.pass(11_000);
    await sweep.sweep();
    expect(s.handled).toEqual([{ id: next.messageId, recovery: 'unstarted', uncounted: true }]); // not held up
    s.handled.length = 0;
    // The entry it took before failing is held under its lease, then taken over.
    s.pass(timing.leaseMs - 11_000);
    await sweep.sweep();
    expect(s.handled).toEqual([{ id: prompt.messageId, recovery: 'unstarted' }]);
  });
});
