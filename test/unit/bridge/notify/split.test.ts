import { describe, expect, it } from 'vitest';
import { splitLongText } from '../../../../bridge/notify/split.js';
import { splitFences } from '../../../../bridge/stream/fences.js';

const para = (n: number) => `Paragraph ${n}: ` + 'words '.repeat(30).trim();

describe('splitLongText', () => {
  it('keeps a short reply whole', () => {
    expect(splitLongText('hello', 100)).toEqual(['hello']);
  });
  it('breaks between paragraphs and loses nothing', () => {
    const text = Array.from({ length: 20 }, (_, i) => para(i)).join('\n\n');
    const parts = splitLongText(text, 800);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(800);
    expect(parts.join('\n\n').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    for (const p of parts) expect(p.startsWith('Paragraph')).toBe(true);
  });
  it('never leaves a fence open: a long code block is closed and reopened with its language', () => {
    const code = Array.from({ length: 200 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const text = `Intro.\n\n\`\`\`ts\n${code}\n\`\`\`\n\nOutro.`;
    const parts = splitLongText(text, 1000);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(1000);
      expect((p.match(/^```/gm) ?? []).length % 2).toBe(0); // balanced in every part
    }
    expect(parts[1]!.startsWith('```ts')).toBe(true);
    const codeBack = parts.flatMap((p) => splitFences(p)).filter((b) => b.type === 'code').map((b) => (b as { code: string }).code).join('\n');
    expect(codeBack).toBe(code);
  });
  it('cuts a single enormous line rather than failing', () => {
    const parts = splitLongText('x'.repeat(2500), 1000);
    expect(parts.map((p) => p.length)).toEqual([999, 999, 502].map((n, i, a) => (i === a.length - 1 ? 2500 - 999 * 2 : n)));
    expect(parts.join('')).toBe('x'.repeat(2500));
  });
});
