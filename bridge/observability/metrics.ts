/**
 * The bundle's Prometheus metrics: one registry (never prom-client's global one), typed helpers
 * for the places that record, and nothing else at import time. Process metrics (`process_*`,
 * `nodejs_*`) are added by `enableProcessMetrics()`, which the own-process entry calls when it
 * serves `/metrics`.
 *
 * Names (all prefixed `tcai_`):
 *   runs_started_total{engine}            runs handed to an engine
 *   runs_finished_total{engine,status}    status = done | error | aborted
 *   runs_failed_total{engine,kind}        error kind (auth, unavailable, timeout, …)
 *   failed_replies_total{engine,cause}    replies that ended in an error, by the cause admins see (bridge/failures/cause.ts;
 *                                         also the runner's own: busy, interrupted)
 *   run_duration_seconds{engine,status}   engine start → final status
 *   event_to_engine_seconds{engine}       Tailchat event received (chat side) → engine.start (includes queue wait)
 *   delta_to_notify_seconds{engine}       engine event received → gateway.notify called for it (includes the coalescing hold)
 *   notify_failures_total{phase}          draft | final pushes Tailchat refused
 *   active_runs / queued_runs             per process, read from the runners at scrape time
 *   engine_reconnects_total{engine}       engine connection re-established (OpenClaw)
 *   agent_runs_total{engine,agent}        runs ended, by agent (bridge/usage; per user/group stays out of labels)
 *   tokens_total{engine,agent,kind}       tokens the engines reported, kind = input | output | total
 *   bounded_entries{structure}            entries held now by each bounded in-memory structure (docs/ARCHITECTURE.md lists their bounds)
 *
 * Label values are bounded: `engine` and `agent` take only the engines and agents this process
 * was configured with (allowMetricLabels), anything else counts as `other`. A group's settings
 * (and so any member with the configure permission) can name any agent string, and every new
 * label value is a new time series kept for the life of the process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorKind } from '../../protocol/blocks.js';
import type { FailureCause } from '../../protocol/admin.js';
import { FAILURE_CAUSES } from '../failures/cause.js';

export const registry = new Registry();

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DURATION_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const runsStarted = new Counter({ name: 'tcai_runs_started_total', help: 'Runs handed to an engine', labelNames: ['engine'] as const, registers: [registry] });
const runsFinished = new Counter({
  name: 'tcai_runs_finished_total',
  help: 'Runs that ended, by final status (done, error, aborted)',
  labelNames: ['engine', 'status'] as const,
  registers: [registry],
});
const runsFailed = new Counter({ name: 'tcai_runs_failed_total', help: 'Runs that ended in an error, by error kind', labelNames: ['engine', 'kind'] as const, registers: [registry] });
const failedReplies = new Counter({
  name: 'tcai_failed_replies_total',
  help: 'Replies that ended in an error, by cause (engine-down, timed-out, busy, interrupted, …)',
  labelNames: ['engine', 'cause'] as const,
  registers: [registry],
});
const runDuration = new Histogram({
  name: 'tcai_run_duration_seconds',
  help: 'Run time from engine start to the final status',
  labelNames: ['engine', 'status'] as const,
  buckets: DURATION_BUCKETS,
  registers: [registry],
});
const eventToEngine = new Histogram({
  name: 'tcai_event_to_engine_seconds',
  help: 'Tailchat message event received by the chat side until the runner calls engine.start (includes time queued)',
  labelNames: ['engine'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
const deltaToNotify = new Histogram({
  name: 'tcai_delta_to_notify_seconds',
  help: 'Engine event received until gateway.notify is called with it (includes the live-update coalescing hold)',
  labelNames: ['engine'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
const notifyFailures = new Counter({ name: 'tcai_notify_failures_total', help: 'Live draft or final message pushes that Tailchat refused', labelNames: ['phase'] as const, registers: [registry] });
const reconnects = new Counter({ name: 'tcai_engine_reconnects_total', help: 'Engine connections re-established after a drop', labelNames: ['engine'] as const, registers: [registry] });
const agentRuns = new Counter({ name: 'tcai_agent_runs_total', help: 'Runs that ended, by engine and agent', labelNames: ['engine', 'agent'] as const, registers: [registry] });
const feedbackVotes = new Counter({
  name: 'tcai_feedback_total',
  help: 'Votes cast on agent replies (👍 up, 👎 down; a changed vote counts again), by engine and agent',
  labelNames: ['engine', 'agent', 'vote'] as const,
  registers: [registry],
});
const tokens = new Counter({
  name: 'tcai_tokens_total',
  help: 'Tokens reported by the engines (kind: input, output, total)',
  labelNames: ['engine', 'agent', 'kind'] as const,
  registers: [registry],
});

/** What a runner reports at scrape time (bridge/run/runner.ts has both). */
export interface RunCounts {
  activeCount(): number;
  queuedCount(): number;
}
const runners = new Set<RunCounts>();
const sum = (f: (r: RunCounts) => number) => [...runners].reduce((n, r) => n + f(r), 0);
new Gauge({
  name: 'tcai_active_runs',
  help: 'Runs executing in this process',
  registers: [registry],
  collect() {
    this.set(sum((r) => r.activeCount()));
  },
});
new Gauge({
  name: 'tcai_queued_runs',
  help: 'Runs waiting for a slot in this process (queue depth)',
  registers: [registry],
  collect() {
    this.set(sum((r) => r.queuedCount()));
  },
});

