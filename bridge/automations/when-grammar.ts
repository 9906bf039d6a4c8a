/**
 * The words of a `<when>` (English and Chinese) read into a syntax tree. This is only the shape:
 * no clock and no zone, so `/remind` can find where the `<when>` ends before anything is
 * computed, and every range check (25:00, 30 February, too often, in the past) happens in one
 * place, schedule-parse.ts, with a message for the person who typed it.
 *
 * A small recursive-descent reader over the normalized text: each piece (a duration, a time of
 * day, a day, a set of weekdays) is one function; a form is a sequence of pieces that has to
 * reach the end of the text.
 */

/** A time of day as typed. `hour` may be out of range (25:00, 13pm): checked when resolved. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  /** The words it was read from, for the message when it is no time of day. */
  text: string;
  /** am/pm or a Chinese part of the day was given: "tonight" must not move it again. */
  meridiem: boolean;
}

/** The day of a one-shot. */
export type DaySpec =
  | { kind: 'offset'; days: number; afternoon?: boolean }
  /** `soonest` = today if still ahead, else the next one; `after-today` = "next friday";
   *  `this-week` / `next-week` = 这周五 / 下周五 (weeks start on Monday). */
  | { kind: 'weekday'; weekday: number; week: 'soonest' | 'after-today' | 'this-week' | 'next-week' }
  | { kind: 'date'; year?: number; month: number; day: number; text: string };

/** One unit of a duration, kept so forms can refuse units that read ambiguously. */
type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'week';

export type WhenSyntax =
  /** `in 10m`, `10分钟后`. */
  | { form: 'after'; ms: number }
  /** `at 17:30`, `tomorrow 9:00`, `2026-12-24 18:00`, `周五 9:00`; no day = today or tomorrow. */
  | { form: 'once'; day?: DaySpec; time: TimeOfDay }
  /** `every 2h`, `每2小时`. */
  | { form: 'interval'; ms: number }
  /** `every weekday at 9:00`, `每周一 18:30`; weekdays 0 = Sunday. */
  | { form: 'weekly'; weekdays: number[]; time: TimeOfDay }
  /** `cron "0 9 * * 1-5"`. */
  | { form: 'cron'; expr: string };

/** Longer text is not a `<when>`: no regular expression runs over a whole message. */
export const MAX_WHEN_CHARS = 120;

const UNIT_MS: Record<DurationUnit, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const WORK_DAYS = [1, 2, 3, 4, 5];
const WEEKEND = [0, 6];

/** Full-width digits and colons (NFKC), curly quotes and runs of spaces become plain. Case is kept: cron has `L`. */
export function normalizeWhen(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[“”„‟«»「」『』]/g, '"')
    .replace(/[‘’‚‛]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.。!！]+$/, '');
}

/** A cursor over the normalized text. `take` skips one space, then matches a sticky pattern. */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  take(pattern: RegExp): RegExpExecArray | undefined {
    pattern.lastIndex = this.s[this.i] === ' ' ? this.i + 1 : this.i;
    const match = pattern.exec(this.s);
    if (match) this.i = pattern.lastIndex;
    return match ?? undefined;
  }

  /** Runs a piece; when it fails the cursor goes back, so pieces can be tried one after another. */
  try<T>(piece: (sc: Scanner) => T | undefined): T | undefined {
    const start = this.i;
    const result = piece(this);
    if (result === undefined) this.i = start;
    return result;
  }
}

/** Sticky, case-insensitive. English words end with `(?![a-z])` so "at 9 amend" is not "9 am". */
const re = (source: string) => new RegExp(source, 'iy');
const WORD_END = '(?![a-z])';

// ---------------------------------------------------------------- numbers

const EN_NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, 'forty-five': 45, forty: 40, fifty: 50, sixty: 60, ninety: 90,
};
const EN_NUMBER_WORDS = Object.keys(EN_NUMBERS).sort((a, b) => b.length - a.length).join('|');

