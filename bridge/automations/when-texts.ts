/**
 * What the person who typed a `<when>` reads when it is refused: English, then Chinese after " · ",
 * like the bundle's other user texts. One place, shared by parseWhen and splitWhenAndWhat.
 */

/** How far ahead a one-shot may be, and the longest interval (protocol/automations.ts bounds `every` the same). */
export const MAX_AHEAD_DAYS = 366;

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const UNITS: [number, string, string][] = [
  [DAY_MS, 'day', '天'],
  [HOUR_MS, 'hour', '小时'],
  [MINUTE_MS, 'minute', '分钟'],
  [SECOND_MS, 'second', '秒'],
];

/** The duration in whole days, hours, minutes and seconds, largest first; zero parts left out. */
function parts(ms: number): { amount: number; en: string; zh: string }[] {
  let rest = Math.round(ms / SECOND_MS) * SECOND_MS;
  const out: { amount: number; en: string; zh: string }[] = [];
  for (const [size, en, zh] of UNITS) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) out.push({ amount, en, zh });
  }
  return out.length > 0 ? out : [{ amount: 0, en: 'second', zh: '秒' }];
}

/** "2 hours", "1 hour 30 minutes", "1 minute". */
export function durationEn(ms: number): string {
  return parts(ms)
    .map(({ amount, en }) => `${amount} ${en}${amount === 1 ? '' : 's'}`)
    .join(' ');
}

/** "2 小时", "1 小时 30 分钟". */
export function durationZh(ms: number): string {
  return parts(ms)
    .map(({ amount, zh }) => `${amount} ${zh}`)
    .join(' ');
}

const EXAMPLES_EN = '"in 10 minutes", "tomorrow at 9:00", "every weekday at 9:00" or cron "0 9 * * 1-5"';
const EXAMPLES_ZH = '“10分钟后”“明天 9:00”“每个工作日 9:00”或 cron "0 9 * * 1-5"';

export const WHEN_TEXT = {
  empty: `Say when, e.g. ${EXAMPLES_EN}. · 请说明时间，例如${EXAMPLES_ZH}。`,
  unreadable: (when: string) => `I could not read "${when}" as a time. Try ${EXAMPLES_EN}. · 无法识别时间“${when}”。示例：${EXAMPLES_ZH}。`,
  needsTime: (when: string) => `"${when}" needs a time of day, e.g. "tomorrow at 9:00" or "every day at 9:00". · 请加上具体时刻，例如“明天 9:00”或“每天 9:00”。`,
  badZone: (tz: string) => `"${tz}" is not a time zone. Use an IANA name such as Europe/Vienna or Asia/Shanghai. · “${tz}”不是有效的时区，请使用 IANA 时区名，例如 Asia/Shanghai。`,
  badTime: (time: string) => `"${time}" is not a time of day (use 0:00 to 23:59). · “${time}”不是有效的时刻（0:00 至 23:59）。`,
  badDate: (date: string) => `"${date}" is not a date on the calendar. · “${date}”不是有效的日期。`,
  past: (when: string) => `That time has already passed: ${when}. · 该时间已经过去。`,
  notAhead: 'The time must be later than now. · 时间必须晚于现在。',
  tooFar: `A reminder can be at most ${MAX_AHEAD_DAYS} days ahead. · 提醒最多只能设在 ${MAX_AHEAD_DAYS} 天之内。`,
  tooOften: (minMs: number) => `That is too often: the shortest interval allowed is ${durationEn(minMs)}. · 间隔过短：最短间隔为 ${durationZh(minMs)}。`,
  tooRare: `The longest interval allowed is ${MAX_AHEAD_DAYS} days. · 最长间隔为 ${MAX_AHEAD_DAYS} 天。`,
  badCron: (expr: string, reason: string) =>
    `cron "${expr}" is not a schedule: ${reason}. Give five fields, minute hour day-of-month month day-of-week, e.g. cron "0 9 * * 1-5". · cron 表达式无效，需要五个字段（分 时 日 月 周），例如 cron "0 9 * * 1-5"。`,
  noWhen:
    'Start with when, then what, e.g. "/remind in 10 minutes check the build" or "/remind every weekday at 9:00 post the stand-up summary". · 请先写时间再写内容，例如“/remind 10分钟后 检查构建”或“/remind 每个工作日 9:00 发布站会总结”。',
  noWhat: (when: string) => `Say what to do after "${when}", e.g. "/remind every weekday at 9:00 post the stand-up summary". · 请在时间后写上要做的事，例如“/remind 每个工作日 9:00 发布站会总结”。`,
};
