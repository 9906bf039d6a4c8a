/**
 * `<when>` → the engine's schedule (issue #22; docs/design/automations.md §3). The words are read
 * by when-grammar.ts; here they meet the group's zone and the clock: a one-shot becomes a UTC
 * instant (`at`), an interval `every`, days and a time of day a five-field `cron` in the zone. Every
 * refusal is a sentence for the person who typed it, English then Chinese, like the bundle's other
 * texts. `human` restates the result, so the confirmation card shows what will really happen.
 */
import type { ScheduleSpec } from '../../protocol/automations.js';
import { checkCron, cronRunsAfter, shortestCronGapMs } from './cron-runs.js';
import { namesDaysOnly, normalizeWhen, readWhen, type DaySpec, type TimeOfDay, type WhenSyntax } from './when-grammar.js';
import { durationEn, MAX_AHEAD_DAYS, WHEN_TEXT as TEXT } from './when-texts.js';
import { instantOf, isCalendarDate, isTimeZone, plusDays, wallClockOf, type CalendarDate, type WallClock } from './zoned-time.js';

export { splitWhenAndWhat, type SplitWhen } from './when-split.js';

export interface ParseWhenOptions {
  /** The group's IANA zone: wall times are read in it and cron runs in it. */
  tz: string;
  now: Date;
  /** The shortest interval allowed between runs (config `automations.minIntervalMs`). */
  minIntervalMs: number;
}

export type ParsedWhen = { ok: true; schedule: ScheduleSpec; human: string } | { ok: false; error: string };

const SECOND_MS = 1_000;
const DAY_MS = 86_400_000;
const MAX_AHEAD_MS = MAX_AHEAD_DAYS * DAY_MS;
/** The engine's own floor for `every` (protocol/automations.ts). */
const ENGINE_MIN_INTERVAL_MS = SECOND_MS;

