/**
 * The plugin's own store in Tailchat's MongoDB: group settings, the audit log, usage counters and
 * the failed replies and the votes on replies, each a small repository over one collection
 * (bridge/store/{settings,audit,usage,failures,feedback}.ts).
 * Redis stays for coordination that may be lost on a restart (run ledger, rate limits).
 */
import type { Db } from 'mongodb';
import type { EngineLogger } from '../engine/logger.js';
import type { FailureLog } from '../failures/log.js';
import { createMongoAuditLog } from './audit.js';
import { COLLECTIONS } from './collections.js';
import { createMongoFailureLog } from './failures.js';
import { createMongoFeedbackStore } from './feedback.js';
import type { FeedbackStore } from '../feedback/votes.js';
import { acquireMongo } from './mongo.js';
import { mongoSettingsBackend } from './settings.js';
import { createMongoUsageStore } from './usage.js';

export interface PluginStore {
  readonly db: Db;
  readonly settings: ReturnType<typeof mongoSettingsBackend>;
  readonly audit: ReturnType<typeof createMongoAuditLog>;
  readonly usage: ReturnType<typeof createMongoUsageStore>;
  readonly failures: FailureLog;
  readonly feedback: FeedbackStore;
  release(): Promise<void>;
}

export function openPluginStore(url: string, logger: EngineLogger): PluginStore {
  const shared = acquireMongo(url, logger);
  // What the reads filter and sort by (settings are read by _id). Idempotent; without them the
  // store still works, only slower, so a failure is logged and start goes on.
  void Promise.all([
    shared.db.collection(COLLECTIONS.audit).createIndex({ groupId: 1, at: -1 }),
    shared.db.collection(COLLECTIONS.usage).createIndex({ scope: 1, month: 1 }),
    shared.db.collection(COLLECTIONS.failures).createIndex({ groupId: 1, at: -1 }),
    shared.db.collection(COLLECTIONS.feedback).createIndex({ groupId: 1, at: -1 }),
    shared.db.collection(COLLECTIONS.feedback).createIndex({ userId: 1, messageId: 1 }),
    shared.db.collection(COLLECTIONS.feedback).createIndex({ converseId: 1, at: 1 }),
  ]).catch((err) => logger.warn('plugin store indexes not created (reads scan instead)', { error: err instanceof Error ? err.message : String(err) }));
  return {
    db: shared.db,
    settings: mongoSettingsBackend(shared.db),
    audit: createMongoAuditLog(shared.db),
    usage: createMongoUsageStore(shared.db),
    failures: createMongoFailureLog(shared.db),
    feedback: createMongoFeedbackStore(shared.db),
    release: () => shared.release(),
  };
}