const ZH_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
/** Chinese numerals up to 99 (十五, 二十三, 两), or digits. */
const ZH_NUMBER = '(?:\\d+(?:\\.\\d+)?|[一二两三四五六七八九]?十[一二三四五六七八九]?|零?[零〇一二两三四五六七八九])';

/** Hours and minutes: no decimals, and digits not glued to more digits. */
const ZH_INTEGER = '(?:\\d{1,2}(?!\\d)|[一二两三四五六七八九]?十[一二三四五六七八九]?|零?[零〇一二两三四五六七八九])';

function numberOf(text: string): number {
  if (/^\d/.test(text)) return Number(text);
  const english = EN_NUMBERS[text.toLowerCase()];
  if (english !== undefined) return english;
  const tens = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(text);
  if (tens) return (tens[1] ? ZH_DIGITS[tens[1]]! : 1) * 10 + (tens[2] ? ZH_DIGITS[tens[2]]! : 0);
  return ZH_DIGITS[text.slice(-1)] ?? Number.NaN;
}

// ---------------------------------------------------------------- durations

const EN_UNITS: [RegExp, DurationUnit][] = [
  [/^(?:seconds?|secs?|s)$/i, 'second'],
  [/^(?:minutes?|mins?|m)$/i, 'minute'],
  [/^(?:hours?|hrs?|h)$/i, 'hour'],
  [/^(?:days?|d)$/i, 'day'],
  [/^(?:weeks?|wks?|w)$/i, 'week'],
];
const ZH_UNITS: [RegExp, DurationUnit][] = [
  [/^秒钟?$/, 'second'],
  [/^分钟?$/, 'minute'],
  [/^(?:个?小时|个?钟头)$/, 'hour'],
  [/^[天日]$/, 'day'],
  [/^(?:周|个?星期|个?礼拜)$/, 'week'],
];
const EN_UNIT = 'seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w';
const ZH_UNIT = '秒钟|秒|分钟|分|个?小时|个?钟头|天|日|周|个?星期|个?礼拜';

function unitOf(word: string): DurationUnit | undefined {
  for (const [pattern, unit] of [...EN_UNITS, ...ZH_UNITS]) if (pattern.test(word)) return unit;
  return undefined;
}

interface Duration {
  ms: number;
  units: DurationUnit[];
}

/** Digits may touch their unit (`2h`); a word may not (`and` is not "an" + "d"). */
const EN_AMOUNT_UNIT = re(`(\\d+(?:\\.\\d+)? ?|(?:${EN_NUMBER_WORDS}) )(${EN_UNIT})${WORD_END}`);
const EN_HALF = re(`half (?:an? )?(hour|minute)${WORD_END}`);
const ZH_AMOUNT_UNIT = re(`(${ZH_NUMBER}|半)(?:个)?(${ZH_UNIT})`);
const DURATION_JOIN = re(`(?:,? ?and${WORD_END}|,|和)`);

function durationPart(sc: Scanner): Duration | undefined {
  const half = sc.take(EN_HALF);
  if (half) return { ms: UNIT_MS[unitOf(half[1]!)!] / 2, units: [unitOf(half[1]!)!] };
  const part = sc.take(EN_AMOUNT_UNIT) ?? sc.take(ZH_AMOUNT_UNIT);
  if (!part) return undefined;
  const unit = unitOf(part[2]!)!;
  const amount = part[1] === '半' ? 0.5 : numberOf(part[1]!.trim());
  return { ms: Math.round(amount * UNIT_MS[unit]), units: [unit] };
}

/** `2h`, `1 hour and 30 minutes`, `1小时30分钟`, `half an hour`, `半小时`: the parts add up. */
function duration(sc: Scanner): Duration | undefined {
  const first = durationPart(sc);
  if (!first) return undefined;
  const total = { ms: first.ms, units: [...first.units] };
  for (;;) {
    const next = sc.try((s) => {
      s.take(DURATION_JOIN);
      return durationPart(s);
    });
    if (!next) return total;
    total.ms += next.ms;
    total.units.push(...next.units);
  }
}

