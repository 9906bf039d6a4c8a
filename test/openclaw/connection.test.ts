/**
 * Connection-level pieces without a gateway: error classification (incl. pairing), the device
 * identity file, log redaction, session keys and settings.
 */
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDeviceAuthPayloadV3 } from '@openclaw/gateway-client';
import { parseOpenClawSettings, tokenFromEnv } from '../../bridge/engine/openclaw/config.js';
import { createGatewayConnection, defaultCaps, defaultScopes } from '../../bridge/engine/openclaw/connection.js';
import { deviceIdFromPublicKeyPem, loadOrCreateDeviceIdentity } from '../../bridge/engine/openclaw/device-identity.js';
import { connectErrorToEngineError, requestErrorToEngineError } from '../../bridge/engine/openclaw/errors.js';
import { createRedactor, redactingLogger } from '../../bridge/engine/openclaw/logger.js';
import { canonicalSessionKey } from '../../bridge/engine/openclaw/session-key.js';
import { createOpenClawEngine } from '../../bridge/engine/openclaw/engine.js';
import { freePort } from './gateway.js';
import { EngineError, type EngineEvent } from '../../bridge/engine/types.js';

const URL_ = 'ws://127.0.0.1:18789';
const dir = mkdtempSync(join(tmpdir(), 'openclaw-conn-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('connect errors', () => {
  it('wrong token (as the gateway sends it) → auth with an admin hint', () => {
    // recorded from openclaw 2026.9.6
    const err = Object.assign(new Error('unauthorized: gateway token mismatch (provide gateway auth token)'), {
      code: 'INVALID_REQUEST',
      gatewayCode: 'INVALID_REQUEST',
      details: { code: 'AUTH_TOKEN_MISMATCH', authReason: 'token_mismatch', canRetryWithDeviceToken: false, recommendedNextStep: 'update_auth_credentials' },
    });
    const mapped = connectErrorToEngineError(err, URL_);
    expect(mapped).toBeInstanceOf(EngineError);
    expect(mapped.kind).toBe('auth');
    expect(mapped.code).toBe('AUTH_TOKEN_MISMATCH');
    expect(mapped.message).toContain(URL_);
    expect(mapped.adminHint).toContain('OPENCLAW_GATEWAY_TOKEN');
  });

  it('PAIRING_REQUIRED → auth with the request id and the exact approve command', () => {
    const err = Object.assign(new Error('pairing required'), {
      code: 'NOT_PAIRED',
      gatewayCode: 'NOT_PAIRED',
      details: { code: 'PAIRING_REQUIRED', reason: 'not-paired', requestId: 'req-7f3a', recommendedNextStep: 'wait_then_retry' },
    });
    const mapped = connectErrorToEngineError(err, URL_);
    expect(mapped.kind).toBe('auth');
    expect(mapped.requestId).toBe('req-7f3a');
    expect(mapped.message).toContain('req-7f3a');
    expect(mapped.adminHint).toContain('openclaw devices approve req-7f3a');
  });

  it('gateway down → unavailable', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18789'), { code: 'ECONNREFUSED' });
    expect(connectErrorToEngineError(err, URL_).kind).toBe('unavailable');
  });

  it('request errors: missing scope → auth, timeouts → timeout, unknown agent → unknown with hint', () => {
    const forbidden = Object.assign(new Error('missing scope: operator.admin'), { code: 'FORBIDDEN', gatewayCode: 'FORBIDDEN', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] } });
    const m1 = requestErrorToEngineError(forbidden, 'sessions.reset');
    expect(m1.kind).toBe('auth');
    expect(m1.message).toContain('operator.admin');
    expect(requestErrorToEngineError(Object.assign(new Error('t'), { code: 'CLIENT_TIMEOUT' }), 'chat.send').kind).toBe('timeout');
    const agent = requestErrorToEngineError(Object.assign(new Error('Unknown agent id "nosuch"'), { code: 'INVALID_REQUEST', gatewayCode: 'INVALID_REQUEST' }), 'chat.send');
    expect(agent.kind).toBe('unknown');
    expect(agent.adminHint).toBeDefined();
    expect(requestErrorToEngineError(new Error('gateway not connected'), 'chat.send').kind).toBe('unavailable');
  });
});

