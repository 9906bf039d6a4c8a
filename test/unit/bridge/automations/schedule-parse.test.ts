import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleSpec, type ScheduleSpec } from '../../../../protocol/automations.js';
import { nextRunsOf, parseWhen, splitWhenAndWhat, type ParseWhenOptions } from '../../../../bridge/automations/schedule-parse.js';

/** Monday 7 December 2026: 11:20 in Vienna, 05:20 in New York, 18:20 in Shanghai. */
const NOW = new Date('2026-12-07T10:20:00Z');
const FIVE_MINUTES = 300_000;
const VIE = 'Europe/Vienna';
const NYC = 'America/New_York';
const SHA = 'Asia/Shanghai';

const options = (tz: string, now = NOW, minIntervalMs = FIVE_MINUTES): ParseWhenOptions => ({ tz, now, minIntervalMs });

/** Parses and insists on success and on the protocol's schema. */
function parsed(text: string, opts: ParseWhenOptions): { schedule: ScheduleSpec; human: string } {
  const result = parseWhen(text, opts);
  if (!result.ok) throw new Error(`${JSON.stringify(text)} refused: ${result.error}`);
  expect(scheduleSpec.parse(result.schedule)).toEqual(result.schedule);
  return { schedule: result.schedule, human: result.human };
}

function refused(text: string, opts: ParseWhenOptions): string {
  const result = parseWhen(text, opts);
  if (result.ok) throw new Error(`${JSON.stringify(text)} accepted: ${result.human}`);
  // Every refusal speaks both languages, the bundle's way.
  expect(result.error).toMatch(/ · .*[\u4e00-\u9fff]/);
  return result.error;
}

const at = (iso: string): ScheduleSpec => ({ kind: 'at', at: iso });
const every = (everyMs: number): ScheduleSpec => ({ kind: 'every', everyMs });
const cron = (expr: string, tz: string): ScheduleSpec => ({ kind: 'cron', expr, tz });

