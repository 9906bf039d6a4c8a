import type { BundleConfigInput } from './schema.js';

/** Identity function that gives `tailchat.config.ts` its types and editor completion. */
export function defineConfig(config: BundleConfigInput): BundleConfigInput {
  return config;
}
