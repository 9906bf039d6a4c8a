/**
 * Engine logic against a scripted fake connection (no gateway): the paths that are slow or hard
 * to provoke on the real gateway — a turn queued by the gateway, reconnect reconciliation,
 * lost runs, in-process redelivery, timeouts, local queueing and abort of a waiting run, and a
 * gateway that goes away (waited for within the reconnect window).
 */
import { describe, expect, it } from 'vitest';
import type { HelloOk } from '@openclaw/gateway-protocol/frame-guards';
import type { GatewayConnection } from '../../bridge/engine/openclaw/connection.js';
import { createOpenClawEngine } from '../../bridge/engine/openclaw/engine.js';
import { OpenClawEngineError } from '../../bridge/engine/openclaw/errors.js';
import type { GatewayEventFrame } from '../../bridge/engine/openclaw/events.js';
import type { EngineEvent, EngineRun, RunRequest } from '../../bridge/engine/types.js';

type Handler = (params: Record<string, unknown>) => unknown;

class FakeConnection implements GatewayConnection {
  url = 'ws://fake';
  state: GatewayConnection['state'] = 'open';
  hello = { protocol: 4, server: { version: 'fake', connId: 'c' } } as unknown as HelloOk;
  lastError: OpenClawEngineError | undefined;
  calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  handlers: Record<string, Handler> = {
    'chat.send': (p) => ({ runId: p.idempotencyKey, status: 'started' }),
    'chat.abort': () => ({ ok: true, aborted: true, runIds: [] }),
    'chat.history': () => ({ messages: [] }),
    'exec.approval.list': () => [],
  };
  private events = new Set<(f: GatewayEventFrame) => void>();
  private opens = new Set<(h: HelloOk, r: boolean) => void>();
  private closes = new Set<(code: number, reason: string) => void>();
  ready = async () => this.hello;
  async request<T>(method: string, params: unknown): Promise<T> {
    // as the real connection: nothing is sent while it is not open
    if (this.state !== 'open') throw new OpenClawEngineError('unavailable', `OpenClaw gateway not connected (${method}).`);
    this.calls.push({ method, params: params as Record<string, unknown> });
    const handler = this.handlers[method];
    if (!handler) throw new OpenClawEngineError('unknown', `no handler for ${method}`);
    return handler(params as Record<string, unknown>) as T;
  }
  onEvent(l: (f: GatewayEventFrame) => void) {
    this.events.add(l);
    return () => this.events.delete(l);
  }
  onOpen(l: (h: HelloOk, r: boolean) => void) {
    this.opens.add(l);
    return () => this.opens.delete(l);
  }
  onClose(l: (code: number, reason: string) => void) {
    this.closes.add(l);
    return () => this.closes.delete(l);
  }
  onGap() {
    return () => undefined;
  }
  async close() {
    this.state = 'closed';
  }
  emit(event: string, payload: object) {
    for (const l of this.events) l({ event, payload });
  }
  reconnected() {
    this.state = 'open';
    for (const l of this.opens) l(this.hello, true);
  }
  /** The gateway went away (crash, restart): the socket closed and the client tries again. */
  dropped() {
    this.state = 'connecting';
    for (const l of this.closes) l(1006, '');
  }
  /** The first connection succeeds (the engine was started while the gateway was down). */
  firstOpen() {
    this.state = 'open';
    for (const l of this.opens) l(this.hello, false);
  }
  sent(): string[] {
    return this.calls.filter((c) => c.method === 'chat.send').map((c) => c.params.idempotencyKey as string);
  }
}

const KEY = 'agent:main:tailchat:group:g';
const chat = (runId: string, seq: number, state: string, extra: object = {}) => ({ runId, sessionKey: KEY, seq, state, ...extra });
const msg = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });

function setup(settings: Record<string, unknown> = {}) {
  const conn = new FakeConnection();
  const engine = createOpenClawEngine({ token: 't'.repeat(64), runTimeoutMs: 60_000, ...settings }, undefined, { createConnection: () => conn });
  return { conn, engine };
}

let n = 0;
function req(prompt = 'hi', extra: Partial<RunRequest> = {}): RunRequest {
  n += 1;
  return { runId: `r${n}`, sessionKey: KEY, prompt, requester: { userId: 'u' }, origin: { converseId: 'c', messageId: `m${n}` }, ...extra };
}