/** "every hour", "每小时": a unit with no amount means one of it. Days and weeks are left out on
 *  purpose: "every day" asks for a time of day ("every day at 9:00"), it is not 24 hours from now. */
const EN_BARE_UNIT = re(`(second|minute|hour)${WORD_END}`);
const ZH_BARE_UNIT = re('(秒钟|秒|分钟|个?小时|个?钟头)');

function bareUnit(sc: Scanner): Duration | undefined {
  const match = sc.take(EN_BARE_UNIT) ?? sc.take(ZH_BARE_UNIT);
  if (!match) return undefined;
  const unit = unitOf(match[1]!)!;
  return { ms: UNIT_MS[unit], units: [unit] };
}

// ---------------------------------------------------------------- time of day

const NOON = re(`(noon|midday|midnight)${WORD_END}`);
const EN_TIME = re(`(\\d{1,2})(?::(\\d{2}))?(?!\\d)(?: ?([ap])\\.?m\\.?${WORD_END})?(?: ?(o'?clock)${WORD_END})?`);
const ZH_PERIOD = re('(凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|晚间)');
const ZH_CLOCK = re(`(${ZH_INTEGER})(?:点钟?|时)(?:(半)|(一刻)|(三刻)|整|(${ZH_INTEGER})分?)?`);
const AT = re(`at${WORD_END}`);

/** `17:30`, `9am`, `9:30 p.m.`, `noon`; a bare `9` only after "at" (else "/remind 9 people…" is a time). */
function englishTime(sc: Scanner, afterAt: boolean): TimeOfDay | undefined {
  const start = sc.i;
  const named = sc.take(NOON);
  if (named) return { hour: named[1]!.toLowerCase() === 'midnight' ? 0 : 12, minute: 0, text: named[1]!, meridiem: true };
  const match = sc.take(EN_TIME);
  if (!match) return undefined;
  const [, hourText, minuteText, ampm, oclock] = match;
  if (minuteText === undefined && !ampm && !oclock && !afterAt) {
    sc.i = start;
    return undefined;
  }
  let hour = Number(hourText);
  if (ampm) hour = hour < 1 || hour > 12 ? 99 : (hour % 12) + (ampm.toLowerCase() === 'p' ? 12 : 0);
  return { hour, minute: Number(minuteText ?? 0), text: match[0], meridiem: Boolean(ampm) };
}

/** `9点`, `9点半`, `9点15分`, `九点一刻`, `下午3点`, `下午3:30`, `晚上8点`. */
function chineseTime(sc: Scanner): TimeOfDay | undefined {
  const start = sc.i;
  const period = sc.take(ZH_PERIOD)?.[1];
  let hour: number;
  let minute: number;
  const clock = sc.take(ZH_CLOCK);
  if (clock) {
    hour = numberOf(clock[1]!);
    minute = clock[2] ? 30 : clock[3] ? 15 : clock[4] ? 45 : clock[5] ? numberOf(clock[5]) : 0;
  } else {
    // 下午3:30: a part of the day before digits.
    const digits = period ? englishTime(sc, false) : undefined;
    if (!digits) {
      sc.i = start;
      return undefined;
    }
    ({ hour, minute } = digits);
  }
  // Afternoon and evening count from noon: 下午3点 = 15:00; 中午1点 = 13:00 but 中午12点 = 12:00.
  // 晚上12点 is midnight, whose day people disagree on: 24 is refused and asks for 0:00.
  if (period && /下午|午后|傍晚|晚上|夜里|夜间|晚间/.test(period) && hour < 12) hour += 12;
  else if (period && /傍晚|晚上|夜里|夜间|晚间/.test(period) && hour === 12) hour = 24;
  if (period === '中午' && hour < 11) hour += 12;
  return { hour, minute, text: sc.s.slice(start, sc.i).trim(), meridiem: Boolean(period) };
}

