/**
 * Clearing and payment, per taxi company per month, as a service for the dashboard: runs,
 * month close, reproducibility check, the payment CSV (one row per company), a company's
 * detail CSV (one row per ride, correction or void) and its printable statement.
 */
import { all, get, num, str } from '../store/index.js';
import type { ProgramRunner } from '../store/index.js';
import { CLEARING_SQL } from '../store/sql-domain.js';
import { REGISTRY_SQL } from '../store/sql-people.js';
import { closeMonthProgram, monthStart, verifyProgram } from './clearing-close.js';
import type { CloseOutcome, VerifyResult } from './clearing-close.js';
import { frozenTotals, liveTotals, rideItems, sumTotals, toTotals } from './clearing-queries.js';
import type { CompanyTotals, RideItem, Totals } from './clearing-queries.js';
import { toCsv } from './csv.js';
import type { Catalogue } from './programmes.js';

export type { CloseOutcome, VerifyResult } from './clearing-close.js';

export interface ClearingRun {
  readonly month: string;
  readonly status: 'open' | 'closed';
  readonly closedAt: number | null;
  readonly closedBy: string | null;
  readonly digest: string | null;
  readonly companies: readonly (CompanyTotals & { readonly name: string })[];
  readonly total: Totals;
}

export interface MonthSummary {
  readonly month: string;
  readonly status: 'open' | 'closed';
  readonly companies: number;
  readonly total: Totals;
}

export interface DayFigures extends Totals {
  readonly day: string;
}

export interface Statement {
  readonly month: string;
  readonly company: string;
  readonly companyName: string;
  readonly status: 'open' | 'closed';
  readonly closedAt: number | null;
  readonly closedBy: string | null;
  readonly totals: Totals;
  readonly byProgramme: readonly (Totals & { readonly programmeId: string; readonly programmeName: string })[];
  readonly byDay: readonly DayFigures[];
  readonly generatedAt: number;
}

export interface ClearingService {
  months(): Promise<MonthSummary[]>;
  run(month: string): Promise<ClearingRun>;
  close(month: string, by: string): Promise<CloseOutcome>;
  verify(month: string): Promise<VerifyResult>;
  rides(month: string, company: string, page?: { limit?: number; offset?: number }): Promise<RideItem[]>;
  daily(fromDay: string, toDay: string): Promise<DayFigures[]>;
  statement(month: string, company: string): Promise<Statement>;
  /** UTF-8 with BOM, CRLF: one row per company. */
  paymentCsv(month: string): Promise<string>;
  /** UTF-8 with BOM, CRLF: one row per ride, correction or void of one company. */
  detailCsv(month: string, company: string): Promise<string>;
}

export interface ClearingDeps {
  readonly store: ProgramRunner;
  readonly catalogue: Catalogue;
  readonly clock: () => number;
  /** Brings the projections up to date (run before a figure is read). */
  readonly project: () => Promise<unknown>;
}

