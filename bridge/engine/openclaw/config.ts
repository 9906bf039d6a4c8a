/**
 * Settings of the OpenClaw engine (validated with zod). Accepts the bundle's
 * `engines.openclaw` block as is (config/schema.ts) and adds engine-only knobs with defaults.
 *
 * The token is a secret: it comes from the environment (`OPENCLAW_GATEWAY_TOKEN`) or a secret
 * file (`OPENCLAW_GATEWAY_TOKEN_FILE`) via the config loader or `tokenFromEnv`, never from a
 * config file, and it is never logged (see `redactor` in logger.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const DEFAULT_GATEWAY_URL = 'ws://127.0.0.1:18789';

export const openClawSettingsSchema = z.object({
  /** Gateway WebSocket URL. Plain ws:// only for loopback/private hosts; use wss:// otherwise. */
  url: z
    .string()
    .regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL')
    .default(DEFAULT_GATEWAY_URL),
  /** Shared gateway token (secret). Required for `auth: "token"`; the bootstrap credential for `auth: "device"`. */
  token: z.string().min(1).optional(),
  /**
   * `token`: loopback backend (`client.id: "gateway-client"`, `mode: "backend"`) with the shared
   * token. `device`: a persisted Ed25519 device identity (remote gateways; first connect needs
   * `openclaw devices approve <requestId>` on the gateway host).
   */
  auth: z.enum(['token', 'device']).default('token'),
  /**
   * Where the Ed25519 device identity (and device tokens the gateway issues) live, mode 0600.
   * Used for `auth: "device"`, and also with `approvals` (OpenClaw routes an exec approval only to
   * the device that started the run, so approvals need a device identity even over loopback).
   */
  deviceIdentityPath: z.string().min(1).default('.cache/openclaw-device.json'),
  /** Ask for `operator.approvals` + the `exec-approvals` cap and surface exec approvals. */
  approvals: z.boolean().default(false),
  /** Deadline of one gateway RPC. */
  requestTimeoutMs: z.number().int().min(1000).default(30_000),
  /** A run that has not ended after this long ends with an error of kind "timeout". */
  runTimeoutMs: z.number().int().min(1000).default(600_000),
  /**
   * How long a call that needs the gateway at once waits for the connection: `start()` while the
   * very first handshake is under way or after the connection failed for good (auth, pairing: it
   * is tried again), abort of a run this process does not know, approval decisions. An
   * unreachable gateway does not fail `start()`: see reconnectWindowMs.
   */
  connectTimeoutMs: z.number().int().min(100).default(10_000),
  /**
   * How long a run waits for an unreachable gateway — down when the run starts, gone while it is
   * queued or running, or restarting after it lost the run — before it ends with an error of kind
   * "unavailable". Meanwhile the reply says the agent is reconnecting; when the gateway is back
   * the run is resumed (or sent again, if it had not used tools). The run timeout still applies.
   */
  reconnectWindowMs: z.number().int().min(0).default(120_000),
  /** Agent for session keys that do not name one (`agent:<id>:…`). */
  defaultAgentId: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'must be an OpenClaw agent id')
    .default('main'),
  /**
   * After a gateway crash lost a run that had not started any tool, send it again (same
   * idempotency key: OpenClaw does not duplicate the user turn). Runs that used tools are
   * reported as interrupted instead, so side effects never repeat.
   */
  resubmitLostRuns: z.boolean().default(true),
  /**
   * After a reconnect finds our turn recorded but not running, how long to wait for the
   * gateway's own restart recovery to pick it up before treating the run as lost.
   */
  lostRunGraceMs: z.number().int().min(0).default(15_000),
  /** While disconnected, start a fresh connection attempt at least this often (the client's own backoff grows to 30 s). */
  reconnectWatchdogMs: z.number().int().min(500).default(4_000),
  /** How long an `abort` waits for the gateway's `aborted` event before ending the run itself. */
  abortGraceMs: z.number().int().min(0).default(5_000),
  /**
   * The tools a scheduled job's turn may use (`payload.toolsAllow`). Always sent: a job without
   * the list would get every tool. Default none: a reminder needs only the model.
   */
  automationTools: z.array(z.string().min(1)).default([]),
});

export type OpenClawSettings = z.infer<typeof openClawSettingsSchema>;
export type OpenClawSettingsInput = z.input<typeof openClawSettingsSchema>;

export function parseOpenClawSettings(input: OpenClawSettingsInput | undefined): OpenClawSettings {
  return openClawSettingsSchema.parse(input ?? {});
}

/** `OPENCLAW_GATEWAY_TOKEN`, else the file named by `OPENCLAW_GATEWAY_TOKEN_FILE` (trimmed). */
export function tokenFromEnv(
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string | undefined {
  const direct = env.OPENCLAW_GATEWAY_TOKEN?.trim();
  if (direct) return direct;
  const file = env.OPENCLAW_GATEWAY_TOKEN_FILE?.trim();
  if (!file) return undefined;
  const fromFile = readFile(file).trim();
  return fromFile.length > 0 ? fromFile : undefined;
}
