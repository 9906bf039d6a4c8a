/**
 * The OpenClaw engine against the REAL gateway (openclaw@2026.9.6) and the fake model server.
 * One gateway for the whole file (it needs ~10–27 s to start and ~1 GB): exec approvals on
 * (`tools.exec.mode: "ask"`), so `exec` asks and the `ls` tool does not. The restart tests come
 * last because they restart this gateway.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenClawEngine, type OpenClawEngine } from '../../bridge/engine/openclaw/engine.js';
import { EngineError, type EngineEvent, type EngineRun, type RunRequest } from '../../bridge/engine/types.js';
import type { AutomationEvent } from '../../protocol/automations.js';
import { startModelServer, type ModelServer, type Script } from '../model-server/server.js';
import { startTestGateway, type TestGateway } from './gateway.js';

const MANY = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
const CODE = 'Here you go:\n\n```ts\nexport const answer = 42;\nconsole.log(answer);\n```\n\nThat is all.';
const SLOW = Array.from({ length: 300 }, () => 'slow').join(' ');
const LONG = Array.from({ length: 80 }, () => 'restart-proof').join(' ');

const script: Script = [
  { match: '[[plain]]', reply: { kind: 'text', text: 'Plain reply.' } },
  { match: '[[many]]', reply: { kind: 'text', text: MANY, chunks: 60, delayMs: 15 } },
  { match: '[[code]]', reply: { kind: 'text', text: CODE, chunks: 14, delayMs: 20 } },
  { match: '[[ls]]', reply: (ctx) => (ctx.toolResults.length > 0 ? { kind: 'text', text: `Listed: ${ctx.toolResults[0]!.text.slice(0, 80)}` } : { kind: 'tool', name: 'ls', args: { path: '.' } }) },
  {
    match: '[[exec]]',
    reply: (ctx) => (ctx.toolResults.length > 0 ? { kind: 'text', text: `Tool output was: ${ctx.toolResults[0]!.text.slice(0, 200)}` } : { kind: 'tool', name: 'exec', args: { command: 'echo approved-run-ok' } }),
  },
  { match: '[[slow]]', reply: { kind: 'text', text: SLOW, chunks: 300, delayMs: 40 } },
  { match: '[[restart]]', reply: { kind: 'text', text: LONG, chunks: 80, delayMs: 75 } },
  { match: '[[hang]]', reply: { kind: 'hang' } },
  { match: '[[err]]', reply: { kind: 'error', status: 400, message: 'scripted failure' } },
  // What a scheduled job's turn is asked (the gateway wraps the message in its own cron prompt).
  { match: '[[tick]]', reply: { kind: 'text', text: 'Good morning team: stand-up in 5 minutes.' } },
  { match: '[[tick-fails]]', reply: { kind: 'error', status: 400, message: 'scripted failure of a scheduled run' } },
];

let model: ModelServer;
let gateway: TestGateway;
let engine: OpenClawEngine;
const dir = mkdtempSync(join(tmpdir(), 'openclaw-engine-test-'));
const timings: Record<string, number> = {};
const logs: string[] = [];
const logger = {
  debug: (m: string) => logs.push(`debug ${m}`),
  info: (m: string) => logs.push(`info ${m}`),
  warn: (m: string) => logs.push(`warn ${m}`),
  error: (m: string) => logs.push(`error ${m}`),
};

function makeEngine(overrides: Record<string, unknown> = {}): OpenClawEngine {
  return createOpenClawEngine(
    { url: gateway.url, token: gateway.token, approvals: true, deviceIdentityPath: join(dir, 'device.json'), runTimeoutMs: 90_000, ...overrides },
    logger,
  );
}

function request(prompt: string, session: string, extra: Partial<RunRequest> = {}): RunRequest {
  return {
    runId: `run-${randomUUID()}`,
    sessionKey: `agent:main:tailchat:group:${session}`,
    prompt,
    requester: { userId: 'u1' },
    origin: { groupId: 'g1', converseId: 'c1', messageId: randomUUID() },
    ...extra,
  };
}

/** Drains a run; `onEvent` may act on events (resolve approvals, abort). */
async function collect(run: EngineRun, onEvent?: (e: EngineEvent) => void | Promise<void>, timeoutMs = 60_000): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  const drain = (async () => {
    for await (const e of run) {
      events.push(e);
      await onEvent?.(e);
    }
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run ${run.runId} did not end in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
  });
  try {
    await Promise.race([drain, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return events;
}

const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
const terminals = (events: EngineEvent[]) => events.filter((e) => e.type === 'final' || e.type === 'error' || e.type === 'aborted');
const requestsWith = (marker: string) => model.requests.filter((r) => r.userText.includes(marker));

beforeAll(async () => {
  model = await startModelServer({ script });
  const t0 = Date.now();
  gateway = await startTestGateway({ modelUrl: model.url, approvals: true });
  timings.gatewayStartMs = Date.now() - t0;
  engine = makeEngine();
  await engine.connection.ready(30_000);
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await gateway?.dispose();
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`openclaw engine test timings: ${JSON.stringify(timings)}`);
  if (process.env.OPENCLAW_TEST_LOG) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(process.env.OPENCLAW_TEST_LOG, `${logs.join('\n')}\n----- gateway output -----\n${gateway?.output() ?? ''}`);
  }
});