function timeOfDay(sc: Scanner, afterAt: boolean): TimeOfDay | undefined {
  return sc.try(chineseTime) ?? sc.try((s) => englishTime(s, afterAt));
}

/** An optional "at" and a time; "at" lets a bare hour through ("daily at 9"). */
function atTime(sc: Scanner): TimeOfDay | undefined {
  return sc.try((s) => (s.take(AT) ? timeOfDay(s, true) : undefined)) ?? sc.try((s) => timeOfDay(s, false));
}

// ---------------------------------------------------------------- days

const EN_WEEKDAYS: [string, number][] = [
  ['sunday|sun', 0],
  ['monday|mon', 1],
  ['tuesday|tues|tue', 2],
  ['wednesday|wed', 3],
  ['thursday|thurs|thur|thu', 4],
  ['friday|fri', 5],
  ['saturday|sat', 6],
];
const EN_WEEKDAY = re(`(${EN_WEEKDAYS.map(([names]) => names).join('|')})(s)?${WORD_END}`);
const ZH_WEEKDAY_CHARS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 0 };
const ZH_WEEKDAY = re('(?:周|星期|礼拜)([一二三四五六日天1-7])');
const ZH_BARE_WEEKDAY = re('([一二三四五六日天])');

function englishWeekdayOf(name: string): number {
  const lower = name.toLowerCase();
  return EN_WEEKDAYS.find(([names]) => names.split('|').includes(lower))![1];
}

interface WeekdayName {
  weekday: number;
  /** "mondays": a plural means every one of them. */
  plural: boolean;
}

function weekdayName(sc: Scanner, bareChineseToo: boolean): WeekdayName | undefined {
  const english = sc.take(EN_WEEKDAY);
  if (english) return { weekday: englishWeekdayOf(english[1]!), plural: Boolean(english[2]) };
  const chinese = sc.take(ZH_WEEKDAY) ?? (bareChineseToo ? sc.take(ZH_BARE_WEEKDAY) : undefined);
  return chinese ? { weekday: ZH_WEEKDAY_CHARS[chinese[1]!]!, plural: false } : undefined;
}

const LIST_JOIN = re(`(?:,? ?and${WORD_END}|[,&/]|、|以及|和|及|与|跟)`);
const RANGE_JOIN = re(`(?:[-~]|to${WORD_END}|through${WORD_END}|thru${WORD_END}|到|至)`);

interface WeekdaySet {
  weekdays: number[];
  plural: boolean;
}

/** `monday, wednesday and friday`, `mon-fri`, `周一、三、五`, `周一至周五`. A range may wrap (fri-mon). */
function weekdaySet(sc: Scanner): WeekdaySet | undefined {
  const first = weekdayName(sc, false);
  if (!first) return undefined;
  const days = new Set([first.weekday]);
  let plural = first.plural;
  let last = first.weekday;
  for (;;) {
    const range = sc.try((s) => (s.take(RANGE_JOIN) ? weekdayName(s, true) : undefined));
    if (range) {
      for (let day = last; day !== range.weekday; day = (day + 1) % 7) days.add(day);
      days.add(range.weekday);
      plural ||= range.plural;
      last = range.weekday;
      continue;
    }
    const next = sc.try((s) => (s.take(LIST_JOIN) ? weekdayName(s, true) : undefined));
    if (!next) break;
    days.add(next.weekday);
    plural ||= next.plural;
    last = next.weekday;
  }
  return { weekdays: [...days].sort((a, b) => a - b), plural };
}

