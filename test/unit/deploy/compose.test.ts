/**
 * docker-compose.yml, checked without a Docker engine: parsed with `yaml`, then the rules an admin
 * relies on — the gateway is never published, secrets arrive as files, every variable the bundle
 * gets is one it reads, health checks hit /healthz. The OpenClaw config it mounts is validated by
 * the pinned OpenClaw release itself (`openclaw config validate`), and the plugin-store entry is
 * the frontend's own manifest.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_OVERRIDES } from '../../../config/env.js';

const ROOT = path.join(__dirname, '../../..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean>;
  ports?: unknown[];
  expose?: unknown[];
  networks?: string[] | Record<string, unknown>;
  secrets?: Array<string | { source: string; target?: string }>;
  configs?: Array<string | { source: string; target?: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  user?: string;
  depends_on?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  configs?: Record<string, { file?: string }>;
  networks?: Record<string, { internal?: boolean } | null>;
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
const svc = compose.services;
const networksOf = (s: Service) => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {}));
const agent = svc['tailchat-agent']!;
const gateway = svc.openclaw!;

describe('docker-compose.yml', () => {
  it("runs Tailchat's official stack, this service and the OpenClaw gateway", () => {
    expect(Object.keys(svc).sort()).toEqual(['minio', 'mongo', 'openclaw', 'redis', 'tailchat', 'tailchat-agent'].sort());
    expect(agent.build).toEqual({ context: '.', dockerfile: 'docker/Dockerfile' });
    expect(gateway.image).toMatch(/openclaw\/openclaw:\d{4}\.\d+\.\d+\}?$/);
  });

  it('never publishes the gateway; it shares only a private (internal) network with the bridge', () => {
    expect(gateway.ports).toBeUndefined();
    for (const [name, s] of Object.entries(svc)) {
      for (const p of s.ports ?? []) expect(String(p), `${name} publishes ${String(p)}`).not.toMatch(/18789/);
    }
    const shared = networksOf(gateway).filter((n) => networksOf(agent).includes(n));
    expect(shared.length).toBeGreaterThan(0);
    for (const n of shared) expect(compose.networks?.[n]?.internal, `network ${n} is internal`).toBe(true);
    // Nothing but the bridge can reach the gateway.
    for (const [name, s] of Object.entries(svc)) {
      if (name === 'tailchat-agent' || name === 'openclaw') continue;
      for (const n of networksOf(gateway)) expect(networksOf(s), `${name} is not on ${n}`).not.toContain(n);
    }
    expect(agent.environment?.OPENCLAW_GATEWAY_URL).toBe('ws://openclaw:18789');
  });

  it('publishes only Tailchat itself (not the metrics port, not the databases)', () => {
    const published = Object.entries(svc).filter(([, s]) => (s.ports ?? []).length > 0).map(([n]) => n);
    expect(published).toEqual(['tailchat']);
  });

  it('gives the bridge only variables config/env.ts knows, and secrets only as files', () => {
    const known = new Map(ENV_OVERRIDES.map((o) => [o.env, o]));
    const secretFiles = new Set(ENV_OVERRIDES.filter((o) => o.secret).map((o) => `${o.env}_FILE`));
    for (const [name, value] of Object.entries(agent.environment ?? {})) {
      expect(known.has(name) || secretFiles.has(name), `${name} is read by the bundle (config/env.ts)`).toBe(true);
      expect(known.get(name)?.secret, `${name} must be given as ${name}_FILE`).toBeFalsy();
      if (secretFiles.has(name)) {
        const secret = String(value).replace(/^\/run\/secrets\//, '');
        expect(String(value)).toMatch(/^\/run\/secrets\//);
        expect(agent.secrets).toContain(secret);
        expect(compose.secrets?.[secret]?.file, `${secret} comes from a file`).toBeDefined();
      }
    }
    expect(agent.environment?.OPENCLAW_GATEWAY_TOKEN_FILE).toBeDefined();
    // The gateway's token is the same Docker secret, read by OpenClaw from the file (not from env).
    expect(gateway.secrets).toContain('openclaw_gateway_token');
    expect(Object.keys(gateway.environment ?? {})).not.toContain('OPENCLAW_GATEWAY_TOKEN');
    // Each secret is a file; no literal secret value anywhere in the file.
    for (const [name, s] of Object.entries(compose.secrets ?? {})) expect(s.file, name).toMatch(/^\.\/secrets\//);
    const raw = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(raw).not.toMatch(/(SECRET|PASS|PASSWORD|TOKEN|KEY):\s*(?!\$\{)[^\s#]+\s*$/m);
  });

  it('joins Tailchat through its Redis transporter and namespace', () => {
    const url = new URL(String(agent.environment?.TRANSPORTER));
    expect(url.protocol).toBe('redis:');
    expect(svc[url.hostname], `${url.hostname} is a service`).toBeDefined();
    expect(networksOf(svc[url.hostname]!).some((n) => networksOf(agent).includes(n))).toBe(true);
    expect(svc.tailchat!.environment?.TRANSPORTER).toBe(agent.environment?.TRANSPORTER);
    expect(agent.environment?.TAILCHAT_NAMESPACE).toBe('tailchat');
  });

  it('health-checks the bridge on /healthz at its metrics port, reachable (not published) for Prometheus', () => {
    const test = [agent.healthcheck?.test ?? []].flat().join(' ');
    expect(test).toContain(`http://127.0.0.1:${agent.environment?.AI_METRICS_PORT}/healthz`);
    expect(agent.environment?.AI_METRICS_HOST).toBe('0.0.0.0');
    expect(agent.user ?? '', 'the image user (node) is kept').not.toMatch(/^(root|0)/);
  });

  it('serves the frontend plugin from Tailchat at /plugins/com.yourcompany.ai/ and lists it in the store', () => {
    const volumes = svc.tailchat!.volumes ?? [];
    expect(volumes).toContain('./dist/plugins/com.yourcompany.ai:/app/tailchat/server/dist/public/plugins/com.yourcompany.ai:ro');
    expect(volumes).toContain('./docker/registry-be.json:/app/tailchat/server/dist/public/registry-be.json:ro');
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'plugins/com.yourcompany.ai/manifest.json'), 'utf8'));
    const registry = JSON.parse(fs.readFileSync(path.join(ROOT, 'docker/registry-be.json'), 'utf8'));
    expect(registry).toEqual([manifest]);
    expect(manifest.url).toBe('{BACKEND}/plugins/com.yourcompany.ai/index.js');
  });

  it('mounts an OpenClaw config that the pinned OpenClaw accepts, reading the token from the secret file', () => {
    const cfg = compose.configs?.openclaw_config?.file;
    expect(cfg).toBe('./docker/openclaw.json5');
    const target = (gateway.configs as Array<{ source: string; target: string }>)[0]!.target;
    expect(gateway.environment?.OPENCLAW_CONFIG_PATH).toBe(target);
    const json5 = fs.readFileSync(path.join(ROOT, cfg!), 'utf8');
    expect(json5).toContain('path: "/run/secrets/openclaw_gateway_token"');
    expect(json5).toMatch(/bind: "lan"/);

    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-validate-'));
    try {
      const out = execFileSync(path.join(ROOT, 'node_modules/.bin/openclaw'), ['config', 'validate', '--json'], {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          OPENCLAW_HOME: home,
          OPENCLAW_STATE_DIR: path.join(home, 'state'),
          XDG_CACHE_HOME: path.join(home, 'cache'),
          OPENCLAW_CONFIG_PATH: path.join(ROOT, cfg!),
          OPENCLAW_CONFIG_READONLY: '1',
          OPENCLAW_NO_AUTO_UPDATE: '1',
          DO_NOT_TRACK: '1',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const result = JSON.parse(out.slice(out.indexOf('{'))) as { valid: boolean; issues?: unknown };
      expect(result, JSON.stringify(result)).toMatchObject({ valid: true });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 90_000);
});
