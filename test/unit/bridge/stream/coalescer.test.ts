import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from '../../../../bridge/stream/coalescer.js';

describe('coalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('publishes at most once per interval, newest snapshot wins', async () => {
    const sent: number[] = [];
    const c = createCoalescer<number>({ intervalMs: 250, publish: async (n) => void sent.push(n) });
    // 100 tokens/s for 2 s
    for (let i = 1; i <= 200; i++) {
      c.update(i);
      await vi.advanceTimersByTimeAsync(10);
    }
    await c.flush();
    expect(sent.at(-1)).toBe(200);
    expect(sent.length).toBeLessThanOrEqual(2000 / 250 + 2);
    expect(sent.length).toBeGreaterThanOrEqual(2000 / 250 - 1);
    expect([...sent].sort((a, b) => a - b)).toEqual(sent); // never goes backwards
  });

  it('keeps one publish in flight; a slow sink does not pile up', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const c = createCoalescer<number>({
      intervalMs: 10,
      publish: async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 100));
        inFlight--;
      },
    });
    for (let i = 0; i < 50; i++) {
      c.update(i);
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(1000);
    await c.flush();
    expect(maxInFlight).toBe(1);
    expect(c.published).toBeLessThan(10);
  });

  it('flush publishes the pending snapshot immediately; close drops the rest', async () => {
    const sent: string[] = [];
    const c = createCoalescer<string>({ intervalMs: 1000, publish: async (s) => void sent.push(s) });
    c.update('a');
    await vi.advanceTimersByTimeAsync(0);
    c.update('b');
    await c.flush();
    expect(sent).toEqual(['a', 'b']);
    c.close();
    c.update('c');
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual(['a', 'b']);
  });

  it('reports publish errors and keeps going', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const c = createCoalescer<number>({
      intervalMs: 1,
      onError: (e) => errors.push(e),
      publish: async () => {
        if (n++ === 0) throw new Error('socket down');
      },
    });
    c.update(1);
    await vi.advanceTimersByTimeAsync(5);
    c.update(2);
    await c.flush();
    expect(errors).toHaveLength(1);
    expect(c.published).toBe(2);
  });
});