const EN_DAILY = re(`(?:daily|everyday|(?:every|each) day)${WORD_END}`);
const EN_WORKDAYS = re(`(?:(?:every|each) (?:weekday|workday|business day)|(?:on )?(?:weekdays|workdays))${WORD_END}`);
const EN_WEEKENDS = re(`(?:(?:every|each) weekend(?: day)?|(?:on )?weekends)${WORD_END}`);
const EN_EVERY_WEEK_ON = re(`(?:every|each)(?: week on)?${WORD_END}`);
const EN_ON = re(`on${WORD_END}`);
const ZH_DAILY = re('(?:每天|每日|天天|每一天)');
const ZH_WORKDAYS = re('(?:每个?|每一个)?工作日');
const ZH_WEEKENDS = re('(?:每个?|每一个)周末');
const ZH_EVERY = re('每(?:个|一个|逢)?');

/** The days a recurring schedule runs on. One day needs "every", "每" or a plural; a list or a range does not. */
function recurringDays(sc: Scanner): number[] | undefined {
  if (sc.take(EN_DAILY) ?? sc.take(ZH_DAILY)) return ALL_DAYS;
  if (sc.take(EN_WORKDAYS) ?? sc.take(ZH_WORKDAYS)) return WORK_DAYS;
  if (sc.take(EN_WEEKENDS) ?? sc.take(ZH_WEEKENDS)) return WEEKEND;
  const every = sc.try((s) => (s.take(EN_EVERY_WEEK_ON) ?? s.take(ZH_EVERY) ? weekdaySet(s) : undefined));
  if (every) return every.weekdays;
  const set = sc.try((s) => {
    s.take(EN_ON);
    return weekdaySet(s);
  });
  return set && (set.plural || set.weekdays.length > 1) ? set.weekdays : undefined;
}

const MONTHS = ['january|jan', 'february|feb', 'march|mar', 'april|apr', 'may', 'june|jun', 'july|jul', 'august|aug', 'september|sept|sep', 'october|oct', 'november|nov', 'december|dec'];
const MONTH = `(${MONTHS.join('|')})${WORD_END}`;
const ORDINAL = '(?:st|nd|rd|th)?';
const YEAR = '(?:,? (\\d{4})(?![\\d:]))?';

const EN_DAY_AFTER_TOMORROW = re(`(?:the )?day after tomorrow${WORD_END}`);
const EN_RELATIVE_DAY = re(`(today|tonight|tomorrow|tmrw|tmr)(?: (morning|afternoon|evening|night))?${WORD_END}`);
const EN_THIS_PART = re(`this (morning|afternoon|evening)${WORD_END}`);
const EN_WEEKDAY_DAY = re(`(?:on )?(?:(next|this) )?(${EN_WEEKDAYS.map(([names]) => names).join('|')})${WORD_END}`);
const ISO_DATE = re('(?:on )?(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})(?!\\d)');
const EN_DAY_MONTH = re(`(?:on )?(?:the )?(\\d{1,2})${ORDINAL}(?: of)? ${MONTH}${YEAR}`);
const EN_MONTH_DAY = re(`(?:on )?${MONTH} (\\d{1,2})${ORDINAL}(?!\\d)${YEAR}`);
const ZH_RELATIVE_DAY = re('(大后天|后天|明天|明日|今天|今日|今晚|明晚|明早|今早)');
const ZH_WEEKDAY_DAY = re('(下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])');
const ZH_DATE = re('(?:(\\d{4})年)?(\\d{1,2})月(\\d{1,2})[日号]');

const ZH_DAY_OFFSETS: Record<string, DaySpec> = {
  今天: { kind: 'offset', days: 0 },
  今日: { kind: 'offset', days: 0 },
  今早: { kind: 'offset', days: 0 },
  今晚: { kind: 'offset', days: 0, afternoon: true },
  明天: { kind: 'offset', days: 1 },
  明日: { kind: 'offset', days: 1 },
  明早: { kind: 'offset', days: 1 },
  明晚: { kind: 'offset', days: 1, afternoon: true },
  后天: { kind: 'offset', days: 2 },
  大后天: { kind: 'offset', days: 3 },
};

