/**
 * The MBE engine with the MCP transport: the reference MCP server runs as a real stdio child
 * (node + tsx, spawned by the official MCP SDK) and forwards to the reference HTTP server, which
 * also serves generation directly. Requests carry the front they came through, so the tests can
 * see which calls went over MCP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMbeEngine, type MbeEngine } from '../../bridge/engine/mbe/engine.js';
import type { EngineEvent } from '../../bridge/engine/types.js';
import { startReferenceHttpServer, type ReferenceHttpServer } from '../mbe-reference/http-server.js';
import { collect, recordingLogger, referenceMcpCommand, request, terminal } from './support.js';

const KEY = 'sk-mbe-mcp-77a0c3e1';
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function referenceServer(): Promise<ReferenceHttpServer> {
  const server = await startReferenceHttpServer({ apiKey: KEY });
  cleanup.push(() => server.close());
  return server;
}

function mcpEngine(server: ReferenceHttpServer, mcp = referenceMcpCommand(server.url, { MBE_API_KEY: KEY })) {
  const logger = recordingLogger();
  const engine = createMbeEngine({ url: server.url, apiKey: KEY, timeoutMs: 5_000, mcp }, logger);
  cleanup.push(() => engine.close());
  return { engine, logger };
}

function httpEngine(server: ReferenceHttpServer) {
  const engine = createMbeEngine({ url: server.url, apiKey: KEY, timeoutMs: 5_000 }, recordingLogger());
  cleanup.push(() => engine.close());
  return engine;
}

const finalOf = (events: EngineEvent[]) => {
  const last = terminal(events);
  if (last.type !== 'final') throw new Error(`expected final, got ${JSON.stringify(last)}`);
  return { text: last.text, badges: last.badges };
};
const ask = async (engine: MbeEngine, prompt: string, userId: string, sessionKey = `dm:${userId}`) =>
  collect(await engine.start(request(prompt, { userId, sessionKey })));

describe('MBE engine over MCP (reference MCP server as a stdio child)', () => {
  it('MCP and HTTP give the same replies and badges; surprise/route/memory go over MCP, generation over HTTP', async () => {
    const server = await referenceServer();
    const overHttp = httpEngine(server);
    const { engine: overMcp } = mcpEngine(server);
    expect(overMcp.transport).toBe('mcp');
    expect(await overMcp.ready()).toMatchObject({ ok: true, detail: expect.stringContaining('transport: mcp') });

    const script = ['how do I debug python code', 'debug python code', 'what drives inflation and market prices'];
    for (const prompt of script) {
      const viaHttp = finalOf(await ask(overHttp, prompt, 'user-http'));
      server.requests.length = 0;
      const viaMcp = finalOf(await ask(overMcp, prompt, 'user-mcp'));
      expect(viaMcp).toEqual(viaHttp);
      expect(server.requests.map((r) => `${r.op}:${r.via}`)).toEqual(['surprise:mcp', 'route:mcp', 'generate:http', 'memoryWrite:mcp']);
    }
    // The MCP child got the key through its env and authenticates its calls like we do.
    expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);

    // One core behind both fronts: the MCP user's memories are what HTTP reads, and vice versa.
    const mcpStats = await overMcp.stats('user-mcp');
    expect(mcpStats).toContain('Conversation records: 3');
    expect(server.requests.at(-1)).toMatchObject({ op: 'memoryRead', via: 'mcp' });
    expect(await overHttp.stats('user-mcp')).toBe(mcpStats);
    expect(await overMcp.stats('user-http')).toBe(await overHttp.stats('user-http'));
  });

  it('degrades the same way over MCP: a failing surprise tool and a malformed route result still reply', async () => {
    const server = await referenceServer();
    const { engine, logger } = mcpEngine(server);
    server.setFault('surprise', { kind: 'status', status: 503 });
    server.setFault('route', { kind: 'malformed', body: { routing_confidence: 2 } });
    const final = finalOf(await ask(engine, 'fix the python bug', 'u1'));
    expect(final.text).toContain('fix the python bug');
    expect(final.badges).toEqual([]);
    const warns = logger.at('warn').map((l) => `${l.message} ${JSON.stringify(l.meta)}`);
    expect(warns.some((w) => w.includes('surprise.calculate failed') && w.includes('mbe_surprise') && w.includes('503'))).toBe(true);
    expect(warns.some((w) => w.includes('route.select failed') && w.includes('bad_response'))).toBe(true);
  });

  it('restarts the MCP server after it exits (reconnect) and re-checks its tools', async () => {
    const server = await referenceServer();
    const { engine, logger } = mcpEngine(server);
    await ask(engine, 'hello', 'u1');
    const health = await engine.health();
    const pid = Number(/pid (\d+)/.exec(health.detail)?.[1]);
    expect(pid).toBeGreaterThan(0);

    process.kill(pid, 'SIGKILL');
    await expect.poll(() => logger.at('warn').some((l) => l.message.includes('MBE MCP server exited'))).toBe(true);

    server.requests.length = 0;
    const final = finalOf(await ask(engine, 'hello again', 'u1'));
    expect(final.text).toContain('hello again');
    expect(server.requests.map((r) => `${r.op}:${r.via}`)).toEqual(['surprise:mcp', 'route:mcp', 'generate:http', 'memoryWrite:mcp']);
    expect(logger.at('info').some((l) => l.message === 'restarting the MBE MCP server')).toBe(true);
    expect(Number(/pid (\d+)/.exec((await engine.health()).detail)?.[1])).not.toBe(pid);
  });

  it('an MCP server that will not start: admins see it, replies still come (generation is HTTP)', async () => {
    const server = await referenceServer();
    const { engine, logger } = mcpEngine(server, { command: process.execPath, args: ['-e', 'process.exit(3)'], cwd: process.cwd(), env: {} });
    const ready = await engine.ready();
    expect(ready.ok).toBe(false);
    expect(ready.detail).toMatch(/transport: mcp \(server "node" not running/);
    expect(logger.at('error').some((l) => l.message === 'could not start the MBE MCP server')).toBe(true);
    expect(logger.at('error').some((l) => l.message === 'MBE is unhealthy')).toBe(true);

    const final = finalOf(await ask(engine, 'hello', 'u1'));
    expect(final.text).toContain('hello');
    expect(logger.at('info').find((l) => l.message === 'MBE reply')?.meta).toMatchObject({ degraded: ['surprise', 'route', 'memoryWrite'] });
    expect(await engine.stats('u1')).toMatch(/unavailable/);
  });

  it('a slow MCP tool call times out (kind timeout) and is skipped; a stop cancels an MCP call', async () => {
    const server = await referenceServer();
    const logger = recordingLogger();
    const engine = createMbeEngine({ url: server.url, apiKey: KEY, timeoutMs: 1_500, mcp: referenceMcpCommand(server.url, { MBE_API_KEY: KEY }) }, logger);
    cleanup.push(() => engine.close());
    expect((await engine.ready()).ok).toBe(true);

    server.setFault('route', { kind: 'delay', ms: 4_000 });
    const final = finalOf(await ask(engine, 'fix the python bug', 'u1'));
    expect(final.text).toContain('fix the python bug');
    expect(logger.at('warn').find((l) => l.message.includes('route.select failed'))?.meta).toMatchObject({ kind: 'timeout' });

    server.clearFaults();
    server.setFault('surprise', { kind: 'delay', ms: 4_000 });
    const req = request('stop me', { userId: 'u1', sessionKey: 'dm:u1' });
    const done = collect(await engine.start(req));
    await expect.poll(() => server.requests.some((r) => r.op === 'surprise' && r.via === 'mcp' && r.body && JSON.stringify(r.body).includes('stop me'))).toBe(true);
    expect(await engine.abort('dm:u1')).toBe(true);
    expect(terminal(await done)).toEqual({ type: 'aborted', reason: 'stopped by user' });
  });

  it('reset goes over HTTP (no MCP clear tool) and the MCP surprise sees it', async () => {
    const server = await referenceServer();
    const { engine } = mcpEngine(server);
    await ask(engine, 'debug python code', 'u1', 'group:g1');
    expect(finalOf(await ask(engine, 'debug python code', 'u1', 'group:g1')).badges?.map((b) => b.kind)).toEqual(['expert']);
    await engine.reset('group:g1');
    expect(server.requests.at(-1)).toMatchObject({ op: 'memoryClear', via: 'http' });
    expect(finalOf(await ask(engine, 'debug python code', 'u1', 'group:g1')).badges?.map((b) => b.kind)).toEqual(['novelty', 'expert']);
  });
});
