/**
 * Per-user and per-group request rate limits (fixed one-minute windows). The counter store is
 * in memory for one instance, or Redis so that every instance of the service counts together.
 */
import type { Redis } from 'ioredis';
import { createExpiringMap, type ExpiringMap } from '../state/expiring-map.js';

export interface CounterStore {
  /** Adds one hit to `key` in the current window; returns the count and the window's remaining ms. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** Windows this process holds in memory (metrics); none for a store kept elsewhere. */
  sizes?(): Record<string, number>;
}

export function createMemoryCounterStore(now: () => number = Date.now, maxKeys = 100_000): CounterStore {
  // One expiring map per window length: a key's window ends `windowMs` after its first hit, which
  // is when its entry expires, so windows are dropped from the oldest and memory stays bounded.
  const byLength = new Map<number, ExpiringMap<string, { start: number; count: number }>>();
  return {
    sizes: () => ({ rate_limit_windows: [...byLength.values()].reduce((n, m) => n + m.size, 0) }),
    async hit(key, windowMs) {
      let windows = byLength.get(windowMs);
      if (!windows) byLength.set(windowMs, (windows = createExpiringMap({ ttlMs: windowMs, maxEntries: maxKeys, now })));
      const t = now();
      let w = windows.get(key);
      if (!w) windows.set(key, (w = { start: t, count: 0 }));
      w.count++;
      return { count: w.count, resetInMs: w.start + windowMs - t };
    },
  };
}

export function createRedisCounterStore(redis: Redis, prefix = 'tcai:rate:'): CounterStore {
  return {
    async hit(key, windowMs) {
      const k = prefix + key;
      const [[, count], [, ttl]] = (await redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
      if (ttl < 0) await redis.pexpire(k, windowMs);
      return { count, resetInMs: ttl < 0 ? windowMs : ttl };
    },
  };
}

/**
 * Shared counters while the shared store answers, this instance's own while it does not: a Redis
 * outage must not leave prompts unanswered (nor unlimited). `onFallback` is told on each switch.
 */
export function createFallbackCounterStore(shared: CounterStore, local: CounterStore, onFallback: (err: unknown) => void): CounterStore {
  let degraded = false;
  return {
    async hit(key, windowMs) {
      try {
        const result = await shared.hit(key, windowMs);
        degraded = false;
        return result;
      } catch (err) {
        if (!degraded) onFallback(err);
        degraded = true;
        return local.hit(key, windowMs);
      }
    },
  };
}

export interface RateRules {
  userPerMinute: number;
  groupPerMinute: number;
}

export type RateDecision = { allowed: true } | { allowed: false; scope: 'user' | 'group'; retryAfterMs: number };

export function createRateLimiter(store: CounterStore, rules: RateRules) {
  const WINDOW = 60_000;
  return async function check(userId: string, groupId: string | undefined): Promise<RateDecision> {
    if (rules.userPerMinute > 0) {
      const u = await store.hit(`u:${userId}`, WINDOW);
      if (u.count > rules.userPerMinute) return { allowed: false, scope: 'user', retryAfterMs: u.resetInMs };
    }
    if (groupId && rules.groupPerMinute > 0) {
      const g = await store.hit(`g:${groupId}`, WINDOW);
      if (g.count > rules.groupPerMinute) return { allowed: false, scope: 'group', retryAfterMs: g.resetInMs };
    }
    return { allowed: true };
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