function monthOf(name: string): number {
  const lower = name.toLowerCase();
  return MONTHS.findIndex((names) => names.split('|').includes(lower)) + 1;
}

/** The day of a one-shot: today/tomorrow, a weekday, a date; English or Chinese. */
function oneDay(sc: Scanner): DaySpec | undefined {
  if (sc.take(EN_DAY_AFTER_TOMORROW)) return { kind: 'offset', days: 2 };
  const relative = sc.take(EN_RELATIVE_DAY);
  if (relative) {
    const word = relative[1]!.toLowerCase();
    const part = relative[2]?.toLowerCase();
    return { kind: 'offset', days: word === 'today' || word === 'tonight' ? 0 : 1, afternoon: word === 'tonight' || (part !== undefined && part !== 'morning') };
  }
  const thisPart = sc.take(EN_THIS_PART);
  if (thisPart) return { kind: 'offset', days: 0, afternoon: thisPart[1]!.toLowerCase() !== 'morning' };
  const weekday = sc.take(EN_WEEKDAY_DAY);
  if (weekday) return { kind: 'weekday', weekday: englishWeekdayOf(weekday[2]!), week: weekday[1]?.toLowerCase() === 'next' ? 'after-today' : 'soonest' };
  const iso = sc.take(ISO_DATE);
  if (iso) return { kind: 'date', year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]), text: iso[0].replace(/^on /i, '') };
  const dayMonth = sc.take(EN_DAY_MONTH);
  if (dayMonth) return dateSpec(dayMonth[4], monthOf(dayMonth[2]!), Number(dayMonth[1]), dayMonth[0]);
  const monthDay = sc.take(EN_MONTH_DAY);
  if (monthDay) return dateSpec(monthDay[3], monthOf(monthDay[1]!), Number(monthDay[2]), monthDay[0]);
  const zhRelative = sc.take(ZH_RELATIVE_DAY);
  if (zhRelative) return ZH_DAY_OFFSETS[zhRelative[1]!];
  const zhWeekday = sc.take(ZH_WEEKDAY_DAY);
  if (zhWeekday) {
    const prefix = zhWeekday[1];
    const week = !prefix ? 'soonest' : prefix.startsWith('下') ? 'next-week' : 'this-week';
    return { kind: 'weekday', weekday: ZH_WEEKDAY_CHARS[zhWeekday[2]!]!, week };
  }
  const zhDate = sc.take(ZH_DATE);
  if (zhDate) return dateSpec(zhDate[1], Number(zhDate[2]), Number(zhDate[3]), zhDate[0]);
  return undefined;
}

function dateSpec(year: string | undefined, month: number, day: number, text: string): DaySpec {
  return { kind: 'date', ...(year ? { year: Number(year) } : {}), month, day, text: text.replace(/^on /i, '') };
}

// ---------------------------------------------------------------- forms

/** A bare cron field: numbers, `* , - / ? # L W`, and month or weekday names (not any word). */
const CRON_FIELD = `(?:[\\d*,/?#LW-]|${['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].join('|')})+(?!\\S)`;
/** Quoted (anything: croner judges it), or five bare fields, so "/remind cron 0 9 * * 1-5 post the
 *  summary" ends after the fifth. */
const CRON = re(`cron${WORD_END}:? ?(?:"([^"]*)"|'([^']*)'|\`([^\`]*)\`|(${CRON_FIELD}(?: ${CRON_FIELD}){4}))`);
const IN = re(`(?:in|after)${WORD_END}`);
const FROM_NOW = re(`from now${WORD_END}`);
const ZH_AFTER = re('(?:之后|以后|后)');
const ZH_PASS = re('(?:再过|过)');
const EN_EVERY = re(`(?:every|each)${WORD_END}`);
const HOURLY = re(`hourly${WORD_END}`);
const ZH_EVERY_INTERVAL = re('每(隔)?');

