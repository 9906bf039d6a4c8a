import { describe, expect, it, vi } from 'vitest';
import type { AiMeta } from '../../../protocol/blocks.js';
import { attemptKeyOf, createAttemptStore } from '../../../plugins/com.yourcompany.ai/src/message/attempts.js';

const FIRST = 'tc-6561f0a1b2c3d4e5f6a7b8c9';
const reply = (n: number, extra: Partial<AiMeta> = {}): AiMeta => ({
  v: 1,
  runId: n === 1 ? FIRST : `${FIRST}.r${n}`,
  engine: 'scripted',
  status: 'done',
  blocks: [{ type: 'markdown', text: `answer ${n}` }],
  ...(n > 1 ? { attempt: { n, of: FIRST } } : {}),
  ...extra,
});

describe('attempt store (Regenerate pager)', () => {
  it('groups attempts at one prompt under the first answer, and shows the newest', () => {
    const store = createAttemptStore();
    store.note(reply(1), 'm1');
    store.note(reply(2), 'm2');
    expect(attemptKeyOf(reply(2))).toBe(FIRST);
    const group = store.group(FIRST)!;
    expect(group.attempts.map((a) => [a.n, a.messageId])).toEqual([[1, 'm1'], [2, 'm2']]);
    expect(group).toMatchObject({ newest: 2, selected: 2 });
  });

  it('orders attempts whatever order the messages render in', () => {
    const store = createAttemptStore();
    store.note(reply(3), 'm3');
    store.note(reply(1), 'm1');
    store.note(reply(2), 'm2');
    expect(store.group(FIRST)!.attempts.map((a) => a.n)).toEqual([1, 2, 3]);
    expect(store.group(FIRST)!.newest).toBe(3);
  });

  it('paging selects an older attempt until a newer one arrives', () => {
    const store = createAttemptStore();
    store.note(reply(1), 'm1');
    store.note(reply(2), 'm2');
    store.select(FIRST, 1);
    expect(store.group(FIRST)!.selected).toBe(1);
    store.select(FIRST, 7); // not loaded: ignored
    expect(store.group(FIRST)!.selected).toBe(1);
    store.note(reply(3, { status: 'streaming' }), 'draft3');
    expect(store.group(FIRST)).toMatchObject({ newest: 3, selected: 3 });
  });

  it('the stored final replaces the live draft of the same attempt', () => {
    const store = createAttemptStore();
    store.note(reply(2, { status: 'streaming' }), 'draft');
    store.note(reply(2), 'final');
    const attempts = store.group(FIRST)!.attempts;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ messageId: 'final', meta: { status: 'done' } });
  });

  it('a draft announced again after its final was stored does not take the final\'s place', () => {
    const store = createAttemptStore();
    store.note(reply(1, { status: 'streaming' }), 'draft');
    store.note(reply(1, { status: 'aborted' }), 'final');
    store.note(reply(1, { status: 'streaming', blocks: [{ type: 'markdown', text: 'late' }] }), 'draft');
    expect(store.group(FIRST)!.attempts).toEqual([expect.objectContaining({ messageId: 'final', meta: expect.objectContaining({ status: 'aborted' }) })]);
  });

  it('a later part of a split reply counts its attempt but never becomes the panel', () => {
    const store = createAttemptStore();
    store.note(reply(1, { part: { index: 1, count: 2 } }), 'm1a');
    store.note(reply(1, { part: { index: 2, count: 2 }, blocks: [] }), 'm1b');
    expect(store.group(FIRST)!.attempts.map((a) => a.messageId)).toEqual(['m1a']);
    // Only part 2 of attempt 2 loaded so far: attempt 1 is already superseded.
    store.note(reply(2, { part: { index: 2, count: 2 }, blocks: [] }), 'm2b');
    expect(store.group(FIRST)).toMatchObject({ newest: 2, selected: 2 });
    expect(store.group(FIRST)!.attempts.map((a) => a.n)).toEqual([1]);
  });

  it('snapshots stay the same object until something changes, and listeners hear changes only', () => {
    const store = createAttemptStore();
    const listener = vi.fn();
    const off = store.subscribe(listener);
    const meta = reply(1);
    store.note(meta, 'm1');
    const before = store.group(FIRST);
    store.note(meta, 'm1');
    expect(store.group(FIRST)).toBe(before);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
    store.note(reply(2), 'm2');
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('forgets the oldest prompts beyond its limit', () => {
    const store = createAttemptStore(2);
    store.note({ ...reply(1), runId: 'tc-a' }, 'a');
    store.note({ ...reply(1), runId: 'tc-b' }, 'b');
    store.note({ ...reply(1), runId: 'tc-c' }, 'c');
    expect(store.group('tc-a')).toBeUndefined();
    expect(store.group('tc-c')).toBeDefined();
  });
});
