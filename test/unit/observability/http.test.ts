import moleculer from 'moleculer';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineRegistry } from '../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../bridge/engine/scripted/engine.js';
import { startObservabilityServer, type ObservabilityServer, type Readiness } from '../../../bridge/observability/http.js';
import { loadConfig } from '../../../config/load.js';
import { createReadiness, startObservability, TAILCHAT_SERVICES } from '../../../services/node/observability.js';
import { RUNNER_SERVICE } from '../../../services/names.js';

const servers: ObservabilityServer[] = [];
const brokers: moleculer.ServiceBroker[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(brokers.splice(0).map((b) => b.stop()));
});

describe('observability endpoint', () => {
  it('serves /healthz, /readyz (200 or 503 with a reason) and /metrics in the Prometheus text format', async () => {
    let state: Readiness = { ready: false, reason: 'tailchat: not visible: user', checks: { tailchat: { ok: false, detail: 'not visible: user' } } };
    const server = await startObservabilityServer({ port: 0, host: '127.0.0.1', ready: async () => state });
    servers.push(server);
    const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;

    const health = await fetch(url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    let ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', reason: 'tailchat: not visible: user', checks: state.checks });
    state = { ready: true, checks: { tailchat: { ok: true, detail: 'core services visible' } } };
    ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    const metrics = await fetch(url('/metrics'));
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('# TYPE tcai_runs_started_total counter');

    expect((await fetch(url('/nope'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
  });

  it('is off with port 0, binds loopback by default, and survives a busy port', async () => {
    const errors: string[] = [];
    const logger = { info() {}, error: (m: string) => void errors.push(m) };
    const broker = new moleculer.ServiceBroker({ logger: false });
    expect(await startObservability({ broker, config: loadConfig({ observability: { port: 0 } }, {}), logger })).toBeUndefined();

    const first = (await startObservability({ broker, config: loadConfig({}, { AI_METRICS_PORT: String(await freePort()) }), logger }))!;
    servers.push(first);
    expect(first.host).toBe('127.0.0.1');
    expect(loadConfig({}, { AI_METRICS_HOST: '0.0.0.0' }).observability.host).toBe('0.0.0.0');
    // Same port again: logged, no endpoint, no crash.
    expect(await startObservability({ broker, config: loadConfig({}, { AI_METRICS_PORT: String(first.port) }), logger })).toBeUndefined();
    expect(errors.join('\n')).toContain(`cannot serve metrics and health on 127.0.0.1:${first.port}`);
  });
});

describe('readiness', () => {
  /** Stand-ins named like Tailchat's core services, on the same local broker. */
  const tailchatStandIns = () => TAILCHAT_SERVICES.map((name) => ({ name, actions: { ping: () => 'pong' } }));

  it('is ready once the broker runs, Tailchat is visible and the default engine is healthy', async () => {
    const broker = new moleculer.ServiceBroker({ logger: false });
    brokers.push(broker);
    let healthy = true;
    const engines = createEngineRegistry({ scripted: () => ({ ...createScriptedEngine({ chunkDelayMs: 1, chunkChars: 8, label: 'x' }), health: async () => ({ ok: healthy, detail: healthy ? 'fine' : 'gateway down' }) }) });
    const ready = createReadiness({ broker, config: loadConfig({}, {}), engines, engineCacheMs: 0 });

    let r = await ready();
    expect(r.ready).toBe(false);
    expect(r.checks.broker).toEqual({ ok: false, detail: 'starting' });

    await broker.start();
    r = await ready();
    expect(r.ready).toBe(false);
    expect(r.reason).toBe(`tailchat: not visible: ${TAILCHAT_SERVICES.join(', ')}`);

    for (const s of tailchatStandIns()) broker.createService(s);
    await broker.waitForServices(TAILCHAT_SERVICES, 5_000);
    r = await ready();
    expect(r).toMatchObject({ ready: true, checks: { broker: { ok: true }, tailchat: { ok: true }, engine: { ok: true, detail: 'scripted: fine' } } });

    healthy = false;
    r = await ready();
    expect(r.ready).toBe(false);
    expect(r.reason).toBe('engine: scripted: gateway down');
  });

  it('a chat-only instance needs a visible runner instead of an engine', async () => {
    const broker = new moleculer.ServiceBroker({ logger: false });
    brokers.push(broker);
    for (const s of tailchatStandIns()) broker.createService(s);
    await broker.start();
    const ready = createReadiness({ broker, config: loadConfig({ role: 'chat' }, {}) });
    expect((await ready()).reason).toBe(`runner: no ${RUNNER_SERVICE} instance visible`);
    broker.createService({ name: RUNNER_SERVICE, actions: { health: () => ({}) } });
    await broker.waitForServices([RUNNER_SERVICE], 5_000);
    expect((await ready()).ready).toBe(true);
  });

  it('an engine that never answers fails readiness within the timeout', async () => {
    const broker = new moleculer.ServiceBroker({ logger: false });
    brokers.push(broker);
    for (const s of tailchatStandIns()) broker.createService(s);
    await broker.start();
    const engines = createEngineRegistry({ scripted: () => ({ ...createScriptedEngine({ chunkDelayMs: 1, chunkChars: 8, label: 'x' }), health: () => new Promise(() => undefined) }) });
    const r = await createReadiness({ broker, config: loadConfig({}, {}), engines, engineTimeoutMs: 50 })();
    expect(r.reason).toBe('engine: scripted: no health answer within 50 ms');
  });
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
