/** The HTTP client against the real reference server over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MbeHttpClient } from '../../bridge/engine/mbe/http-client.js';
import { createRedactor } from '../../bridge/engine/mbe/logger.js';
import { DEFAULT_PATHS, type MbePaths } from '../../bridge/engine/mbe/wire.js';
import { startReferenceHttpServer, type ReferenceHttpServer } from '../mbe-reference/http-server.js';
import { deadUrl } from './support.js';

const KEY = 'mbe-test-key-5f1c2a9d';
let server: ReferenceHttpServer;

function client(over: Partial<{ url: string; apiKey: string; timeoutMs: number; paths: MbePaths }> = {}) {
  const apiKey = 'apiKey' in over ? over.apiKey : KEY;
  return new MbeHttpClient({
    url: over.url ?? server.url,
    ...(apiKey ? { apiKey } : {}),
    timeoutMs: over.timeoutMs ?? 5_000,
    paths: over.paths ?? DEFAULT_PATHS,
    redact: createRedactor(apiKey),
  });
}

const surpriseBody = { input: 'hello world', context: { user_id: 'u1', username: null, domain: 'chat' as const } };

beforeAll(async () => {
  server = await startReferenceHttpServer({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

describe('MbeHttpClient', () => {
  it('sends the API key as an Authorization: Bearer header on every call', async () => {
    const c = client();
    await c.health();
    await c.surprise(surpriseBody);
    expect(server.requests.map((r) => r.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
  });

  it('anonymous: no Authorization header at all (and a keyed server refuses with kind auth)', async () => {
    const err = await client({ apiKey: undefined }).health().catch((e: unknown) => e);
    expect(server.requests[0]!.authorization).toBeUndefined();
    expect(err).toMatchObject({ kind: 'auth', status: 401, message: expect.stringMatching(/HTTP 401 \(check MBE_API_KEY\)/) });
  });

  it('returns validated responses for every operation', async () => {
    const c = client();
    expect(await c.health()).toMatchObject({ status: 'ok' });
    expect(await c.surprise(surpriseBody)).toMatchObject({ surprise_score: 1, is_novel: true });
    expect(await c.route({ input: 'fix this python bug', task_type: 'chat', user_profile: { user_id: 'u1' } })).toMatchObject({ selected_experts: [{ id: 'coding' }] });
    expect((await c.generate({ prompt: 'hi', system_prompt: 'sys', temperature: 0.7 })).content).toContain('You said: "hi"');
    const ts = new Date().toISOString();
    const content = { user_message: 'hi', assistant_reply: 'yo', surprise_score: 1, expert_id: null, timestamp: ts };
    expect(await c.memoryWrite({ user_id: 'u1', memory_type: 'working', content, importance: 1, session_id: 's' })).toMatchObject({ id: expect.any(String) });
    expect(await c.memoryRead({ user_id: 'u1', query: 'conversation', top_k: 100 })).toMatchObject({ total_count: 1 });
    expect(await c.memoryClear({ session_id: 's', memory_type: 'working' })).toEqual({ deleted: 1 });
  });

  it('a malformed response is a bad_response naming the operation and the field', async () => {
    server.setFault('surprise', { kind: 'malformed', body: { surprise_score: 'high', is_novel: true, learning_mode: 'x' } });
    const err = await client().surprise(surpriseBody).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'bad_response', operation: 'surprise' });
    expect((err as Error).message).toMatch(/surprise\.calculate .*malformed response: surprise_score: /);
  });

  it('a body that is not JSON is a bad_response too', async () => {
    server.setFault('generate', { kind: 'malformed', body: '<html>proxy error</html>' });
    const err = await client().generate({ prompt: 'x', system_prompt: 'y', temperature: 0.7 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'bad_response', message: expect.stringMatching(/not JSON \(<html>proxy error<\/html>\)/) });
  });

  it('maps statuses: 5xx → unavailable, 429 → rate_limit, 404 → unavailable with a paths hint', async () => {
    server.setFault('route', { kind: 'status', status: 503 });
    server.setFault('generate', { kind: 'status', status: 429 });
    const c = client();
    await expect(c.route({ input: 'x', task_type: 'chat', user_profile: { user_id: 'u' } })).rejects.toMatchObject({ kind: 'unavailable', status: 503 });
    await expect(c.generate({ prompt: 'x', system_prompt: 'y', temperature: 0.7 })).rejects.toMatchObject({ kind: 'rate_limit' });
    await expect(client({ paths: { ...DEFAULT_PATHS, health: '/nope' } }).health()).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('check engines.mbe.paths') });
  });

  it('times out after timeoutMs (kind timeout) and the server sees the request cancelled', async () => {
    server.setFault('generate', { kind: 'delay', ms: 3_000 });
    const started = Date.now();
    const err = await client({ timeoutMs: 200 }).generate({ prompt: 'x', system_prompt: 'y', temperature: 0.7 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', message: expect.stringContaining('timed out after 200 ms') });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect.poll(() => server.requests[0]?.cancelled).toBe(true);
  });

  it('a caller abort is kind aborted, not a timeout', async () => {
    server.setFault('generate', { kind: 'delay', ms: 3_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client().generate({ prompt: 'x', system_prompt: 'y', temperature: 0.7 }, { signal: controller.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('nothing listening → unreachable with the system error code', async () => {
    await expect(client({ url: await deadUrl() }).health()).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('a dropped connection → unreachable', async () => {
    server.setFault('surprise', { kind: 'hangup' });
    await expect(client().surprise(surpriseBody)).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('every path is configurable (server and client agree on custom paths)', async () => {
    const paths: MbePaths = { health: '/h', surprise: '/s', route: '/r', generate: '/g', memoryWrite: '/mw', memoryRead: '/mr', memoryClear: '/mc' };
    const custom = await startReferenceHttpServer({ paths });
    try {
      const c = client({ url: `${custom.url}/`.replace(/\/$/, ''), apiKey: undefined, paths });
      await c.health();
      await c.surprise(surpriseBody);
      await c.memoryRead({ user_id: 'u1', query: 'q', top_k: 1 });
      expect(custom.requests.map((r) => r.op)).toEqual(['health', 'surprise', 'memoryRead']);
    } finally {
      await custom.close();
    }
  });

  it('a key echoed back in an error body is redacted from the error message', async () => {
    server.setFault('health', { kind: 'status', status: 500, body: JSON.stringify({ error: `bad header Bearer ${KEY}` }) });
    const err = (await client().health().catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('bad header Bearer ***');
    expect(err.message).not.toContain(KEY);
  });
});
