import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantOf, isCalendarDate, isTimeZone, offsetMsAt, plusDays, wallClockOf, weekdayOf, type WallTime } from '../../../../bridge/automations/zoned-time.js';

const HOUR = 3_600_000;
const iso = (wall: WallTime, tz: string) => instantOf(wall, tz).toISOString();

describe('instantOf: a wall time in a zone to a UTC instant', () => {
  it.each([
    ['Europe/Vienna', { year: 2026, month: 12, day: 24, hour: 18, minute: 0 }, '2026-12-24T17:00:00.000Z'],
    ['Europe/Vienna', { year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, '2026-07-01T07:00:00.000Z'],
    ['America/New_York', { year: 2026, month: 12, day: 24, hour: 18, minute: 0 }, '2026-12-24T23:00:00.000Z'],
    ['America/New_York', { year: 2026, month: 7, day: 1, hour: 9, minute: 30 }, '2026-07-01T13:30:00.000Z'],
    ['Asia/Shanghai', { year: 2026, month: 12, day: 24, hour: 18, minute: 0 }, '2026-12-24T10:00:00.000Z'],
    ['Asia/Shanghai', { year: 2027, month: 1, day: 1, hour: 0, minute: 0 }, '2026-12-31T16:00:00.000Z'],
    ['UTC', { year: 2026, month: 12, day: 24, hour: 18, minute: 0, second: 30 }, '2026-12-24T18:00:30.000Z'],
  ])('%s %o', (tz, wall, expected) => {
    expect(iso(wall, tz)).toBe(expected);
  });

  it('moves a wall time in the spring-forward gap to the first instant after the jump', () => {
    // Vienna, 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00Z; 02:30 never happens.
    expect(iso({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Vienna')).toBe('2026-03-29T01:00:00.000Z');
    expect(iso({ year: 2026, month: 3, day: 29, hour: 2, minute: 0 }, 'Europe/Vienna')).toBe('2026-03-29T01:00:00.000Z');
    expect(iso({ year: 2026, month: 3, day: 29, hour: 3, minute: 0 }, 'Europe/Vienna')).toBe('2026-03-29T01:00:00.000Z');
    expect(iso({ year: 2026, month: 3, day: 29, hour: 1, minute: 59 }, 'Europe/Vienna')).toBe('2026-03-29T00:59:00.000Z');
    // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT at 07:00Z.
    expect(iso({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(iso({ year: 2026, month: 3, day: 8, hour: 3, minute: 30 }, 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('takes the earlier instant of a wall time the fall-back repeats', () => {
    // Vienna, 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:30 happens twice.
    expect(iso({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Vienna')).toBe('2026-10-25T00:30:00.000Z');
    expect(iso({ year: 2026, month: 10, day: 25, hour: 3, minute: 0 }, 'Europe/Vienna')).toBe('2026-10-25T02:00:00.000Z');
    // New York, 1 November 2026: 02:00 EDT becomes 01:00 EST at 06:00Z; 01:30 happens twice.
    expect(iso({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(iso({ year: 2026, month: 11, day: 1, hour: 2, minute: 0 }, 'America/New_York')).toBe('2026-11-01T07:00:00.000Z');
  });
});

describe('wallClockOf: the wall time an instant shows', () => {
  it('reads date, time and day of the week in the zone', () => {
    expect(wallClockOf(new Date('2026-12-24T23:30:00Z'), 'Asia/Shanghai')).toEqual({ year: 2026, month: 12, day: 25, hour: 7, minute: 30, second: 0, weekday: 5 });
    expect(wallClockOf(new Date('2026-12-25T03:00:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 12, day: 24, hour: 22, minute: 0, second: 0, weekday: 4 });
    expect(wallClockOf(new Date('2027-01-01T00:00:00Z'), 'UTC')).toMatchObject({ year: 2027, month: 1, day: 1, hour: 0, weekday: 5 });
  });
  it('shows the repeated hour twice when the clocks go back', () => {
    expect(wallClockOf(new Date('2026-10-25T00:30:00Z'), 'Europe/Vienna')).toMatchObject({ hour: 2, minute: 30 });
    expect(wallClockOf(new Date('2026-10-25T01:30:00Z'), 'Europe/Vienna')).toMatchObject({ hour: 2, minute: 30 });
  });
  it('gives the offset in force', () => {
    expect(offsetMsAt(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Vienna')).toBe(HOUR);
    expect(offsetMsAt(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Vienna')).toBe(2 * HOUR);
    expect(offsetMsAt(Date.parse('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(offsetMsAt(Date.parse('2026-07-15T12:00:00Z'), 'Asia/Shanghai')).toBe(8 * HOUR);
  });
});

describe('isTimeZone', () => {
  it.each(['Europe/Vienna', 'America/New_York', 'Asia/Shanghai', 'UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires'])('knows %s', (tz) => {
    expect(isTimeZone(tz)).toBe(true);
  });
  it.each(['Mars/Base', '', ' Europe/Vienna', '+01:00', 'Europe/Vienna/', '../etc', 'a'.repeat(65)])('refuses %j', (tz) => {
    expect(isTimeZone(tz)).toBe(false);
  });
});

describe('calendar days', () => {
  it('rolls months and years over', () => {
    expect(plusDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(plusDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(plusDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
  });
  it('knows which days exist', () => {
    expect(isCalendarDate({ year: 2026, month: 2, day: 29 })).toBe(false);
    expect(isCalendarDate({ year: 2028, month: 2, day: 29 })).toBe(true);
    expect(isCalendarDate({ year: 2026, month: 4, day: 31 })).toBe(false);
    expect(isCalendarDate({ year: 2026, month: 13, day: 1 })).toBe(false);
    expect(weekdayOf({ year: 2026, month: 12, day: 24 })).toBe(4);
  });
});

describe('round trip (property)', () => {
  // Lord Howe moves its clocks by 30 minutes; Kolkata and Kathmandu have odd offsets and no DST.
  const zones = ['Europe/Vienna', 'America/New_York', 'Asia/Shanghai', 'UTC', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Sao_Paulo'];
  const wallTime = fc.record({
    year: fc.integer({ min: 1995, max: 2040 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
  });
  // DST changes cluster at night in spring and autumn: make sure they are drawn, not left to chance.
  const nearChange = fc.record({
    year: fc.integer({ min: 2020, max: 2035 }),
    month: fc.constantFrom(3, 4, 9, 10, 11),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 3 }),
    minute: fc.constantFrom(0, 15, 29, 30, 45, 59),
  });

  it('wall → instant → wall gives the same wall time, except in a gap, where it lands on the jump', () => {
    let gaps = 0;
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.oneof(wallTime, nearChange), (tz, wall) => {
        const instant = instantOf(wall, tz);
        const back = wallClockOf(instant, tz);
        const same = back.year === wall.year && back.month === wall.month && back.day === wall.day && back.hour === wall.hour && back.minute === wall.minute && back.second === 0;
        if (same) {
          // In a repeated hour, the earlier instant: no instant shortly before shows the same wall time.
          for (const earlierBy of [30 * 60_000, HOUR, 2 * HOUR]) {
            const earlier = wallClockOf(new Date(instant.getTime() - earlierBy), tz);
            expect([earlier.day, earlier.hour, earlier.minute]).not.toEqual([wall.day, wall.hour, wall.minute]);
          }
          return;
        }
        // A gap: the offset changes exactly at the instant, and the clock shows a later time.
        gaps++;
        expect(offsetMsAt(instant.getTime() - 1000, tz)).toBeLessThan(offsetMsAt(instant.getTime(), tz));
        expect(Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute)).toBeGreaterThan(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute));
      }),
      { seed: 20_261_207, numRuns: 3000 },
    );
    expect(gaps).toBeGreaterThan(0);
  });
});
