/**
 * `npx tsx bench/web.bench.ts`: the frontend plugin in headless Chromium, measured side by side in
 * one run and printed as a table (figures go to the README's "Benchmarks" section).
 *
 * - Diff panel: time from the message arriving to the first painted frame of the diff, for
 *   500 / 5,000 / 50,000 changed lines (the body is windowed, so the DOM stays the same size),
 *   switching to split view, and scrolling through 5,000 lines.
 * - Streaming: a reply growing at 50 tokens/s (markdown with a fenced code block, blocks cut by
 *   the backend's own `splitFences`) pushed into the panel the way Tailchat's store merges
 *   `notify:chat.message.update`: every token (no coalescing, the worst case) and at the
 *   backend's default cadence (250 ms). Longest task (PerformanceObserver 'longtask', tasks
 *   ≥ 50 ms), frame gaps (requestAnimationFrame), and the update → DOM commit time, next to the
 *   same page idle.
 * - A tab left open on a busy panel: the JS heap after 10,000 replies (drafts, finals, Regenerate
 *   attempts) with the host keeping only the newest 50 messages: the plugin's own state is bounded.
 * - Bundle: gzip (level 9) of the built plugin; react and @capital/* are the host's and not in it.
 *
 * The host is the stand-in page of the web tests (test/web/host: mini-star loader, Tailchat's
 * message item DOM and store merge) with the plugin as `build.mjs` produced it.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { splitFences } from '../bridge/stream/fences.js';
import type { AiMeta } from '../protocol/blocks.js';
import { bigDiff } from '../test/web/support/fixtures.js';
import { REPO, startWebHost } from '../test/web/support/webhost.js';

interface Row {
  what: string;
  value: string;
  note: string;
}
const rows: Row[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

function message(id: string, meta: AiMeta) {
  return { _id: id, content: '(plain text)', author: 'u_bot', converseId: 'p1', groupId: 'g1', meta: { 'com.yourcompany.ai': meta } };
}
function meta(runId: string, status: AiMeta['status'], blocks: AiMeta['blocks']): AiMeta {
  return { v: 1, runId, engine: 'openclaw', status, blocks, requester: 'u_alice' };
}

const host = await startWebHost({ viewport: { width: 1280, height: 900 } });
try {
  await host.loadPlugins();
  const { page } = host;
  // tsx (esbuild keepNames) wraps named functions in the callbacks below with `__name(…)`.
  await page.evaluate('window.__name = (fn) => fn');

  // ---------- 1. Diff panel ----------
  // Warm-up: the message view, diff and highlighter chunks load on first use (not measured).
  await page.evaluate((m) => window.__host.addMessage(m), message('warm', meta('tc-warm', 'done', [{ type: 'diff', patch: bigDiff(50) }])));
  await page.locator('[data-message-id="warm"] [data-testid="tcai-diff-line"]').first().waitFor({ timeout: 30_000 });

  /**
   * arrival → rows in the DOM (React's render and commit, parse included; polled with
   * zero-delay timers, not frames) and → the frame that paints them; long tasks meanwhile.
   */
  const renderDiff = (id: string, m: ReturnType<typeof message>) =>
    page.evaluate(
      async ({ id, m }) => {
        window.__host.clear();
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
        observer.observe({ type: 'longtask', buffered: false });
        const selector = `[data-message-id="${id}"] [data-testid="tcai-diff-line"]`;
        const t0 = performance.now();
        window.__host.addMessage(m);
        await new Promise<void>((resolve) => queueMicrotask(resolve));
        while (!document.querySelector(selector)) await new Promise((resolve) => setTimeout(resolve, 0));
        const toDom = performance.now() - t0;
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))); // after the frame that paints it
        const toFrame = performance.now() - t0;
        await new Promise((resolve) => setTimeout(resolve, 50));
        observer.disconnect();
        const body = document.querySelector(`[data-message-id="${id}"] [data-testid="tcai-diff-body"]`);
        return {
          toDom,
          toFrame,
          longest: longTasks.length ? Math.max(...longTasks) : 0,
          domRows: body?.querySelectorAll('[data-testid="tcai-diff-line"]').length ?? 0,
          totalRows: Number(body?.getAttribute('data-total-rows')),
        };
      },
      { id, m }
    );

  const perLine: Array<{ lines: number; t: number }> = [];
  for (const lines of [500, 5_000, 50_000]) {
    const patch = bigDiff(lines);
    const runs: Array<Awaited<ReturnType<typeof renderDiff>>> = [];
    for (let i = 0; i < 5; i++) {
      const id = `diff-${lines}-${i}`;
      runs.push(await renderDiff(id, message(id, meta(`tc-${id}`, 'done', [{ type: 'diff', patch }]))));
    }
    const t = median(runs.map((r) => r.toDom));
    const last = runs[runs.length - 1] as (typeof runs)[number];
    const longest = Math.max(...runs.map((r) => r.longest));
    perLine.push({ lines, t });
    rows.push({
      what: `diff: ${lines.toLocaleString('en-US')} lines, arrival → rows in the DOM`,
      value: ms(t),
      note: `median of 5; painted frame at ${ms(median(runs.map((r) => r.toFrame)))}; ${last.domRows} of ${last.totalRows.toLocaleString('en-US')} rows in the DOM; longest task ${longest ? ms(longest) : '< 50 ms'}`,
    });
  }
  const [small, mid, big] = perLine as [{ lines: number; t: number }, { lines: number; t: number }, { lines: number; t: number }];
  rows.push({
    what: 'diff: render time vs lines (500 → 5,000 → 50,000, ×10 each)',
    value: `×${(mid.t / small.t).toFixed(1)} → ×${(big.t / mid.t).toFixed(1)}`,
    note: `${((mid.t / mid.lines) * 1000).toFixed(1)} ms per 1k lines at 5,000; the parse grows with the patch, the DOM (windowed) does not`,
  });

  // Split view and scrolling, 5,000 lines.
  await renderDiff('diff-5000-s', message('diff-5000-s', meta('tc-diff-5000-s', 'done', [{ type: 'diff', patch: bigDiff(5_000) }])));
  const splitMs = await page.evaluate(async () => {
    const button = document.querySelector('[data-message-id="diff-5000-s"] [data-testid="tcai-diff-mode-split"]') as HTMLButtonElement;
    const t0 = performance.now();
    button.click();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    while (!document.querySelector('[data-message-id="diff-5000-s"] [data-testid="tcai-diff"][data-mode="split"]')) await new Promise((resolve) => setTimeout(resolve, 0));
    return performance.now() - t0;
  });
  rows.push({ what: 'diff: 5,000 lines, unified → split', value: ms(splitMs), note: 'click → split rows in the DOM' });
  // One jump per frame through the whole diff (a fast fling): do frames still come every 16.7 ms?
  const scroll = await page.evaluate(async () => {
    const body = document.querySelector('[data-message-id="diff-5000-s"] [data-testid="tcai-diff-body"]') as HTMLElement;
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const gaps: number[] = [];
    const JUMPS = 120;
    await new Promise<void>((resolve) => {
      let i = 0;
      let prev = performance.now();
      const frame = (now: number) => {
        if (i > 0) gaps.push(now - prev);
        prev = now;
        if (++i > JUMPS) return resolve();
        body.scrollTop = (body.scrollHeight * i) / JUMPS;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    observer.disconnect();
    gaps.sort((a, b) => a - b);
    return { p50: gaps[Math.floor(gaps.length / 2)] as number, p99: gaps[Math.floor(gaps.length * 0.99)] as number, max: gaps[gaps.length - 1] as number, longest: longTasks.length ? Math.max(...longTasks) : 0, last: body.querySelector('[data-testid="tcai-diff-line"]:last-child')?.textContent ?? '' };
  });
  rows.push({
    what: 'diff: 5,000 lines (split), a scroll jump every frame: frame gap',
    value: `p50 ${ms(scroll.p50)} / p99 ${ms(scroll.p99)}`,
    note: `max ${ms(scroll.max)}, longest task ${scroll.longest ? ms(scroll.longest) : '< 50 ms'}; 120 jumps top → bottom, 16.7 ms = no dropped frame`,
  });

  // ---------- 2. A reply streaming at 50 tokens/s ----------
  const intro = 'I looked at the failing test. The problem is in **`parseConfig`**: it reads the file before the directory exists, so the first run throws `ENOENT`.\n\n';
  const steps = '1. Create the directory first.\n2. Read the file only if it exists.\n3. Fall back to defaults otherwise.\n\n';
  const code = ['```ts', 'export async function parseConfig(dir: string): Promise<Config> {', '  await fs.mkdir(dir, { recursive: true });', "  const file = path.join(dir, 'config.json');", '  try {', "    return JSON.parse(await fs.readFile(file, 'utf8')) as Config;", '  } catch (err) {', "    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;", '    return DEFAULT_CONFIG;', '  }', '}', '```', ''].join('\n');
  const outro = 'With this change the test passes on a clean checkout. I also added a case for a config file that is not valid JSON, which now reports the file name in the error instead of a bare `SyntaxError`.\n';
  const text = (intro + steps + code + '\n' + outro).repeat(2);
  const tokens = text.match(/[\s\S]{1,4}/g) ?? []; // ~4 characters per token
  const TOKENS_PER_SEC = 50;
  const tokenMs = 1000 / TOKENS_PER_SEC;

  /** Meta after `n` tokens, blocks as the backend cuts them. */
  const metaAt = (n: number, status: AiMeta['status']) => meta('tc-stream', status, splitFences(tokens.slice(0, n).join('')));

  // Schedules: [ms after start, meta] for every token, and at a 250 ms cadence (what the backend sends).
  const everyToken = tokens.map((_, i) => ({ at: (i + 1) * tokenMs, meta: metaAt(i + 1, i + 1 === tokens.length ? 'done' : 'streaming') }));
  const coalesced: typeof everyToken = [];
  const durationMs = tokens.length * tokenMs;
  for (let at = 250; at < durationMs + 250; at += 250) {
    const n = Math.min(tokens.length, Math.floor(at / tokenMs));
    coalesced.push({ at, meta: metaAt(n, n === tokens.length ? 'done' : 'streaming') });
  }

  /** The message is added with `initial` (rendered before measuring starts), then updated per `schedule`. */
  const stream = (schedule: typeof everyToken | null, idleMs: number, initial?: AiMeta) =>
    page.evaluate(
      async ({ schedule, idleMs, initial }) => {
        window.__host.clear();
        if (schedule) {
          const first = initial ?? { ...schedule[0]!.meta, status: 'streaming' as const, blocks: [] };
          window.__host.addMessage({ _id: 'stream', content: '…', author: 'u_bot', converseId: 'p1', groupId: 'g1', meta: { 'com.yourcompany.ai': first } });
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
        observer.observe({ type: 'longtask', buffered: false });
        const gaps: number[] = [];
        let running = true;
        let prev = performance.now();
        const frame = (now: number) => {
          gaps.push(now - prev);
          prev = now;
          if (running) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
        const commits: number[] = [];
        const t0 = performance.now();
        if (schedule) {
          for (const step of schedule) {
            const wait = t0 + step.at - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            const u0 = performance.now();
            window.__host.updateMessage({ _id: 'stream', content: '…', meta: { 'com.yourcompany.ai': step.meta } });
            // React flushes this sync update in a microtask queued before ours.
            await new Promise<void>((resolve) => queueMicrotask(resolve));
            commits.push(performance.now() - u0);
          }
        } else {
          await new Promise((resolve) => setTimeout(resolve, idleMs));
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        running = false;
        observer.disconnect();
        const sorted = [...gaps].sort((a, b) => a - b);
        const sortedCommits = [...commits].sort((a, b) => a - b);
        return {
          elapsed: performance.now() - t0,
          longest: longTasks.length ? Math.max(...longTasks) : 0,
          longCount: longTasks.length,
          frames: gaps.length,
          maxGap: sorted[sorted.length - 1] ?? 0,
          p99Gap: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
          commitP50: sortedCommits[Math.floor(sortedCommits.length / 2)] ?? 0,
          commitMax: sortedCommits[sortedCommits.length - 1] ?? 0,
          updates: commits.length,
          finalChars: document.querySelector('[data-message-id="stream"] [data-testid="tcai-message"]')?.textContent?.length ?? 0,
        };
      },
      { schedule, idleMs, initial: initial ?? null }
    );

  // Late in a long reply: 200 more tokens, one update each, onto ~20,000 characters already on screen.
  const longText = text.repeat(Math.ceil(20_000 / text.length));
  const longTokens = longText.match(/[\s\S]{1,4}/g) ?? [];
  const longStart = longTokens.length - 200;
  const lateInLong = longTokens.slice(longStart).map((_, i) => ({
    at: (i + 1) * tokenMs,
    meta: meta('tc-stream', 'streaming', splitFences(longTokens.slice(0, longStart + i + 1).join(''))),
  }));
  const lateCadence: typeof everyToken = [];
  for (let at = 250; at <= 200 * tokenMs; at += 250) {
    const n = longStart + Math.floor(at / tokenMs);
    lateCadence.push({ at, meta: meta('tc-stream', 'streaming', splitFences(longTokens.slice(0, n).join(''))) });
  }
  const longInitial = meta('tc-stream', 'streaming', splitFences(longTokens.slice(0, longStart).join('')));

  // Warm-up for the markdown + highlighter chunks.
  await stream(coalesced.slice(0, 4), 0);
  const idle = await stream(null, durationMs);
  const perToken = await stream(everyToken, 0);
  const cadence = await stream(coalesced, 0);
  const late = await stream(lateInLong, 0, longInitial);
  const lateCoalesced = await stream(lateCadence, 0, longInitial);
  const longest = (r: typeof idle) => (r.longCount ? `${ms(r.longest)} (${r.longCount} ≥ 50 ms)` : 'none ≥ 50 ms');
  const seconds = (durationMs / 1000).toFixed(0);
  rows.push({
    what: `stream 50 tokens/s for ${seconds} s, an update per token: longest task`,
    value: longest(perToken),
    note: `${perToken.updates} updates, ${text.length} chars; update → DOM p50 ${ms(perToken.commitP50)}, max ${ms(perToken.commitMax)}`,
  });
  rows.push({
    what: '… frame gaps (p99 / max)',
    value: `${ms(perToken.p99Gap)} / ${ms(perToken.maxGap)}`,
    note: `idle page, same ${seconds} s: ${ms(idle.p99Gap)} / ${ms(idle.maxGap)}, longest task ${longest(idle)}`,
  });
  rows.push({
    what: `stream 50 tokens/s, backend cadence (250 ms): longest task`,
    value: longest(cadence),
    note: `${cadence.updates} updates; update → DOM p50 ${ms(cadence.commitP50)}, max ${ms(cadence.commitMax)}; frame gaps p99 ${ms(cadence.p99Gap)} / max ${ms(cadence.maxGap)}`,
  });
  rows.push({
    what: `stream 50 tokens/s, an update per token, at ~${Math.round(longText.length / 1000)}k chars: longest task`,
    value: longest(late),
    note: `${late.updates} updates; update → DOM p50 ${ms(late.commitP50)}, max ${ms(late.commitMax)}; frame gaps p99 ${ms(late.p99Gap)} / max ${ms(late.maxGap)}`,
  });
  rows.push({
    what: `stream 50 tokens/s, backend cadence, at ~${Math.round(longText.length / 1000)}k chars: longest task`,
    value: longest(lateCoalesced),
    note: `${lateCoalesced.updates} updates; update → DOM p50 ${ms(lateCoalesced.commitP50)}, max ${ms(lateCoalesced.commitMax)}; frame gaps p99 ${ms(lateCoalesced.p99Gap)} / max ${ms(lateCoalesced.maxGap)}`,
  });

  // ---------- 4. A tab left open on a busy panel ----------
  // 10,000 agent replies arrive the way Tailchat delivers them (a live draft, two updates, the
  // stored final, the draft deleted), every fifth a Regenerate attempt at an earlier prompt. The
  // stand-in host keeps only the newest 50 messages (Tailchat's own store is not the plugin's), so
  // what grows is the plugin's: the attempt store, the message views, their closures.
  await page.evaluate(() => window.__host.clear());
  const cdp = await page.context().newCDPSession(page);
  const heapMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize / 1e6;
  };
  const replyBatch = (from: number, count: number) =>
    page.evaluate(
      async ({ from, count }) => {
        const h = window.__host;
        const meta = (runId: string, status: string, text: string, attempt?: { n: number; of: string }) => ({
          'com.yourcompany.ai': { v: 1, runId, engine: 'scripted', status, blocks: [{ type: 'markdown', text }], requester: 'u_alice', ...(attempt ? { attempt } : {}) },
        });
        // The newest 50 stay across batches (as a list that only holds what is near the bottom).
        const w = window as unknown as { __benchKept?: string[] };
        const kept = (w.__benchKept ??= []);
        for (let i = from; i < from + count; i++) {
          const first = `tc-${(i - (i % 5)).toString(16).padStart(24, '0')}`;
          const attempt = i % 5 === 0 ? undefined : { n: (i % 5) + 1, of: first };
          const runId = attempt ? `${first}.r${attempt.n}` : first;
          const draft = `draft-${i}`;
          h.addMessage({ _id: draft, content: '', author: 'u_bot', converseId: 'p1', groupId: 'g1', isLocal: true, meta: meta(runId, 'streaming', 'Thinking') } as never);
          h.updateMessage({ _id: draft, meta: meta(runId, 'streaming', `Reply ${i}, part one`) });
          h.updateMessage({ _id: draft, meta: meta(runId, 'streaming', `Reply ${i}, part one and two`) });
          const final = `final-${i}`;
          h.addMessage({ _id: final, content: `Reply ${i}`, author: 'u_bot', converseId: 'p1', groupId: 'g1', meta: meta(runId, 'done', `Reply ${i}, part one and two.`, attempt) });
          h.deleteMessage(draft);
          kept.push(final);
          if (kept.length > 50) h.deleteMessage(kept.shift()!);
          if (i % 25 === 0) await new Promise((r) => requestAnimationFrame(() => r(null)));
        }
      },
      { from, count },
    );
  const heap: Array<[number, number]> = [[0, await heapMb()]];
  let sent = 0;
  for (const until of [1_000, 5_000, 10_000]) {
    while (sent < until) {
      await replyBatch(sent, 500);
      sent += 500;
    }
    heap.push([until, await heapMb()]);
  }
  await cdp.detach();
  rows.push({
    what: 'long-open tab: JS heap after 0 / 1k / 5k / 10k replies',
    value: heap.map(([, mb]) => `${mb.toFixed(1)}`).join(' / ') + ' MB',
    note: `drafts, finals, every 5th a Regenerate attempt; host keeps the newest 50; growth 1k→10k ${((heap[3]![1] - heap[1]![1]) * 1000 / 9_000).toFixed(2)} KB per reply`,
  });

  // ---------- 3. Bundle size ----------
  const dir = path.join(REPO, 'dist/plugins/com.yourcompany.ai');
  const chunks = fs.readdirSync(dir).filter((name) => name.endsWith('.js'));
  const gz = (name: string) => zlib.gzipSync(fs.readFileSync(path.join(dir, name)), { level: 9 }).length;
  const depsOf = (name: string): string[] => {
    const match = /^definePlugin\((['"])[^'"]+\1,\s*(\[[^\]]*\])/.exec(fs.readFileSync(path.join(dir, name), 'utf8'));
    const deps = match ? (JSON.parse((match[2] as string).replace(/'/g, '"')) as string[]) : [];
    return deps.filter((d) => d.startsWith('./')).map((d) => `${d.slice(2)}${d.endsWith('.js') ? '' : '.js'}`);
  };
  const startup = new Set<string>();
  const visit = (name: string) => {
    if (startup.has(name) || !chunks.includes(name)) return;
    startup.add(name);
    depsOf(name).forEach(visit);
  };
  visit('index.js');
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const sum = (names: Iterable<string>) => [...names].reduce((acc, name) => acc + gz(name), 0);
  const all = sum(chunks);
  rows.push({ what: 'bundle: entry index.js alone (gzip)', value: kb(gz('index.js')), note: 'definePlugin wrapper; registrations live in its first chunk' });
  rows.push({ what: 'bundle: loaded at start-up (entry + its static chunks)', value: kb(sum(startup)), note: `${startup.size} files; ${((sum(startup) / all) * 100).toFixed(0)} % of all` });
  rows.push({ what: 'bundle: all chunks (gzip)', value: kb(all), note: `${chunks.length} files; react and @capital/* are the host's (external)` });
} finally {
  await host.close();
}

const w = [Math.max(4, ...rows.map((r) => r.what.length)), Math.max(8, ...rows.map((r) => r.value.length))] as const;
console.log(`\n${'what'.padEnd(w[0])}  ${'measured'.padEnd(w[1])}  note`);
console.log(`${'-'.repeat(w[0])}  ${'-'.repeat(w[1])}  ${'-'.repeat(4)}`);
for (const r of rows) console.log(`${r.what.padEnd(w[0])}  ${r.value.padEnd(w[1])}  ${r.note}`);
