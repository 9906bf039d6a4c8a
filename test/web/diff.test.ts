/**
 * The diff panel: unified/split toggle, per-file collapse, line numbers, highlighting, and a
 * 5,000-line diff that renders quickly with a bounded DOM (virtualised).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTI_FILE_DIFF, aiMessage, aiMeta, bigDiff } from './support/fixtures.js';
import { SHOTS, startWebHost, type WebHost } from './support/webhost.js';

let host: WebHost;

beforeAll(async () => {
  host = await startWebHost({ viewport: { width: 1280, height: 800 } });
  await host.loadPlugins();
});
afterAll(async () => {
  await host?.close();
});

describe('diff panel', () => {
  it('shows files, stats and line numbers in unified mode', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('d1', 'diff reply', aiMeta([{ type: 'diff', patch: MULTI_FILE_DIFF }])));
    const diff = page.locator('[data-message-id="d1"] [data-testid="tcai-diff"]');
    await diff.locator('[data-testid="tcai-diff-line"]').first().waitFor();
    expect(await diff.getAttribute('data-mode')).toBe('unified');
    expect(await diff.locator('[data-testid="tcai-diff-summary"]').innerText()).toMatch(/3 files\s+\+8\s+−4/);
    expect(await diff.locator('[data-testid="tcai-diff-filename"]').allInnerTexts()).toEqual(['src/math.ts', 'README.md → docs/README.md', 'scripts/run.py']);
    // `-export function add(a, b) {` is old line 2; its replacement is new line 2.
    const firstDel = diff.locator('.tcai-diff-unified.tcai-diff-del').first();
    expect(await firstDel.locator('.tcai-diff-num').allInnerTexts()).toEqual(['2', '']);
    const firstAdd = diff.locator('.tcai-diff-unified.tcai-diff-add').first();
    expect(await firstAdd.locator('.tcai-diff-num').allInnerTexts()).toEqual(['', '2']);
    // Highlighted by file type (TypeScript keywords in src/math.ts).
    expect(await firstAdd.locator('.token.keyword').count()).toBeGreaterThan(0);
    await diff.screenshot({ path: `${SHOTS}/10-diff-unified.png` });
  });

  it('toggles to split view: deletions left, additions right, same row', async () => {
    const diff = host.page.locator('[data-message-id="d1"] [data-testid="tcai-diff"]');
    const unifiedRows = await diff.locator('[data-testid="tcai-diff-line"]').count();
    expect(unifiedRows).toBe(18); // src/math.ts 11 + README 4 + run.py 3
    await diff.locator('[data-testid="tcai-diff-mode-split"]').click();
    expect(await diff.getAttribute('data-mode')).toBe('split');
    expect(await diff.locator('[data-testid="tcai-diff-mode-split"]').getAttribute('aria-pressed')).toBe('true');
    const pair = diff.locator('.tcai-diff-split').filter({ hasText: 'export function add(a, b)' });
    expect(await pair.count()).toBe(1);
    const [left, right] = [pair.locator('.tcai-diff-side').nth(0), pair.locator('.tcai-diff-side').nth(1)];
    expect(await left.getAttribute('class')).toContain('tcai-diff-del');
    expect(await right.getAttribute('class')).toContain('tcai-diff-add');
    expect(await right.innerText()).toContain('add(a: number, b: number)');
    // Deletions and additions pair up: math.ts 8 rows, README 3, run.py 3.
    expect(await diff.locator('.tcai-diff-split').count()).toBe(14);
    await diff.screenshot({ path: `${SHOTS}/11-diff-split.png` });
    await diff.locator('[data-testid="tcai-diff-mode-unified"]').click();
    expect(await diff.getAttribute('data-mode')).toBe('unified');
  });

  it('collapses and expands a single file', async () => {
    const diff = host.page.locator('[data-message-id="d1"] [data-testid="tcai-diff"]');
    const before = await diff.locator('[data-testid="tcai-diff-line"]').count();
    const toggle = diff.locator('[data-testid="tcai-diff-file-toggle"]').first();
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await diff.locator('[data-testid="tcai-diff-file"]').first().getAttribute('data-collapsed')).toBe('true');
    expect(await diff.locator('[data-testid="tcai-diff-line"]').count()).toBe(before - 11); // src/math.ts has 11 line rows
    expect(await diff.locator('[data-testid="tcai-diff-filename"]').count()).toBe(3);
    await toggle.click();
    expect(await diff.locator('[data-testid="tcai-diff-line"]').count()).toBe(before);
  });

  it('renders a 5,000-line diff fast, keeps the DOM small and scrolls to the end', async () => {
    const { page } = host;
    const message = aiMessage('big', 'big diff', aiMeta([{ type: 'diff', patch: bigDiff(5000) }]));
    const elapsed = await page.evaluate(async (m) => {
      const t0 = performance.now();
      window.__host.addMessage(m);
      await new Promise<void>((resolve) => {
        const check = () => (document.querySelector('[data-message-id="big"] [data-testid="tcai-diff-body"]') ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - t0;
    }, message);
    const body = page.locator('[data-message-id="big"] [data-testid="tcai-diff-body"]');
    expect(Number(await body.getAttribute('data-total-rows'))).toBeGreaterThan(5000);
    const domRows = await body.locator('[data-testid="tcai-diff-line"]').count();
    expect(domRows).toBeGreaterThan(10);
    expect(domRows).toBeLessThan(80);
    // Parse + first paint of 5,000 lines (~25 ms here; the bound leaves room for a busy 2-core CI).
    console.info(`5,000-line diff: first render ${Math.round(elapsed)} ms`);
    expect(elapsed).toBeLessThan(1500);

    // Scrolling: 40 jumps through the whole diff; each frame renders only the window.
    const frames = await body.evaluate(async (element) => {
      const times: number[] = [];
      for (let i = 1; i <= 40; i++) {
        const t0 = performance.now();
        element.scrollTop = (element.scrollHeight * i) / 40;
        element.dispatchEvent(new Event('scroll'));
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        times.push(performance.now() - t0);
      }
      return times;
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(sorted.length * 0.9)] as number;
    console.info(`5,000-line diff: scroll jump to frame p90 ${Math.round(p90)} ms, max ${Math.round(sorted.at(-1) as number)} ms`);
    // ~35 ms on an idle 2-core machine (2 frames); the bound only catches a regression such as
    // rendering every row, and holds on a machine busy with other suites (170 ms seen at load 11).
    // bench/web.bench.ts measures frame gaps precisely.
    expect(p90).toBeLessThan(300);
    await body.locator('[data-testid="tcai-diff-line"]', { hasText: 'line 5000' }).waitFor();
    expect(await body.locator('[data-testid="tcai-diff-line"]').count()).toBeLessThan(80);
    const last = body.locator('[data-testid="tcai-diff-line"]', { hasText: 'line 5000' });
    expect(await last.locator('.tcai-diff-num').allInnerTexts()).toEqual(['', '5000']);
    await body.screenshot({ path: `${SHOTS}/12-diff-5000-lines-end.png` });

    // Split view of the same diff is virtualised too.
    await page.locator('[data-message-id="big"] [data-testid="tcai-diff-mode-split"]').click();
    expect(await body.locator('[data-testid="tcai-diff-line"]').count()).toBeLessThan(80);
  });

  it('a half-streamed diff shows as text, without a parse warning while streaming', async () => {
    const { page } = host;
    const partial = MULTI_FILE_DIFF.split('\n').slice(0, 9).join('\n'); // hunk promises 8 lines, has 4
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('half', '…', aiMeta([{ type: 'diff', patch: partial }], 'streaming')));
    const diff = page.locator('[data-message-id="half"] [data-testid="tcai-diff"]');
    await diff.waitFor();
    expect(await diff.getAttribute('data-parse')).toBe('failed');
    expect(await diff.innerText()).not.toContain('could not be parsed');
    expect(await diff.locator('[data-testid="tcai-code"]').innerText()).toContain('export function add(a, b)');
  });
});