export function createClearingService(deps: ClearingDeps): ClearingService {
  const { store, catalogue, clock, project } = deps;
  const names = () => store.run(function* () {
    return new Map((yield* all(REGISTRY_SQL.companies)).map((r) => [str(r.company), str(r.name)]));
  });

  const runOf = async (month: string): Promise<ClearingRun> => {
    monthStart(month);
    await project();
    const [companyNames, figures] = await Promise.all([names(), store.run(function* () {
      const closed = yield* get(CLEARING_SQL.month, [month]);
      return { closed, companies: closed === undefined ? yield* liveTotals(month) : yield* frozenTotals(month) };
    })]);
    const { closed, companies } = figures;
    return {
      month,
      status: closed === undefined ? 'open' : 'closed',
      closedAt: closed === undefined ? null : num(closed.closed_at),
      closedBy: closed === undefined ? null : str(closed.closed_by),
      digest: closed === undefined ? null : str(closed.inputs_digest),
      companies: companies.map((c) => ({ ...c, name: companyNames.get(c.company) ?? c.company })),
      total: sumTotals(companies),
    };
  };

  return {
    async months() {
      await project();
      return store.run(function* () {
        const closed = new Set((yield* all(CLEARING_SQL.closedMonths)).map((r) => str(r.month)));
        return (yield* all(CLEARING_SQL.runMonths)).map((r): MonthSummary => ({
          month: str(r.month), status: closed.has(str(r.month)) ? 'closed' : 'open', companies: num(r.companies), total: toTotals(r),
        }));
      });
    },
    run: runOf,
    async close(month, by) {
      monthStart(month);
      await project();
      return store.run(() => closeMonthProgram(month, by, clock(), catalogue.unitOf), { write: true });
    },
    async verify(month) {
      monthStart(month);
      return store.run(() => verifyProgram(month, catalogue.unitOf));
    },
    async rides(month, company, page = {}) {
      await project();
      const items = await store.run(() => rideItems(month, company, catalogue.unitOf));
      const offset = page.offset ?? 0;
      return items.slice(offset, offset + Math.min(page.limit ?? 500, 100_000));
    },
    async daily(fromDay, toDay) {
      await project();
      return store.run(function* () {
        return (yield* all(CLEARING_SQL.byDay, [fromDay, toDay])).map((r) => ({ day: str(r.day), ...toTotals(r) }));
      });
    },
    async statement(month, company) {
      const runNow = await runOf(month);
      const totals = runNow.companies.find((c) => c.company === company) ?? { company, name: company, ...sumTotals([]) };
      const detail = await store.run(function* () {
        const byProgramme = (yield* all(CLEARING_SQL.byProgramme, [month, company])).map((r) => ({ programmeId: str(r.programme_id), ...toTotals(r) }));
        const byDay = (yield* all(CLEARING_SQL.byDayOfCompany, [month, company])).map((r) => ({ day: str(r.day), ...toTotals(r) }));
        return { byProgramme, byDay };
      });
      const { company: _c, name, ...figures } = totals;
      return {
        month, company, companyName: name, status: runNow.status, closedAt: runNow.closedAt, closedBy: runNow.closedBy, totals: figures,
        byProgramme: detail.byProgramme.map((p) => ({ ...p, programmeName: catalogue.find(p.programmeId)?.name.ja ?? p.programmeId })),
        byDay: detail.byDay, generatedAt: clock(),
      };
    },
    async paymentCsv(month) {
      const r = await runOf(month);
      return toCsv(PAYMENT_HEADER, r.companies.map((c) => [
        month, c.company, c.name, c.rides, c.riders, c.subsidyYen, c.couponUnits, c.yenUnits, c.fareYen, c.lateItems, c.lateSubsidyYen, r.status === 'closed' ? '確定' : '未確定',
      ]));
    },
    async detailCsv(month, company) {
      await project();
      const items = await store.run(() => rideItems(month, company, catalogue.unitOf));
      return toCsv(DETAIL_HEADER, items.map((i) => [
        month, company, i.terminal, i.rideId, KIND_JA[i.kind], i.serviceDay, timeOfDay(i.at), i.rides, i.riders, i.subsidyYen, i.couponUnits, i.yenUnits, i.fareYen,
        i.late ? '遅延' : '', i.serviceMonth, i.seq,
      ]));
    },
  };
}

const PAYMENT_HEADER = ['対象月', '事業者コード', '事業者名', '乗車回数', '利用者数', '補助額(円)', '利用券(枚)', '円単位利用(円)', '運賃合計(円)', 'うち遅延計上(件)', 'うち遅延計上額(円)', '状態'];
const DETAIL_HEADER = ['対象月', '事業者コード', '端末', '乗車ID', '区分', '利用日', '時刻', '乗車回数', '利用者数', '補助額(円)', '利用券(枚)', '円単位利用(円)', '運賃(円)', '遅延', '利用月', '端末記録番号'];
const KIND_JA = { ride: '乗車', correction: '運賃訂正', void: '取消' } as const;

/** HH:MM:SS in Japan time. */
function timeOfDay(atMs: number): string {
  return new Date(atMs + 9 * 3_600_000).toISOString().slice(11, 19);
}
