/**
 * Wall time in an IANA zone ↔ UTC instant, with nothing but `Intl.DateTimeFormat` (the chat side
 * runs on Node 18 and carries no date library). A reminder is typed as a wall time ("tomorrow at
 * 9:00" in the group's zone), but the engine's `at` takes a UTC instant, so the conversion has to
 * be exact across daylight-saving changes.
 */

/** A date and time as a clock on the wall shows it; it names no zone. `month` is 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

/** A wall time read off an instant, with its day of the week (0 = Sunday, as cron counts). */
export interface WallClock extends Required<WallTime> {
  weekday: number;
}

/** A calendar day, no time. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

/** Building a formatter costs far more than using one; a group uses one zone over and over. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23: some ICU versions print midnight as "24" with hour12:false.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True for a zone name the runtime knows (`Europe/Vienna`, `UTC`). Offsets such as `+01:00`,
 * which newer runtimes also accept, are refused: the engine's cron wants an IANA name.
 */
export function isTimeZone(name: string): boolean {
  if (typeof name !== 'string' || name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall time's fields read as if they were UTC: a plain number to compare and subtract. */
function wallMs(wall: WallTime): number {
  const date = new Date(Date.UTC(2000, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0));
  // Date.UTC maps years 0-99 to 1900-1999; set the year on its own.
  date.setUTCFullYear(wall.year);
  return date.getTime();
}

/** The wall time of an instant in a zone, as `wallMs` numbers it (whole seconds). */
function wallMsAt(instantMs: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return wallMs({ year: fields.year!, month: fields.month!, day: fields.day!, hour: fields.hour! % 24, minute: fields.minute!, second: fields.second! });
}

/** How far the zone's clocks are ahead of UTC at an instant (negative west of Greenwich). */
export function offsetMsAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallMsAt(wholeSecond, timeZone) - wholeSecond;
}

/** The wall time an instant shows in a zone. */
export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const wall = new Date(wallMsAt(instant.getTime(), timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
  };
}

/**
 * The instant at which a zone's clocks show a wall time.
 *
 * Two offsets can apply near a wall time: the one in force a day before and the one a day after
 * (no zone changes its clocks twice within two days). Each gives a candidate instant, and a
 * candidate counts only if the zone's clock really shows the wall time then (the offset fix
 * checked on a second pass). Two valid candidates = the clocks went back and the hour repeats:
 * the earlier one wins, so a reminder never comes an hour late. None = the clocks jumped over
 * the wall time (spring forward): it moves forward to the first instant after the jump, which is
 * the nearest time that exists.
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const target = wallMs(wall);
  const offsetBefore = offsetMsAt(target - DAY_MS, timeZone);
  const offsetAfter = offsetMsAt(target + DAY_MS, timeZone);
  const valid = [target - offsetBefore, target - offsetAfter].filter((instant) => wallMsAt(instant, timeZone) === target);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(firstInstantAfterJump(target - offsetAfter, target - offsetBefore, offsetAfter, timeZone));
}

/**
 * The instant the offset becomes `offsetAfter`, between `from` (still the old offset) and `to`
 * (already the new one): a bisection to the second, since offsets are whole seconds at most.
 */
function firstInstantAfterJump(from: number, to: number, offsetAfter: number, timeZone: string): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid <= lo) break;
    if (offsetMsAt(mid, timeZone) === offsetAfter) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** A calendar day moved by whole days (month and year ends roll over). */
export function plusDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(wallMs({ ...date, hour: 12, minute: 0 }) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Whether year-month-day names a day on the calendar (no 30 February). */
export function isCalendarDate(date: CalendarDate): boolean {
  if (!Number.isInteger(date.year) || !Number.isInteger(date.month) || !Number.isInteger(date.day)) return false;
  if (date.month < 1 || date.month > 12 || date.day < 1) return false;
  const probe = new Date(wallMs({ ...date, hour: 12, minute: 0 }));
  return probe.getUTCDate() === date.day && probe.getUTCMonth() + 1 === date.month;
}

/** Day of the week of a calendar day (0 = Sunday). */
export function weekdayOf(date: CalendarDate): number {
  return new Date(wallMs({ ...date, hour: 12, minute: 0 })).getUTCDay();
}
