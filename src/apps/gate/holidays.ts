/**
 * Japan's national holidays (国民の祝日に関する法律) of a year, as `YYYY-MM-DD` days, for a
 * gate schedule's holiday list. Pure: the rules of the law as they stand since 2022, with the
 * equinox days from the usual astronomical approximation (the Cabinet Office confirms them in
 * February of the year before; a configuration can always list its own days instead).
 *
 * Besides the fixed and "Happy Monday" days, the law adds a substitute holiday (振替休日) on the
 * first working day after a holiday that falls on a Sunday, and a citizens' holiday (国民の休日)
 * on a day between two holidays.
 */

export const HOLIDAY_YEARS = { first: 2022, last: 2099 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function japaneseHolidays(year: number): string[] {
  if (!Number.isInteger(year) || year < HOLIDAY_YEARS.first || year > HOLIDAY_YEARS.last) {
    throw new RangeError(`Japanese holidays are computed for ${HOLIDAY_YEARS.first}–${HOLIDAY_YEARS.last}, not ${year}`);
  }
  const days = new Set(statutoryDays(year).map((d) => d.getTime()));
  for (const day of [...days].sort((a, b) => a - b)) {
    if (new Date(day).getUTCDay() !== 0) continue;
    let substitute = day + DAY_MS;
    while (days.has(substitute)) substitute += DAY_MS;
    days.add(substitute);
  }
  for (const day of [...days]) {
    const between = day + DAY_MS;
    if (days.has(day + 2 * DAY_MS) && !days.has(between) && new Date(between).getUTCDay() !== 0) days.add(between);
  }
  return [...days].sort((a, b) => a - b).map((ms) => new Date(ms).toISOString().slice(0, 10));
}

/** The holidays the law names, before substitutes and days in between. */
function statutoryDays(year: number): Date[] {
  const offset = year - 1980;
  const leap = Math.floor(offset / 4);
  return [
    utc(year, 1, 1), // 元日
    nthMonday(year, 1, 2), // 成人の日
    utc(year, 2, 11), // 建国記念の日
    utc(year, 2, 23), // 天皇誕生日
    utc(year, 3, Math.floor(20.8431 + 0.242194 * offset - leap)), // 春分の日
    utc(year, 4, 29), // 昭和の日
    utc(year, 5, 3), // 憲法記念日
    utc(year, 5, 4), // みどりの日
    utc(year, 5, 5), // こどもの日
    nthMonday(year, 7, 3), // 海の日
    utc(year, 8, 11), // 山の日
    nthMonday(year, 9, 3), // 敬老の日
    utc(year, 9, Math.floor(23.2488 + 0.242194 * offset - leap)), // 秋分の日
    nthMonday(year, 10, 2), // スポーツの日
    utc(year, 11, 3), // 文化の日
    utc(year, 11, 23), // 勤労感謝の日
  ];
}

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

function nthMonday(year: number, month: number, nth: number): Date {
  const first = utc(year, month, 1).getUTCDay();
  return utc(year, month, 1 + ((8 - first) % 7) + 7 * (nth - 1));
}
