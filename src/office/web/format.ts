/**
 * Dates and times for people, in Japan time whatever the server's zone: 2025/04/01 09:30.
 */
import { dayFromNumber, dayNumber, jstDay, jstMonth, monthFromNumber, monthNumber } from '../../free-area/index.js';

const DATE_TIME = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const TIME = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });

export function formatTime(atMs: number): string {
  return DATE_TIME.format(new Date(atMs));
}

export function formatClock(atMs: number): string {
  return TIME.format(new Date(atMs));
}

/** 2025-04 → 2025年4月 */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}

/** 2025-04-01 → 4/1 */
export function shortDay(day: string): string {
  const [, m, d] = day.split('-');
  return `${Number(m)}/${Number(d)}`;
}

export const today = (now: number): string => jstDay(now);
export const thisMonth = (now: number): string => jstMonth(now);

/** The `n` days ending with `last`, oldest first. */
export function daysEnding(last: string, n: number): string[] {
  const end = dayNumber(last);
  return Array.from({ length: n }, (_, i) => dayFromNumber(end - n + 1 + i));
}

export function previousMonth(month: string): string {
  return monthFromNumber(monthNumber(month) - 1);
}

/** Every day of a month, `YYYY-MM-DD`. */
export function daysOfMonth(month: string): string[] {
  const first = dayNumber(`${month}-01`);
  const next = dayNumber(`${monthFromNumber(monthNumber(month) + 1)}-01`);
  return Array.from({ length: next - first }, (_, i) => dayFromNumber(first + i));
}

export function isMonth(v: string | undefined): v is string {
  if (v === undefined || !/^\d{4}-\d{2}$/.test(v)) return false;
  const m = Number(v.slice(5));
  return m >= 1 && m <= 12;
}

export function isDay(v: string | undefined): v is string {
  if (v === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  return jstDay(Date.parse(`${v}T00:00:00+09:00`)) === v;
}

/** How long ago, roughly, in Japanese: 3分前, 2時間前, 5日前. */
export function ago(atMs: number, now: number): string {
  const s = Math.max(0, Math.round((now - atMs) / 1000));
  if (s < 60) return `${s}秒前`;
  if (s < 3600) return `${Math.floor(s / 60)}分前`;
  if (s < 86_400) return `${Math.floor(s / 3600)}時間前`;
  return `${Math.floor(s / 86_400)}日前`;
}
