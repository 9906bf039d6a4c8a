/**
 * The run ledger in Redis, shared by every runner instance (see ledger.ts for the contract).
 *
 * Keys (prefix `tcai:` by default; one Redis, not Redis Cluster — the scripts touch the index key
 * beside the run's keys):
 * - `run:<id>`        the job as JSON (no expiry while the run is in flight)
 * - `run:<id>:lease`  the owner's node id, expiring after the lease; the owner renews it
 * - `run:<id>:done`   a tombstone after the run ended: redeliveries stay refused for a while
 * - `runs`            the set of run ids in flight (what adopters scan)
 *
 * Every check-and-set is one Lua script, so two instances never both claim or adopt a run.
 * Lease expiry is Redis's own clock (PX), so the instances' clocks do not matter.
 *
 * Redis unreachable: each call falls back to an in-memory ledger of this instance (runs go on,
 * the guard is per instance meanwhile) and says so once in the log. When Redis is back, the next
 * renewal writes this instance's runs into it again (also after a restart that lost its data),
 * and adoption waits one lease after (re)connecting, so that live owners renew first.
 */
import type { Redis } from 'ioredis';
import type { Logger } from './execute.js';
import { createMemoryLedger, DEFAULT_DONE_TTL_MS, type LedgerRun, type LedgerTimings, type RunLedger } from './ledger.js';

const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[4], ARGV[1])
return 1`;

/** 1 renewed, 2 restored (our lease had lapsed or Redis lost the record), 0 lost to another instance. */
const RENEW = `
local holder = redis.call('GET', KEYS[2])
if holder == ARGV[2] then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return 1
end
if holder or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[4]) end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[4], ARGV[1])
return 2`;

/** The job JSON when this caller now owns the orphaned run, else nil. */
const ADOPT = `
if redis.call('EXISTS', KEYS[3]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[1])
  redis.call('DEL', KEYS[1])
  return false
