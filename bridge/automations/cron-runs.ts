/**
 * Cron expressions through croner, the library (and version, 10.0.1) the OpenClaw gateway runs
 * its cron jobs with: what the bundle accepts and previews is what the gateway will run.
 */
import { Cron } from 'croner';

/** The engine's cron is five fields: minute hour day-of-month month day-of-week. */
export const CRON_FIELDS = 5;

/** Numbers, `* , - / ? # L W`, and month or weekday names. */
const CRON_FIELD = /^(?:[\d*,/?#LW-]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)+$/i;

export type CronCheck = { ok: true; expr: string } | { ok: false; reason: string };

/** A croner job that only computes dates: without a function croner starts no timer. */
function cronOf(expr: string, timeZone: string): Cron {
  // The options the gateway builds its Cron with (openclaw dist/schedule-*.mjs), so runs agree.
  return new Cron(expr, { timezone: timeZone, catch: false });
}

/**
 * Whether croner reads `expr` as a five-field schedule that runs at least once in `timeZone`;
 * `expr` comes back with its fields separated by single spaces. `reason` is croner's words or ours.
 */
export function checkCron(expr: string, timeZone: string, now: Date): CronCheck {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== CRON_FIELDS) return { ok: false, reason: `it has ${fields.length} field${fields.length === 1 ? '' : 's'}, not ${CRON_FIELDS}` };
  // croner reads some strings (with a colon, say) as a date to run once: only cron characters pass.
  const stray = fields.find((field) => !CRON_FIELD.test(field));
  if (stray !== undefined) return { ok: false, reason: `"${stray}" is not a cron field` };
  const normalized = fields.join(' ');
  try {
    if (!cronOf(normalized, timeZone).nextRun(now)) return { ok: false, reason: 'it never runs' };
  } catch (error) {
    return { ok: false, reason: (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '') };
  }
  return { ok: true, expr: normalized };
}

/** The next `count` runs of a valid expression strictly after `after`. */
export function cronRunsAfter(expr: string, timeZone: string, after: Date, count: number): Date[] {
  return cronOf(expr, timeZone).nextRuns(count, after);
}

/**
 * The shortest time between two of the next `sample` runs. Some expressions run often only at
 * certain hours (`*\/5 9 * * 1`), so a sample of consecutive runs is what shows it; an expression
 * whose runs are rarer than its sample can show (once a year, twice in a minute) slips through,
 * which the engine tolerates: the minimum is a guard against mistakes, not a security boundary.
 */
export function shortestCronGapMs(expr: string, timeZone: string, now: Date, sample = 60): number {
  const runs = cronRunsAfter(expr, timeZone, now, sample).map((run) => run.getTime());
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, runs[i]! - runs[i - 1]!);
  return shortest;
}
