import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load.js';
import { createLogFormatter, secretsOf } from '../../../services/node/log-format.js';

const printArgs = (args: unknown[]) => args.map((a) => (typeof a === 'object' ? JSON.stringify(a) : a));
const ROOT = path.join(__dirname, '../../..');

describe('log lines', () => {
  const config = loadConfig({}, {
    OPENCLAW_GATEWAY_TOKEN: 'oc-token-"quoted"-9f8e7d',
    MBE_API_KEY: 'mbe-key-123456',
    TRANSPORTER: 'redis://agent:tr4nsp0rt-pw@redis:6379',
  });

  it('json: one object per line with the fields as keys, never a secret', () => {
    const format = createLogFormatter('json', secretsOf(config));
    const [line] = format('warn', ['engine run failed', { runId: 'r1', error: new Error('bad token oc-token-"quoted"-9f8e7d'), url: 'redis://agent:tr4nsp0rt-pw@redis:6379' }], { nodeID: 'n1', mod: 'runner' }, { printArgs });
    expect(line).not.toContain('\n');
    const record = JSON.parse(line!);
    expect(record).toMatchObject({ level: 'warn', msg: 'engine run failed', runId: 'r1', nodeID: 'n1', mod: 'runner' });
    expect(record.error.message).toBe('bad token [redacted]');
    expect(line).not.toMatch(/9f8e7d|tr4nsp0rt-pw/);
    expect(typeof record.time).toBe('string');
  });

  it('json: a field never overwrites the line keys; circular values do not break the line', () => {
    const format = createLogFormatter('json', []);
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    const record = JSON.parse(format('info', ['hello', { level: 'fake', loop }], { nodeID: 'n', mod: 'm' }, { printArgs })[0]!);
    expect(record.level).toBe('info');
    expect(record.loop).toEqual({ a: 1, self: '[circular]' });
  });

  it('short: readable, also redacted', () => {
    const format = createLogFormatter('short', secretsOf(config));
    const [line] = format('info', ['key is', 'mbe-key-123456'], { nodeID: 'n', mod: 'broker' }, { printArgs });
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}Z\] INFO  BROKER: key is \[redacted\]$/);
  });

  it('the real process with LOG_FORMAT=json prints only JSON lines, and no secret even while everything fails', async () => {
    const secrets = { token: 'gw-secret-token-5a4b3c2d1e', key: 'mbe-secret-key-0f1e2d3c', redisPw: 'redis-pw-7g6h5j' };
    const port = await freePort();
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'services/node/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        AI_METRICS_PORT: String(port),
        TRANSPORTER: '',
        // Nothing listens on port 9: the shared Redis and the OpenClaw client fail and log.
        AI_REDIS_URL: `redis://default:${secrets.redisPw}@127.0.0.1:9`,
        AI_ENGINE: 'openclaw',
        OPENCLAW_GATEWAY_URL: 'ws://127.0.0.1:9',
        OPENCLAW_GATEWAY_TOKEN: secrets.token,
        OPENCLAW_APPROVALS: 'false',
        MBE_API_KEY: secrets.key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      // /readyz creates the default engine (OpenClaw), which then fails to connect.
      const t0 = Date.now();
      let ready: { status?: string; checks?: { engine?: { detail: string } } } = {};
      while (Date.now() - t0 < 15_000) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.json(), () => ({}));
        if (ready.checks?.engine && /openclaw/.test(ready.checks.engine.detail) && /127\.0\.0\.1:9/.test(out)) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(ready.status).toBe('not ready');
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }

    const lines = out.split('\n').filter((l) => l.trim() !== '' && !/^npm warn/.test(l));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    expect(out).toContain('tailchat-agent starting');
    for (const s of Object.values(secrets)) expect(out).not.toContain(s);
  }, 30_000);
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
