/**
 * Which engines this process can run, created on first use and closed together. A group picks
 * one by id in its settings; an id that is not configured here fails the run with a clear error.
 */
import { EngineError, type Engine } from './types.js';

export type EngineFactory = () => Engine | Promise<Engine>;

export interface EngineRegistry {
  get(id: string): Promise<Engine>;
  ids(): string[];
  close(): Promise<void>;
  /** The sizes the engines created so far report (metrics). */
  sizes(): Record<string, number>;
}

export function createEngineRegistry(factories: Record<string, EngineFactory>): EngineRegistry {
  const engines = new Map<string, Promise<Engine>>();
  const ready = new Map<string, Engine>();
  return {
    sizes: () => Object.assign({}, ...[...ready.values()].map((e) => e.sizes?.() ?? {})) as Record<string, number>,
    ids: () => Object.keys(factories),
    get(id) {
      const factory = factories[id];
      if (!factory) {
        return Promise.reject(new EngineError('unavailable', `engine "${id}" is not configured on this runner`, `configure engines.${id} or pick another engine for the group`));
      }
      let engine = engines.get(id);
      if (!engine) {
        engine = Promise.resolve().then(factory);
        // A failed creation is retried on the next run instead of being cached forever.
        engine.then((e) => void ready.set(id, e)).catch(() => engines.delete(id));
        engines.set(id, engine);
      }
      return engine;
    },
    async close() {
      const all = [...engines.values()];
      engines.clear();
      ready.clear();
      await Promise.allSettled(all.map(async (e) => (await e).close()));
    },
  };
}