describe('engine without a gateway', () => {
  it('gateway down → the run says it is reconnecting, then fails as unreachable after the window; health says why; a missing token → auth', async () => {
    const port = await freePort();
    const engine = createOpenClawEngine({ url: `ws://127.0.0.1:${port}`, token: 'c'.repeat(64), reconnectWindowMs: 1_500 });
    try {
      const run = await engine.start({ runId: 'r1', sessionKey: 'tailchat:group:x', prompt: 'hi', requester: { userId: 'u' }, origin: { converseId: 'c', messageId: 'm' } });
      const events: EngineEvent[] = [];
      for await (const e of run) events.push(e);
      expect(events).toEqual([
        { type: 'status', phase: 'reconnecting' },
        { type: 'error', kind: 'unavailable', cause: 'engine-unreachable', message: 'The OpenClaw gateway stayed unreachable for 1.5 s.' },
      ]);
      const health = await engine.health();
      expect(health.ok).toBe(false);
      expect(health.detail).not.toContain('c'.repeat(64));
    } finally {
      await engine.close();
    }
    expect(() => createOpenClawEngine({ url: `ws://127.0.0.1:${port}` })).toThrow(/No OpenClaw gateway token/);
  });

  it('the very first handshake refused (wrong token): start() fails with the refusal at once, no run waits', async () => {
    const refused = Object.assign(new Error('unauthorized: gateway token mismatch'), { code: 'INVALID_REQUEST', gatewayCode: 'INVALID_REQUEST', details: { code: 'AUTH_TOKEN_MISMATCH' } });
    const engine = createOpenClawEngine({ url: URL_, token: 'c'.repeat(64) }, undefined, {
      createConnection: (o) =>
        createGatewayConnection({
          ...o,
          createClient: (client) => ({
            start: () => void setTimeout(() => client.onConnectError?.(refused), 5),
            stop: () => undefined,
            stopAndWait: async () => undefined,
            request: async () => Promise.reject(new Error('not connected')),
          }),
        }),
    });
    try {
      const err = await engine.start({ runId: 'r1', sessionKey: 'tailchat:group:x', prompt: 'hi', requester: { userId: 'u' }, origin: { converseId: 'c', messageId: 'm' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect(err).toMatchObject({ kind: 'auth', adminHint: expect.stringContaining('OPENCLAW_GATEWAY_TOKEN') });
    } finally {
      await engine.close();
    }
  });
});

describe('device identity', () => {
  it('persists an Ed25519 identity (0600), reloads it, and signs what the official client builds', () => {
    const path = join(dir, 'nested', 'device.json');
    const first = loadOrCreateDeviceIdentity(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = loadOrCreateDeviceIdentity(path);
    expect(again.identity.deviceId).toBe(first.identity.deviceId);
    expect(first.identity.deviceId).toMatch(/^[a-f0-9]{64}$/);
    expect(deviceIdFromPublicKeyPem(first.identity.publicKeyPem)).toBe(first.identity.deviceId);

    const deps = first.hostDeps();
    const raw = Buffer.from(deps.publicKeyRawBase64UrlFromPem!(first.identity.publicKeyPem), 'base64url');
    expect(raw.length).toBe(32);
    const payload = buildDeviceAuthPayloadV3({ deviceId: first.identity.deviceId, clientId: 'gateway-client', clientMode: 'backend', role: 'operator', scopes: ['operator.read'], signedAtMs: 1, token: null, nonce: 'n', platform: 'linux' });
    const signature = Buffer.from(deps.signDevicePayload!(first.identity.privateKeyPem, payload), 'base64url');
    expect(verify(null, Buffer.from(payload), createPublicKey(first.identity.publicKeyPem), signature)).toBe(true);

    deps.storeDeviceAuthToken!({ deviceId: first.identity.deviceId, role: 'operator', token: 'device-token-abc123', scopes: ['operator.read'] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDeviceIdentity(path).hostDeps().loadDeviceAuthToken!({ deviceId: first.identity.deviceId, role: 'operator' })).toEqual({ token: 'device-token-abc123', scopes: ['operator.read'] });
    deps.clearDeviceAuthToken!({ deviceId: first.identity.deviceId, role: 'operator' });
    expect(JSON.parse(readFileSync(path, 'utf8')).tokens).toEqual({});
  });
});

describe('redaction, scopes, keys, settings', () => {
  it('never lets the token through a log line', () => {
    const token = 'a3f9'.repeat(16);
    const lines: string[] = [];
    const log = redactingLogger({ info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) }, createRedactor(() => [token]));
    log.error(`connect failed with token ${token} and ${token.slice(0, 40)}xyz`, { t: token });
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain(token.slice(0, 40));
  });

  it('asks only for the scopes and caps it uses', () => {
    expect(defaultScopes(false)).toEqual(['operator.read', 'operator.write']);
    expect(defaultCaps(false)).toEqual(['tool-events']);
    expect(defaultScopes(true)).toEqual(['operator.read', 'operator.write', 'operator.approvals']);
    expect(defaultCaps(true)).toEqual(['tool-events', 'exec-approvals']);
  });

  it('canonical session keys', () => {
    expect(canonicalSessionKey('tailchat:group:X', 'main')).toBe('agent:main:tailchat:group:x');
    expect(canonicalSessionKey('agent:coder:tailchat:group:x', 'main')).toBe('agent:coder:tailchat:group:x');
    expect(() => canonicalSessionKey('x'.repeat(600), 'main')).toThrow();
  });

  it('settings: defaults and the token from env or a secret file', () => {
    const s = parseOpenClawSettings({});
    expect(s).toMatchObject({ url: 'ws://127.0.0.1:18789', auth: 'token', approvals: false, defaultAgentId: 'main', requestTimeoutMs: 30_000 });
    expect(() => parseOpenClawSettings({ url: 'http://x' })).toThrow();
    expect(tokenFromEnv({ OPENCLAW_GATEWAY_TOKEN: ' abc ' })).toBe('abc');
    expect(tokenFromEnv({ OPENCLAW_GATEWAY_TOKEN_FILE: '/secret' }, () => 'from-file\n')).toBe('from-file');
    expect(tokenFromEnv({})).toBeUndefined();
  });
});
