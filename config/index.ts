import fileConfig from '../tailchat.config.js';
import { loadConfig } from './load.js';
import type { BundleConfig } from './schema.js';

export { ConfigError, loadConfig, redactConfig } from './load.js';
export type { BundleConfig, BundleConfigInput, EngineId } from './schema.js';

/** The bundle's config: `tailchat.config.ts` with env overrides, validated. Throws ConfigError. */
export function getConfig(env: Record<string, string | undefined> = process.env): BundleConfig {
  return loadConfig(fileConfig, env);
}
