/**
 * What the office concluded, against what the simulator knows: clearing per taxi company per
 * month against the ledger's own figures, anomalies against the fraud that was injected (each
 * flagged, nothing else), forged cards among the refusals the terminals reported, and every
 * tap's outcome against the ledger's prediction.
 */
import type { AnomalyRow } from '../office/store/index.js';
import { invariant, type Invariant } from './checks.js';
import type { DistrictFacts } from './checks.js';
import type { CompanyMonth } from './ledger.js';
import type { SimOffice } from './office.js';

export interface ClearingRow {
  readonly month: string;
  readonly company: string;
  readonly simulator: CompanyMonth;
  readonly office: CompanyMonth;
  readonly ok: boolean;
}

export interface AnomalyReport {
  readonly expected: readonly string[];
  readonly flagged: readonly string[];
  readonly falsePositives: readonly string[];
  readonly falseNegatives: readonly string[];
  readonly byKind: Readonly<Record<string, number>>;
}

const FIELDS = ['rides', 'riders', 'subsidyYen', 'couponUnits', 'fareYen'] as const;

export async function clearingRows(office: SimOffice, facts: readonly DistrictFacts[]): Promise<ClearingRow[]> {
  const truth = groundTruth(facts);
  const months = new Set([...truth.keys(), ...(await office.domain.clearing.months()).map((m) => m.month)]);
  const rows: ClearingRow[] = [];
  for (const month of [...months].sort()) {
    const run = await office.domain.clearing.run(month);
    const owed = new Map(run.companies.map((c) => [c.company, c]));
    const mine = truth.get(month) ?? new Map<string, CompanyMonth>();
    for (const company of [...new Set([...owed.keys(), ...mine.keys()])].sort()) {
      const o = owed.get(company);
      const officeFigures: CompanyMonth = { rides: o?.rides ?? 0, riders: o?.riders ?? 0, subsidyYen: o?.subsidyYen ?? 0, couponUnits: o?.couponUnits ?? 0, fareYen: o?.fareYen ?? 0 };
      const simulator = mine.get(company) ?? { rides: 0, riders: 0, subsidyYen: 0, couponUnits: 0, fareYen: 0 };
      rows.push({ month, company, simulator, office: officeFigures, ok: FIELDS.every((f) => simulator[f] === officeFigures[f]) });
    }
  }
  return rows;
}

/** The districts' ledgers together: what each taxi company is owed per month. */
function groundTruth(facts: readonly DistrictFacts[]): Map<string, Map<string, CompanyMonth>> {
  const months = new Map<string, Map<string, CompanyMonth>>();
  for (const [month, company, figures] of facts.flatMap((f) => f.clearing)) {
    const byCompany = months.get(month) ?? new Map<string, CompanyMonth>();
    months.set(month, byCompany);
    const m = byCompany.get(company) ?? { rides: 0, riders: 0, subsidyYen: 0, couponUnits: 0, fareYen: 0 };
    byCompany.set(company, m);
    for (const f of FIELDS) m[f] += figures[f];
  }
  return months;
}

export function clearingInvariant(rows: readonly ClearingRow[]): Invariant {
  const subsidy = rows.reduce((n, r) => n + r.simulator.subsidyYen, 0);
  const rides = rows.reduce((n, r) => n + r.simulator.rides, 0);
  const bad = rows.filter((r) => !r.ok).map((r) => `${r.month} ${r.company}: office ${JSON.stringify(r.office)}, simulator ${JSON.stringify(r.simulator)}`);
  return invariant('clearing per company per month = the simulator\'s ground truth', `${rows.length} company-months, ${rides} rides, ¥${subsidy.toLocaleString('en')} subsidy`, bad);
}

export async function anomalyReport(office: SimOffice, facts: readonly DistrictFacts[], now: number): Promise<AnomalyReport> {
  await office.domain.detect(now);
  const rows = await office.store.anomalies();
  const rewound = new Set(facts.flatMap((f) => f.expected.rewound));
  const revokedUse = facts.flatMap((f) => f.expected.revokedUse);
  const expected = [...[...rewound].map((cardId) => `card-rewound ${cardId}`), ...revokedUse.map((u) => `revoked-card-used ${u.cardId} at ${u.terminal}`)];
  const matches = (row: AnomalyRow): string | null => {
    const cardId = String(row.detail['cardId'] ?? '');
    if (row.kind === 'card-rewound' && rewound.has(cardId)) return `card-rewound ${cardId}`;
    if (row.kind === 'revoked-card-used' && revokedUse.some((u) => u.cardId === cardId && u.terminal === row.terminal)) return `revoked-card-used ${cardId} at ${row.terminal}`;
    return null;
  };
  const flagged = new Set<string>();
  const falsePositives: string[] = [];
  const byKind: Record<string, number> = {};
  for (const row of rows) {
    byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
    const m = matches(row);
    if (m === null) falsePositives.push(`${row.kind} at ${row.terminal} seq ${row.seq}: ${JSON.stringify(row.detail)}`);
    else flagged.add(m);
  }
  return { expected, flagged: [...flagged], falsePositives, falseNegatives: expected.filter((e) => !flagged.has(e)), byKind };
}

export function anomalyInvariants(r: AnomalyReport): Invariant[] {
  return [
    invariant('every injected fraud was flagged by the office', `${r.expected.length} expected, ${r.flagged.length} flagged`, r.falseNegatives.map((e) => `not flagged: ${e}`)),
    invariant('nothing else was flagged', `${Object.values(r.byKind).reduce((a, b) => a + b, 0)} anomaly rows`, r.falsePositives),
  ];
}

export async function forgedInvariant(office: SimOffice, facts: readonly DistrictFacts[]): Promise<Invariant> {
  const forged = facts.flatMap((f) => f.expected.forged);
  const missing: string[] = [];
  for (const f of forged) {
    const events = await office.store.events(f.terminal);
    const seen = events.some((e) => e.type === f.type && e.payload['cardId'] === f.cardId && e.payload['reason'] === 'forged');
    if (!seen) missing.push(`${f.cardId} at ${f.terminal}: no ${f.type} with reason forged at the office`);
  }
  return invariant('every forged card was refused as forged and the office holds the refusal', `${forged.length} forged cards tried`, missing);
}

export function decisionInvariant(facts: readonly DistrictFacts[]): Invariant {
  const m = facts.flatMap((f) => f.mismatches);
  return invariant(
    'every tap and settlement was what the simulator predicted',
    `${facts.reduce((n, f) => n + f.stats.taps, 0)} taps`,
    m.map((x) => `${x.terminal} ${x.cardId} at ${new Date(x.at).toISOString()}: expected ${x.expected}, got ${x.actual}`),
  );
}
