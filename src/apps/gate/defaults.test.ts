import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_GROUPS, defaultGateConfigInput, gateReaders } from './defaults.js';
import { doorSchedule, parseGateConfig } from './config.js';
import { japaneseHolidays } from './holidays.js';
import { isWithinSchedule } from './schedule.js';
import { jst } from './test-fixtures.js';

describe('The default gate', () => {
  const config = parseGateConfig(defaultGateConfigInput([2026, 2027]));
  const door = config.doors[0];
  if (door === undefined) throw new Error('no door');
  const scheduleOf = (group: number) => {
    const s = doorSchedule(config, door, group);
    if (s.kind !== 'schedule') throw new Error(`group ${group} has no schedule`);
    return s.schedule;
  };

  it('has one door main with the readers Gate In and Gate Out, soft anti-passback and a position input', () => {
    expect(config.doors).toHaveLength(1);
    expect(door).toMatchObject({ id: 'main', readers: { in: 'Gate In', out: 'Gate Out' }, antiPassback: 'soft', openMs: 5000, position: { heldOpenMs: 30_000 } });
    expect(gateReaders(config)).toEqual(['Gate In', 'Gate Out']);
  });

  it('lists the Japanese holidays of the years it is given', () => {
    expect(config.holidays).toContain('2026-09-22');
    expect(config.holidays).toContain('2027-01-11');
    expect(config.holidays).toEqual([...japaneseHolidays(2026), ...japaneseHolidays(2027)]);
  });

  it('lets staff in on weekdays from 07:00 to 22:00, never on a holiday, and security at any hour', () => {
    const staff = scheduleOf(DEFAULT_ACCESS_GROUPS.staff);
    expect(isWithinSchedule(staff, config.holidays, jst('2026-12-01T06:59'))).toBe(false);
    expect(isWithinSchedule(staff, config.holidays, jst('2026-12-01T07:00'))).toBe(true);
    expect(isWithinSchedule(staff, config.holidays, jst('2026-12-01T21:59'))).toBe(true);
    expect(isWithinSchedule(staff, config.holidays, jst('2026-11-23T12:00'))).toBe(false);
    const security = scheduleOf(DEFAULT_ACCESS_GROUPS.security);
    expect(isWithinSchedule(security, config.holidays, jst('2026-11-23T03:00'))).toBe(true);
    expect(isWithinSchedule(scheduleOf(DEFAULT_ACCESS_GROUPS.visitor), config.holidays, jst('2026-12-01T18:00'))).toBe(false);
    expect(doorSchedule(config, door, 42)).toEqual({ kind: 'none' });
  });
});
