/**
 * The scripted engine's schedules: in-process timers, so the whole path (command, job, delivery
 * into the panel) can be seen and tested without a gateway. Jobs live in this process only: a
 * restart forgets them, and each instance has its own (demo and tests, said in the README).
 * A run's result is a fixed sentence naming the job; a message containing "fail" fails instead.
 */
import { Cron } from 'croner';
import type { AutomationEvent, AutomationSpec } from '../../../protocol/automations.js';
import { digest } from '../../store/collections.js';
import type { EngineAutomations } from '../types.js';

/** Results kept per session for `committed` (the catch-up reads at most these). */
const KEPT_PER_SESSION = 50;
/** setTimeout cannot wait longer than this; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ScriptedJob {
  spec: AutomationSpec;
  enabled: boolean;
  stop?: () => void;
}

export interface ScriptedAutomations extends EngineAutomations {
  close(): void;
  size(): number;
}

export function scriptedResultText(spec: Pick<AutomationSpec, 'name' | 'message'>): string {
  return `⏰ ${spec.name}: ${spec.message}`;
}

export function createScriptedAutomations(now: () => number = Date.now): ScriptedAutomations {
  const jobs = new Map<string, ScriptedJob>();
  const listeners = new Set<(e: AutomationEvent) => void>();
  const committedBySession = new Map<string, AutomationEvent[]>();
  const emit = (e: AutomationEvent) => {
    for (const l of listeners) l(e);
  };

  const fire = (jobId: string) => {
    const job = jobs.get(jobId);
    if (!job?.enabled) return;
    const runId = `scripted:${jobId}:${now()}`;
    if (job.spec.message.toLowerCase().includes('fail')) {
      emit({ kind: 'failed', jobId, runId, error: 'scripted engine: this scheduled run was asked to fail' });
    } else {
      const result: AutomationEvent = { kind: 'result', jobId, runId, sessionKey: job.spec.sessionKey, text: scriptedResultText(job.spec) };
      const kept = committedBySession.get(job.spec.sessionKey) ?? [];
      kept.push(result);
      committedBySession.set(job.spec.sessionKey, kept.slice(-KEPT_PER_SESSION));
      emit(result);
    }
    if (job.spec.schedule.kind === 'at') {
      // A one-shot is gone once it ran, as on the gateway.
      jobs.delete(jobId);
      emit({ kind: 'ended', jobId, enabled: false });
    }
  };

  const arm = (jobId: string, job: ScriptedJob) => {
    const { schedule } = job.spec;
    if (schedule.kind === 'at') {
      let timer: NodeJS.Timeout;
      const wait = () => {
        const left = Date.parse(schedule.at) - now();
        timer = setTimeout(left > MAX_TIMER_MS ? wait : () => fire(jobId), Math.max(0, Math.min(left, MAX_TIMER_MS)));
        timer.unref?.();
      };
      wait();
      job.stop = () => clearTimeout(timer);
    } else if (schedule.kind === 'every') {
      const timer = setInterval(() => fire(jobId), schedule.everyMs);
      timer.unref?.();
      job.stop = () => clearInterval(timer);
    } else {
      const cron = new Cron(schedule.expr, { timezone: schedule.tz, unref: true }, () => fire(jobId));
      job.stop = () => cron.stop();
    }
  };

  return {
    async create(spec) {
      const jobId = `sj-${digest(spec.declarationKey).slice(0, 16)}`;
      if (!jobs.has(jobId)) {
        const job: ScriptedJob = { spec, enabled: true };
        jobs.set(jobId, job);
        arm(jobId, job);
      }
      return { jobId };
    },
    async setEnabled(jobId, enabled) {
      const job = jobs.get(jobId);
      if (!job) throw new Error(`scripted engine: no job ${jobId}`);
      if (job.enabled === enabled) return;
      job.enabled = enabled;
      job.stop?.();
      job.stop = undefined;
      if (enabled) arm(jobId, job);
    },
    async remove(jobId) {
      jobs.get(jobId)?.stop?.();
      jobs.delete(jobId);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async watch() {
      // In-process: every result is reported live.
    },
    async committed(sessionKey) {
      return [...(committedBySession.get(sessionKey) ?? [])];
    },
    close() {
      for (const job of jobs.values()) job.stop?.();
      jobs.clear();
      listeners.clear();
    },
    size: () => jobs.size,
  };
}
