import { describe, expect, it } from 'vitest';
import { placementOf, ruleLines, runMonthOf } from './clearing-rules.js';
import type { RawEvent, RuleContext } from './clearing-rules.js';
import { jst } from './test-support.js';

const ctx = (closedBefore = true): RuleContext => ({ unitOf: (id) => (id === '132055-1' ? 'yen' : 'coupon'), closedBefore: () => closedBefore });
const event = (type: string, payload: unknown, seq = 5): RawEvent => ({ terminal: 'T1', seq, type, at: jst('2025-06-10 10:00'), payload });

describe('ruleLines', () => {
  it('gives a closed ride one line per rider, the ride and its fare on the first, units by programme unit', () => {
    const outcome = ruleLines(event('ride-closed', {
      rideId: 'R1', riders: [{ cardId: 'A', programmeId: '102016-1', units: 1, subsidyYen: 500 }, { cardId: 'B', programmeId: '132055-1', units: 700, subsidyYen: 700 }],
      totalSubsidyYen: 1200, cashToCollectYen: 1800, extraField: 'ignored', issue: 'a field of the same name as a parse problem',
    }), ctx());
    expect(outcome).toMatchObject({ kind: 'lines', rideId: 'R1', lines: [
      { line: 0, kind: 'ride', rides: 1, riders: 1, subsidyYen: 500, couponUnits: 1, yenUnits: 0, fareYen: 3000 },
      { line: 1, kind: 'ride', rides: 0, riders: 1, subsidyYen: 700, couponUnits: 0, yenUnits: 700, fareYen: 0 },
    ] });
  });

  it('adds a correction made after the close as deltas, and nothing for one made while the ride was open', () => {
    const payload = { rideId: 'R1', oldFareYen: 2400, newFareYen: 2000, oldTotalSubsidyYen: 1000, newTotalSubsidyYen: 1000, cashToCollectYen: 1000,
      adjustments: [{ cardId: 'A', programmeId: '132055-1', oldSubsidyYen: 1200, newSubsidyYen: 1000, deltaYen: -200, unitsToReturn: 200 }] };
    expect(ruleLines(event('fare-corrected', payload), ctx(true))).toMatchObject({ lines: [{ kind: 'correction', rides: 0, riders: 0, subsidyYen: -200, yenUnits: -200, fareYen: -400 }] });
    expect(ruleLines(event('fare-corrected', payload), ctx(false))).toMatchObject({ kind: 'lines', lines: [] });
  });

  it('takes the voided rider out of the ride and moves the others\' subsidy', () => {
    const payload = { rideId: 'R1', cardId: 'B', oldTotalSubsidyYen: 1000, newTotalSubsidyYen: 1000, cashToCollectYen: 1200,
      adjustments: [{ cardId: 'A', programmeId: '102016-1', oldSubsidyYen: 500, newSubsidyYen: 1000, deltaYen: 500, unitsToReturn: 0 }, { cardId: 'B', programmeId: '102016-1', oldSubsidyYen: 500, newSubsidyYen: 0, deltaYen: -500, unitsToReturn: 1 }] };
    expect(ruleLines(event('tap-voided', payload), ctx())).toMatchObject({ lines: [{ kind: 'void', riders: 0, subsidyYen: 500 }, { kind: 'void', riders: -1, subsidyYen: -500, couponUnits: -1 }] });
  });

  it('calls a payload it cannot read malformed, naming the field', () => {
    expect(ruleLines(event('ride-closed', { rideId: 'R1', riders: [{ cardId: 'A' }], totalSubsidyYen: 0, cashToCollectYen: 0 }), ctx())).toMatchObject({ kind: 'malformed', detail: expect.stringMatching(/^riders\.0\./) });
    expect(ruleLines(event('tap-voided', { rideId: 'R1' }), ctx())).toMatchObject({ kind: 'malformed' });
  });
});

describe('runMonthOf', () => {
  const closes = (marks: Record<string, number>) => ({ months: new Set(Object.keys(marks)), marks: new Map(Object.entries(marks)) });

  it('keeps an event in its own month while that month is open, or was when the office read it', () => {
    expect(runMonthOf('2025-06', 40, closes({}))).toBe('2025-06');
    expect(runMonthOf('2025-06', 40, closes({ '2025-06': 40 }))).toBe('2025-06');
  });

  it('moves an event read after its month closed to the first month still open then', () => {
    expect(runMonthOf('2025-06', 41, closes({ '2025-06': 40 }))).toBe('2025-07');
    expect(runMonthOf('2025-06', 41, closes({ '2025-06': 40, '2025-07': 45 }))).toBe('2025-07');
    expect(runMonthOf('2025-06', 46, closes({ '2025-06': 40, '2025-07': 45 }))).toBe('2025-08');
    expect(runMonthOf('2025-12', 9, closes({ '2025-12': 0 }))).toBe('2026-01');
  });

  it('places by Japan time: 23:50 on 30 June JST is June, 00:10 on 1 July JST is July', () => {
    expect(placementOf(jst('2025-06-30 23:50'), 1, closes({}))).toEqual({ serviceDay: '2025-06-30', serviceMonth: '2025-06', runMonth: '2025-06', late: false });
    expect(placementOf(jst('2025-07-01 00:10'), 1, closes({}))).toMatchObject({ serviceDay: '2025-07-01', runMonth: '2025-07' });
    expect(placementOf(jst('2025-06-30 23:50'), 9, closes({ '2025-06': 3 }))).toMatchObject({ runMonth: '2025-07', late: true });
  });
});