describe('one-shots', () => {
  it.each<[string, string, ScheduleSpec, string]>([
    ['in 10m', VIE, at('2026-12-07T10:30:00.000Z'), 'once in 10 minutes, on Mon 7 Dec 2026 at 11:30 (Europe/Vienna)'],
    ['in 2 hours', NYC, at('2026-12-07T12:20:00.000Z'), 'once in 2 hours, on Mon 7 Dec 2026 at 07:20 (America/New_York)'],
    ['in 90 seconds', 'UTC', at('2026-12-07T10:21:30.000Z'), 'once in 1 minute 30 seconds, on Mon 7 Dec 2026 at 10:21:30 (UTC)'],
    ['in an hour and 30 minutes', VIE, at('2026-12-07T11:50:00.000Z'), 'once in 1 hour 30 minutes, on Mon 7 Dec 2026 at 12:50 (Europe/Vienna)'],
    ['in half an hour', VIE, at('2026-12-07T10:50:00.000Z'), 'once in 30 minutes, on Mon 7 Dec 2026 at 11:50 (Europe/Vienna)'],
    ['45 minutes from now', 'UTC', at('2026-12-07T11:05:00.000Z'), 'once in 45 minutes, on Mon 7 Dec 2026 at 11:05 (UTC)'],
    ['10分钟后', SHA, at('2026-12-07T10:30:00.000Z'), 'once in 10 minutes, on Mon 7 Dec 2026 at 18:30 (Asia/Shanghai)'],
    ['2小时后', SHA, at('2026-12-07T12:20:00.000Z'), 'once in 2 hours, on Mon 7 Dec 2026 at 20:20 (Asia/Shanghai)'],
    ['两个小时之后', SHA, at('2026-12-07T12:20:00.000Z'), 'once in 2 hours, on Mon 7 Dec 2026 at 20:20 (Asia/Shanghai)'],
    ['半小时后', SHA, at('2026-12-07T10:50:00.000Z'), 'once in 30 minutes, on Mon 7 Dec 2026 at 18:50 (Asia/Shanghai)'],
    ['1小时30分钟后', SHA, at('2026-12-07T11:50:00.000Z'), 'once in 1 hour 30 minutes, on Mon 7 Dec 2026 at 19:50 (Asia/Shanghai)'],
  ])('%j in %s', (text, tz, schedule, human) => {
    expect(parsed(text, options(tz))).toEqual({ schedule, human });
  });

  it.each<[string, string, string]>([
    // A bare time is today, or tomorrow once it has passed (18:20 in Shanghai).
    ['at 17:30', VIE, '2026-12-07T16:30:00.000Z'],
    ['at 17:30', NYC, '2026-12-07T22:30:00.000Z'],
    ['at 17:30', SHA, '2026-12-08T09:30:00.000Z'],
    ['at 17:30', 'UTC', '2026-12-07T17:30:00.000Z'],
    ['at 9', VIE, '2026-12-08T08:00:00.000Z'],
    ['5:30 pm', 'UTC', '2026-12-07T17:30:00.000Z'],
    ['at noon', VIE, '2026-12-07T11:00:00.000Z'],
    ['midnight', 'UTC', '2026-12-08T00:00:00.000Z'],
    ['晚上8点', SHA, '2026-12-07T12:00:00.000Z'],
    ['17:30', SHA, '2026-12-08T09:30:00.000Z'],
    // Tomorrow, in every zone and both languages.
    ['tomorrow 9:00', VIE, '2026-12-08T08:00:00.000Z'],
    ['tomorrow 9:00', NYC, '2026-12-08T14:00:00.000Z'],
    ['tomorrow 9:00', SHA, '2026-12-08T01:00:00.000Z'],
    ['tomorrow 9:00', 'UTC', '2026-12-08T09:00:00.000Z'],
    ['tomorrow at 9am', NYC, '2026-12-08T14:00:00.000Z'],
    ['at 9 pm tomorrow', VIE, '2026-12-08T20:00:00.000Z'],
    ["at 9 o'clock tomorrow", 'UTC', '2026-12-08T09:00:00.000Z'],
    ['tomorrow evening at 7', 'UTC', '2026-12-08T19:00:00.000Z'],
    ['tonight at 8', VIE, '2026-12-07T19:00:00.000Z'],
    ['tonight at 21:00', VIE, '2026-12-07T20:00:00.000Z'],
    ['the day after tomorrow at 10:15', 'UTC', '2026-12-09T10:15:00.000Z'],
    ['明天 9:00', SHA, '2026-12-08T01:00:00.000Z'],
    ['明天上午9点', SHA, '2026-12-08T01:00:00.000Z'],
    ['明天下午3点半', SHA, '2026-12-08T07:30:00.000Z'],
    ['明天九点一刻', SHA, '2026-12-08T01:15:00.000Z'],
    ['明天 9点15分', VIE, '2026-12-08T08:15:00.000Z'],
    ['明天 ９：００', SHA, '2026-12-08T01:00:00.000Z'],
    ['今晚8点', SHA, '2026-12-07T12:00:00.000Z'],
    ['后天中午1点', SHA, '2026-12-09T05:00:00.000Z'],
    // Dates.
    ['2026-12-24 18:00', VIE, '2026-12-24T17:00:00.000Z'],
    ['2026-12-24 18:00', NYC, '2026-12-24T23:00:00.000Z'],
    ['2026-12-24 18:00', SHA, '2026-12-24T10:00:00.000Z'],
    ['2026-12-24 18:00', 'UTC', '2026-12-24T18:00:00.000Z'],
    ['on 2026/12/24 at 6pm', VIE, '2026-12-24T17:00:00.000Z'],
    ['on 24 dec at 6pm', 'UTC', '2026-12-24T18:00:00.000Z'],
    ['dec 24, 2026 18:00', 'UTC', '2026-12-24T18:00:00.000Z'],
    ['12月24日 18:00', SHA, '2026-12-24T10:00:00.000Z'],
    ['2026年12月24日 下午6点', SHA, '2026-12-24T10:00:00.000Z'],
    // A date without a year that has passed is next year's.
    ['3月1号 上午10点', SHA, '2027-03-01T02:00:00.000Z'],
    // Weekdays: the next such day, today while the time is still ahead.
    ['friday 9:00', VIE, '2026-12-11T08:00:00.000Z'],
    ['on friday at 9:00', NYC, '2026-12-11T14:00:00.000Z'],
    ['monday 12:00', VIE, '2026-12-07T11:00:00.000Z'],
    ['monday 9:00', VIE, '2026-12-14T08:00:00.000Z'],
    ['next monday at 12:00', VIE, '2026-12-14T11:00:00.000Z'],
    ['周五 9:00', SHA, '2026-12-11T01:00:00.000Z'],
    ['星期天上午10点', SHA, '2026-12-13T02:00:00.000Z'],
    ['下周五 9:00', SHA, '2026-12-18T01:00:00.000Z'],
    ['这周五 9:00', SHA, '2026-12-11T01:00:00.000Z'],
    // Case and trailing punctuation do not matter.
    ['Tomorrow At 9AM.', 'UTC', '2026-12-08T09:00:00.000Z'],
  ])('%j in %s', (text, tz, iso) => {
    expect(parsed(text, options(tz)).schedule).toEqual(at(iso));
  });

  it('restates a one-shot by its date, time and zone', () => {
    expect(parsed('2026-12-24 18:00', options(VIE)).human).toBe('once on Thu 24 Dec 2026 at 18:00 (Europe/Vienna)');
    expect(parsed('周五 9:00', options(SHA)).human).toBe('once on Fri 11 Dec 2026 at 09:00 (Asia/Shanghai)');
  });

  it('puts a time of day on the whole minute even when now has seconds', () => {
    expect(parsed('at 17:30', options('UTC', new Date('2026-12-07T10:20:42.123Z'))).schedule).toEqual(at('2026-12-07T17:30:00.000Z'));
  });
});