async function drain(run: EngineRun): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  for await (const e of run) out.push(e);
  return out;
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('OpenClaw engine logic (fake gateway connection)', () => {
  it('sends chat.send with the runId as idempotency key and queueMode followup, filters by run and session', async () => {
    const { conn, engine } = setup();
    const r = req('hello');
    const run = await engine.start(r);
    expect(conn.calls[0]).toEqual({ method: 'chat.send', params: { sessionKey: KEY, message: 'hello', idempotencyKey: r.runId, queueMode: 'followup' } });
    conn.emit('chat', chat(r.runId, 1, 'status', { phase: 'preparing_context' }));
    conn.emit('chat', { ...chat(r.runId, 2, 'delta', { deltaText: 'x', message: msg('x') }), sessionKey: 'agent:main:other' }); // other session
    conn.emit('chat', chat('someone-else', 2, 'final', { message: msg('nope') }));
    conn.emit('chat', chat(r.runId, 3, 'delta', { deltaText: 'Hel', message: msg('Hel') }));
    conn.emit('chat', chat(r.runId, 3, 'delta', { deltaText: 'Hel', message: msg('Hel') })); // duplicate
    conn.emit('chat', chat(r.runId, 5, 'final', { message: msg('Hello') }));
    expect(await drain(run)).toEqual([
      { type: 'status', phase: 'preparing_context' },
      { type: 'text', text: 'Hel', delta: 'Hel' },
      { type: 'final', text: 'Hello' },
    ]);
  });

  it('one run per session at a time: the second waits here, then gets its own run', async () => {
    const { conn, engine } = setup();
    const a = req('first');
    const b = req('second');
    const runA = await engine.start(a);
    const runB = await engine.start(b);
    expect(conn.sent()).toEqual([a.runId]);
    conn.emit('chat', chat(a.runId, 4, 'final', { message: msg('A') }));
    expect(await drain(runA)).toEqual([{ type: 'final', text: 'A' }]);
    await tick();
    expect(conn.sent()).toEqual([a.runId, b.runId]);
    conn.emit('chat', chat(b.runId, 1, 'status', { phase: 'starting_model' }));
    conn.emit('chat', chat(b.runId, 4, 'final', { message: msg('B') }));
    expect(await drain(runB)).toEqual([{ type: 'status', phase: 'queued' }, { type: 'status', phase: 'starting_model' }, { type: 'final', text: 'B' }]);
  });

  it('a turn the gateway queued (empty final under our id) adopts the run that executes it', async () => {
    const { conn, engine } = setup();
    const r = req('second');
    const run = await engine.start(r);
    conn.emit('chat', chat(r.runId, 1, 'final')); // the gateway's "queued" acknowledgement
    conn.emit('agent', { runId: 'exec-1', sessionKey: KEY, seq: 1, stream: 'run_status', ts: 1, data: { phase: 'preparing_workspace' } });
    conn.emit('chat', chat('exec-1', 6, 'delta', { deltaText: 'Yes', message: msg('Yes') }));
    conn.emit('chat', chat('exec-1', 9, 'final', { message: msg('Yes!') }));
    expect(await drain(run)).toEqual([
      { type: 'status', phase: 'queued' },
      { type: 'text', text: 'Yes', delta: 'Yes' },
      { type: 'final', text: 'Yes!' },
    ]);
  });

  it('a foreign run already streaming in the session is not adopted', async () => {
    const { conn, engine } = setup();
    const r = req();
    const run = await engine.start(r);
    conn.emit('chat', chat(r.runId, 1, 'final'));
    conn.emit('chat', chat('foreign', 40, 'delta', { deltaText: 'other', message: msg('other') })); // mid-run: not ours
    conn.emit('chat', chat('foreign', 41, 'final', { message: msg('other') }));
    conn.emit('chat', chat('mine', 1, 'status', { phase: 'preparing_workspace' }));
    conn.emit('chat', chat('mine', 5, 'final', { message: msg('ours') }));
    expect((await drain(run)).at(-1)).toEqual({ type: 'final', text: 'ours' });
  });

  it('in-process redelivery: a second view of the same run, caught up, no second chat.send', async () => {
    const { conn, engine } = setup();
    const r = req();
    const first = await engine.start(r);
    conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'par', message: msg('par') }));
    const second = await engine.start({ ...r });
    conn.emit('chat', chat(r.runId, 3, 'final', { message: msg('partial done') }));
    expect(await drain(second)).toEqual([{ type: 'text', text: 'par', replace: true }, { type: 'final', text: 'partial done' }]);
    expect((await drain(first)).at(-1)).toEqual({ type: 'final', text: 'partial done' });
    expect(conn.sent()).toEqual([r.runId]);
    // after it ended: the finished reply again, still no new send
    expect(await drain(await engine.start({ ...r }))).toEqual([{ type: 'final', text: 'partial done' }]);
    expect(conn.sent()).toEqual([r.runId]);
  });

  it('gateway answers ok (finished before): the reply comes from chat.history', async () => {
    const { conn, engine } = setup();
    const r = req();
    conn.handlers['chat.send'] = (p) => ({ runId: p.idempotencyKey, status: 'ok' });
    conn.handlers['chat.history'] = () => ({
      messages: [
        { role: 'user', content: 'hi', idempotencyKey: `${r.runId}:user`, __openclaw: { idempotencyKey: `${r.runId}:user`, seq: 1 } },
        { role: 'assistant', content: [{ type: 'text', text: 'earlier answer  ' }], __openclaw: { runId: r.runId, seq: 2 } },
      ],
    });
    expect(await drain(await engine.start(r))).toEqual([{ type: 'final', text: 'earlier answer' }]);
  });

  it('after a reconnect the finished reply is taken from history exactly once', async () => {
    const { conn, engine } = setup();
    const r = req();
    const run = await engine.start(r);
    conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'Hello', message: msg('Hello') }));
    conn.handlers['chat.history'] = () => ({
      messages: [
        { role: 'user', content: 'hi', __openclaw: { idempotencyKey: `${r.runId}:user`, seq: 1 } },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello world' }], __openclaw: { runId: r.runId, seq: 2 } },
      ],
    });
    conn.reconnected();
    await tick();
    conn.emit('chat', chat(r.runId, 9, 'final', { message: msg('Hello world') })); // a late duplicate
    expect(await drain(run)).toEqual([{ type: 'text', text: 'Hello', delta: 'Hello' }, { type: 'final', text: 'Hello world' }]);
  });

  it('after a reconnect an in-flight run is adopted with its text, then finishes live', async () => {
    const { conn, engine } = setup();
    const r = req();
    const run = await engine.start(r);
    conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'He', message: msg('He') }));
    conn.handlers['chat.history'] = () => ({ messages: [], inFlightRun: { runId: r.runId, text: 'Hello wor' } });
    conn.reconnected();
    await new Promise((res) => setTimeout(res, 5));
    conn.emit('chat', chat(r.runId, 30, 'final', { message: msg('Hello world') }));
    expect(await drain(run)).toEqual([
      { type: 'text', text: 'He', delta: 'He' },
      { type: 'text', text: 'Hello wor', delta: 'llo wor' },
      { type: 'final', text: 'Hello world' },
    ]);
  });

  it('a run the gateway lost (not in history) is sent again once, unless it used tools', async () => {
    const { conn, engine } = setup();
    const r = req();
    const run = await engine.start(r);
    conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'x', message: msg('x') }));
    conn.reconnected(); // history: empty → unknown → resend
    await new Promise((res) => setTimeout(res, 5));
    expect(conn.sent()).toEqual([r.runId, r.runId]);
    conn.emit('chat', chat(r.runId, 1, 'status', { phase: 'preparing_workspace' })); // seq restarts
    conn.emit('chat', chat(r.runId, 4, 'final', { message: msg('again') }));
    const events = await drain(run);
    expect(events).toContainEqual({ type: 'status', phase: 'resubmitted' });
    expect(events.at(-1)).toEqual({ type: 'final', text: 'again' });

    const t = req();
    const toolRun = await engine.start(t);
    conn.emit('agent', { runId: t.runId, sessionKey: KEY, seq: 3, stream: 'tool', ts: 1, data: { phase: 'start', name: 'exec', toolCallId: 'c1', args: { command: 'rm x' } } });
    conn.reconnected();
    const toolEvents = await drain(toolRun);
    expect(toolEvents.at(-1)).toMatchObject({ type: 'error', kind: 'unavailable' });
    expect(conn.sent().filter((id) => id === t.runId).length).toBe(1);
  });

  it('a recorded but idle turn waits for the gateway recovery run, and adopts it', async () => {
    const { conn, engine } = setup({ lostRunGraceMs: 5_000 });
    const r = req();
    const run = await engine.start(r);
    conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'x', message: msg('x') }));
    conn.handlers['chat.history'] = () => ({ messages: [{ role: 'user', content: 'hi', __openclaw: { idempotencyKey: `${r.runId}:user`, seq: 1 } }] });
    conn.reconnected();
    await new Promise((res) => setTimeout(res, 5));
    conn.emit('chat', chat('recovery-1', 1, 'status', { phase: 'preparing_workspace' }));
    conn.emit('chat', chat('recovery-1', 8, 'final', { message: msg('recovered') }));
    expect((await drain(run)).at(-1)).toEqual({ type: 'final', text: 'recovered' });
    expect(conn.sent()).toEqual([r.runId]);
  });

  it('times out a run that never ends (and asks the gateway to abort it)', async () => {
    const { conn, engine } = setup();
    const run = await engine.start(req('x', { timeoutMs: 30 }));
    expect(await drain(run)).toEqual([{ type: 'error', kind: 'timeout', message: 'The agent did not finish within 30 ms.' }]);
    await tick();
    expect(conn.calls.some((c) => c.method === 'chat.abort')).toBe(true);
  });

  it('abort: a run waiting here ends at once; the running one via chat.abort (grace if no event)', async () => {
    const { conn, engine } = setup({ abortGraceMs: 20 });
    const a = req();
    const b = req();
    const runA = await engine.start(a);
    const runB = await engine.start(b);
    expect(await engine.abort(KEY, b.runId)).toBe(true);
    expect(await drain(runB)).toEqual([{ type: 'status', phase: 'queued' }, { type: 'aborted', reason: 'stopped before it started' }]);
    expect(await engine.abort(KEY)).toBe(true);
    expect(conn.calls.find((c) => c.method === 'chat.abort')?.params).toEqual({ sessionKey: KEY, runId: a.runId });
    expect(await drain(runA)).toEqual([{ type: 'aborted', reason: 'stopped' }]);
    expect(conn.sent()).toEqual([a.runId]);
  });

  it('start fails with the EngineError when chat.send is refused, and the session is free again', async () => {
    const { conn, engine } = setup();
    conn.handlers['chat.send'] = () => {
      throw new OpenClawEngineError('auth', 'OpenClaw gateway refused chat.send: missing scope operator.write.');
    };
    await expect(engine.start(req())).rejects.toMatchObject({ kind: 'auth' });
    conn.handlers['chat.send'] = (p) => ({ runId: p.idempotencyKey, status: 'started' });
    const r = req();
    await engine.start(r);
    expect(conn.sent().at(-1)).toBe(r.runId); // not waiting behind the failed one
  });

  it('close ends live runs with an error', async () => {
    const { engine } = setup();
    const run = await engine.start(req());
    await engine.close();
    expect(await drain(run)).toEqual([{ type: 'error', kind: 'unavailable', message: 'The OpenClaw engine was shut down.' }]);
    await expect(engine.start(req())).rejects.toMatchObject({ kind: 'unavailable' });
  });
  it('stays bounded over many runs: live runs and sessions go when done, finished runs are capped at 500', async () => {
    const { conn, engine } = setup();
    for (let i = 0; i < 520; i++) {
      const r = req(`q${i}`, { sessionKey: `${KEY}-${i % 7}` });
      const run = await engine.start(r);
      conn.emit('chat', { ...chat(r.runId, 1, 'final', { message: msg('ok') }), sessionKey: r.sessionKey });
      await drain(run);
    }
    await tick();
    // Ended runs' gateway ids are kept a minute (late events dropped), at most 10,000.
    expect(engine.sizes?.()).toMatchObject({ openclaw_runs: 0, openclaw_gateway_run_ids: 0, openclaw_sessions: 0, openclaw_finished_runs: 500, openclaw_ended_gateway_run_ids: 520 });
    await engine.close();
  });

  describe('a gateway that goes away is waited for', () => {
    const reconnecting = { type: 'status', phase: 'reconnecting' };
    const reconnected = { type: 'status', phase: 'reconnected' };

    it('a run started while the gateway is down is sent once it is up, and answers in full', async () => {
      const { conn, engine } = setup();
      conn.state = 'connecting'; // the bridge started before the gateway
      const r = req('early');
      const run = await engine.start(r);
      expect(conn.sent()).toEqual([]);
      conn.firstOpen();
      await tick();
      expect(conn.sent()).toEqual([r.runId]);
      conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'Full', message: msg('Full') }));
      conn.emit('chat', chat(r.runId, 3, 'final', { message: msg('Full answer') }));
      expect(await drain(run)).toEqual([reconnecting, reconnected, { type: 'text', text: 'Full', delta: 'Full' }, { type: 'final', text: 'Full answer' }]);
    });

    it('mid-run drop: the run says it is reconnecting, then adopts the in-flight run and ends with the full reply', async () => {
      const { conn, engine } = setup();
      const r = req();
      const run = await engine.start(r);
      conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'He', message: msg('He') }));
      conn.dropped();
      conn.handlers['chat.history'] = () => ({ messages: [], inFlightRun: { runId: r.runId, text: 'Hello wor' } });
      conn.reconnected();
      await tick();
      conn.emit('chat', chat(r.runId, 30, 'final', { message: msg('Hello world') }));
      expect(await drain(run)).toEqual([
        { type: 'text', text: 'He', delta: 'He' },
        reconnecting,
        reconnected,
        { type: 'text', text: 'Hello wor', delta: 'llo wor' },
        { type: 'final', text: 'Hello world' },
      ]);
      expect(conn.sent()).toEqual([r.runId]);
    });

    it('a lost run is sent again once the gateway stays up, however many sends failed while it kept going away', async () => {
      const { conn, engine } = setup();
      const r = req();
      const run = await engine.start(r);
      conn.emit('chat', chat(r.runId, 2, 'delta', { deltaText: 'x', message: msg('x') }));
      conn.dropped();
      // The gateway comes back without the run (history: nothing), but goes away again while the
      // run is sent, three times over: more than the two resubmissions a lost run gets.
      let failures = 0;
      conn.handlers['chat.send'] = () => {
        failures += 1;
        conn.dropped();
        throw new OpenClawEngineError('unavailable', 'OpenClaw gateway unavailable for chat.send: gateway closed');
      };
      for (let i = 0; i < 3; i++) {
        conn.reconnected();
        await tick();
      }
      expect(failures).toBe(3);
      conn.handlers['chat.send'] = (p) => ({ runId: p.idempotencyKey, status: 'started' });
      conn.reconnected();
      await tick();
      conn.emit('chat', chat(r.runId, 1, 'status', { phase: 'preparing_workspace' }));
      conn.emit('chat', chat(r.runId, 4, 'final', { message: msg('again, in full') }));
      const events = await drain(run);
      expect(events.filter((e) => e.type === 'status' && e.phase === 'resubmitted')).toHaveLength(1);
      expect(events).toContainEqual(reconnecting);
      expect(events.at(-1)).toEqual({ type: 'final', text: 'again, in full' });
    });

    it('a run that had used a tool is not sent again: it ends with the interrupted notice', async () => {
      const { conn, engine } = setup();
      const t = req();
      const run = await engine.start(t);
      conn.emit('agent', { runId: t.runId, sessionKey: KEY, seq: 3, stream: 'tool', ts: 1, data: { phase: 'start', name: 'exec', toolCallId: 'c1', args: { command: 'rm x' } } });
      conn.dropped();
      conn.reconnected(); // history: the gateway lost it
      const events = await drain(run);
      expect(events).toContainEqual(reconnecting);
      expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'unavailable', cause: 'interrupted-after-tools' });
      expect(conn.sent()).toEqual([t.runId]);
    });

    it('after the window the running and the queued runs end with the unreachable error; nothing is held', async () => {
      const { conn, engine } = setup({ reconnectWindowMs: 30 });
      const a = req();
      const b = req();
      const runA = await engine.start(a);
      const runB = await engine.start(b); // queued here behind a
      conn.dropped();
      const unreachable = { type: 'error', kind: 'unavailable', cause: 'engine-unreachable', message: 'The OpenClaw gateway stayed unreachable for 30 ms.' };
      expect(await drain(runA)).toEqual([reconnecting, unreachable]);
      expect(await drain(runB)).toEqual([{ type: 'status', phase: 'queued' }, reconnecting, unreachable]);
      expect(conn.sent()).toEqual([a.runId]);
      expect(engine.sizes?.()).toMatchObject({ openclaw_runs: 0, openclaw_sessions: 0 });
    });

    it('the run timeout still applies while waiting, and a waiting run can be stopped', async () => {
      const { conn, engine } = setup();
      conn.state = 'connecting';
      const timedOut = await engine.start(req('x', { timeoutMs: 30 }));
      expect(await drain(timedOut)).toEqual([reconnecting, { type: 'error', kind: 'timeout', message: 'The agent did not finish within 30 ms.' }]);
      const stopped = req('y');
      const run = await engine.start(stopped);
      expect(await engine.abort(KEY, stopped.runId)).toBe(true);
      expect(await drain(run)).toEqual([reconnecting, { type: 'aborted', reason: 'stopped before it started' }]);
      expect(conn.sent()).toEqual([]);
    });
  });
});
