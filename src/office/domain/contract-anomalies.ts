import { expect, it } from 'vitest';
import type { OfficeStore } from '../store/index.js';
import { cardWrite, jst, testDomain, wireJournal } from './test-support.js';

const CARD = 'A1B2C3D4E5F60718';
const HOUR = 3_600_000;

/** The anomaly and attendance part of the domain contract. */
export function anomalyContract(store: () => OfficeStore): void {
  it('flags a card whose value state went back (a restored image), once, and not a fresh grant', async () => {
    const now = jst('2025-06-10 12:00');
    const domain = testDomain(store(), () => now);
    const t1 = wireJournal('T1');
    const t2 = wireJournal('T2');
    cardWrite(t1, { cardId: CARD, fromSeq: 0, usedAfter: 1, at: jst('2025-06-10 08:00') });
    cardWrite(t1, { cardId: CARD, fromSeq: 1, usedAfter: 2, at: jst('2025-06-10 09:00') });
    cardWrite(t1, { cardId: CARD, fromSeq: 2, usedAfter: 3, at: jst('2025-06-10 10:00') });
    const restored = cardWrite(t2, { cardId: CARD, fromSeq: 1, usedAfter: 2, at: jst('2025-06-10 11:00') });
    cardWrite(t2, { cardId: CARD, fromSeq: 0, usedAfter: 1, at: jst('2025-06-10 11:30'), grantSerial: 2 });
    await store().ingestBatch(t1.batch(), now);
    await store().ingestBatch(t2.batch(), now);
    const report = await domain.detect();
    expect(report.added).toEqual({ 'card-rewound': 1 });
    const [found] = await domain.anomalies.list({ kind: 'card-rewound' });
    expect(found).toMatchObject({ terminal: 'T2', seq: restored.seq, detail: { cardId: CARD, reasons: ['same-seq-written-twice', 'seq-went-back'], earlier: { terminal: 'T1' } } });
    expect((await domain.detect()).added).toEqual({});
  });

  it('flags a write whose starting used count is below what the previous seq had used', async () => {
    const now = jst('2025-06-10 12:00');
    const domain = testDomain(store(), () => now);
    const t1 = wireJournal('T1');
    cardWrite(t1, { cardId: CARD, fromSeq: 0, usedAfter: 5, units: 5, at: jst('2025-06-10 08:00') });
    cardWrite(t1, { cardId: CARD, fromSeq: 1, usedAfter: 2, at: jst('2025-06-10 09:00') });
    await store().ingestBatch(t1.batch(), now);
    await domain.detect();
    expect(await domain.anomalies.list({ kind: 'card-rewound' })).toMatchObject([{ detail: { reasons: ['used-went-down'] } }]);
  });

  it('flags use of a revoked card only after the terminal had applied the version revoking it', async () => {
    let now = jst('2025-06-10 08:00');
    const domain = testDomain(store(), () => now);
    await domain.revocation.revoke({ cardId: CARD, reason: 'lost', by: 'clerk-1' });
    now = jst('2025-06-10 12:00');
    const knew = wireJournal('T-KNEW');
    knew.append('denylist-applied', { version: 1, kind: 'snapshot', entries: 1 }, jst('2025-06-10 09:00'));
    cardWrite(knew, { cardId: CARD, fromSeq: 3, usedAfter: 4, at: jst('2025-06-10 10:00'), rideId: 'R1' });
    const offline = wireJournal('T-OFFLINE');
    cardWrite(offline, { cardId: CARD, fromSeq: 4, usedAfter: 5, at: jst('2025-06-10 10:30'), rideId: 'R2' });
    await store().ingestBatch(knew.batch(), now);
    await store().ingestBatch(offline.batch(), now);
    await domain.detect();
    expect(await domain.anomalies.list({ kind: 'revoked-card-used' })).toMatchObject([
      { terminal: 'T-KNEW', seq: 3, detail: { cardId: CARD, revokedInVersion: 1, terminalHadVersion: 1, reason: 'lost' } },
    ]);
  });

  it('flags an intent left in doubt too long, a silent terminal, and one card in two taxis within minutes', async () => {
    let now = jst('2025-06-10 12:00');
    const domain = testDomain(store(), () => now);
    const a = wireJournal('TAXI-A');
    const b = wireJournal('TAXI-B');
    cardWrite(a, { cardId: CARD, fromSeq: 0, usedAfter: 1, at: jst('2025-06-10 10:00'), rideId: 'RA' });
    cardWrite(b, { cardId: CARD, fromSeq: 1, usedAfter: 2, at: jst('2025-06-10 10:03'), rideId: 'RB' });
    cardWrite(b, { cardId: CARD, fromSeq: 2, usedAfter: 3, at: jst('2025-06-10 11:00'), rideId: 'RC', then: 'nothing' });
    await store().ingestBatch(a.batch(), jst('2025-06-10 10:05'));
    await store().ingestBatch(b.batch(), now);
    expect((await domain.detect()).added).toEqual({ 'card-in-several-taxis': 1 });
    now += 25 * HOUR;
    expect((await domain.detect()).added).toEqual({ 'intent-unresolved': 1, 'terminal-silent': 2 });
    expect((await domain.detect()).added).toEqual({});
    const [twice] = await domain.anomalies.list({ kind: 'card-in-several-taxis' });
    expect(twice).toMatchObject({ terminal: 'TAXI-B', detail: { previous: { terminal: 'TAXI-A' }, apartMs: 3 * 60_000 + 0 } });
  });

  it('keeps a supervisor\'s acknowledgement with the comment, once', async () => {
    const now = jst('2025-06-10 12:00');
    const domain = testDomain(store(), () => now);
    const t = wireJournal('T1');
    cardWrite(t, { cardId: CARD, fromSeq: 0, usedAfter: 1, at: jst('2025-06-08 10:00'), then: 'nothing' });
    await store().ingestBatch(t.batch(), jst('2025-06-08 10:01'));
    await domain.detect();
    expect(await domain.anomalies.list({ acknowledged: false })).toHaveLength(2);
    const [open] = await domain.anomalies.list({ kind: 'intent-unresolved' });
    if (open === undefined) throw new Error('expected an open anomaly');
    await expect(domain.acknowledgeAnomaly(open.id, 'super-1', '  ')).rejects.toThrow();
    expect(await domain.acknowledgeAnomaly(open.id, 'super-1', 'Card seen again at the office; write landed')).toMatchObject({ kind: 'acknowledged' });
    expect(await domain.acknowledgeAnomaly(open.id, 'super-2', 'again')).toMatchObject({ kind: 'already-acknowledged', anomaly: { acknowledgement: { by: 'super-1' } } });
    expect(await domain.anomalies.list({ acknowledged: false })).toHaveLength(1);
    expect(await domain.anomalies.list({ acknowledged: true })).toMatchObject([{ id: open.id, acknowledgement: { comment: 'Card seen again at the office; write landed', at: now } }]);
    expect(await domain.acknowledgeAnomaly(999_999, 'super-1', 'x')).toEqual({ kind: 'not-found' });
    expect(await domain.anomalies.counts()).toEqual(expect.arrayContaining([{ kind: 'intent-unresolved', total: 1, open: 0 }]));
  });

  it('reports first in and last out per holder per day in Japan time, with a CSV', async () => {
    const now = jst('2025-06-11 20:00');
    const domain = testDomain(store(), () => now);
    const gate = wireJournal('GATE-1');
    const pass = (type: 'gate-entry' | 'gate-exit', holder: string, at: string, intentId: number | null = null) =>
      gate.append(type, { door: 'main', reader: type === 'gate-entry' ? 'In' : 'Out', direction: type === 'gate-entry' ? 'in' : 'out', holder, cardId: CARD, at: jst(at), pass: 'staff', organisation: 1, units: 0, remainingEntries: null, flags: [], intentId }, jst(at));
    pass('gate-entry', 'H-001', '2025-06-10 08:31');
    pass('gate-exit', 'H-001', '2025-06-10 12:00');
    pass('gate-entry', 'H-001', '2025-06-10 13:00');
    pass('gate-exit', 'H-001', '2025-06-10 18:02');
    pass('gate-entry', 'H-002', '2025-06-10 23:50');
    pass('gate-exit', 'H-002', '2025-06-11 00:20');
    gate.append('gate-refused', { door: 'main', reader: 'In', direction: 'in', holder: 'H-003', cardId: CARD, at: jst('2025-06-10 09:00'), reason: 'revoked', pass: 'staff' }, jst('2025-06-10 09:00'));
    await store().ingestBatch(gate.batch(), now);
    expect(await domain.attendance.days('2025-06-10', '2025-06-11')).toEqual([
      { day: '2025-06-10', holder: 'H-001', firstIn: jst('2025-06-10 08:31'), lastOut: jst('2025-06-10 18:02'), passages: 4 },
      { day: '2025-06-10', holder: 'H-002', firstIn: jst('2025-06-10 23:50'), lastOut: null, passages: 1 },
      { day: '2025-06-11', holder: 'H-002', firstIn: null, lastOut: jst('2025-06-11 00:20'), passages: 1 },
    ]);
    const csv = await domain.attendance.csv('2025-06-10', '2025-06-10', 'H-001');
    expect(csv).toBe('\uFEFF日付,職員,最初の入館,最後の退館,通行回数\r\n2025-06-10,H-001,08:31,18:02,4\r\n');
  });

  it('gives the overview: today\'s rides and subsidy, terminals online and offline, backlog', async () => {
    const now = jst('2025-06-10 12:00');
    const domain = testDomain(store(), () => now);
    await domain.registry.registerTerminal({ terminal: 'TAXI-A', kind: 'taxi', company: 'maebashi-kotsu' });
    const a = wireJournal('TAXI-A');
    a.append('ride-closed', { rideId: 'R1', atMs: jst('2025-06-10 10:00'), riders: [{ cardId: CARD, programmeId: '102016-1', units: 1, subsidyYen: 900 }], totalSubsidyYen: 900, cashToCollectYen: 900 }, jst('2025-06-10 10:00'));
    await store().ingestBatch(a.batch(), now);
    await store().recordStatus('maebashi', 'TAXI-A', { v: 1, terminal: 'TAXI-A', online: true, versions: { denyList: 0, config: 0, keys: 1, software: '0.1.0' }, backlog: 12, lastSeq: 13, clock: { now }, at: now }, now);
    await store().recordStatus('maebashi', 'TAXI-B', { v: 1, terminal: 'TAXI-B', online: false, versions: { denyList: 0, config: 0, keys: 1, software: '0.1.0' }, backlog: 3, lastSeq: 3, clock: { now }, at: now }, now);
    const o = await domain.overview();
    expect(o).toMatchObject({ day: '2025-06-10', today: { rides: 1, subsidyYen: 900 }, terminals: { total: 2, online: 1, offline: 1, unregistered: 1 }, backlog: 15 });
    expect(o.last30Days).toEqual([expect.objectContaining({ day: '2025-06-10', rides: 1 })]);
  });
}
