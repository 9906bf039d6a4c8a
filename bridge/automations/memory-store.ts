/**
 * The automation store without the plugin's database: jobs and claims live as long as the
 * process. A restart forgets every job's panel (its results can no longer be delivered) and every
 * claim (a result seen again after a restart is posted again), and two instances do not share
 * it: only for single-instance deployments without AI_MONGO_URL, demos and tests.
 * Same contract as bridge/store/automations.ts; each method's check-and-set runs without an
 * `await` in between, so it is one step for this process.
 */
import type { AutomationRecord } from '../../protocol/automations.js';
import { matchShortId, type AutomationJobs, type AutomationStore, type DeliveryClaim, type DeliveryClaims, type JobProgress } from './store.js';

interface StoredJob {
  record: AutomationRecord;
  failureStreak: string | null;
  engineEnded: boolean;
}

const copy = <T>(value: T): T => structuredClone(value);

export function createMemoryAutomationJobs(): AutomationJobs {
  const jobs = new Map<string, StoredJob>();
  const keyOf = (engineId: string, jobId: string) => JSON.stringify([engineId, jobId]);
  const progressOf = (job: StoredJob | undefined): JobProgress | undefined => (job ? { record: copy(job.record), engineEnded: job.engineEnded } : undefined);
  const listWhere = (keep: (r: AutomationRecord) => boolean) =>
    [...jobs.values()]
      .map((j) => j.record)
      .filter(keep)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .map(copy);
  return {
    async put(record) {
      jobs.set(keyOf(record.engineId, record.jobId), { record: copy(record), failureStreak: null, engineEnded: false });
    },
    async get(engineId, jobId) {
      const job = jobs.get(keyOf(engineId, jobId));
      return job ? copy(job.record) : undefined;
    },
    async byShortId(groupId, shortId) {
      return matchShortId(listWhere((r) => r.groupId === groupId), shortId);
    },
    listForGroup: async (groupId) => listWhere((r) => r.groupId === groupId),
    listActive: async () => listWhere((r) => r.state === 'active'),
    async setState(engineId, jobId, state, onlyFrom) {
      const job = jobs.get(keyOf(engineId, jobId));
      if (!job || (onlyFrom && !onlyFrom.includes(job.record.state))) return false;
      const changed = job.record.state !== state || (state === 'active' && job.engineEnded);
      job.record.state = state;
      if (state === 'active') job.engineEnded = false;
      return changed;
    },
    async recordLast(engineId, jobId, last) {
      const job = jobs.get(keyOf(engineId, jobId));
      if (!job) return undefined;
      job.record.last = copy(last);
      if (last.status === 'ok') job.failureStreak = null;
      return progressOf(job);
    },
    async openFailureStreak(engineId, jobId, runId) {
      const job = jobs.get(keyOf(engineId, jobId));
      if (!job || (job.failureStreak !== null && job.failureStreak !== runId)) return false;
      job.failureStreak = runId;
      return true;
    },
    async markEngineEnded(engineId, jobId) {
      const job = jobs.get(keyOf(engineId, jobId));
      if (job) job.engineEnded = true;
      return progressOf(job);
    },
    remove: async (engineId, jobId) => jobs.delete(keyOf(engineId, jobId)),
    countForGroup: async (groupId) => listWhere((r) => r.groupId === groupId).length,
  };
}

export function createMemoryDeliveryClaims(now: () => number = Date.now): DeliveryClaims {
  const claims = new Map<string, DeliveryClaim>();
  return {
    async claim(key, node, leaseMs) {
      const t = now();
      const claim = claims.get(key);
      if (!claim) {
        claims.set(key, { state: 'posting', node, leaseUntil: t + leaseMs, at: t });
        return { owned: true, over: false };
      }
      if (claim.state !== 'posting' || claim.leaseUntil > t) return { owned: false, claim: copy(claim) };
      claims.set(key, { state: 'posting', node, leaseUntil: t + leaseMs, at: t });
      return { owned: true, over: true };
    },
    async posted(key, messageId) {
      const claim = claims.get(key);
      if (claim) claims.set(key, { ...claim, state: 'posted', messageId, at: now() });
    },
    async dropped(key) {
      const claim = claims.get(key);
      if (claim?.state === 'posting') claims.set(key, { ...claim, state: 'dropped', at: now() });
    },
    async release(key, node) {
      const claim = claims.get(key);
      if (claim?.state === 'posting' && claim.node === node) claim.leaseUntil = 0;
    },
    async lookup(key) {
      const claim = claims.get(key);
      return claim ? copy(claim) : undefined;
    },
    async purge(before) {
      let n = 0;
      for (const [key, claim] of claims) if (claim.state !== 'posting' && claim.at < before) n += Number(claims.delete(key));
      return n;
    },
  };
}

/** Lost on restart and not shared between instances (see above). */
export function createMemoryAutomationStore(now: () => number = Date.now): AutomationStore {
  return { jobs: createMemoryAutomationJobs(), claims: createMemoryDeliveryClaims(now) };
}