end
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return redis.call('GET', KEYS[1])`;

const FINISH = `
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return 1`;

type Script4 = (k1: string, k2: string, k3: string, k4: string, ...args: (string | number)[]) => Promise<unknown>;
interface LedgerCommands {
  tcaiLedgerClaim: Script4;
  tcaiLedgerRenew: Script4;
  tcaiLedgerAdopt: Script4;
  tcaiLedgerFinish: Script4;
}

export interface RedisLedgerOptions extends LedgerTimings {
  owner: string;
  logger: Logger;
  prefix?: string;
  /** Adoption waits this long after (re)connecting, so that live owners renew first (default: one lease). */
  adoptGraceMs?: number;
  now?: () => number;
}

const keysOf = (prefix: string, runId: string): [string, string, string, string] => [
  `${prefix}run:${runId}`,
  `${prefix}run:${runId}:lease`,
  `${prefix}run:${runId}:done`,
  `${prefix}runs`,
];

/** Only who owns a run (the chat side routes Stop and approvals with it). */
export function createRedisLedgerReader(redis: Redis, prefix = 'tcai:'): Pick<RunLedger, 'ownerOf'> {
  return {
    async ownerOf(runId) {
      return (await redis.get(keysOf(prefix, runId)[1])) ?? undefined;
    },
  };
}

export function createRedisLedger(redis: Redis, o: RedisLedgerOptions): RunLedger {
  const prefix = o.prefix ?? 'tcai:';
  const now = o.now ?? Date.now;
  const doneTtl = o.doneTtlMs ?? DEFAULT_DONE_TTL_MS;
  const local = createMemoryLedger({ owner: o.owner, leaseMs: o.leaseMs, doneTtlMs: doneTtl, now });
  const cmd = redis as unknown as LedgerCommands;
  redis.defineCommand('tcaiLedgerClaim', { numberOfKeys: 4, lua: CLAIM });
  redis.defineCommand('tcaiLedgerRenew', { numberOfKeys: 4, lua: RENEW });
  redis.defineCommand('tcaiLedgerAdopt', { numberOfKeys: 4, lua: ADOPT });
  redis.defineCommand('tcaiLedgerFinish', { numberOfKeys: 4, lua: FINISH });

  let readyAt = redis.status === 'ready' ? now() : Number.POSITIVE_INFINITY;
  let down = false;
  const up = () => {
    if (!down) return;
    down = false;
    o.logger.info('run ledger: shared Redis is back; runs are shared again');
  };
  redis.on('ready', () => {
    readyAt = now();
    up();
  });
  const attempt = async <T>(what: string, op: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    // Known to be down and not reconnected yet: answer from memory at once.
    if (down && redis.status !== 'ready') return fallback();
    try {
      const result = await op();
      up();
      return result;
    } catch (err) {
      if (!down) {
        down = true;
        o.logger.warn('run ledger: shared Redis unavailable; runs are kept in this instance only until it is back', { op: what, error: err instanceof Error ? err.message : String(err) });
      }
      return fallback();
    }
  };
  const encode = (run: LedgerRun) => JSON.stringify(run);
  const idOf = (run: LedgerRun) => run.job.request.runId;

  return {
    owner: o.owner,
    claim: (run, opts) => {
      if (opts?.recovery && (down || redis.status !== 'ready' || now() - readyAt < (o.adoptGraceMs ?? o.leaseMs))) return Promise.resolve(false);
      return attempt(
        'claim',
        async () => (await cmd.tcaiLedgerClaim(...keysOf(prefix, idOf(run)), idOf(run), o.owner, o.leaseMs, encode(run))) === 1,
        () => local.claim(run),
      );
    },
    renew: async (runs) => {
      if (runs.length === 0) return [];
      return attempt(
        'renew',
        async () => {
          const pipe = redis.pipeline();
          for (const run of runs) (pipe as unknown as LedgerCommands).tcaiLedgerRenew(...keysOf(prefix, idOf(run)), idOf(run), o.owner, o.leaseMs, encode(run));
          const results = (await pipe.exec()) ?? [];
          const lost: string[] = [];
          results.forEach(([err, value], i) => {
            if (err) throw err;
            if (value === 0) lost.push(idOf(runs[i]!));
          });
          return lost;
        },
        () => local.renew(runs),
      );
    },
    adoptExpired: async (max) => {
      // Right after (re)connecting, live owners may not have renewed yet: wait one lease.
      if (now() - readyAt < (o.adoptGraceMs ?? o.leaseMs)) return [];
      return attempt(
        'adopt',
        async () => {
          const ids = await redis.smembers(`${prefix}runs`);
          if (ids.length === 0) return [];
          const alive = await redis.pipeline(ids.map((id) => ['exists', keysOf(prefix, id)[1]])).exec();
          const orphans = ids.filter((_, i) => alive?.[i]?.[1] === 0);
          const adopted: LedgerRun[] = [];
          for (const id of orphans) {
            if (adopted.length >= max) break;
            const json = (await cmd.tcaiLedgerAdopt(...keysOf(prefix, id), id, o.owner, o.leaseMs)) as string | null;
            if (json) adopted.push(JSON.parse(json) as LedgerRun);
          }
          return adopted;
        },
        async () => [],
      );
    },
    finish: (runId) =>
      attempt(
        'finish',
        async () => {
          await local.finish(runId);
          await cmd.tcaiLedgerFinish(...keysOf(prefix, runId), runId, doneTtl);
        },
        () => local.finish(runId),
      ),
    ownerOf: (runId) =>
      attempt(
        'owner',
        async () => (await redis.get(keysOf(prefix, runId)[1])) ?? undefined,
        () => local.ownerOf(runId),
      ),
    // What Redis holds expires there; this process holds only the fallback's memory.
    sizes: () => local.sizes(),
    inFlight: () =>
      attempt(
        'list',
        () => redis.smembers(`${prefix}runs`),
        () => local.inFlight(),
      ),
  };
}
