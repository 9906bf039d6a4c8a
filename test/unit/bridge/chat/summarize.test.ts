import { describe, expect, it } from 'vitest';
import { chunkLines, DEFAULT_SUMMARY_COUNT, MAX_SUMMARY_COUNT, parseCount } from '../../../../bridge/chat/summarize.js';

describe('summarize helpers', () => {
  it('reads the count argument with a default and a ceiling', () => {
    expect(parseCount(undefined)).toBe(DEFAULT_SUMMARY_COUNT);
    expect(parseCount('abc')).toBe(DEFAULT_SUMMARY_COUNT);
    expect(parseCount('30')).toBe(30);
    expect(parseCount('999999')).toBe(MAX_SUMMARY_COUNT);
  });
  it('chunks whole lines into windows, in order, losing none', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `user${i}: message number ${i}`);
    const chunks = chunkLines(lines, 200);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(200);
    expect(chunks.join('\n').split('\n')).toEqual(lines);
  });
  it('cuts a single line longer than the window', () => {
    expect(chunkLines(['x'.repeat(300)], 100)[0]!.length).toBe(100);
  });
});
