/**
 * Usage as flat counters: one map of `field → number` per scope (a group, or all direct messages)
 * and UTC month. The same fields live in a Redis hash (HINCRBY) or in a JSON document in
 * Tailchat's group data, so both stores share this module for what to add and how to read it.
 *
 * Fields: `runs`, `input`, `output`, `total` for the scope as a whole, and
 * `<dim>|<id>|<metric>` per user, agent and engine (`user|64f…|total`).
 */
import type { TokenCounts, UsageReport, UsageRow } from '../../protocol/admin.js';
import type { Usage } from '../engine/types.js';

export type Counters = Record<string, number>;

/** What one finished run contributes. */
export interface RunUsage {
  /** Absent for direct messages: those count under the user, agent and engine only. */
  groupId?: string;
  userId: string;
  agentId: string;
  engineId: string;
  usage?: Usage;
}

export const METRICS = ['runs', 'input', 'output', 'total'] as const;
export const DIMENSIONS = ['user', 'agent', 'engine'] as const;
type Metric = (typeof METRICS)[number];
type Dimension = (typeof DIMENSIONS)[number];

const whole = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

/** Input, output and total tokens of a run; total is the engine's when it gives one. */
export function tokensOf(usage: Usage | undefined): { input: number; output: number; total: number } {
  const input = whole(usage?.inputTokens);
  const output = whole(usage?.outputTokens);
  const total = whole(usage?.totalTokens) || input + output;
  return { input, output, total };
}

/** `YYYY-MM` of `at` in UTC. */
export function utcMonth(at: Date | number = Date.now()): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** First day of the month after `month`, as `YYYY-MM-DD` (UTC). */
export function renewalDate(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** The increments one run adds to its scope. */
export function countersFor(run: RunUsage): Counters {
  const { input, output, total } = tokensOf(run.usage);
  const values: Record<Metric, number> = { runs: 1, input, output, total };
  const out: Counters = {};
  const add = (prefix: string) => {
    for (const metric of METRICS) if (values[metric] > 0) out[prefix + metric] = values[metric];
  };
  add('');
  add(`user|${run.userId}|`);
  add(`agent|${run.agentId}|`);
  add(`engine|${run.engineId}|`);
  return out;
}

/** Adds `b` into a copy of `a`. */
export function sumCounters(a: Counters, b: Counters): Counters {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

const counts = (c: Partial<Record<Metric, number>>): TokenCounts => ({
  runs: c.runs ?? 0,
  inputTokens: c.input ?? 0,
  outputTokens: c.output ?? 0,
  totalTokens: c.total ?? 0,
});

/** Counters → what admins see: the scope's totals and per user, agent and engine, largest first. */
export function reportFrom(groupId: string, month: string, counters: Counters, budget: number | null): UsageReport {
  const totals: Partial<Record<Metric, number>> = {};
  const rows: Record<Dimension, Map<string, Partial<Record<Metric, number>>>> = { user: new Map(), agent: new Map(), engine: new Map() };
  for (const [field, raw] of Object.entries(counters)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const parts = field.split('|');
    if (parts.length === 1) {
      if ((METRICS as readonly string[]).includes(field)) totals[field as Metric] = value;
      continue;
    }
    const dim = parts[0] as Dimension;
    const metric = parts.at(-1) as Metric;
    const id = parts.slice(1, -1).join('|');
    if (!rows[dim] || !(METRICS as readonly string[]).includes(metric) || !id) continue;
    const row = rows[dim].get(id) ?? {};
    row[metric] = value;
    rows[dim].set(id, row);
  }
  const list = (dim: Dimension): UsageRow[] =>
    [...rows[dim]].map(([id, c]) => ({ id, ...counts(c) })).sort((a, b) => b.totalTokens - a.totalTokens || b.runs - a.runs || a.id.localeCompare(b.id));
  return { groupId, month, totals: counts(totals), users: list('user'), agents: list('agent'), engines: list('engine'), budget, renewsOn: renewalDate(month) };
}
