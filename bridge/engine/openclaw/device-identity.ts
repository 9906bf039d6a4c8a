/**
 * A persisted Ed25519 device identity for gateway device auth, plus the device tokens the gateway
 * issues for it. One JSON file, mode 0600, written atomically. The signing callbacks are the
 * host-owned parts of `GatewayClientHostDeps`; the payload itself is built by the official client
 * (`buildDeviceAuthPayloadV3`).
 *
 * device.id = hex SHA-256 of the raw 32-byte public key; publicKey on the wire = base64url raw key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceAuthTokenRecord, DeviceIdentity, GatewayClientHostDeps } from '@openclaw/gateway-client';

interface StoredFile {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
  /** Device tokens by `${role}`. */
  tokens: Record<string, { token: string; scopes: string[] }>;
}

export interface DeviceIdentityStore {
  readonly path: string;
  readonly identity: DeviceIdentity;
  /** Secrets held by the store (for log redaction). */
  secrets(): string[];
  /** The host callbacks the official client needs for device auth. */
  hostDeps(): Pick<
    GatewayClientHostDeps,
    'signDevicePayload' | 'publicKeyRawBase64UrlFromPem' | 'loadDeviceAuthToken' | 'storeDeviceAuthToken' | 'clearDeviceAuthToken'
  >;
}

function rawPublicKey(publicKeyPem: string): Buffer {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32); // Ed25519 SPKI = 12-byte prefix + 32-byte key
}

export function deviceIdFromPublicKeyPem(publicKeyPem: string): string {
  return createHash('sha256').update(rawPublicKey(publicKeyPem)).digest('hex');
}

export function publicKeyRawBase64UrlFromPem(publicKeyPem: string): string {
  return rawPublicKey(publicKeyPem).toString('base64url');
}

export function signDevicePayload(privateKeyPem: string, payload: string): string {
  return sign(null, Buffer.from(payload, 'utf8'), createPrivateKey(privateKeyPem)).toString('base64url');
}

function writeAtomic(path: string, data: StoredFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function isStoredFile(value: unknown): value is StoredFile {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<StoredFile>;
  return v.version === 1 && typeof v.deviceId === 'string' && typeof v.publicKeyPem === 'string' && typeof v.privateKeyPem === 'string';
}

/** Loads the identity at `path`, creating (and persisting, 0600) a new key pair when absent. */
export function loadOrCreateDeviceIdentity(path: string): DeviceIdentityStore {
  let stored: StoredFile;
  if (existsSync(path)) {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!isStoredFile(parsed)) throw new Error(`${path} is not an OpenClaw device identity file`);
    if (deviceIdFromPublicKeyPem(parsed.publicKeyPem) !== parsed.deviceId) {
      throw new Error(`${path}: device id does not match its public key`);
    }
    stored = { ...parsed, tokens: parsed.tokens ?? {} };
    chmodSync(path, 0o600);
  } else {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    stored = {
      version: 1,
      deviceId: deviceIdFromPublicKeyPem(publicKeyPem),
      publicKeyPem,
      privateKeyPem,
      createdAtMs: Date.now(),
      tokens: {},
    };
    writeAtomic(path, stored);
  }
  const identity: DeviceIdentity = {
    deviceId: stored.deviceId,
    publicKeyPem: stored.publicKeyPem,
    privateKeyPem: stored.privateKeyPem,
  };
  return {
    path,
    identity,
    secrets: () => Object.values(stored.tokens).map((t) => t.token),
    hostDeps: () => ({
      signDevicePayload,
      publicKeyRawBase64UrlFromPem,
      loadDeviceAuthToken: ({ deviceId, role }): DeviceAuthTokenRecord | null => {
        if (deviceId !== stored.deviceId) return null;
        const record = stored.tokens[role];
        return record ? { token: record.token, scopes: [...record.scopes] } : null;
      },
      storeDeviceAuthToken: ({ deviceId, role, token, scopes }) => {
        if (deviceId !== stored.deviceId) return;
        stored.tokens[role] = { token, scopes: [...scopes] };
        writeAtomic(path, stored);
      },
      clearDeviceAuthToken: ({ deviceId, role }) => {
        if (deviceId !== stored.deviceId || !stored.tokens[role]) return;
        delete stored.tokens[role];
        writeAtomic(path, stored);
      },
    }),
  };
}
