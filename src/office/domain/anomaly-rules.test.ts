import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_RULES, findRevokedUse, findRewinds, findSeveralTaxis } from './anomaly-rules.js';
import type { CardWrite } from './anomaly-rules.js';

const MIN = 60_000;
const w = (terminal: string, intentSeq: number, fromSeq: number, usedAfter: number, at: number, extra: Partial<CardWrite> = {}): CardWrite => ({
  terminal, intentSeq, org: 'o', cardId: 'C', programmeId: '102016-1', grantSerial: 1, fromSeq, toSeq: fromSeq + 1, units: 1, usedAfter, at, ...extra,
});

describe('findRewinds', () => {
  it('finds nothing in a card that moved forward, across terminals, with a unit given back', () => {
    expect(findRewinds([w('A', 1, 0, 1, 0), w('B', 1, 1, 2, MIN), w('A', 3, 2, 1, 2 * MIN, { units: -1 })], DEFAULT_ANOMALY_RULES, 0)).toEqual([]);
  });

  it('finds the same seq written twice, whatever the clocks say', () => {
    const found = findRewinds([w('A', 1, 0, 1, 2 * MIN), w('B', 7, 0, 1, 0)], DEFAULT_ANOMALY_RULES, 0);
    expect(found).toMatchObject([{ terminal: 'A', seq: 1, kind: 'card-rewound', detail: { reasons: ['same-seq-written-twice'], earlier: { terminal: 'B' } } }]);
  });

  it('ignores a seq that goes back within the clock tolerance, and flags one beyond it', () => {
    const writes = [w('A', 1, 4, 5, 0)];
    expect(findRewinds([...writes, w('B', 1, 2, 3, 4 * MIN)], DEFAULT_ANOMALY_RULES, 0)).toEqual([]);
    expect(findRewinds([...writes, w('B', 1, 2, 3, 6 * MIN)], DEFAULT_ANOMALY_RULES, 0)).toMatchObject([{ detail: { reasons: ['seq-went-back'] } }]);
  });

  it('keeps grants apart: a new grant starts again at seq 0', () => {
    expect(findRewinds([w('A', 1, 5, 6, 0), w('A', 2, 0, 1, MIN, { grantSerial: 2 })], DEFAULT_ANOMALY_RULES, 0)).toEqual([]);
  });
});

describe('findSeveralTaxis', () => {
  it('flags one card accepted by two taxis closer than the window, not by one taxi twice', () => {
    const use = (terminal: string, seq: number, at: number) => ({ terminal, seq, org: 'o', cardId: 'C', at });
    expect(findSeveralTaxis([use('A', 1, 0), use('A', 2, MIN)], DEFAULT_ANOMALY_RULES, 0)).toEqual([]);
    expect(findSeveralTaxis([use('A', 1, 0), use('B', 9, 4 * MIN)], DEFAULT_ANOMALY_RULES, 0)).toMatchObject([{ terminal: 'B', seq: 9, fingerprint: 'A:1' }]);
    expect(findSeveralTaxis([use('A', 1, 0), use('B', 9, 5 * MIN)], DEFAULT_ANOMALY_RULES, 0)).toEqual([]);
  });
});

describe('findRevokedUse', () => {
  it('flags a use only where the terminal had applied the version that revoked the card', () => {
    const use = { terminal: 'A', seq: 3, org: 'o', cardId: 'C', at: 0, kind: 'taxi', revokedVersion: 5, reason: 'lost' };
    expect(findRevokedUse([{ ...use, appliedVersion: null }, { ...use, appliedVersion: 4 }], 0)).toEqual([]);
    expect(findRevokedUse([{ ...use, appliedVersion: 6 }], 0)).toMatchObject([{ kind: 'revoked-card-used', fingerprint: 'v5' }]);
  });
});