/** Sizes of bounded structures, read at scrape time: growth shows before it hurts. */
export type SizeSource = () => Record<string, number | undefined>;
const sizeSources = new Set<SizeSource>();
new Gauge({
  name: 'tcai_bounded_entries',
  help: 'Entries held now by a bounded in-memory structure (run ledger, engine maps, rate-limit windows, …)',
  labelNames: ['structure'] as const,
  registers: [registry],
  collect() {
    this.reset();
    const totals = new Map<string, number>();
    for (const source of sizeSources) {
      for (const [structure, n] of Object.entries(source())) if (n !== undefined) totals.set(structure, (totals.get(structure) ?? 0) + n);
    }
    for (const [structure, n] of totals) this.set({ structure }, n);
  },
});

/** Reports sizes on every scrape (names are fixed by the code, never by users); returns the undo. */
export function trackSizes(source: SizeSource): () => void {
  sizeSources.add(source);
  return () => void sizeSources.delete(source);
}

const seconds = (ms: number) => Math.max(0, ms) / 1000;

/** The label value for anything not configured. */
export const OTHER_LABEL = 'other';
const knownEngines = new Set<string>(['scripted', 'openclaw', 'mbe']);
const knownAgents = new Set<string>(['main']);

/** Adds configured engines and agents to the label values metrics may carry (never removes: series already exported stay valid). */
export function allowMetricLabels(configured: { engines?: readonly string[]; agents?: readonly string[] }): void {
  for (const e of configured.engines ?? []) knownEngines.add(e);
  for (const a of configured.agents ?? []) knownAgents.add(a);
}

export const engineLabel = (engine: string): string => (knownEngines.has(engine) ? engine : OTHER_LABEL);
export const agentLabel = (agent: string): string => (knownAgents.has(agent) ? agent : OTHER_LABEL);
/** Error kinds of the protocol; an engine's own words for a failure stay in the log. */
const failKindLabel = (kind: string | undefined): string => (kind === undefined ? 'unknown' : errorKind.safeParse(kind).success ? kind : OTHER_LABEL);

/** The recording side, used by bridge/run and the engine wiring. */
export const runMetrics = {
  started(engineId: string): void {
    runsStarted.inc({ engine: engineLabel(engineId) });
  },
  finished(engineId: string, status: string, durationMs: number, failKind?: string): void {
    const engine = engineLabel(engineId);
    runsFinished.inc({ engine, status });
    runDuration.observe({ engine, status }, seconds(durationMs));
    if (status === 'error') runsFailed.inc({ engine, kind: failKindLabel(failKind) });
  },
  eventToEngine(engine: string, ms: number): void {
    eventToEngine.observe({ engine: engineLabel(engine) }, seconds(ms));
  },
  deltaToNotify(engine: string, ms: number): void {
    deltaToNotify.observe({ engine: engineLabel(engine) }, seconds(ms));
  },
  notifyFailed(phase: string): void {
    notifyFailures.inc({ phase });
  },
  engineReconnected(engine: string): void {
    reconnects.inc({ engine: engineLabel(engine) });
  },
};

/** Usage of finished runs (bridge/usage/recorder.ts). Users and groups are not labels: unbounded cardinality. */
export const usageMetrics = {
  recorded(engineId: string, agentId: string, counted: { input: number; output: number; total: number }): void {
    const engine = engineLabel(engineId);
    const agent = agentLabel(agentId);
    agentRuns.inc({ engine, agent });
    for (const kind of ['input', 'output', 'total'] as const) if (counted[kind] > 0) tokens.inc({ engine, agent, kind }, counted[kind]);
  },
};

/** Failed replies (bridge/failures/recorder.ts); the cause is one of a fixed list, never free text. */
export const failureMetrics = {
  recorded(engineId: string, cause: FailureCause): void {
    failedReplies.inc({ engine: engineLabel(engineId), cause: (FAILURE_CAUSES as readonly string[]).includes(cause) ? cause : 'other' });
  },
};

/** Votes on replies (bridge/feedback/, counted on a runner through `countFeedback`). */
export const feedbackMetrics = {
  voted(engineId: string, agentId: string, vote: 'up' | 'down'): void {
    feedbackVotes.inc({ engine: engineLabel(engineId), agent: agentLabel(agentId), vote });
  },
};

/** Counts the re-opens of an engine's connection (OpenClaw's `connection.onOpen(hello, reconnect)`). */
export function countReconnects(engine: string, connection: { onOpen(listener: (hello: unknown, reconnect: boolean) => void): () => void }): () => void {
  return connection.onOpen((_hello, reconnect) => {
    if (reconnect) runMetrics.engineReconnected(engine);
  });
}

/** Reports a runner's active and queued runs on every scrape; returns the undo. */
export function trackRunner(runner: RunCounts): () => void {
  runners.add(runner);
  return () => void runners.delete(runner);
}

let processMetrics = false;
/** Adds prom-client's default `process_*` / `nodejs_*` metrics to the registry (once). */
export function enableProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry });
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/** The exposition text for `GET /metrics`. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}

/** One sample's value from the registry (tests, diagnostics): the first whose labels include `labels`; 0 when absent. */
export async function sampleValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const base = registry.getSingleMetric(name) ? name : name.replace(/_(count|sum|bucket)$/, '');
  const metric = registry.getSingleMetric(base);
  if (!metric) return 0;
  const values = (await metric.get()).values as Array<{ value: number; labels: Record<string, unknown>; metricName?: string }>;
  const found = values.find(
    (v) =>
      (base === name ? !v.metricName || v.metricName === name : v.metricName === name) &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return found?.value ?? 0;
}
