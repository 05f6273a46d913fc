import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../sync/index.js';
import { advanceMark, planIngest } from './plan.js';
import { batchOf, chainEvents } from './store-contract.js';

const link = (e: WireEvent) => ({ seq: e.seq, hash: e.hash, prevHash: e.prevHash });

describe('planIngest', () => {
  it('finds a stored successor that does not link to a late-arriving event', () => {
    const events = chainEvents('T1', 4);
    const foreign = { ...(events[3] as WireEvent), prevHash: 'b'.repeat(64) };
    const plan = planIngest({ batch: batchOf('T1', events.slice(0, 3)), receivedAt: 1, terminalOrg: 'maebashi', ackedSeq: 0, stored: [link(foreign)], ranges: [{ firstSeq: 4, lastSeq: 4 }] });
    expect(plan.anomalies).toMatchObject([{ kind: 'chain-break', seq: 4, detail: { expectedPrevHash: (events[2] as WireEvent).hash } }]);
    expect(plan.ackedSeq).toBe(4);
    expect(plan.ranges).toEqual([]);
  });

  it('does not count seqs the office already holds as a gap', () => {
    const events = chainEvents('T1', 5);
    const batch = batchOf('T1', [events[0] as WireEvent, events[4] as WireEvent], 'maebashi', 1);
    const plan = planIngest({ batch, receivedAt: 1, terminalOrg: 'maebashi', ackedSeq: 0, stored: [link(events[2] as WireEvent)], ranges: [] });
    expect(plan.anomalies.filter((a) => a.kind === 'gap').map((a) => a.detail)).toEqual([
      { firstSeq: 2, lastSeq: 2 },
      { firstSeq: 4, lastSeq: 4 },
    ]);
  });

  it('flags a batch under an org other than the one the terminal first reported', () => {
    const plan = planIngest({ batch: batchOf('T1', chainEvents('T1', 1), 'takasaki'), receivedAt: 1, terminalOrg: 'maebashi', ackedSeq: 0, stored: [], ranges: [] });
    expect(plan.anomalies.map((a) => a.kind)).toEqual(['org-mismatch']);
  });

  it('checks that seq 1 starts from the genesis hash', () => {
    const [first] = chainEvents('T1', 1, { seq: 0, hash: 'c'.repeat(64) });
    const plan = planIngest({ batch: batchOf('T1', [first as WireEvent]), receivedAt: 1, terminalOrg: 'maebashi', ackedSeq: 0, stored: [], ranges: [] });
    expect(plan.anomalies.map((a) => a.kind)).toEqual(['chain-break']);
  });
});

describe('advanceMark', () => {
  it('moves over contiguous and overlapping ranges and keeps the rest merged', () => {
    expect(advanceMark(10, [{ firstSeq: 30, lastSeq: 40 }, { firstSeq: 11, lastSeq: 20 }, { firstSeq: 15, lastSeq: 25 }, { firstSeq: 41, lastSeq: 50 }])).toEqual({
      ackedSeq: 25,
      ranges: [{ firstSeq: 30, lastSeq: 50 }],
    });
  });

  it('never moves backwards for a range already below the mark', () => {
    expect(advanceMark(100, [{ firstSeq: 1, lastSeq: 50 }])).toEqual({ ackedSeq: 100, ranges: [] });
  });
});
