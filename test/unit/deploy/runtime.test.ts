/**
 * What the image's runtime stage does, without Docker: `dist/node/main.js` (the esbuild bundle,
 * packages external) next to a node_modules installed with `npm ci --omit=dev
 * --ignore-scripts` from the lockfile — and nothing else from the repository. It must start and
 * answer /healthz, /readyz and /metrics.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/redis-server.js';

const ROOT = path.join(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe('runtime stage: the bundle on production dependencies alone', () => {
  let app: string;

  beforeAll(() => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), 'node'], { cwd: ROOT, stdio: 'pipe' });
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'tcai-runtime-'));
    fs.mkdirSync(path.join(app, 'dist/node'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'dist/node/main.js'), path.join(app, 'dist/node/main.js'));
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) fs.copyFileSync(path.join(ROOT, f), path.join(app, f));
    // As docker/Dockerfile's deps stage (the npm cache makes this quick after the first install).
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, stdio: 'pipe', timeout: 240_000 });
  }, 300_000);
  afterAll(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  it('imports only Node built-ins and production dependencies', () => {
    const code = fs.readFileSync(path.join(app, 'dist/node/main.js'), 'utf8');
    const specifiers = new Set([...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"'./][^"']*)["']/g)].map((m) => m[1]!));
    const builtins = new Set(builtinModules);
    const packages = [...specifiers].filter((s) => !s.startsWith('node:') && !builtins.has(s.split('/')[0]!));
    expect(packages.length).toBeGreaterThan(3);
    for (const s of packages) {
      const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
      expect(pkg.dependencies[name], `${s} is a production dependency`).toBeDefined();
    }
    expect(fs.existsSync(path.join(app, 'node_modules/vitest')), 'no dev dependency installed').toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules/prom-client'))).toBe(true);
  });

  it('starts and serves /healthz, /readyz and /metrics', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/node/main.js'], {
      cwd: app,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_FORMAT: 'json', AI_METRICS_PORT: String(port), HOME: app },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const t0 = Date.now();
      let health: Response | undefined;
      while (!health && Date.now() - t0 < 20_000) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${out}`);
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 200));
      }
      expect(health?.status, out).toBe(200);
      // No Tailchat here: not ready, and it says why.
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toContain('tailchat: not visible');
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('tcai_runs_started_total');
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(out).toContain('"msg":"tailchat-agent starting"');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }, 60_000);
});
