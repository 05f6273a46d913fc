/** Storing, listing and acknowledging anomalies (the sync worker's table, plus acknowledgements). */
import { all, get, json, num, run, str, strOrNull } from '../store/index.js';
import type { AnomalyInput, AnomalyKind, Program, Raw } from '../store/index.js';
import { ANOMALY_SQL } from '../store/sql-activity.js';
import { SQL } from '../store/sql.js';

export type NewAnomaly = AnomalyInput;

export interface Acknowledgement {
  readonly by: string;
  readonly comment: string;
  readonly at: number;
}

export interface AnomalyView {
  readonly id: number;
  readonly terminal: string;
  readonly org: string;
  readonly kind: AnomalyKind;
  readonly seq: number;
  readonly fingerprint: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly detectedAt: number;
  readonly acknowledgement: Acknowledgement | null;
}

export interface AnomalyFilter {
  readonly kind?: AnomalyKind;
  readonly terminal?: string;
  /** true: acknowledged only; false: open only; omitted: both. */
  readonly acknowledged?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

/** Inserts anomalies; a repeat (same terminal, kind, seq and fingerprint) is skipped. Returns how many are new. */
export function* recordAnomalies(list: readonly NewAnomaly[]): Program<number> {
  let added = 0;
  for (const a of list) added += yield* run(SQL.insertAnomaly, [a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt]);
  return added;
}

export function* listAnomalies(f: AnomalyFilter): Program<AnomalyView[]> {
  const mode = f.acknowledged === undefined ? 0 : f.acknowledged ? 2 : 1;
  const kind = f.kind ?? null;
  const terminal = f.terminal ?? null;
  const rows = yield* all(ANOMALY_SQL.list, [kind, kind, terminal, terminal, mode, mode, mode, Math.min(f.limit ?? 100, 1000), f.offset ?? 0]);
  return rows.map(toView);
}

export function* anomalyById(id: number): Program<AnomalyView | null> {
  const row = yield* get(ANOMALY_SQL.one, [id]);
  return row === undefined ? null : toView(row);
}

export type AckOutcome =
  | { readonly kind: 'acknowledged'; readonly anomaly: AnomalyView }
  | { readonly kind: 'already-acknowledged'; readonly anomaly: AnomalyView }
  | { readonly kind: 'not-found' };

export function* acknowledge(id: number, by: string, comment: string, at: number): Program<AckOutcome> {
  const before = yield* anomalyById(id);
  if (before === null) return { kind: 'not-found' };
  if (before.acknowledgement !== null) return { kind: 'already-acknowledged', anomaly: before };
  yield* run(ANOMALY_SQL.acknowledge, [id, by, comment, at]);
  return { kind: 'acknowledged', anomaly: { ...before, acknowledgement: { by, comment, at } } };
}

export function* anomalyCounts(): Program<{ kind: AnomalyKind; total: number; open: number }[]> {
  const rows = yield* all(ANOMALY_SQL.counts);
  return rows.map((r) => ({ kind: str(r.kind) as AnomalyKind, total: num(r.n), open: num(r.n) - num(r.acknowledged) }));
}

function toView(r: Raw): AnomalyView {
  const by = strOrNull(r.acknowledged_by);
  return {
    id: num(r.id),
    terminal: str(r.terminal),
    org: str(r.org),
    kind: str(r.kind) as AnomalyKind,
    seq: num(r.seq),
    fingerprint: str(r.fingerprint),
    detail: json<Record<string, unknown>>(r.detail),
    detectedAt: num(r.detected_at),
    acknowledgement: by === null ? null : { by, comment: str(r.comment), at: num(r.acknowledged_at) },
  };
}
