import { expect, it } from 'vitest';
import type { OfficeStore } from '../store/index.js';
import { clearingFixture, JULY_AKAGI, JULY_MAEBASHI_LATE, JUNE_AKAGI, JUNE_MAEBASHI } from './clearing-fixture.js';
import { jst, testDomain } from './test-support.js';

/** The clearing part of the domain contract: the hand-checked data set (clearing-fixture.ts). */
export function clearingContract(store: () => OfficeStore): void {
  it('clears the hand-checked month per company: shared rides, corrections before and after the close, a void', async () => {
    let now = jst('2025-06-25 12:00');
    const domain = testDomain(store(), () => now);
    await seed(domain);
    const f = clearingFixture();
    for (const j of [f.ta1, f.ta2, f.tb1]) await store().ingestBatch(j.batch(), now);
    const june = await domain.clearing.run('2025-06');
    expect(june.status).toBe('open');
    expect(june.companies).toEqual([
      { company: 'akagi-taxi', name: '赤城タクシー', ...JUNE_AKAGI },
      { company: 'maebashi-kotsu', name: '前橋交通', ...JUNE_MAEBASHI },
    ]);
    expect((await domain.clearing.run('2025-07')).companies).toEqual([{ company: 'akagi-taxi', name: '赤城タクシー', ...JULY_AKAGI }]);
    expect(await store().anomalies({ kind: 'malformed-event' })).toMatchObject([{ terminal: 'TA1', detail: { type: 'ride-closed', issue: expect.stringContaining('riders') } }]);

    now = jst('2025-07-02 09:00');
    const closed = await domain.clearing.close('2025-06', 'supervisor-1');
    expect(closed).toMatchObject({ kind: 'closed', lines: 8 });
    f.appendLate();
    await store().ingestBatch(f.ta2.batch(), now);
    const after = await domain.clearing.run('2025-06');
    expect(after).toMatchObject({ status: 'closed', closedBy: 'supervisor-1', total: { rides: 6, subsidyYen: 5500 } });
    expect((await domain.clearing.run('2025-07')).companies).toEqual([
      { company: 'akagi-taxi', name: '赤城タクシー', ...JULY_AKAGI },
      { company: 'maebashi-kotsu', name: '前橋交通', ...JULY_MAEBASHI_LATE },
    ]);
    const late = await domain.clearing.rides('2025-07', 'maebashi-kotsu');
    expect(late).toMatchObject([{ rideId: 'R5', late: true, serviceMonth: '2025-06', subsidyYen: 1000 }]);
    expect(await domain.clearing.verify('2025-06')).toMatchObject({ ok: true, closed: true, digestMatches: true, aggregatesMatch: true, differences: [] });
    expect(await domain.clearing.verify('2025-07')).toMatchObject({ ok: true, closed: false });
  });

  it('refuses to close a month that has not ended, twice, or before an earlier open month', async () => {
    let now = jst('2025-06-25 12:00');
    const domain = testDomain(store(), () => now);
    await seed(domain);
    const f = clearingFixture();
    for (const j of [f.ta1, f.ta2, f.tb1]) await store().ingestBatch(j.batch(), now);
    expect(await domain.clearing.close('2025-06', 's')).toMatchObject({ kind: 'not-ended', endsAt: jst('2025-07-01 00:00') });
    now = jst('2025-08-03 09:00');
    expect(await domain.clearing.close('2025-07', 's')).toEqual({ kind: 'earlier-month-open', month: '2025-07', open: ['2025-06'] });
    expect(await domain.clearing.close('2025-06', 's')).toMatchObject({ kind: 'closed' });
    expect(await domain.clearing.close('2025-06', 't')).toMatchObject({ kind: 'already-closed', closedBy: 's' });
    expect(await domain.clearing.close('2025-07', 's')).toMatchObject({ kind: 'closed' });
  });

  it('shows a closed run changed behind its back: the lines no longer match the digest', async () => {
    let now = jst('2025-06-25 12:00');
    const domain = testDomain(store(), () => now);
    await seed(domain);
    const f = clearingFixture();
    for (const j of [f.ta1, f.ta2, f.tb1]) await store().ingestBatch(j.batch(), now);
    now = jst('2025-07-02 09:00');
    await domain.clearing.close('2025-06', 's');
    await store().run(function* () {
      yield { kind: 'run', sql: "UPDATE clearing_aggregates SET subsidy_yen = subsidy_yen + 1 WHERE terminal = 'TA1' AND service_day = '2025-06-10'", params: [] };
    }, { write: true });
    const check = await domain.clearing.verify('2025-06');
    expect(check).toMatchObject({ ok: false, digestMatches: false, aggregatesMatch: false, differences: [] });
  });

  it('writes the payment CSV with a BOM and CRLF, one row per company, and a detail CSV with each ride', async () => {
    const now = jst('2025-07-02 09:00');
    const domain = testDomain(store(), () => now);
    await seed(domain);
    const f = clearingFixture();
    for (const j of [f.ta1, f.ta2, f.tb1]) await store().ingestBatch(j.batch(), now);
    await domain.clearing.close('2025-06', 's');
    const csv = await domain.clearing.paymentCsv('2025-06');
    expect(csv.startsWith('\uFEFF対象月,事業者コード,事業者名,乗車回数')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('2025-06,akagi-taxi,赤城タクシー,1,1,700,1,0,1400,0,0,確定');
    expect(lines[2]).toBe('2025-06,maebashi-kotsu,前橋交通,5,6,4800,6,1000,11200,0,0,確定');
    expect(lines[3]).toBe('');
    const detail = await domain.clearing.detailCsv('2025-06', 'maebashi-kotsu');
    const rows = detail.slice(1).split('\r\n').slice(1, -1);
    expect(rows.map((r) => r.split(',').slice(3, 5))).toEqual([
      ['R1', '乗車'], ['R2', '乗車'], ['R3', '乗車'], ['R6', '乗車'], ['R6', '取消'], ['R4', '乗車'], ['R4', '運賃訂正'],
    ]);
    const statement = await domain.clearing.statement('2025-06', 'maebashi-kotsu');
    expect(statement).toMatchObject({ companyName: '前橋交通', status: 'closed', totals: JUNE_MAEBASHI });
    expect(statement.byProgramme.map((p) => [p.programmeId, p.subsidyYen, p.programmeName])).toEqual([['102016-1', 3800, '前橋市 マイタク'], ['132055-1', 1000, '青梅市 タクシー運賃助成']]);
    expect(statement.byDay.reduce((s, d) => s + d.subsidyYen, 0)).toBe(4800);
  });

  it('moves the rides of a terminal registered late to its company, but never out of a closed month', async () => {
    let now = jst('2025-06-25 12:00');
    const domain = testDomain(store(), () => now);
    await domain.registry.registerCompany({ company: 'akagi-taxi', name: '赤城タクシー' });
    const f = clearingFixture();
    await store().ingestBatch(f.tb1.batch(), now);
    expect((await domain.clearing.run('2025-06')).companies.map((c) => c.company)).toEqual(['(unregistered)']);
    now = jst('2025-07-02 09:00');
    await domain.clearing.close('2025-06', 's');
    await domain.registry.registerTerminal({ terminal: 'TB1', kind: 'taxi', company: 'akagi-taxi' });
    expect((await domain.clearing.run('2025-06')).companies.map((c) => c.company)).toEqual(['(unregistered)']);
    expect((await domain.clearing.run('2025-07')).companies.map((c) => [c.company, c.name])).toEqual([['akagi-taxi', '赤城タクシー']]);
  });
}

async function seed(domain: ReturnType<typeof testDomain>): Promise<void> {
  await domain.registry.seed({
    companies: [{ company: 'maebashi-kotsu', name: '前橋交通' }, { company: 'akagi-taxi', name: '赤城タクシー' }],
    terminals: [
      { terminal: 'TA1', kind: 'taxi', company: 'maebashi-kotsu' },
      { terminal: 'TA2', kind: 'taxi', company: 'maebashi-kotsu' },
      { terminal: 'TB1', kind: 'taxi', company: 'akagi-taxi' },
    ],
  });
}
