import { describe, expect, it, vi } from 'vitest';
import type { AiMeta } from '../../../protocol/blocks.js';
import { attemptKeyOf, createAttemptStore } from '../../../plugins/com.yourcompany.ai/src/message/attempts.js';

const FIRST = 'tc-6561f0a1b2c3d4e5f6a7b8c9';
const PANEL = 'panel-1';
const BOT = 'u_bot';
const AGENTS: ReadonlySet<string> = new Set([BOT]);
const KEY = `${PANEL}/${FIRST}`;
/** A message of the bot in PANEL (the usual case), or of someone/somewhere else. */
const at = (_id: string, over: { author?: string; converseId?: string } = {}) => ({ _id, converseId: PANEL, author: BOT, ...over });
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
    store.note(reply(1), at('m1'), AGENTS);
    store.note(reply(2), at('m2'), AGENTS);
    expect(attemptKeyOf(reply(2), PANEL)).toBe(KEY);
    const group = store.group(KEY)!;
    expect(group.attempts.map((a) => [a.n, a.messageId])).toEqual([[1, 'm1'], [2, 'm2']]);
    expect(group).toMatchObject({ newest: 2, selected: 2 });
  });

  it('orders attempts whatever order the messages render in', () => {
    const store = createAttemptStore();
    store.note(reply(3), at('m3'), AGENTS);
    store.note(reply(1), at('m1'), AGENTS);
    store.note(reply(2), at('m2'), AGENTS);
    expect(store.group(KEY)!.attempts.map((a) => a.n)).toEqual([1, 2, 3]);
    expect(store.group(KEY)!.newest).toBe(3);
  });

  it('paging selects an older attempt until a newer one arrives', () => {
    const store = createAttemptStore();
    store.note(reply(1), at('m1'), AGENTS);
    store.note(reply(2), at('m2'), AGENTS);
    store.select(KEY, 1);
    expect(store.group(KEY)!.selected).toBe(1);
    store.select(KEY, 7); // not loaded: ignored
    expect(store.group(KEY)!.selected).toBe(1);
    store.note(reply(3, { status: 'streaming' }), at('draft3'), AGENTS);
    expect(store.group(KEY)).toMatchObject({ newest: 3, selected: 3 });
  });

  it('the stored final replaces the live draft of the same attempt', () => {
    const store = createAttemptStore();
    store.note(reply(2, { status: 'streaming' }), at('draft'), AGENTS);
    store.note(reply(2), at('final'), AGENTS);
    const attempts = store.group(KEY)!.attempts;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ messageId: 'final', meta: { status: 'done' } });
  });

  it('a draft announced again after its final was stored does not take the final\'s place', () => {
    const store = createAttemptStore();
    store.note(reply(1, { status: 'streaming' }), at('draft'), AGENTS);
    store.note(reply(1, { status: 'aborted' }), at('final'), AGENTS);
    store.note(reply(1, { status: 'streaming', blocks: [{ type: 'markdown', text: 'late' }] }), at('draft'), AGENTS);
    expect(store.group(KEY)!.attempts).toEqual([expect.objectContaining({ messageId: 'final', meta: expect.objectContaining({ status: 'aborted' }) })]);
  });

  it('a later part of a split reply counts its attempt but never becomes the panel', () => {
    const store = createAttemptStore();
    store.note(reply(1, { part: { index: 1, count: 2 } }), at('m1a'), AGENTS);
    store.note(reply(1, { part: { index: 2, count: 2 }, blocks: [] }), at('m1b'), AGENTS);
    expect(store.group(KEY)!.attempts.map((a) => a.messageId)).toEqual(['m1a']);
    // Only part 2 of attempt 2 loaded so far: attempt 1 is already superseded.
    store.note(reply(2, { part: { index: 2, count: 2 }, blocks: [] }), at('m2b'), AGENTS);
    expect(store.group(KEY)).toMatchObject({ newest: 2, selected: 2 });
    expect(store.group(KEY)!.attempts.map((a) => a.n)).toEqual([1]);
  });

  it('snapshots stay the same object until something changes, and listeners hear changes only', () => {
    const store = createAttemptStore();
    const listener = vi.fn();
    const off = store.subscribe(listener);
    const meta = reply(1);
    store.note(meta, at('m1'), AGENTS);
    const before = store.group(KEY);
    store.note(meta, at('m1'), AGENTS);
    expect(store.group(KEY)).toBe(before);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
    store.note(reply(2), at('m2'), AGENTS);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('forgets the oldest prompts beyond its limit', () => {
    const store = createAttemptStore(2);
    store.note({ ...reply(1), runId: 'tc-a' }, at('a'), AGENTS);
    store.note({ ...reply(1), runId: 'tc-b' }, at('b'), AGENTS);
    store.note({ ...reply(1), runId: 'tc-c' }, at('c'), AGENTS);
    expect(store.group(`${PANEL}/tc-a`)).toBeUndefined();
    expect(store.group(`${PANEL}/tc-c`)).toBeDefined();
  });

  it('a member\'s message with a forged attempt (n: 99 of a real run) neither pages nor collapses the real reply', () => {
    const store = createAttemptStore();
    store.note(reply(1), at('m1'), AGENTS);
    store.note(reply(99, { runId: `${FIRST}.r99` }), at('forged', { author: 'u_mallory' }), AGENTS);
    expect(store.group(KEY)).toMatchObject({ newest: 1, selected: 1 });
    expect(store.group(KEY)!.attempts.map((a) => a.messageId)).toEqual(['m1']);
  });

  it('attempts group per converse: a bot reply elsewhere naming the same run starts its own group', () => {
    const store = createAttemptStore();
    store.note(reply(1), at('m1'), AGENTS);
    store.note(reply(2), at('elsewhere', { converseId: 'panel-2' }), AGENTS);
    expect(store.group(KEY)).toMatchObject({ newest: 1, selected: 1 });
    expect(store.group(attemptKeyOf(reply(2), 'panel-2'))!.attempts.map((a) => a.messageId)).toEqual(['elsewhere']);
  });

  it('while the agent users are not known nothing is grouped', () => {
    const store = createAttemptStore();
    store.note(reply(1), at('m1'), new Set());
    expect(store.group(KEY)).toBeUndefined();
  });
  it('keeps at most maxGroups prompts: a tab open for weeks does not grow', () => {
    const store = createAttemptStore(3);
    const runOf = (i: number) => `tc-${i.toString(16).padStart(24, '0')}`;
    for (let i = 1; i <= 5; i++) store.note({ ...reply(1), runId: runOf(i) }, at(`m${i}`), AGENTS);
    expect(store.group(`${PANEL}/${runOf(1)}`)).toBeUndefined();
    expect(store.group(`${PANEL}/${runOf(2)}`)).toBeUndefined();
    expect([3, 4, 5].map((i) => store.group(`${PANEL}/${runOf(i)}`)?.newest)).toEqual([1, 1, 1]);
  });
});