/** The person's words, short enough to quote back in one line. */
function quoted(text: string): string {
  const flat = normalizeWhen(text);
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

/** Reads `<when>` in the zone at `now`: the schedule and its restatement, or why not. */
export function parseWhen(text: string, options: ParseWhenOptions): ParsedWhen {
  const { tz } = options;
  if (!isTimeZone(tz)) return refuse(TEXT.badZone(quoted(String(tz))));
  if (!normalizeWhen(text)) return refuse(TEXT.empty);
  const syntax = readWhen(text);
  if (!syntax) {
    if (namesDaysOnly(text)) return refuse(TEXT.needsTime(quoted(text)));
    // "cron" and something that is not five fields: say what a cron schedule looks like.
    const cron = /^cron\b:?\s*(.*)$/i.exec(normalizeWhen(text));
    if (cron) {
      const expr = cron[1]!.replace(/^["'`]|["'`]$/g, '').trim();
      const check = checkCron(expr, tz, options.now);
      return refuse(TEXT.badCron(expr, check.ok ? 'its quotes do not match' : check.reason));
    }
    return refuse(TEXT.unreadable(quoted(text)));
  }
  return resolve(syntax, options);
}

function refuse(error: string): ParsedWhen {
  return { ok: false, error };
}

function resolve(syntax: WhenSyntax, options: ParseWhenOptions): ParsedWhen {
  switch (syntax.form) {
    case 'after':
      return afterDelay(syntax.ms, options);
    case 'once':
      return onceAt(syntax.day, syntax.time, options);
    case 'interval':
      return interval(syntax.ms, options);
    case 'weekly':
      return weekly(syntax.weekdays, syntax.time, options);
    case 'cron':
      return cron(syntax.expr, options, `cron "${syntax.expr.trim().split(/\s+/).join(' ')}"`);
  }
}

function afterDelay(ms: number, { tz, now }: ParseWhenOptions): ParsedWhen {
  if (!(ms > 0)) return refuse(TEXT.notAhead);
  if (ms > MAX_AHEAD_MS) return refuse(TEXT.tooFar);
  const at = new Date(now.getTime() + ms);
  return { ok: true, schedule: { kind: 'at', at: at.toISOString() }, human: `once in ${durationEn(ms)}, on ${wallHuman(at, tz)}` };
}

function interval(ms: number, { minIntervalMs }: ParseWhenOptions): ParsedWhen {
  const floor = Math.max(minIntervalMs, ENGINE_MIN_INTERVAL_MS);
  if (ms < floor) return refuse(TEXT.tooOften(floor));
  if (ms > MAX_AHEAD_MS) return refuse(TEXT.tooRare);
  return { ok: true, schedule: { kind: 'every', everyMs: ms }, human: `every ${everyHuman(ms)}` };
}

/** "every hour", "every 2 hours 30 minutes"; a day stays "24 hours", since an interval drifts
 *  against the wall clock when DST changes and "every day" would promise a fixed time. */
function everyHuman(ms: number): string {
  if (ms === DAY_MS) return '24 hours';
  return durationEn(ms).replace(/^1 (second|minute|hour)$/, '$1');
}

/** The instant a time of day has on a date in the zone (whole minutes; see instantOf for DST). */
function dateAt(date: CalendarDate, time: TimeOfDay, tz: string): Date {
  return instantOf({ year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute, second: 0 }, tz);
}

function onceAt(day: DaySpec | undefined, time: TimeOfDay, options: ParseWhenOptions): ParsedWhen {
  const { tz, now } = options;
  if (!isTimeOfDay(time)) return refuse(TEXT.badTime(time.text));
  const today = wallClockOf(now, tz);
  const picked = pickDate(day, time, today, options);
  if ('error' in picked) return refuse(picked.error);
  const at = dateAt(picked.date, time, tz);
  if (at.getTime() <= now.getTime()) return refuse(TEXT.past(wallHuman(at, tz)));
  if (at.getTime() - now.getTime() > MAX_AHEAD_MS) return refuse(TEXT.tooFar);
  return { ok: true, schedule: { kind: 'at', at: at.toISOString() }, human: onceHuman(at, tz) };
}

/**
 * The calendar date a one-shot falls on. Words that leave the date open roll forward when the
 * time has passed (a bare "at 17:30", "friday", "12月24日"); explicit ones ("today", a year) do
 * not, and the caller refuses them as past.
 */
function pickDate(day: DaySpec | undefined, time: TimeOfDay, today: WallClock, { tz, now }: ParseWhenOptions): { date: CalendarDate } | { error: string } {
  const isAhead = (date: CalendarDate) => dateAt(date, time, tz).getTime() > now.getTime();
  if (!day) return { date: isAhead(today) ? today : plusDays(today, 1) };
  if (day.kind === 'offset') return { date: plusDays(today, day.days) };
  if (day.kind === 'weekday') {
    const mondayBased = (weekday: number) => (weekday + 6) % 7;
    const until = (day.weekday - today.weekday + 7) % 7;
    switch (day.week) {
      case 'soonest': {
        const date = plusDays(today, until);
        return { date: isAhead(date) ? date : plusDays(date, 7) };
      }
      case 'after-today':
        return { date: plusDays(today, until || 7) };
      case 'this-week':
        return { date: plusDays(today, mondayBased(day.weekday) - mondayBased(today.weekday)) };
      case 'next-week':
        return { date: plusDays(today, 7 - mondayBased(today.weekday) + mondayBased(day.weekday)) };
    }
  }
  const date = { year: day.year ?? today.year, month: day.month, day: day.day };
  if (day.year === undefined && isCalendarDate(date) && !isAhead(date)) date.year += 1;
  // 29 February without a year: the next year that has one, if it is within reach.
  if (day.year === undefined && !isCalendarDate(date) && day.month === 2 && day.day === 29) {
    while (!isCalendarDate(date) && date.year < today.year + 4) date.year += 1;
  }
  return isCalendarDate(date) ? { date } : { error: TEXT.badDate(day.text) };
}

function isTimeOfDay(time: TimeOfDay): boolean {
  return Number.isInteger(time.hour) && Number.isInteger(time.minute) && time.hour >= 0 && time.hour <= 23 && time.minute >= 0 && time.minute <= 59;
}

/** Days and a time of day become five cron fields in the zone, the way the engine keeps them. */
function weekly(weekdays: number[], time: TimeOfDay, options: ParseWhenOptions): ParsedWhen {
  if (!isTimeOfDay(time)) return refuse(TEXT.badTime(time.text));
  const expr = `${time.minute} ${time.hour} * * ${weekdayField(weekdays)}`;
  return cron(expr, options, `${daysHuman(weekdays)} at ${clock(time.hour, time.minute)}`);
}

/** `*` for every day, `1-5` for Monday to Friday, else a list (0 = Sunday). */
function weekdayField(weekdays: number[]): string {
  if (weekdays.length === 7) return '*';
  if (weekdays.join(',') === '1,2,3,4,5') return '1-5';
  return weekdays.join(',');
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function daysHuman(weekdays: number[]): string {
  if (weekdays.length === 7) return 'every day';
  if (weekdays.join(',') === '1,2,3,4,5') return 'every weekday';
  // Monday first, the way people list a week.
  const names = [...weekdays].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((day) => WEEKDAY_NAMES[day]!);
  return `every ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`}`;
}

function cron(expr: string, { tz, now, minIntervalMs }: ParseWhenOptions, said: string): ParsedWhen {
  const check = checkCron(expr, tz, now);
  if (!check.ok) return refuse(TEXT.badCron(expr, check.reason));
  const floor = Math.max(minIntervalMs, ENGINE_MIN_INTERVAL_MS);
  if (shortestCronGapMs(check.expr, tz, now) < floor) return refuse(TEXT.tooOften(floor));
  return { ok: true, schedule: { kind: 'cron', expr: check.expr, tz }, human: `${said} (${tz})` };
}

/**
 * The next `count` runs after `now`, as ISO strings, for previews and the settings' "next run".
 * `every` counts from `now`, as the engine does from the moment the job is created.
 */
export function nextRunsOf(schedule: ScheduleSpec, now: Date, count: number): string[] {
  switch (schedule.kind) {
    case 'at':
      return count > 0 && Date.parse(schedule.at) > now.getTime() ? [new Date(schedule.at).toISOString()] : [];
    case 'every':
      return Array.from({ length: Math.max(0, count) }, (_, i) => new Date(now.getTime() + (i + 1) * schedule.everyMs).toISOString());
    case 'cron':
      return count > 0 ? cronRunsAfter(schedule.expr, schedule.tz, now, count).map((run) => run.toISOString()) : [];
  }
}

// ---------------------------------------------------------------- restating

const SHORT_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clock(hour: number, minute: number, second = 0): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(hour)}:${pad(minute)}${second ? `:${pad(second)}` : ''}`;
}

/** "Thu 24 Dec 2026 at 18:00 (Europe/Vienna)": read back from the instant, so a time moved out
 *  of a DST gap shows where it really landed. */
function wallHuman(at: Date, tz: string): string {
  const wall = wallClockOf(at, tz);
  return `${SHORT_WEEKDAYS[wall.weekday]} ${wall.day} ${SHORT_MONTHS[wall.month - 1]} ${wall.year} at ${clock(wall.hour, wall.minute, wall.second)} (${tz})`;
}

function onceHuman(at: Date, tz: string): string {
  return `once on ${wallHuman(at, tz)}`;
}
