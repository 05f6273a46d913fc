/**
 * Calendar arithmetic in Japan time. Japan has no daylight saving, so JST is UTC+9 all year;
 * every function takes an instant in milliseconds and ignores the device's own time zone.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Japan-time calendar day of an instant, `YYYY-MM-DD`. */
export function jstDay(atMs: number): string {
  return new Date(atMs + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Japan-time month of an instant, `YYYY-MM`. */
export function jstMonth(atMs: number): string {
  return jstDay(atMs).slice(0, 7);
}

/** The Japan-time year of an instant. */
export function jstYear(atMs: number): number {
  return Number(jstDay(atMs).slice(0, 4));
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` day (the card stores days this way). */
export function dayNumber(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) throw new RangeError(`not a day: ${day}`);
  return Math.round(ms / DAY_MS);
}

/** The `YYYY-MM-DD` day of a day number. */
export function dayFromNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Weekday (0 = Sunday) and minutes since midnight, Japan time. */
export function jstClock(atMs: number): { weekday: number; minute: number } {
  const d = new Date(atMs + JST_OFFSET_MS);
  return { weekday: d.getUTCDay(), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
}

/** Months since 1970-01 of a `YYYY-MM` month (the card stores months this way). */
export function monthNumber(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const mm = Number(m?.[2]);
  if (!m || mm < 1 || mm > 12) throw new RangeError(`not a month: ${month}`);
  return (Number(m[1]) - 1970) * 12 + mm - 1;
}

/** The `YYYY-MM` month of a month number. */
export function monthFromNumber(n: number): string {
  const year = 1970 + Math.floor(n / 12);
  return `${String(year).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;
}
