import { describe, expect, it } from 'vitest';
import { japaneseHolidays } from './holidays.js';

describe('Japanese holidays', () => {
  it('lists the 2026 holidays with the Golden Week substitute and the September citizens\' holiday', () => {
    expect(japaneseHolidays(2026)).toEqual([
      '2026-01-01', '2026-01-12', '2026-02-11', '2026-02-23', '2026-03-20', '2026-04-29',
      '2026-05-03', '2026-05-04', '2026-05-05', '2026-05-06', '2026-07-20', '2026-08-11',
      '2026-09-21', '2026-09-22', '2026-09-23', '2026-10-12', '2026-11-03', '2026-11-23',
    ]);
  });

  it('lists the 2025 holidays with three substitute Mondays', () => {
    expect(japaneseHolidays(2025)).toEqual([
      '2025-01-01', '2025-01-13', '2025-02-11', '2025-02-23', '2025-02-24', '2025-03-20',
      '2025-04-29', '2025-05-03', '2025-05-04', '2025-05-05', '2025-05-06', '2025-07-21',
      '2025-08-11', '2025-09-15', '2025-09-23', '2025-10-13', '2025-11-03', '2025-11-23', '2025-11-24',
    ]);
  });

  it('moves a Sunday holiday to the Monday: 2027 has 2027-03-22 and 2027-05-05 falls on a Wednesday', () => {
    const days = japaneseHolidays(2027);
    expect(days).toContain('2027-03-21');
    expect(days).toContain('2027-03-22');
    expect(days).not.toContain('2027-05-06');
    expect(days.filter((d) => d.startsWith('2027-05'))).toEqual(['2027-05-03', '2027-05-04', '2027-05-05']);
  });

  it('refuses years outside the rules it knows', () => {
    expect(() => japaneseHolidays(2019)).toThrow(RangeError);
    expect(() => japaneseHolidays(2100)).toThrow(RangeError);
  });
});
