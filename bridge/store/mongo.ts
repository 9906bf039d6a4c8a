/**
 * One MongoDB client per process and URL (the official driver), shared by the plugin's stores
 * and by both services when they run in one process. The database is the one the URL names:
 * Tailchat's own, where the plugin keeps its collections beside Tailchat's, as Tailchat's own
 * plugins do (`p_…`).
 *
 * The driver connects on the first command (lazy) and fails fast: every caller has an answer for
 * "the database is away" (a logged miss, a clear refusal), and a command queued for the
 * driver's default 30 s would hold a prompt or a run's end that long.
 */
import { MongoClient, type Db } from 'mongodb';
import type { EngineLogger } from '../engine/logger.js';

export interface SharedMongo {
  readonly db: Db;
  /** Drops this user's hold; the last one closes the client. */
  release(): Promise<void>;
}

interface Entry {
  client: MongoClient;
  holders: number;
}

const clients = new Map<string, Entry>();

export const MONGO_TIMEOUTS = {
  serverSelectionTimeoutMS: 3_000,
  connectTimeoutMS: 3_000,
  socketTimeoutMS: 10_000,
} as const;

/** The URL as it may be logged: user and password replaced. */
export function redactMongoUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//[redacted]@');
}

export function acquireMongo(url: string, logger: EngineLogger): SharedMongo {
  let entry = clients.get(url);
  if (!entry) {
    // Polled heartbeats: servers without the streaming `hello` (the test kit's CongoDB) otherwise
    // fail every streamed one, and each failure reads as an outage.
    const client = new MongoClient(url, { ...MONGO_TIMEOUTS, appName: 'tailchat-agent', maxPoolSize: 10, serverMonitoringMode: 'poll' });
    // The driver reports a lost server per command; one line per outage is enough here.
    let reported = false;
    client.on('serverHeartbeatFailed', () => {
      if (reported) return;
      reported = true;
      logger.warn('plugin database unavailable; retrying in the background', { url: redactMongoUrl(url) });
    });
    client.on('serverHeartbeatSucceeded', () => {
      if (reported) logger.info('plugin database is back', { url: redactMongoUrl(url) });
      reported = false;
    });
    entry = { client, holders: 0 };
    clients.set(url, entry);
  }
  entry.holders++;
  const held = entry;
  let released = false;
  return {
    db: held.client.db(),
    async release() {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      if (clients.get(url) === held) clients.delete(url);
      await held.client.close().catch(() => undefined);
    },
  };
}