describe('recurring', () => {
  it.each<[string, string, ScheduleSpec, string]>([
    ['every 2h', VIE, every(7_200_000), 'every 2 hours'],
    ['every 30 minutes', VIE, every(1_800_000), 'every 30 minutes'],
    ['every hour', VIE, every(3_600_000), 'every hour'],
    ['hourly', VIE, every(3_600_000), 'every hour'],
    ['every 2h30m', VIE, every(9_000_000), 'every 2 hours 30 minutes'],
    ['every 1 day', VIE, every(86_400_000), 'every 24 hours'],
    ['EVERY 2 WEEKS', VIE, every(1_209_600_000), 'every 14 days'],
    ['每2小时', SHA, every(7_200_000), 'every 2 hours'],
    ['每小时', SHA, every(3_600_000), 'every hour'],
    ['每隔30分钟', SHA, every(1_800_000), 'every 30 minutes'],
    ['每半小时', SHA, every(1_800_000), 'every 30 minutes'],
    ['every day at 9:00', VIE, cron('0 9 * * *', VIE), 'every day at 09:00 (Europe/Vienna)'],
    ['daily at 9', NYC, cron('0 9 * * *', NYC), 'every day at 09:00 (America/New_York)'],
    ['at 7:45 every day', 'UTC', cron('45 7 * * *', 'UTC'), 'every day at 07:45 (UTC)'],
    ['每天 9:00', SHA, cron('0 9 * * *', SHA), 'every day at 09:00 (Asia/Shanghai)'],
    ['每天下午5点半', SHA, cron('30 17 * * *', SHA), 'every day at 17:30 (Asia/Shanghai)'],
    ['every weekday at 9:00', VIE, cron('0 9 * * 1-5', VIE), 'every weekday at 09:00 (Europe/Vienna)'],
    ['Every Weekday At 9:00', VIE, cron('0 9 * * 1-5', VIE), 'every weekday at 09:00 (Europe/Vienna)'],
    ['weekdays at 9am', NYC, cron('0 9 * * 1-5', NYC), 'every weekday at 09:00 (America/New_York)'],
    ['every mon-fri at 8:30', 'UTC', cron('30 8 * * 1-5', 'UTC'), 'every weekday at 08:30 (UTC)'],
    ['每个工作日 9:00', SHA, cron('0 9 * * 1-5', SHA), 'every weekday at 09:00 (Asia/Shanghai)'],
    ['每周一至周五 9:00', SHA, cron('0 9 * * 1-5', SHA), 'every weekday at 09:00 (Asia/Shanghai)'],
    ['every monday,wednesday at 18:30', 'UTC', cron('30 18 * * 1,3', 'UTC'), 'every Monday and Wednesday at 18:30 (UTC)'],
    ['every mon, wed and fri at 18:30', VIE, cron('30 18 * * 1,3,5', VIE), 'every Monday, Wednesday and Friday at 18:30 (Europe/Vienna)'],
    ['mondays at 9', VIE, cron('0 9 * * 1', VIE), 'every Monday at 09:00 (Europe/Vienna)'],
    ['every sunday at 10pm', NYC, cron('0 22 * * 0', NYC), 'every Sunday at 22:00 (America/New_York)'],
    ['every weekend at 10', VIE, cron('0 10 * * 0,6', VIE), 'every Saturday and Sunday at 10:00 (Europe/Vienna)'],
    ['每周一 18:30', SHA, cron('30 18 * * 1', SHA), 'every Monday at 18:30 (Asia/Shanghai)'],
    ['每周一、三、五 18:30', SHA, cron('30 18 * * 1,3,5', SHA), 'every Monday, Wednesday and Friday at 18:30 (Asia/Shanghai)'],
    ['每周五下午5点', SHA, cron('0 17 * * 5', SHA), 'every Friday at 17:00 (Asia/Shanghai)'],
    ['每周日 10:00', SHA, cron('0 10 * * 0', SHA), 'every Sunday at 10:00 (Asia/Shanghai)'],
    ['cron "0 9 * * 1-5"', NYC, cron('0 9 * * 1-5', NYC), 'cron "0 9 * * 1-5" (America/New_York)'],
    ['cron 0 9 * * 1-5', VIE, cron('0 9 * * 1-5', VIE), 'cron "0 9 * * 1-5" (Europe/Vienna)'],
    ['cron “30  8 1 * *”', SHA, cron('30 8 1 * *', SHA), 'cron "30 8 1 * *" (Asia/Shanghai)'],
  ])('%j in %s', (text, tz, schedule, human) => {
    expect(parsed(text, options(tz))).toEqual({ schedule, human });
  });
});