describe('OpenClaw engine on the real gateway', () => {
  it('plain reply: statuses, then exactly one final with the text', async () => {
    const t0 = Date.now();
    const events = await collect(await engine.start(request('hello [[plain]]', `plain-${randomUUID().slice(0, 8)}`)));
    timings.plainRunMs = Date.now() - t0;
    expect(terminals(events)).toEqual([{ type: 'final', text: 'Plain reply.' }]);
    expect(events.at(-1)).toEqual({ type: 'final', text: 'Plain reply.' });
    expect(ofType(events, 'status').length).toBeGreaterThan(0);
  });

  it('many deltas arrive in order: snapshots grow monotonically, the final equals the full text', async () => {
    const events = await collect(await engine.start(request('count [[many]]', `many-${randomUUID().slice(0, 8)}`)));
    const texts = ofType(events, 'text');
    expect(texts.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < texts.length; i++) {
      expect(texts[i]!.replace).toBeUndefined();
      expect(texts[i]!.text.startsWith(texts[i - 1]!.text)).toBe(true);
      expect(texts[i]!.text.length).toBeGreaterThan(texts[i - 1]!.text.length);
    }
    expect(terminals(events)).toEqual([{ type: 'final', text: MANY }]);
    expect(texts.at(-1)!.text).toBe(MANY);
  });

  it('a fenced code block arrives intact', async () => {
    const events = await collect(await engine.start(request('show [[code]]', `code-${randomUUID().slice(0, 8)}`)));
    expect(terminals(events)).toEqual([{ type: 'final', text: CODE }]);
    for (const t of ofType(events, 'text')) {
      const fences = t.text.split('```').length - 1;
      expect(fences % 2).toBe(0); // never a half-open fence in a snapshot
    }
  });

  it('a tool call yields tool start and result events', async () => {
    const events = await collect(await engine.start(request('list [[ls]]', `ls-${randomUUID().slice(0, 8)}`)));
    const tools = ofType(events, 'tool');
    expect(tools.map((t) => `${t.name}:${t.phase}`)).toEqual(['ls:start', 'ls:result']);
    expect(tools[0]!.toolCallId).toBe(tools[1]!.toolCallId);
    expect(tools[1]!.isError).toBe(false);
    expect(terminals(events)[0]).toMatchObject({ type: 'final' });
    expect((terminals(events)[0] as { text: string }).text).toMatch(/^Listed: /);
  });

  it('exec approval requested → allow → the command runs and the run continues', async () => {
    const t0 = Date.now();
    const run = await engine.start(request('run [[exec]] please', `exec-allow-${randomUUID().slice(0, 8)}`));
    const events = await collect(run, async (e) => {
      if (e.type === 'approval.requested') await engine.resolveApproval!(e.approvalId, 'allow-once');
    });
    timings.approvalRunMs = Date.now() - t0;
    const requested = ofType(events, 'approval.requested');
    expect(requested.length).toBe(1);
    expect(requested[0]!.command).toBe('echo approved-run-ok');
    expect(ofType(events, 'approval.resolved')).toEqual([expect.objectContaining({ approvalId: requested[0]!.approvalId, decision: 'allow-once' })]);
    expect(ofType(events, 'tool').find((t) => t.phase === 'result')?.isError).toBe(false);
    expect(terminals(events)).toEqual([{ type: 'final', text: 'Tool output was: approved-run-ok' }]);
  });

  it('exec approval requested → deny → the run reports the denial', async () => {
    const run = await engine.start(request('run [[exec]] please', `exec-deny-${randomUUID().slice(0, 8)}`));
    const events = await collect(run, async (e) => {
      if (e.type === 'approval.requested') await engine.resolveApproval!(e.approvalId, 'deny');
    });
    expect(ofType(events, 'approval.resolved')[0]?.decision).toBe('deny');
    expect(ofType(events, 'tool').find((t) => t.phase === 'result')?.isError).toBe(true);
    const final = terminals(events)[0];
    expect(final?.type).toBe('final');
    expect((final as { text: string }).text).toMatch(/^Tool output was: Exec denied .*user-denied/);
    // the model saw the denial, not the command's output
    const followUp = requestsWith('[[exec]]').filter((r) => r.toolResults.length > 0).at(-1)!;
    expect(followUp.toolResults[0]!.text).toMatch(/^Exec denied/);
  });

  it('abort mid-stream ends the run with an aborted event', async () => {
    const req = request('go [[slow]]', `abort-${randomUUID().slice(0, 8)}`);
    const run = await engine.start(req);
    let aborted: Promise<boolean> | undefined;
    const t0 = Date.now();
    const events = await collect(run, (e) => {
      if (e.type === 'text' && !aborted) aborted = engine.abort(req.sessionKey, req.runId);
    });
    timings.abortMs = Date.now() - t0;
    expect(await aborted).toBe(true);
    expect(events.at(-1)?.type).toBe('aborted');
    expect(ofType(events, 'final')).toEqual([]);
    const texts = ofType(events, 'text');
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.at(-1)!.text.length).toBeLessThan(SLOW.length);
  });

  it('reset forgets the context: the model sees no earlier turns afterwards', async () => {
    const session = `reset-${randomUUID().slice(0, 8)}`;
    const marker = `rst${randomUUID().slice(0, 6)}`;
    await collect(await engine.start(request(`${marker} alpha`, session)));
    const second = await collect(await engine.start(request(`${marker} beta`, session)));
    expect((terminals(second)[0] as { text: string }).text).toContain(`"${marker} alpha"`);
    await engine.reset(request('x', session).sessionKey);
    const third = await collect(await engine.start(request(`${marker} gamma`, session)));
    expect((terminals(third)[0] as { text: string }).text).toBe(`You said: "${marker} gamma". I saw no earlier user turns.`);
    expect(requestsWith(`${marker} gamma`).at(-1)?.userTurns).toEqual([`${marker} gamma`]);
  });

  it('two session keys never share context', async () => {
    const a = `iso-a-${randomUUID().slice(0, 8)}`;
    const b = `iso-b-${randomUUID().slice(0, 8)}`;
    const [ea, eb] = await Promise.all([
      engine.start(request(`apple ${a}`, a)).then((r) => collect(r)),
      engine.start(request(`banana ${b}`, b)).then((r) => collect(r)),
    ]);
    expect((terminals(ea)[0] as { text: string }).text).toBe(`You said: "apple ${a}". I saw no earlier user turns.`);
    expect((terminals(eb)[0] as { text: string }).text).toBe(`You said: "banana ${b}". I saw no earlier user turns.`);
    const next = await collect(await engine.start(request(`cherry ${a}`, a)));
    const text = (terminals(next)[0] as { text: string }).text;
    expect(text).toContain(`apple ${a}`);
    expect(text).not.toContain('banana');
    const seen = requestsWith(`cherry ${a}`).at(-1)!;
    expect(seen.userTurns).toEqual([`apple ${a}`, `cherry ${a}`]);
  });

  it('messages to a busy session each get their own run, in order', async () => {
    const session = `busy-${randomUUID().slice(0, 8)}`;
    const first = request('first [[many]]', session);
    const second = request('second message', session);
    const [r1, r2] = await Promise.all([engine.start(first), engine.start(second)]);
    const [e1, e2] = await Promise.all([collect(r1), collect(r2)]);
    expect(terminals(e1)).toEqual([{ type: 'final', text: MANY }]);
    expect(e2[0]).toEqual({ type: 'status', phase: 'queued' });
    expect(terminals(e2)).toEqual([{ type: 'final', text: 'You said: "second message". I saw 1 earlier user turn(s): 1. "first [[many]]"' }]);
  });

  it('a redelivered runId does not start a second run (same engine, and a fresh engine)', async () => {
    const session = `redeliver-${randomUUID().slice(0, 8)}`;
    const marker = `[[many]] redeliver ${randomUUID().slice(0, 8)}`;
    const req = request(marker, session);
    const first = await engine.start(req);
    const again = await engine.start({ ...req }); // same process: another view of the same run
    const fresh = makeEngine(); // e.g. the bridge restarted: the gateway answers in_flight
    try {
      await fresh.connection.ready(20_000);
      const third = await fresh.start({ ...req });
      const [e1, e2, e3] = await Promise.all([collect(first), collect(again), collect(third)]);
      for (const events of [e1, e2, e3]) expect(terminals(events)).toEqual([{ type: 'final', text: MANY }]);
    } finally {
      await fresh.close();
    }
    expect(requestsWith(marker).length).toBe(1);
    // after it finished: a redelivery gets the finished reply, still without a new model call
    const late = makeEngine();
    try {
      await late.connection.ready(20_000);
      const events = await collect(await late.start({ ...req }));
      expect(terminals(events)).toEqual([{ type: 'final', text: MANY }]);
    } finally {
      await late.close();
    }
    expect(requestsWith(marker).length).toBe(1);
  });

  it('a model failure ends the run with one error event', async () => {
    const events = await collect(await engine.start(request('break [[err]]', `err-${randomUUID().slice(0, 8)}`)));
    expect(terminals(events).length).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: 'error' });
    expect((events.at(-1) as { message: string }).message).toMatch(/LLM request failed/);
  });

  it('a run that never finishes ends with an error of kind timeout', async () => {
    const t0 = Date.now();
    const events = await collect(await engine.start(request('wait [[hang]]', `hang-${randomUUID().slice(0, 8)}`, { timeoutMs: 4_000 })));
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'timeout' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3_900);
  });

  it('wrong token → EngineError kind auth with a clear message that contains no token', async () => {
    const wrong = 'b'.repeat(64);
    const bad = createOpenClawEngine({ url: gateway.url, token: wrong, deviceIdentityPath: join(dir, 'bad-device.json') }, logger);
    try {
      const err = await bad.start(request('hi', 'wrong-token')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EngineError);
      const engineError = err as EngineError;
      expect(engineError.kind).toBe('auth');
      expect(engineError.message).toMatch(/rejected the gateway token/);
      expect(engineError.adminHint).toMatch(/OPENCLAW_GATEWAY_TOKEN/);
      for (const text of [engineError.message, engineError.adminHint ?? '', JSON.stringify((await bad.health()).detail)]) {
        expect(text).not.toContain(wrong);
        expect(text).not.toContain(gateway.token);
      }
      expect((await bad.health()).ok).toBe(false);
    } finally {
      await bad.close();
    }
    expect(logs.join('\n')).not.toContain(gateway.token);
    expect(logs.join('\n')).not.toContain(wrong);
  });

  describe('automations (issue #22)', () => {
    const spec = (session: string, message: string, inMs: number, key = randomUUID()) => ({
      declarationKey: `tailchat:${key}`,
      name: 'Stand-up',
      message,
      schedule: { kind: 'at' as const, at: new Date(Date.now() + inMs).toISOString() },
      sessionKey: `agent:main:tailchat:group:${session}`,
      engineAgentId: 'main',
    });
    const eventsOf = () => {
      const seen: AutomationEvent[] = [];
      const undo = engine.automations!.onEvent((e) => seen.push(e));
      return { seen, undo };
    };
    /** A job commits to an existing session: the group has talked to the agent before. */
    const sessionWithHistory = async () => {
      const session = `auto-${randomUUID().slice(0, 8)}`;
      await collect(await engine.start(request('hello there', session)));
      return session;
    };

    it('a job created on an admin connection fires once: its result is pushed to the watching client and committed to the session', async () => {
      const session = await sessionWithHistory();
      const { seen, undo } = eventsOf();
      try {
        await engine.automations!.watch(`agent:main:tailchat:group:${session}`);
        const declared = spec(session, 'post the stand-up summary [[tick]]', 3_000);
        const { jobId } = await engine.automations!.create(declared);
        // The same declaration is the same job (a double click, two instances).
        expect((await engine.automations!.create(declared)).jobId).toBe(jobId);
        await expect.poll(() => seen.filter((e) => e.kind === 'result').length, { timeout: 45_000, interval: 250 }).toBe(1);
        const result = seen.find((e) => e.kind === 'result')!;
        expect(result).toMatchObject({ jobId, sessionKey: `agent:main:tailchat:group:${session}`, text: 'Good morning team: stand-up in 5 minutes.' });
        const committed = await engine.automations!.committed(`agent:main:tailchat:group:${session}`);
        expect(committed.filter((e) => e.kind === 'result' && e.runId === (result as { runId: string }).runId)).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 2_000));
        expect(seen.filter((e) => e.kind === 'result')).toHaveLength(1);
      } finally {
        undo();
      }
    });

    it("a member's gateway command in a job's message reaches the job's turn inert (defence in depth: the job is created on an admin connection)", async () => {
      const session = await sessionWithHistory();
      const { seen, undo } = eventsOf();
      try {
        await engine.automations!.watch(`agent:main:tailchat:group:${session}`);
        const before = model.requests.length;
        const { jobId } = await engine.automations!.create(spec(session, '/status [[tick]]', 2_000));
        await expect.poll(() => seen.some((e) => e.kind === 'result' && e.jobId === jobId), { timeout: 45_000, interval: 250 }).toBe(true);
        expect(seen.find((e) => e.kind === 'result' && e.jobId === jobId)).toMatchObject({ text: 'Good morning team: stand-up in 5 minutes.' });
        expect(model.requests.slice(before).some((r) => r.userText.includes('\u2215status'))).toBe(true);
      } finally {
        undo();
      }
    });

    it('a failing run is reported as a failure of its job', async () => {
      const session = await sessionWithHistory();
      const { seen, undo } = eventsOf();
      try {
        const { jobId } = await engine.automations!.create(spec(session, 'this one [[tick-fails]]', 2_000));
        await expect.poll(() => seen.some((e) => e.kind === 'failed' && e.jobId === jobId), { timeout: 45_000, interval: 250 }).toBe(true);
        expect(seen.filter((e) => e.kind === 'result' && e.jobId === jobId)).toEqual([]);
      } finally {
        undo();
      }
    });

    it('a paused job does not fire; a removed one is gone', async () => {
      const session = await sessionWithHistory();
      const { seen, undo } = eventsOf();
      try {
        await engine.automations!.watch(`agent:main:tailchat:group:${session}`);
        const { jobId } = await engine.automations!.create(spec(session, 'paused one [[tick]]', 3_000));
        await engine.automations!.setEnabled(jobId, false);
        await new Promise((r) => setTimeout(r, 6_000));
        expect(seen.filter((e) => e.kind === 'result' && e.jobId === jobId)).toEqual([]);
        await engine.automations!.remove(jobId);
        await expect(engine.automations!.setEnabled(jobId, true)).rejects.toThrow();
      } finally {
        undo();
      }
    });
  });

  it('health reports the connected gateway', async () => {
    const health = await engine.health();
    expect(health.ok).toBe(true);
    expect(health.detail).toContain('OpenClaw 2026.9.6');
    expect(health.detail).not.toContain(gateway.token);
  });

  it('gateway restarted mid-run (graceful): the consumer receives the final exactly once', async () => {
    const req = request('survive [[restart]] graceful', `restart-${randomUUID().slice(0, 8)}`);
    const run = await engine.start(req);
    let restarting: Promise<void> | undefined;
    const t0 = Date.now();
    const events = await collect(
      run,
      (e) => {
        if (e.type === 'text' && !restarting) restarting = gateway.restart();
      },
      120_000,
    );
    await restarting;
    timings.gracefulRestartMs = Date.now() - t0;
    expect(terminals(events)).toEqual([{ type: 'final', text: LONG }]);
    const texts = ofType(events, 'text');
    for (const t of texts) expect(LONG.startsWith(t.text) || t.replace).toBeTruthy();
    await engine.connection.ready(60_000);
    // a later run on the reconnected engine works, and the old run did not come back
    const after = await collect(await engine.start(request('after [[plain]]', `after-${randomUUID().slice(0, 8)}`)));
    expect(terminals(after)).toEqual([{ type: 'final', text: 'Plain reply.' }]);
    expect(terminals(events).length).toBe(1);
  }, 180_000);

  it('gateway killed mid-run (crash) and restarted: the turn is continued, final exactly once, no doubled text', async () => {
    const marker = `[[restart]] crash ${randomUUID().slice(0, 8)}`;
    const req = request(marker, `crash-${randomUUID().slice(0, 8)}`);
    const run = await engine.start(req);
    let restarting: Promise<void> | undefined;
    const t0 = Date.now();
    const events = await collect(
      run,
      (e) => {
        if (e.type === 'text' && !restarting) restarting = gateway.restart({ hard: true });
      },
      150_000,
    );
    await restarting;
    timings.crashRestartMs = Date.now() - t0;
    // OpenClaw's restart recovery (or the engine's resend, if the turn was not recorded yet)
    // finishes the turn under a new gateway run id; the consumer sees one final.
    expect(terminals(events)).toEqual([{ type: 'final', text: LONG }]);
    const final = terminals(events)[0] as { text: string };
    expect(final.text.split('restart-proof').length - 1).toBe(80); // not doubled
    for (const t of ofType(events, 'text')) expect(LONG.startsWith(t.text) || t.replace === true).toBe(true);
    const calls = requestsWith(marker);
    expect(calls.length).toBeGreaterThanOrEqual(2); // interrupted call + the continuation
    // the continuation did not duplicate the user's turn in the model's context
    expect(calls.at(-1)!.userTurns.filter((t) => t.includes(marker)).length).toBe(1);
    const health = await engine.health();
    expect(health.ok).toBe(true);
  }, 200_000);
});
