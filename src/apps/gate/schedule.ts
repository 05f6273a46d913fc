/**
 * Weekly schedules with holidays, evaluated in Japan time whatever the device's time zone.
 * A range is `from` inclusive, `to` exclusive; a range whose `from` is after its `to` crosses
 * midnight and its after-midnight part belongs to the day it is listed under.
 */
import { jstClock, jstDay } from '../../free-area/jst.js';
import { WEEKDAYS, type Schedule, type TimeRange } from './config.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** True when the instant falls inside the schedule. */
export function isWithinSchedule(schedule: Schedule, holidays: readonly string[], atMs: number): boolean {
  const { weekday, minute } = jstClock(atMs);
  const today = rangesOf(schedule, holidays, jstDay(atMs), weekday);
  if (today.some((range) => coversSameDay(range, minute))) return true;
  const yesterday = rangesOf(schedule, holidays, jstDay(atMs - DAY_MS), (weekday + 6) % 7);
  return yesterday.some((range) => coversAfterMidnight(range, minute));
}

function rangesOf(schedule: Schedule, holidays: readonly string[], day: string, weekday: number): readonly TimeRange[] {
  if (holidays.includes(day)) return schedule.holiday;
  const key = WEEKDAYS[weekday];
  return key === undefined ? [] : schedule.week[key];
}

function coversSameDay(range: TimeRange, minute: number): boolean {
  return range.from < range.to ? minute >= range.from && minute < range.to : minute >= range.from;
}

function coversAfterMidnight(range: TimeRange, minute: number): boolean {
  return range.from > range.to && minute < range.to;
}
