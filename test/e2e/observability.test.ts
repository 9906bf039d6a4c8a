/**
 * Metrics and health of the bundle's own process on the real Tailchat: /readyz turns 200 once the
 * node has joined Tailchat's cluster, a conversation shows up in /metrics, and /readyz turns 503
 * (with the reason) when Tailchat goes away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { startConversation, type Conversation } from '../support/conversation.js';
import { freePort } from '../support/redis-server.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';

interface ReadyBody {
  status: string;
  reason?: string;
  checks: Record<string, { ok: boolean; detail: string }>;
}

describe('observability of the own process on the real Tailchat', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  let bundle: BundleProcess;
  let conv: Conversation;
  let base: string;

  const readyz = async () => {
    const res = await fetch(`${base}/readyz`);
    return { status: res.status, body: (await res.json()) as ReadyBody };
  };
  const waitForReady = async (status: number, timeoutMs: number) => {
    const t0 = Date.now();
    let last: Awaited<ReturnType<typeof readyz>> | undefined;
    while (Date.now() - t0 < timeoutMs) {
      last = await readyz().catch(() => undefined);
      if (last?.status === status) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`/readyz did not answer ${status} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  };
  /** The value of one sample line of /metrics (0 when absent). */
  const sample = async (line: RegExp) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const m = text.split('\n').find((l) => line.test(l));
    return m ? Number(m.split(' ').at(-1)) : 0;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Its own Tailchat (on Redis), since the last case stops it. The conversation comes later:
    // the first case watches /readyz turn 200 by itself.
    stack = await startStack({
      label: 'observability',
      tailchat: 'own',
      transporter: 'redis',
      bundle: {
        env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '25', AI_STREAM_INTERVAL_MS: '100', AI_METRICS_PORT: String(port), LOG_FORMAT: 'json' },
        label: 'bundle-observability',
      },
      waitForAgent: false,
    });
    ({ tc, bundle } = stack);
  });
  afterAll(async () => {
    conv?.close();
    await stack?.stop();
  });

  it('/healthz answers at once; /readyz turns 200 once joined to Tailchat', async () => {
    await bundle.waitForOutput(/metrics and health on http:\/\/127\.0\.0\.1:\d+/, 30_000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await waitForReady(200, 60_000);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.checks).toMatchObject({ broker: { ok: true }, tailchat: { ok: true }, engine: { ok: true } });
    expect(ready.body.checks.broker!.detail).toBe('connected to the transporter');
  });

  it('a conversation counts in /metrics: finished runs, event→engine and delta→notify latencies', async () => {
    conv = await startConversation(tc);
    const done = /^tcai_runs_finished_total\{engine="scripted",status="done"\} /;
    const before = await sample(done);
    const eventsBefore = await sample(/^tcai_event_to_engine_seconds_count\{engine="scripted"\} /);

    const prompt = await conv.ask('hello metrics, please answer slowly');
    const final = await conv.finalReplyTo(prompt);
    expect(final.content).toContain('You said: "hello metrics, please answer slowly"');

    // The final message is stored just before the run is counted: allow a moment.
    const t0 = Date.now();
    while ((await sample(done)) < before + 1 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 100));
    expect(await sample(done)).toBe(before + 1);
    expect(await sample(/^tcai_runs_started_total\{engine="scripted"\} /)).toBeGreaterThanOrEqual(1);
    expect(await sample(/^tcai_event_to_engine_seconds_count\{engine="scripted"\} /)).toBe(eventsBefore + 1);
    expect(await sample(/^tcai_delta_to_notify_seconds_count\{engine="scripted"\} /)).toBeGreaterThan(1);
    expect(await sample(/^tcai_active_runs /)).toBe(0);
    expect(await sample(/^process_resident_memory_bytes /)).toBeGreaterThan(0);
    // Every log line of the run is one JSON object.
    const lines = bundle.output().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.some((l) => JSON.parse(l).msg === 'run finished')).toBe(true);
  });

  it('/readyz turns 503 with the reason after Tailchat stops', async () => {
    await tc.stop();
    const notReady = await waitForReady(503, 60_000);
    expect(notReady.body.status).toBe('not ready');
    expect(notReady.body.reason).toMatch(/tailchat: not visible: .*user|broker: transporter disconnected/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
