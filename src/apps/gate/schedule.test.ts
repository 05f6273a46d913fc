import { afterEach, describe, expect, it } from 'vitest';
import { scheduleSchema, type Schedule } from './config.js';
import { isWithinSchedule } from './schedule.js';
import { jst } from './test-fixtures.js';

const schedule = (input: unknown): Schedule => scheduleSchema.parse(input);
const WORKDAY = [{ from: '07:00', to: '22:00' }];
const office = schedule({ week: { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY } });
const night = schedule({ week: { fri: [{ from: '22:00', to: '06:00' }] } });
const sundayAllDay = schedule({ week: { sun: [{ from: 0, to: 1440 }] } });
const holidayHours = schedule({ week: { mon: WORKDAY }, holiday: [{ from: '10:00', to: '16:00' }] });
const HOLIDAYS = ['2026-05-04', '2026-03-06'];

// 2026-03-02 is a Monday, 2026-03-06 a Friday (a holiday in this table), 2026-03-13 a plain Friday.
const cases: ReadonlyArray<[string, Schedule, string, boolean]> = [
  ['office: a minute before opening', office, '2026-03-02T06:59', false],
  ['office: the opening minute', office, '2026-03-02T07:00', true],
  ['office: the last minute', office, '2026-03-02T21:59', true],
  ['office: the closing minute (ranges end exclusive)', office, '2026-03-02T22:00', false],
  ['office: a Saturday', office, '2026-03-07T12:00', false],
  ['office: Monday at midnight', office, '2026-03-02T00:00', false],
  ['all-day Sunday: the last minute before midnight', sundayAllDay, '2026-03-01T23:59', true],
  ['all-day Sunday: midnight starts Monday, which is closed', sundayAllDay, '2026-03-02T00:00', false],
  ['all-day Sunday: Sunday midnight itself', sundayAllDay, '2026-03-01T00:00', true],
  ['night: Friday before the range', night, '2026-03-13T21:59', false],
  ['night: Friday at the start', night, '2026-03-13T22:00', true],
  ['night: Friday just before midnight', night, '2026-03-13T23:59', true],
  ['night: Saturday at midnight (the range crosses it)', night, '2026-03-14T00:00', true],
  ['night: Saturday just before the end', night, '2026-03-14T05:59', true],
  ['night: Saturday at the end', night, '2026-03-14T06:00', false],
  ['night: Friday morning is not the previous Thursday night', night, '2026-03-13T01:00', false],
  ['night: Sunday early morning', night, '2026-03-15T01:00', false],
  ['night: a holiday Friday replaces the range, so it is closed', night, '2026-03-06T23:00', false],
  ['night: the Saturday after a holiday Friday gets no spill-over', night, '2026-03-07T01:00', false],
  ['office: a holiday Monday is closed', office, '2026-05-04T12:00', false],
  ['holiday hours: a holiday Monday inside the holiday range', holidayHours, '2026-05-04T12:00', true],
  ['holiday hours: a holiday Monday outside the holiday range but inside the weekday one', holidayHours, '2026-05-04T09:00', false],
  ['holiday hours: the next ordinary Monday uses weekday hours', holidayHours, '2026-05-11T09:00', true],
];

describe('weekly schedules in Japan time', () => {
  it.each(cases)('%s', (_name, s, wallClock, expected) => {
    expect(isWithinSchedule(s, HOLIDAYS, jst(wallClock))).toBe(expected);
  });

  describe('with the device clock in another time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC', 'Asia/Tokyo'])('gives the same answers when TZ is %s', (tz) => {
      process.env.TZ = tz;
      for (const [name, s, wallClock, expected] of cases) {
        expect(isWithinSchedule(s, HOLIDAYS, jst(wallClock)), name).toBe(expected);
      }
    });

    it('uses the Japan-time day, not the UTC day, for an instant where they differ', () => {
      process.env.TZ = 'America/Los_Angeles';
      const mondayMorningJst = jst('2026-03-02T08:30');
      expect(new Date(mondayMorningJst).toISOString().slice(0, 10)).toBe('2026-03-01');
      expect(isWithinSchedule(office, [], mondayMorningJst)).toBe(true);
      expect(isWithinSchedule(office, ['2026-03-02'], mondayMorningJst)).toBe(false);
      expect(isWithinSchedule(office, ['2026-03-01'], mondayMorningJst)).toBe(true);
    });
  });
});
