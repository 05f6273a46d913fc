import { describe, expect, it } from 'vitest';
import { doorSchedule, gateConfigSchema, parseGateConfig, resolveReader } from './config.js';
import { GateConfigError } from './errors.js';
import { CONFIG_INPUT, gateConfig } from './test-fixtures.js';

function issuesOf(input: unknown): readonly string[] {
  try {
    parseGateConfig(input);
  } catch (error) {
    if (error instanceof GateConfigError) return error.issues;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('gate configuration', () => {
  it('fills in the defaults of a minimal configuration', () => {
    const config = parseGateConfig({ programmes: [{ municipality: 102016, number: 40 }], doors: [{ id: 'd', readers: { in: 'r' }, zones: [0] }] });
    expect(config.holidays).toEqual([]);
    expect(config.schedules).toEqual({});
    expect(config.antiPassback.forgetAfterMs).toBe(24 * 60 * 60 * 1000);
    expect(config.doors[0]).toEqual({ id: 'd', readers: { in: 'r' }, zones: [0], openMs: 5000, antiPassback: 'none', visitors: true });
  });

  it('turns "HH:MM" times into minutes from midnight and fills in every weekday', () => {
    const config = gateConfig();
    expect(config.schedules.night?.week.fri).toEqual([{ from: 22 * 60, to: 6 * 60 }]);
    expect(config.schedules.night?.week.sat).toEqual([]);
    expect(config.schedules.office?.holiday).toEqual([]);
  });

  it('accepts 24:00 as the end of a range and minutes as numbers', () => {
    const schedules = { ...CONFIG_INPUT.schedules, all: { week: { sun: [{ from: 0, to: '24:00' }] } } };
    expect(gateConfig({ schedules }).schedules.all?.week.sun).toEqual([{ from: 0, to: 1440 }]);
  });

  it('lists every bad field of a configuration at once', () => {
    const issues = issuesOf({
      ...CONFIG_INPUT,
      holidays: ['2026-13-01'],
      schedules: { s: { week: { mon: [{ from: '09:00', to: '09:00' }, { from: '25:00', to: '26:00' }] } } },
      doors: [
        { id: 'a', readers: { in: 'r1', out: 'r2' }, zones: [0], schedules: { '1': 'missing' } },
        { id: 'a', readers: { in: 'r2' }, zones: [64], antiPassback: 'strict' },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^holidays\.0: /),
        expect.stringMatching(/^schedules\.s\.week\.mon\.0: from and to must differ/),
        expect.stringMatching(/^schedules\.s\.week\.mon\.1\.from: /),
        expect.stringMatching(/^doors\.1\.zones\.0: /),
        expect.stringMatching(/^doors\.1\.antiPassback: /),
      ]),
    );
  });

  it('refuses duplicate doors, a reader on two doors and a schedule that does not exist', () => {
    const issues = issuesOf({
      ...CONFIG_INPUT,
      doors: [
        { id: 'a', readers: { in: 'r1', out: 'r2' }, zones: [0], schedules: { '1': 'missing' } },
        { id: 'a', readers: { in: 'r2' }, zones: [1] },
      ],
    });
    expect(issues).toEqual([
      'doors.0.schedules.1: schedule "missing" is not defined',
      'doors.1.id: door "a" is listed twice',
      'doors.1.readers.in: reader "r2" serves more than one door or direction',
    ]);
  });

  it('exposes the schema so callers can validate without throwing', () => {
    expect(gateConfigSchema.safeParse({}).success).toBe(false);
  });

  it('finds the door and direction of each reader', () => {
    const config = gateConfig();
    expect(resolveReader(config, 'main-in')).toMatchObject({ reader: 'main-in', direction: 'in', door: { id: 'main' } });
    expect(resolveReader(config, 'main-out')).toMatchObject({ direction: 'out', door: { id: 'main' } });
    expect(resolveReader(config, 'lab-in')).toMatchObject({ direction: 'in', door: { id: 'lab' } });
    expect(resolveReader(config, 'elsewhere')).toBeUndefined();
  });

  it('maps an access group to a door schedule, with "*" for any other group', () => {
    const base = gateConfig();
    const main = base.doors[0]!;
    expect(doorSchedule(base, main, 1)).toMatchObject({ kind: 'schedule', id: 'office' });
    expect(doorSchedule(base, main, 2)).toMatchObject({ kind: 'schedule', id: 'night' });
    expect(doorSchedule(base, main, 3)).toEqual({ kind: 'none' });
    expect(doorSchedule(base, base.doors[1]!, 3)).toEqual({ kind: 'unrestricted' });
    const withDefault = { ...main, schedules: { '1': 'office', '*': 'night' } };
    expect(doorSchedule(base, withDefault, 3)).toMatchObject({ kind: 'schedule', id: 'night' });
  });
});