describe('daylight saving time', () => {
  it('Vienna spring forward: 02:30 does not exist, the reminder comes at 03:00', () => {
    const result = parsed('tomorrow at 2:30', options(VIE, new Date('2026-03-28T12:00:00Z')));
    expect(result).toEqual({ schedule: at('2026-03-29T01:00:00.000Z'), human: 'once on Sun 29 Mar 2026 at 03:00 (Europe/Vienna)' });
  });
  it('Vienna fall back: 02:30 happens twice, the reminder comes at the first', () => {
    expect(parsed('tomorrow at 2:30', options(VIE, new Date('2026-10-24T12:00:00Z'))).schedule).toEqual(at('2026-10-25T00:30:00.000Z'));
  });
  it('New York spring forward and fall back', () => {
    expect(parsed('tomorrow at 2:30am', options(NYC, new Date('2026-03-07T17:00:00Z')))).toEqual({
      schedule: at('2026-03-08T07:00:00.000Z'),
      human: 'once on Sun 8 Mar 2026 at 03:00 (America/New_York)',
    });
    expect(parsed('2026-11-01 1:30', options(NYC, new Date('2026-10-31T16:00:00Z'))).schedule).toEqual(at('2026-11-01T05:30:00.000Z'));
  });
  it('"in 2 hours" is elapsed time across the change; the restatement shows the new wall time', () => {
    expect(parsed('in 2 hours', options(VIE, new Date('2026-03-29T00:30:00Z')))).toEqual({
      schedule: at('2026-03-29T02:30:00.000Z'),
      human: 'once in 2 hours, on Sun 29 Mar 2026 at 04:30 (Europe/Vienna)',
    });
  });
  it('every weekday at 9:00 in Vienna runs at 08:00Z in winter and 07:00Z in summer (croner)', () => {
    const { schedule } = parsed('every weekday at 9:00', options(VIE));
    expect(nextRunsOf(schedule, new Date('2026-03-26T12:00:00Z'), 3)).toEqual(['2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z']);
    expect(nextRunsOf(schedule, new Date('2026-10-22T12:00:00Z'), 2)).toEqual(['2026-10-23T07:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });
  it('every day at 9:00 in New York follows EST to EDT', () => {
    const { schedule } = parsed('every day at 9:00', options(NYC));
    expect(nextRunsOf(schedule, new Date('2026-03-06T20:00:00Z'), 2)).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z']);
  });
});

describe('refusals', () => {
  it('an unknown zone', () => {
    expect(refused('in 10m', options('Mars/Base'))).toMatch(/^"Mars\/Base" is not a time zone\. Use an IANA name/);
    expect(refused('in 10m', options('+01:00'))).toMatch(/is not a time zone/);
  });
  it('words that are no time', () => {
    expect(refused('next blue moon', options(VIE))).toMatch(/^I could not read "next blue moon" as a time\. Try "in 10 minutes"/);
    expect(refused('tomorrow 9', options(VIE))).toMatch(/could not read "tomorrow 9"/);
    expect(refused('每隔一天', options(SHA))).toMatch(/could not read/);
    expect(refused('   ', options(VIE))).toMatch(/^Say when/);
    expect(refused('x'.repeat(500), options(VIE))).toMatch(/could not read "x{59}…"/);
  });
  it('a day without a time of day', () => {
    expect(refused('tomorrow', options(VIE))).toMatch(/^"tomorrow" needs a time of day/);
    expect(refused('every weekday', options(VIE))).toMatch(/^"every weekday" needs a time of day/);
    expect(refused('每天', options(SHA))).toMatch(/needs a time of day.*请加上具体时刻/);
  });
  it('times of day and dates that do not exist', () => {
    expect(refused('at 25:00', options(VIE))).toMatch(/^"25:00" is not a time of day/);
    expect(refused('13pm', options(VIE))).toMatch(/^"13pm" is not a time of day/);
    expect(refused('every day at 9:75', options(VIE))).toMatch(/"9:75" is not a time of day/);
    expect(refused('2026-02-30 9:00', options(VIE))).toMatch(/^"2026-02-30" is not a date on the calendar/);
    // Midnight "in the evening": people disagree on its day, so it is asked for as 0:00.
    expect(refused('晚上12点', options(SHA))).toMatch(/^"晚上12点" is not a time of day \(use 0:00 to 23:59\)/);
  });
  it('explicit times that have passed', () => {
    expect(refused('2025-12-24 18:00', options(VIE))).toBe('That time has already passed: Wed 24 Dec 2025 at 18:00 (Europe/Vienna). · 该时间已经过去。');
    expect(refused('today at 8:00', options(VIE))).toMatch(/already passed: Mon 7 Dec 2026 at 08:00/);
    expect(refused('这周一 9:00', options(SHA))).toMatch(/already passed/);
    expect(refused('in 0 minutes', options(VIE))).toMatch(/later than now/);
  });
  it('intervals shorter than the minimum, with the minimum in the message', () => {
    expect(refused('every 1 minute', options(VIE))).toBe('That is too often: the shortest interval allowed is 5 minutes. · 间隔过短：最短间隔为 5 分钟。');
    expect(refused('every 30 seconds', options(VIE, NOW, 60_000))).toMatch(/shortest interval allowed is 1 minute\./);
    expect(refused('cron "* * * * *"', options(VIE))).toMatch(/shortest interval allowed is 5 minutes/);
    // Often only at some hours: the sample of next runs shows it.
    expect(refused('cron "*/5 9 * * 1"', options(VIE, NOW, 600_000))).toMatch(/shortest interval allowed is 10 minutes/);
    expect(parsed('cron "*/5 9 * * 1"', options(VIE)).schedule).toEqual(cron('*/5 9 * * 1', VIE));
    // The engine's own floor (1 s) holds whatever the config says.
    expect(parsed('every 2 seconds', options(VIE, NOW, 0)).schedule).toEqual(every(2000));
  });
  it('one-shots more than 366 days ahead, intervals longer than that', () => {
    expect(refused('in 400 days', options(VIE))).toBe('A reminder can be at most 366 days ahead. · 提醒最多只能设在 366 天之内。');
    expect(refused('2027-12-31 9:00', options(VIE))).toMatch(/at most 366 days ahead/);
    expect(parsed('2027-12-07 9:00', options(VIE)).schedule).toEqual(at('2027-12-07T08:00:00.000Z'));
    expect(refused('every 400 days', options(VIE))).toMatch(/^The longest interval allowed is 366 days/);
  });
  it('cron expressions croner refuses, or that never run', () => {
    expect(refused('cron "61 9 * * *"', options(VIE))).toMatch(/^cron "61 9 \* \* \*" is not a schedule: Invalid value for minute: 61\. Give five fields/);
    expect(refused('cron "0 9 * *"', options(VIE))).toMatch(/it has 4 fields, not 5/);
    expect(refused('cron 0 0 9 * * *', options(VIE))).toMatch(/it has 6 fields, not 5/);
    expect(refused('cron "@daily"', options(VIE))).toMatch(/it has 1 field, not 5/);
    expect(refused('cron "0 0 30 2 *"', options(VIE))).toMatch(/it never runs/);
    // croner would read a string with a colon as a date to run once: only cron characters pass.
    expect(refused('cron "30 9:00 * * *"', options(VIE))).toMatch(/"9:00" is not a cron field/);
    expect(parsed('cron "0 9 * * mon-fri"', options(VIE)).schedule).toEqual(cron('0 9 * * mon-fri', VIE));
  });
});

describe('nextRunsOf', () => {
  it('gives a one-shot while it is ahead, nothing after', () => {
    expect(nextRunsOf(at('2026-12-24T17:00:00.000Z'), NOW, 3)).toEqual(['2026-12-24T17:00:00.000Z']);
    expect(nextRunsOf(at('2026-12-01T17:00:00.000Z'), NOW, 3)).toEqual([]);
  });
  it('counts an interval from now', () => {
    expect(nextRunsOf(every(7_200_000), NOW, 2)).toEqual(['2026-12-07T12:20:00.000Z', '2026-12-07T14:20:00.000Z']);
  });
  it('runs cron in its zone', () => {
    // 18:20 on a Monday in Shanghai: today's 18:30 is still ahead.
    expect(nextRunsOf(cron('30 18 * * 1', SHA), NOW, 2)).toEqual(['2026-12-07T10:30:00.000Z', '2026-12-14T10:30:00.000Z']);
    expect(nextRunsOf(cron('0 9 * * *', 'UTC'), NOW, 0)).toEqual([]);
  });
});

describe('splitWhenAndWhat', () => {
  it.each<[string, string, string]>([
    ['every weekday at 9:00 post the stand-up summary', 'every weekday at 9:00', 'post the stand-up summary'],
    ['remind us every weekday at 9:00 to post the stand-up summary', 'every weekday at 9:00', 'post the stand-up summary'],
    ['me in 10 minutes check the build', 'in 10 minutes', 'check the build'],
    ['in 10 minutes 5 people join', 'in 10 minutes', '5 people join'],
    ['every 2h check the queue', 'every 2h', 'check the queue'],
    ['at 9 am send it', 'at 9 am', 'send it'],
    // No cut inside a word: "am|end" is not "9 am" + "end".
    ['at 9 amend the doc', 'at 9', 'amend the doc'],
    ['tomorrow at 9:00, to-do review', 'tomorrow at 9:00', 'to-do review'],
    ['cron "0 9 * * 1-5" post summary', 'cron "0 9 * * 1-5"', 'post summary'],
    ['cron 0 9 * * 1-5 post summary', 'cron 0 9 * * 1-5', 'post summary'],
    // Bare fields are cron characters, not any five words.
    ['cron 0 9 * * 1-5 every friday report', 'cron 0 9 * * 1-5', 'every friday report'],
    ['每个工作日 9:00 发布站会总结', '每个工作日 9:00', '发布站会总结'],
    ['10分钟后喝水', '10分钟后', '喝水'],
    ['提醒我们每天9点：看看构建', '每天9点', '看看构建'],
    // The <when> at the end, when nothing at the start reads as one.
    ['remind me to post the summary every weekday at 9:00', 'every weekday at 9:00', 'post the summary'],
    ['call mom in 2 hours', 'in 2 hours', 'call mom'],
  ])('%j', (text, when, what) => {
    expect(splitWhenAndWhat(text)).toEqual({ ok: true, when, what });
  });

  it('keeps the words as typed, so parseWhen reads the same <when>', () => {
    const split = splitWhenAndWhat('Every Weekday At 9:00 Post The Summary');
    expect(split).toEqual({ ok: true, when: 'Every Weekday At 9:00', what: 'Post The Summary' });
    expect(split.ok && parsed(split.when, options(VIE)).schedule).toEqual(cron('0 9 * * 1-5', VIE));
  });

  it('refuses a <when> with no <what>, a day with no time, and text with no <when>', () => {
    expect(splitWhenAndWhat('in 10 minutes')).toEqual({ ok: false, error: expect.stringMatching(/^Say what to do after "in 10 minutes"/) });
    expect(splitWhenAndWhat('every weekday at 9:00 ,')).toEqual({ ok: false, error: expect.stringMatching(/^Say what to do/) });
    expect(splitWhenAndWhat('tomorrow buy milk')).toEqual({ ok: false, error: expect.stringMatching(/^"tomorrow" needs a time of day/) });
    expect(splitWhenAndWhat('buy milk tomorrow')).toEqual({ ok: false, error: expect.stringMatching(/^"tomorrow" needs a time of day/) });
    expect(splitWhenAndWhat('hello world')).toEqual({ ok: false, error: expect.stringMatching(/^Start with when, then what.* · /) });
    expect(splitWhenAndWhat('')).toEqual({ ok: false, error: expect.stringMatching(/^Start with when/) });
  });
});

describe('any input (property)', () => {
  const tokens = [
    'in', 'every', 'at', 'on', 'tomorrow', 'today', 'tonight', 'next', 'friday', 'mondays', 'weekday', 'weekdays', 'daily', 'day', 'and', ',', '-',
    '10', '2', '9', '0', '25', '9:00', '17:30', '24:00', 'am', 'pm', 'm', 'h', 'minutes', 'hours', 'seconds', 'days', 'weeks', 'cron', '"0 9 * * 1-5"', '"* * * * *"',
    '2026-12-24', '2025-01-01', 'dec', '每', '每天', '每周一', '、', '三', '工作日', '明天', '上午', '下午', '9点', '半', '分钟', '小时', '后', '周五', '下周五', '12月24日',
    'post', 'the', 'summary', '：', '.',
  ];
  const text = fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 7 }).map((parts) => parts.join(' '));
  const tz = fc.constantFrom(VIE, NYC, SHA, 'UTC');

  it('is refused with words, or gives a schedule the protocol accepts, ahead of now and within bounds', () => {
    let accepted = 0;
    fc.assert(
      fc.property(text, tz, (when, zone) => {
        const result = parseWhen(when, options(zone));
        if (!result.ok) {
          expect(result.error).toMatch(/ · /);
          return;
        }
        accepted++;
        expect(scheduleSpec.safeParse(result.schedule).success).toBe(true);
        expect(result.human.length).toBeGreaterThan(0);
        const next = nextRunsOf(result.schedule, NOW, 2);
        expect(next.length).toBeGreaterThan(0);
        expect(Date.parse(next[0]!)).toBeGreaterThan(NOW.getTime());
        if (result.schedule.kind === 'at') expect(Date.parse(result.schedule.at) - NOW.getTime()).toBeLessThanOrEqual(366 * 86_400_000);
        if (result.schedule.kind === 'every') expect(result.schedule.everyMs).toBeGreaterThanOrEqual(FIVE_MINUTES);
        if (result.schedule.kind === 'cron') expect(result.schedule.tz).toBe(zone);
      }),
      { seed: 20_261_207, numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('splits into a <when> that parses as one and a non-empty <what>, both from the text', () => {
    fc.assert(
      fc.property(text, (typed) => {
        const split = splitWhenAndWhat(typed);
        if (!split.ok) return;
        expect(split.what.length).toBeGreaterThan(0);
        expect(typed).toContain(split.when);
        expect(typed).toContain(split.what);
      }),
      { seed: 20_261_207, numRuns: 1000 },
    );
  });
});
