/**
 * The engines this process offers, from config. Engine modules are imported only when
 * configured, so a runner without OpenClaw never loads its client.
 */
import { createEngineRegistry, type EngineFactory, type EngineRegistry } from '../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../bridge/engine/scripted/engine.js';
import type { BundleConfig } from '../../config/schema.js';

export function createConfiguredEngines(config: BundleConfig): EngineRegistry {
  const factories: Record<string, EngineFactory> = {
    scripted: () => createScriptedEngine(config.engines.scripted),
  };
  return createEngineRegistry(factories);
}
