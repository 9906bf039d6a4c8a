import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../../../config/load.js';
import { accessConfigFrom } from '../../../bridge/policy/authorize.js';
import { parseOpenClawSettings } from '../../../bridge/engine/openclaw/config.js';

describe('loadConfig', () => {
  it('fills every default from an empty config', () => {
    const c = loadConfig({}, {});
    expect(c.transporter.namespace).toBe('tailchat');
    expect(c.engines.default).toBe('scripted');
    expect(c.groupDefaults.trigger).toBe('mention');
    expect(c.stream.intervalMs).toBe(250);
  });

  it('bounds an ordinary user cannot grow: attempts, runs per user, tool output per run, metric agents', () => {
    const d = loadConfig({}, {});
    expect(d.limits).toMatchObject({ maxAttempts: 20, maxRunsPerUser: 10, toolOutputPerRun: { maxCalls: 200, maxBytes: 4 * 1024 * 1024 } });
    expect(d.observability.agents).toEqual([]);
    const e = loadConfig({}, { AI_MAX_ATTEMPTS: '5', AI_MAX_RUNS_PER_USER: '1', AI_TOOL_OUTPUT_MAX_CALLS: '10', AI_TOOL_OUTPUT_MAX_BYTES: '1000', AI_METRICS_AGENTS: 'main,helper' });
    expect(e.limits).toMatchObject({ maxAttempts: 5, maxRunsPerUser: 1, toolOutputPerRun: { maxCalls: 10, maxBytes: 1000 } });
    expect(e.observability.agents).toEqual(['main', 'helper']);
    expect(() => loadConfig({}, { AI_MAX_ATTEMPTS: '0' })).toThrow(/maxAttempts/);
  });

  it('lets env override file values, with types parsed', () => {
    const c = loadConfig(
      { engines: { default: 'scripted' } },
      { TRANSPORTER: 'nats://127.0.0.1:4222', AI_ENGINE: 'openclaw', AI_STREAM_INTERVAL_MS: '100', AI_DM_ENABLED: 'false' },
    );
    expect(c.transporter.url).toBe('nats://127.0.0.1:4222');
    expect(c.engines.default).toBe('openclaw');
    expect(c.stream.intervalMs).toBe(100);
    expect(c.dm.enabled).toBe(false);
  });

  it('the OpenClaw reconnect window: 2 minutes by default, from env, reaching the engine settings', () => {
    expect(loadConfig({}, {}).engines.openclaw.reconnectWindowMs).toBe(120_000);
    const c = loadConfig({}, { OPENCLAW_RECONNECT_WINDOW_MS: '300000' });
    expect(c.engines.openclaw.reconnectWindowMs).toBe(300_000);
    expect(parseOpenClawSettings(c.engines.openclaw).reconnectWindowMs).toBe(300_000);
    expect(() => loadConfig({}, { OPENCLAW_RECONNECT_WINDOW_MS: '-1' })).toThrow(/reconnectWindowMs/);
  });

  it('reads DM access and global approvers from env; dm.enabled false still means nobody', () => {
    const c = loadConfig({}, { AI_DM_ACCESS: 'listed', AI_DM_ALLOWED_USERS: 'u1,u2', AI_GLOBAL_APPROVERS: 'u1' });
    expect(accessConfigFrom(c)).toEqual({ dm: { access: 'listed', allowedUsers: ['u1', 'u2'] }, globalApprovers: ['u1'] });
    expect(accessConfigFrom(loadConfig({}, {}))).toEqual({ dm: { access: 'everyone', allowedUsers: [] }, globalApprovers: [] });
    expect(accessConfigFrom(loadConfig({}, { AI_DM_ENABLED: 'false', AI_DM_ACCESS: 'everyone' })).dm.access).toBe('nobody');
    expect(() => loadConfig({}, { AI_DM_ACCESS: 'friends' })).toThrow(/dm\.access/);
  });

  it('names every bad key, where it came from, and why, in one error', () => {
    let error: unknown;
    try {
      loadConfig({ stream: { intervalMs: 1 } }, { TRANSPORTER: 'http://x', AI_ENGINE: 'gpt', AI_MAX_PROMPT_CHARS: 'lots' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const err = error as ConfigError;
    const keys = err.issues.map((i) => i.key).sort();
    expect(keys).toEqual(['engines.default', 'limits.maxPromptChars', 'stream.intervalMs', 'transporter.url']);
    expect(err.message).toContain('transporter.url (env TRANSPORTER)');
    expect(err.message).toContain('limits.maxPromptChars (env AI_MAX_PROMPT_CHARS): "lots" is not a number');
    expect(err.message).toContain('stream.intervalMs (tailchat.config.ts)');
  });

  it('reads secrets from *_FILE and refuses secrets written in the config file', () => {
    const c = loadConfig({}, { OPENCLAW_GATEWAY_TOKEN_FILE: '/run/secrets/gw' }, (p) => (p === '/run/secrets/gw' ? 'tok-123\n' : ''));
    expect(c.engines.openclaw.token).toBe('tok-123');
    expect(() => loadConfig({ engines: { openclaw: { token: 'in-file' } } }, {})).toThrow(/is a secret: set it with env OPENCLAW_GATEWAY_TOKEN/);
  });

  it('reports an unreadable secret file without crashing', () => {
    expect(() =>
      loadConfig({}, { MBE_API_KEY_FILE: '/nope' }, () => {
        throw Object.assign(new Error('x'), { code: 'ENOENT' });
      }),
    ).toThrow(/engines.mbe.apiKey \(env MBE_API_KEY_FILE\): cannot read secret file \/nope: ENOENT/);
  });

  it('redacts secrets for logging', () => {
    const c = loadConfig({}, { OPENCLAW_GATEWAY_TOKEN: 'super-secret', MBE_API_KEY: 'k' });
    const shown = JSON.stringify(redactConfig(c));
    expect(shown).not.toContain('super-secret');
    expect(shown).toContain('[redacted]');
    expect(c.engines.openclaw.token).toBe('super-secret');
  });

  it('the shipped tailchat.config.ts is valid', async () => {
    const { getConfig } = await import('../../../config/index.js');
    expect(getConfig({}).bot.id).toBe('com.yourcompany.ai');
  });
});
