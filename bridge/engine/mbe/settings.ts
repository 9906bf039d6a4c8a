/**
 * The MBE engine's settings, validated once when the engine is created. The bundle's config
 * (config/schema.ts `engines.mbe`) feeds these; tests pass them directly.
 */
import { z } from 'zod';
import { EngineError } from '../types.js';
import { DEFAULT_PATHS, describeIssues, mbePathsSchema, type MbePaths } from './wire.js';

export const DEFAULT_MBE_URL = 'http://localhost:8001';
export const DEFAULT_TIMEOUT_MS = 30_000;

export const mbeMcpSettingsSchema = z.object({
  /** The MBE MCP server to spawn (stdio), e.g. `python -m mbe_mcp_server`. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Extra environment for the child. It otherwise gets only the MCP SDK's safe defaults
   *  (PATH, HOME, …): our own secrets are not passed down unless listed here. */
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});

export const mbeSettingsSchema = z.object({
  url: z
    .url({ protocol: /^https?$/ })
    // fetch refuses URLs with credentials, and they would end up in logs: the key has its own setting.
    .refine((u) => !new URL(u).username && !new URL(u).password, 'must not contain credentials: use MBE_API_KEY')
    .default(DEFAULT_MBE_URL),
  /** Optional: anonymous access is allowed (one warning at start). */
  apiKey: z.string().min(1).optional(),
  /** Per call, HTTP and MCP alike. */
  timeoutMs: z.number().int().min(100).default(DEFAULT_TIMEOUT_MS),
  /** When set, surprise, route and memory go through MBE's MCP server; generation stays on HTTP. */
  mcp: mbeMcpSettingsSchema.optional(),
  paths: mbePathsSchema.partial().optional(),
  /** The seed's generation temperature. */
  temperature: z.number().min(0).max(2).default(0.7),
});

export type MbeSettingsInput = z.input<typeof mbeSettingsSchema>;
export type MbeMcpSettings = z.infer<typeof mbeMcpSettingsSchema>;

export interface MbeSettings extends Omit<z.infer<typeof mbeSettingsSchema>, 'paths'> {
  paths: MbePaths;
}

/** Validates settings; a bad value is an EngineError naming the key (shown to admins). */
export function parseMbeSettings(input: MbeSettingsInput): MbeSettings {
  const parsed = mbeSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new EngineError('unavailable', `invalid MBE engine settings: ${describeIssues(parsed.error)}`, 'fix engines.mbe in the bundle config');
  }
  const { paths, ...rest } = parsed.data;
  return { ...rest, url: rest.url.replace(/\/+$/, ''), paths: { ...DEFAULT_PATHS, ...paths } };
}
