/**
 * The plugin's own store in Tailchat's MongoDB: group settings, the audit log and usage
 * counters, each a small repository over one collection (bridge/store/{settings,audit,usage}.ts).
 * Redis stays for coordination that may be lost on a restart (run ledger, rate limits).
 */
import type { Db } from 'mongodb';
import type { EngineLogger } from '../engine/logger.js';
import { createMongoAuditLog } from './audit.js';
import { acquireMongo } from './mongo.js';
import { mongoSettingsBackend } from './settings.js';
import { createMongoUsageStore } from './usage.js';

export interface PluginStore {
  readonly db: Db;
  readonly settings: ReturnType<typeof mongoSettingsBackend>;
  readonly audit: ReturnType<typeof createMongoAuditLog>;
  readonly usage: ReturnType<typeof createMongoUsageStore>;
  release(): Promise<void>;
}

export function openPluginStore(url: string, logger: EngineLogger): PluginStore {
  const shared = acquireMongo(url, logger);
  return {
    db: shared.db,
    settings: mongoSettingsBackend(shared.db),
    audit: createMongoAuditLog(shared.db),
    usage: createMongoUsageStore(shared.db),
    release: () => shared.release(),
  };
}
