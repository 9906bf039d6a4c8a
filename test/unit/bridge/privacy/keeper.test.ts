import { describe, expect, it } from 'vitest';
import { createToolOutputKeeper } from '../../../../bridge/privacy/keeper.js';
import { createMemoryToolOutputStore } from '../../../../bridge/privacy/store.js';
import type { ToolBlock } from '../../../../protocol/blocks.js';

const tool = (toolCallId: string, result?: unknown): ToolBlock => ({ type: 'tool', toolCallId, name: 'exec', status: result === undefined ? 'running' : 'done', args: { cmd: 'ls' }, ...(result !== undefined ? { result } : {}) }) as ToolBlock;

describe('private tool output kept per run', () => {
  it('keeps at most maxCalls tool calls of one run; later calls have no details, earlier ones still update', async () => {
    const store = createMemoryToolOutputStore();
    const capped: unknown[] = [];
    const keeper = createToolOutputKeeper(store, 'tc-1', { onError: () => undefined, onCapped: (d) => capped.push(d) }, { maxCalls: 3, maxBytes: 1_000_000 });
    for (let i = 1; i <= 10; i++) keeper.keep(tool(`t${i}`));
    keeper.keep(tool('t2', 'done: 2 files'));
    await keeper.settled();
    expect(store.size).toBe(3);
    expect(await store.get('tc-1', 't4')).toBeUndefined();
    expect(await store.get('tc-1', 't2')).toMatchObject({ result: 'done: 2 files' });
    expect(capped).toEqual([{ toolCallId: 't4', calls: 3, bytes: expect.any(Number) }]); // said once
  });

  it('keeps at most maxBytes of details per run, whatever the number of calls', async () => {
    const store = createMemoryToolOutputStore();
    const keeper = createToolOutputKeeper(store, 'tc-2', { onError: () => undefined }, { maxCalls: 1000, maxBytes: 5_000 });
    for (let i = 1; i <= 10; i++) keeper.keep(tool(`t${i}`, 'x'.repeat(1_000)));
    await keeper.settled();
    const kept = (await Promise.all(Array.from({ length: 10 }, (_, i) => store.get('tc-2', `t${i + 1}`)))).filter(Boolean);
    expect(kept.length).toBe(4); // ~1.05 kB each
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(5_000);
  });

  it('another run has caps of its own', async () => {
    const store = createMemoryToolOutputStore();
    const a = createToolOutputKeeper(store, 'tc-a', { onError: () => undefined }, { maxCalls: 1, maxBytes: 1_000_000 });
    const b = createToolOutputKeeper(store, 'tc-b', { onError: () => undefined }, { maxCalls: 1, maxBytes: 1_000_000 });
    a.keep(tool('t1'));
    a.keep(tool('t2'));
    b.keep(tool('t1'));
    await Promise.all([a.settled(), b.settled()]);
    expect(await store.get('tc-b', 't1')).toBeDefined();
    expect(await store.get('tc-a', 't2')).toBeUndefined();
  });
});
