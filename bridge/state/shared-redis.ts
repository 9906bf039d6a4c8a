/**
 * One Redis client per process and URL, shared by every store of the bundle (rate limits, run
 * ledger, usage, audit, private tool output) and by both services when they run in one process.
 *
 * Every user of it has an answer for "Redis is away" (memory fallback, a clear refusal, a retry),
 * so the client fails fast instead of queueing commands through an outage: a command waits for
 * one reconnect attempt or 2 s at most. A client that waited without bound would hold a user's
 * message (or a run's heartbeat) until Redis came back.
 */
import { Redis } from 'ioredis';
import type { EngineLogger } from '../engine/logger.js';

export interface SharedRedis {
  readonly redis: Redis;
  /** Drops this user's hold; the last one closes the client. */
  release(): Promise<void>;
}

interface Entry {
  redis: Redis;
  holders: number;
}

const clients = new Map<string, Entry>();

export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export function acquireRedis(url: string, logger: EngineLogger): SharedRedis {
  let entry = clients.get(url);
  if (!entry) {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
    // One line per outage, not one per reconnect attempt; without a listener ioredis prints
    // "Unhandled error event" to stderr on every attempt. err.message names host:port, never the password.
    let reported = false;
    redis.on('error', (err: Error) => {
      if (reported) return;
      reported = true;
      logger.warn('shared Redis unavailable; retrying in the background', { error: err.message });
    });
    redis.on('ready', () => {
      if (reported) logger.info('shared Redis is back');
      reported = false;
    });
    entry = { redis, holders: 0 };
    clients.set(url, entry);
  }
  entry.holders++;
  const held = entry;
  let released = false;
  return {
    redis: held.redis,
    async release() {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      if (clients.get(url) === held) clients.delete(url);
      // quit() rejects when the connection is down (e.g. during a Redis restart); then just drop it.
      await held.redis.quit().catch(() => held.redis.disconnect());
    },
  };
}
