import { describe, expect, it } from 'vitest';
import { EXAMPLE_TERMINAL_PROGRAMMES } from './examples.js';
import {
  honouredProgramme,
  isMunicipalityCode,
  parseProgrammeId,
  programmeConfigSchema,
  programmeIdOf,
  smallestTake,
  terminalProgrammesSchema,
  unitOfRule,
} from './programmes.js';
import { TERMINAL, programme } from './test-fixtures.js';

describe('municipality codes', () => {
  it.each([
    [102016, '前橋市', true],
    [244716, '大紀町', true],
    [132055, '青梅市', true],
    [72010, '福島市', true],
    [131016, '千代田区', true],
    [102017, 'a wrong check digit', false],
    [244710, 'a wrong check digit', false],
    [9999, 'too short', false],
  ])('%i (%s) is valid: %s', (code, _name, valid) => {
    expect(isMunicipalityCode(code)).toBe(valid);
  });
});

describe('programme IDs', () => {
  it('writes a grant programme as its six-digit ID with a leading zero kept', () => {
    expect(programmeIdOf({ municipality: 72010, number: 1 })).toBe('072010-1');
    expect(programmeIdOf({ municipality: 102016, number: 12 })).toBe('102016-12');
  });

  it.each(['102016-1', '072010-3', '132055-99999'])('reads %s back to the same grant identity', (id) => {
    const parsed = parseProgrammeId(id);
    expect(parsed).not.toBeNull();
    expect(programmeIdOf(parsed ?? { municipality: 0, number: 0 })).toBe(id);
  });

  it.each(['102017-1', '10201-1', '102016', '102016-', '102016-x', ' 102016-1'])('refuses %j', (id) => {
    expect(parseProgrammeId(id)).toBeNull();
  });
});

describe('programme configuration', () => {
  it('parses the four example programmes with their defaults filled in', () => {
    expect(TERMINAL.honours).toEqual(['102016-1', '244716-1', '132055-1', '072010-1']);
    expect(programme('102016-1').subsidy).toMatchObject({ style: 'fare-share', capYen: 1000, rounding: { stepYen: 1, mode: 'floor' } });
    expect(programme('244716-1').subsidy).toMatchObject({ style: 'fare-share', sharedRide: { rule: 'split-fare' } });
    expect(programme('132055-1')).toMatchObject({ monthlyUnits: 3000, subsidy: { rounding: { stepYen: 100 }, perRideCapYen: 0 } });
    expect(programme('072010-1')).toMatchObject({ dailyUses: 0, returnUnitsOnVoid: true });
  });

  it('lists every bad field of a programme at once', () => {
    const result = programmeConfigSchema.safeParse({
      name: { ja: '', en: 'x' },
      subsidy: { style: 'fare-share', farePercent: 150, capYen: -1 },
      dailyUses: 1.5,
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['name.ja', 'subsidy.farePercent', 'subsidy.capYen', 'dailyUses']));
  });

  it('refuses an unknown subsidy style', () => {
    const result = programmeConfigSchema.safeParse({ name: { ja: 'a', en: 'a' }, subsidy: { style: 'free-rides' } });
    expect(result.success).toBe(false);
  });

  it('refuses a terminal that honours a programme it does not configure', () => {
    const result = terminalProgrammesSchema.safeParse({ ...EXAMPLE_TERMINAL_PROGRAMMES, honours: ['102016-1', '131016-1'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['honours', 1], message: 'programme 131016-1 is not configured' });
  });

  it('refuses a programme keyed by an ID with a wrong check digit', () => {
    const maebashi = EXAMPLE_TERMINAL_PROGRAMMES.programmes['102016-1'];
    const result = terminalProgrammesSchema.safeParse({ honours: [], programmes: { '102017-1': maebashi } });
    expect(result.success).toBe(false);
  });
});

describe('honoured programmes', () => {
  it('finds a programme the terminal honours', () => {
    expect(honouredProgramme(TERMINAL, { municipality: 132055, number: 1 })?.name.en).toBe('Ome taxi fare support');
  });

  it('does not find a programme that is configured but not honoured here', () => {
    const onlyMaebashi = { ...TERMINAL, honours: ['102016-1'] };
    expect(honouredProgramme(onlyMaebashi, { municipality: 132055, number: 1 })).toBeUndefined();
    expect(honouredProgramme(onlyMaebashi, { municipality: 102016, number: 2 })).toBeUndefined();
  });

  it.each([
    ['102016-1', 'coupon', 1],
    ['132055-1', 'yen', 100],
    ['072010-1', 'coupon', 1],
  ])('%s works in %s and takes at least %i at a time', (id, unit, least) => {
    expect(unitOfRule(programme(id).subsidy)).toBe(unit);
    expect(smallestTake(programme(id).subsidy)).toBe(least);
  });
});