function cronForm(sc: Scanner): WhenSyntax | undefined {
  const match = sc.take(CRON);
  const expr = match && (match[1] ?? match[2] ?? match[3] ?? match[4]);
  return expr === undefined || expr === null ? undefined : { form: 'cron', expr: expr.trim() };
}

function afterForm(sc: Scanner): WhenSyntax | undefined {
  const english = sc.try((s) => (s.take(IN) ? duration(s) : undefined)) ?? sc.try((s) => {
    const d = duration(s);
    return d && s.take(FROM_NOW) ? d : undefined;
  });
  const chinese = english ?? sc.try((s) => {
    s.take(ZH_PASS);
    const d = duration(s);
    return d && s.take(ZH_AFTER) ? d : undefined;
  });
  return chinese && { form: 'after', ms: chinese.ms };
}

function intervalForm(sc: Scanner): WhenSyntax | undefined {
  if (sc.take(HOURLY)) return { form: 'interval', ms: UNIT_MS.hour };
  const english = sc.try((s) => (s.take(EN_EVERY) ? (duration(s) ?? bareUnit(s)) : undefined));
  if (english) return { form: 'interval', ms: english.ms };
  const chinese = sc.try((s) => {
    const every = s.take(ZH_EVERY_INTERVAL);
    if (!every) return undefined;
    const d = duration(s) ?? bareUnit(s);
    // 每隔一天 means every other day in everyday speech: too ambiguous for days and weeks.
    return d && every[1] && d.units.some((unit) => unit === 'day' || unit === 'week') ? undefined : d;
  });
  return chinese && { form: 'interval', ms: chinese.ms };
}

function weeklyForm(sc: Scanner): WhenSyntax | undefined {
  return (
    sc.try((s) => {
      const weekdays = recurringDays(s);
      const time = weekdays && atTime(s);
      return time && { form: 'weekly' as const, weekdays: weekdays!, time };
    }) ??
    sc.try((s) => {
      const time = atTime(s);
      const weekdays = time && recurringDays(s);
      return weekdays && { form: 'weekly' as const, weekdays, time: time! };
    })
  );
}

/** "tonight at 8" and 今晚8点 are 20:00; a time with its own am/pm or 上午 stays as typed. */
function once(day: DaySpec | undefined, time: TimeOfDay): WhenSyntax {
  const afternoon = day?.kind === 'offset' && day.afternoon && !time.meridiem && time.hour < 12;
  return { form: 'once', ...(day ? { day } : {}), time: afternoon ? { ...time, hour: time.hour + 12 } : time };
}

function onceForm(sc: Scanner): WhenSyntax | undefined {
  return (
    sc.try((s) => {
      const day = oneDay(s);
      const time = day && atTime(s);
      return time && once(day, time);
    }) ??
    sc.try((s) => {
      const time = atTime(s);
      if (!time) return undefined;
      const day = s.try(oneDay);
      return once(day, time);
    })
  );
}

const FORMS = [cronForm, afterForm, intervalForm, weeklyForm, onceForm];

/** The form `text` has as a whole, or undefined. */
export function readWhen(text: string): WhenSyntax | undefined {
  const normalized = normalizeWhen(text);
  if (!normalized || normalized.length > MAX_WHEN_CHARS) return undefined;
  for (const form of FORMS) {
    const sc = new Scanner(normalized);
    const syntax = form(sc);
    if (syntax && sc.done) return syntax;
  }
  return undefined;
}

/** True when `text` names a day or days and nothing else ("tomorrow", "every weekday", 每天): it needs a time. */
export function namesDaysOnly(text: string): boolean {
  const normalized = normalizeWhen(text);
  if (!normalized || normalized.length > MAX_WHEN_CHARS) return false;
  return [oneDay, recurringDays].some((piece) => {
    const sc = new Scanner(normalized);
    return piece(sc) !== undefined && sc.done;
  });
}
