/**
 * The MBE engine end to end over HTTP: the real reference server (test/mbe-reference) over real
 * sockets, faults injected per operation in that server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMbeEngine, isMbeEngine, type MbeEngine } from '../../bridge/engine/mbe/engine.js';
import type { MbeSettingsInput } from '../../bridge/engine/mbe/settings.js';
import { EngineError, type EngineEvent } from '../../bridge/engine/types.js';
import { applyEvent, initialReplyState, toBlocks, toPlainText } from '../../bridge/stream/reply-state.js';
import { startReferenceHttpServer, type ReferenceHttpServer, type ReferenceHttpServerOptions } from '../mbe-reference/http-server.js';
import { collect, deadUrl, recordingLogger, request, terminal } from './support.js';

const KEY = 'sk-mbe-4b7e1d0c9a';
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(opts: { server?: ReferenceHttpServerOptions; engine?: Partial<MbeSettingsInput> } = {}) {
  const server = await startReferenceHttpServer({ apiKey: KEY, ...opts.server });
  cleanup.push(() => server.close());
  const logger = recordingLogger();
  const engine = createMbeEngine({ url: server.url, apiKey: KEY, timeoutMs: 2_000, ...opts.engine }, logger);
  cleanup.push(() => engine.close());
  await engine.ready();
  return { server, engine, logger };
}

/** The pipeline calls the server saw (health checks left out). */
const calls = (server: ReferenceHttpServer) => server.requests.filter((r) => r.op !== 'health');
const bodyOf = (server: ReferenceHttpServer, op: string) => calls(server).findLast((r) => r.op === op)?.body as Record<string, any>;
const finalOf = (events: EngineEvent[]) => {
  const last = terminal(events);
  if (last.type !== 'final') throw new Error(`expected final, got ${JSON.stringify(last)}`);
  return last;
};
async function ask(engine: MbeEngine, prompt: string, over: Parameters<typeof request>[1] = {}) {
  return collect(await engine.start(request(prompt, over)));
}

describe('MBE engine over HTTP (reference server)', () => {
  it('runs surprise → route → generate → memory write with the seed arguments and replies with badges', async () => {
    const { server, engine } = await setup();
    const events = await ask(engine, 'how do I debug python code', { userId: 'tc-user-7', nickname: 'Ann', sessionKey: 'group:g9' });

    expect(events.map((e) => e.type)).toEqual(['status', 'status', 'status', 'status', 'text', 'status', 'usage', 'final']);
    expect(calls(server).map((r) => r.op)).toEqual(['surprise', 'route', 'generate', 'memoryWrite']);
    expect(bodyOf(server, 'surprise')).toEqual({ input: 'how do I debug python code', context: { user_id: 'tc-user-7', username: 'Ann', domain: 'chat' } });
    expect(bodyOf(server, 'route')).toEqual({ input: 'how do I debug python code', task_type: 'chat', user_profile: { user_id: 'tc-user-7', surprise_score: 1 } });
    expect(bodyOf(server, 'generate')).toEqual({ prompt: 'how do I debug python code', system_prompt: expect.stringContaining('the coding expert'), temperature: 0.7 });
    expect(bodyOf(server, 'memoryWrite')).toMatchObject({
      user_id: 'tc-user-7',
      memory_type: 'working',
      importance: 1,
      session_id: 'group:g9',
      content: { user_message: 'how do I debug python code', surprise_score: 1, expert_id: 'coding', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });

    const final = finalOf(events);
    expect(final.text).toContain('You said: "how do I debug python code"');
    expect(final.text).toContain('coding expert');
    expect(bodyOf(server, 'memoryWrite').content.assistant_reply).toBe(final.text);
    expect(events.find((e) => e.type === 'text')).toMatchObject({ text: final.text });
    expect(final.badges).toEqual([
      { kind: 'novelty', label: 'New to you (surprise 1.00)' },
      { kind: 'expert', label: 'Answered by the coding expert' },
    ]);

    // What the bridge makes of it: badge blocks for the panel, [labels] for plain-text clients.
    const state = events.reduce(applyEvent, initialReplyState());
    expect(toBlocks(state).filter((b) => b.type === 'badge')).toHaveLength(2);
    expect(toPlainText(state)).toMatch(/You said: "how do I debug python code"\n\n\[New to you \(surprise 1\.00\)\] \[Answered by the coding expert\]$/);
  });

  it('importance = 0.5 + 0.5 × surprise as the user repeats themselves', async () => {
    const { server, engine } = await setup();
    await ask(engine, 'debug python code');
    expect(bodyOf(server, 'memoryWrite').importance).toBe(1);

    const again = finalOf(await ask(engine, 'debug python code')); // every word known: surprise 0
    expect(bodyOf(server, 'memoryWrite')).toMatchObject({ importance: 0.5, content: { surprise_score: 0 } });
    expect(again.badges?.map((b) => b.kind)).toEqual(['expert']);

    await ask(engine, 'debug python now'); // 1 of 3 words new: 0.33
    expect(bodyOf(server, 'memoryWrite').importance).toBeCloseTo(0.665, 10);
  });

  it('names the expert in the system prompt always, but as a badge only above 0.8 confidence', async () => {
    const { server, engine } = await setup();
    const final = finalOf(await ask(engine, 'tell me about python')); // one keyword: confidence 0.75
    expect(bodyOf(server, 'generate').system_prompt).toContain('the coding expert');
    expect(final.badges?.map((b) => b.kind)).toEqual(['novelty']);
  });

  it("a named agent's instructions come first in the system prompt, the expert's after them", async () => {
    const { server, engine } = await setup();
    await ask(engine, 'tell me about python', { instructions: 'You review code. Be terse.' });
    expect(bodyOf(server, 'generate').system_prompt).toMatch(/^You review code\. Be terse\.\n\n.*the coding expert/s);
  });

  it('surprise down: still routes and generates; a warning is logged; no novelty badge', async () => {
    const { server, engine, logger } = await setup();
    server.setFault('surprise', { kind: 'status', status: 503 });
    const final = finalOf(await ask(engine, 'why does inflation raise every price'));
    expect(calls(server).map((r) => r.op)).toEqual(['surprise', 'route', 'generate', 'memoryWrite']);
    expect(bodyOf(server, 'route').user_profile).toEqual({ user_id: 'user-1' });
    expect(bodyOf(server, 'memoryWrite')).toMatchObject({ importance: 0.5, content: { surprise_score: null, expert_id: 'economics' } });
    expect(final.badges).toEqual([{ kind: 'expert', label: 'Answered by the economics expert' }]);
    expect(logger.at('warn').map((l) => l.message)).toContain('MBE surprise.calculate failed; continuing without it');
  });

  it('route down (malformed answer): generates without an expert; a warning names the problem', async () => {
    const { server, engine, logger } = await setup();
    server.setFault('route', { kind: 'malformed', body: { selected_experts: 'coding' } });
    const final = finalOf(await ask(engine, 'fix this python bug'));
    expect(bodyOf(server, 'generate').system_prompt).not.toContain('expert');
    expect(bodyOf(server, 'memoryWrite').content.expert_id).toBeNull();
    expect(final.badges?.map((b) => b.kind)).toEqual(['novelty']);
    const warn = logger.at('warn').find((l) => l.message.includes('route.select failed'));
    expect(warn?.meta).toMatchObject({ kind: 'bad_response', error: expect.stringMatching(/malformed response: selected_experts/) });
  });

  it('memory write down: the reply is still delivered', async () => {
    const { server, engine, logger } = await setup();
    server.setFault('memoryWrite', { kind: 'hangup' });
    const final = finalOf(await ask(engine, 'write a poem about rain'));
    expect(final.text).toContain('write a poem about rain');
    expect(logger.at('warn').some((l) => l.message.includes('memory.write failed'))).toBe(true);
    expect(logger.at('info').find((l) => l.message === 'MBE reply')?.meta).toMatchObject({ memoryWritten: false, degraded: ['memoryWrite'] });
  });

  it('generate down: an error event of kind unavailable, and nothing is remembered', async () => {
    const { server, engine } = await setup();
    server.setFault('generate', { kind: 'status', status: 503 });
    const events = await ask(engine, 'hello');
    expect(terminal(events)).toEqual({ type: 'error', kind: 'unavailable', message: expect.stringContaining('llm.generate (POST /v1/llm/generate) answered HTTP 503') });
    expect(events.some((e) => e.type === 'text')).toBe(false);
    expect(calls(server).map((r) => r.op)).toEqual(['surprise', 'route', 'generate']);
  });

  it('a malformed generate response: an error event of kind bad_response with a clear message (no crash)', async () => {
    const { server, engine } = await setup();
    server.setFault('generate', { kind: 'malformed', body: { content: 42 } });
    expect(terminal(await ask(engine, 'hello'))).toEqual({
      type: 'error',
      kind: 'bad_response',
      message: expect.stringMatching(/llm\.generate .* returned a malformed response: content: .*expected string/i),
    });
    server.setFault('generate', { kind: 'malformed', body: 'not json at all' });
    expect(terminal(await ask(engine, 'hello again'))).toMatchObject({ type: 'error', kind: 'bad_response' });
  });

  it('timeouts: a slow surprise is skipped, a slow generate fails the run with kind timeout', async () => {
    const { server, engine } = await setup({ engine: { timeoutMs: 300 } });
    server.setFault('surprise', { kind: 'delay', ms: 2_000 });
    const final = finalOf(await ask(engine, 'hello'));
    expect(final.badges?.some((b) => b.kind === 'novelty')).toBe(false);

    server.clearFaults();
    server.setFault('generate', { kind: 'delay', ms: 2_000 });
    const t0 = Date.now();
    const events = await ask(engine, 'hello');
    expect(terminal(events)).toMatchObject({ type: 'error', kind: 'timeout', message: expect.stringContaining('timed out after 300 ms') });
    expect(Date.now() - t0).toBeLessThan(1_500);
  });

  it("the request's own timeoutMs ends the run with kind timeout", async () => {
    const { server, engine } = await setup();
    server.setFault('generate', { kind: 'delay', ms: 2_000 });
    expect(terminal(await ask(engine, 'hello', { timeoutMs: 200 }))).toMatchObject({ type: 'error', kind: 'timeout' });
  });

  it('abort cancels the in-flight HTTP call and ends the run with an aborted event', async () => {
    const { server, engine } = await setup();
    server.setFault('generate', { kind: 'delay', ms: 5_000 });
    const req = request('a long question');
    const run = await engine.start(req);
    const done = collect(run);
    await expect.poll(() => calls(server).some((r) => r.op === 'generate')).toBe(true);
    expect(await engine.abort('other-session')).toBe(false);
    expect(await engine.abort(req.sessionKey, req.runId)).toBe(true);
    expect(terminal(await done)).toEqual({ type: 'aborted', reason: 'stopped by user' });
    await expect.poll(() => calls(server).find((r) => r.op === 'generate')?.cancelled).toBe(true);
    expect(calls(server).some((r) => r.op === 'memoryWrite')).toBe(false);
    expect(await engine.abort(req.sessionKey)).toBe(false);
  });

  it('a redelivered run id returns the same run, not a second reply', async () => {
    const { server, engine } = await setup();
    const req = request('hello');
    const a = await engine.start(req);
    const b = await engine.start(req);
    expect(b).toBe(a);
    await collect(a);
    expect(calls(server).filter((r) => r.op === 'generate')).toHaveLength(1);
  });

  it('/stats: the seed memory statistics via memory.read, per Tailchat user', async () => {
    const { server, engine, logger } = await setup();
    await ask(engine, 'first message', { userId: 'alice' });
    await ask(engine, 'second message', { userId: 'alice' });
    await ask(engine, 'hello', { userId: 'bob' });
    const text = await engine.stats('alice');
    expect(text).toContain('Conversation records: 2');
    expect(text).toContain('Memory items: 2');
    expect(bodyOf(server, 'memoryRead')).toEqual({ user_id: 'alice', query: 'conversation', top_k: 100 });
    expect(await engine.stats('nobody')).toContain('Conversation records: 0');

    server.setFault('memoryRead', { kind: 'status', status: 500 });
    expect(await engine.stats('alice')).toBe('Statistics are unavailable right now. Please try again later.');
    expect(logger.at('error').some((l) => l.message === 'MBE statistics failed')).toBe(true);
    expect(engine.help('/ai')).toContain('/ai stats');
    expect(isMbeEngine(engine)).toBe(true);
  });

  it("reset(sessionKey) clears that session's working memory only: its words are new again", async () => {
    const { server, engine } = await setup();
    await ask(engine, 'debug python code', { sessionKey: 'group:a' });
    await ask(engine, 'write an essay', { sessionKey: 'group:b' });
    expect(await engine.stats('user-1')).toContain('Conversation records: 2');

    await engine.reset('group:a');
    expect(bodyOf(server, 'memoryClear')).toEqual({ session_id: 'group:a', memory_type: 'working' });
    expect(await engine.stats('user-1')).toContain('Conversation records: 1');
    const final = finalOf(await ask(engine, 'debug python code', { sessionKey: 'group:a' }));
    expect(final.badges?.[0]).toEqual({ kind: 'novelty', label: 'New to you (surprise 1.00)' });
  });

  it('reset against an MBE without the clear path is a logged no-op (once)', async () => {
    const { engine, logger } = await setup({ server: { paths: { memoryClear: '/not-here' } } });
    await engine.reset('group:a');
    await engine.reset('group:a');
    expect(logger.at('warn').filter((l) => l.message.includes('no memory clear endpoint'))).toHaveLength(1);
  });

  it('reset fails loudly (EngineError) when MBE answers with an error', async () => {
    const { server, engine } = await setup();
    server.setFault('memoryClear', { kind: 'status', status: 500 });
    await expect(engine.reset('group:a')).rejects.toBeInstanceOf(EngineError);
  });
});

describe('MBE engine health', () => {
  it('unreachable at start: logged as an error, health() has the detail, runs fail fast with EngineError', async () => {
    const url = await deadUrl();
    const logger = recordingLogger();
    const engine = createMbeEngine({ url, timeoutMs: 1_000 }, logger);
    cleanup.push(() => engine.close());
    expect(await engine.ready()).toEqual({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    expect(logger.at('error')[0]).toMatchObject({ message: 'MBE is unhealthy', meta: { reason: 'start', detail: expect.stringContaining(url) } });
    const health = await engine.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toMatch(/anonymous/);
    const err = await engine.start(request('hello')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ kind: 'unavailable', adminHint: expect.stringContaining('/health') });
  });

  it('reconnect: after MBE goes away runs fail; when it is back the next run re-checks health and works', async () => {
    const { server, engine, logger } = await setup();
    const port = Number(new URL(server.url).port);
    await server.close();

    expect(terminal(await ask(engine, 'hello'))).toMatchObject({ type: 'error', kind: 'unavailable' });
    await expect(engine.start(request('hello'))).rejects.toBeInstanceOf(EngineError); // health re-checked: still down

    const back = await startReferenceHttpServer({ apiKey: KEY, port });
    cleanup.push(() => back.close());
    const final = finalOf(await ask(engine, 'hello'));
    expect(final.text).toContain('hello');
    expect(back.requests[0]?.op).toBe('health'); // the reconnect check came first
    expect(logger.at('info').some((l) => l.message === 'MBE is healthy again')).toBe(true);
    expect((await engine.health()).ok).toBe(true);
  });

  it('a server reporting status "down" is unhealthy', async () => {
    const server = await startReferenceHttpServer();
    cleanup.push(() => server.close());
    server.setFault('health', { kind: 'malformed', body: { status: 'down' } });
    const engine = createMbeEngine({ url: server.url }, recordingLogger());
    cleanup.push(() => engine.close());
    expect(await engine.ready()).toMatchObject({ ok: false, detail: expect.stringContaining(': down') });
  });

  it('a wrong API key: runs fail with kind auth', async () => {
    const server = await startReferenceHttpServer({ apiKey: KEY });
    cleanup.push(() => server.close());
    const engine = createMbeEngine({ url: server.url, apiKey: 'wrong-key-123' }, recordingLogger());
    cleanup.push(() => engine.close());
    await expect(engine.start(request('hello'))).rejects.toMatchObject({ kind: 'auth' });
  });
});

describe('MBE engine secrets', () => {
  it('anonymous: one warning at start, no Authorization header', async () => {
    const { server, engine, logger } = await setup({ server: { apiKey: undefined }, engine: { apiKey: undefined } });
    await ask(engine, 'hello');
    await ask(engine, 'hello again');
    expect(logger.at('warn').filter((l) => l.message.includes('MBE_API_KEY is not set'))).toHaveLength(1);
    expect(server.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('sends the key as a header on every call and never logs or reports it', async () => {
    const { server, engine, logger } = await setup();
    const seen: string[] = [];
    const echo = { kind: 'status' as const, status: 500, body: JSON.stringify({ error: `rejected Authorization: Bearer ${KEY}` }) };

    seen.push(JSON.stringify(await ask(engine, 'hello')));
    for (const op of ['surprise', 'route', 'memoryWrite', 'generate'] as const) server.setFault(op, echo);
    seen.push(JSON.stringify(await ask(engine, 'hello')));
    server.setFault('memoryRead', echo);
    seen.push(await engine.stats('user-1'));
    server.setFault('memoryClear', echo);
    seen.push(String(await engine.reset('s').catch((e: Error) => e.message)));
    server.setFault('health', echo);
    seen.push(JSON.stringify(await engine.health()));
    seen.push(String(await engine.start(request('x')).catch((e: Error) => `${e.message} ${(e as EngineError).adminHint}`)));

    expect(server.requests.length).toBeGreaterThan(8);
    expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(logger.text()).toContain('Bearer ***'); // the echo was logged, redacted
    expect(logger.text()).not.toContain(KEY);
    for (const s of seen) expect(s).not.toContain(KEY);
  });
});
