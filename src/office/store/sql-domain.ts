/**
 * The domain's queries, written once with `?` placeholders for both dialects, like sql.ts.
 * Queries over `events` repeat the partial indexes' type lists word for word, so SQLite
 * can use them.
 */
import { ACTIVITY_EVENT_TYPES, CLEARING_EVENT_TYPES } from './schema-domain.js';

const inList = (types: readonly string[]): string => types.map((t) => `'${t}'`).join(', ');

export const PROJECTION_SQL = {
  /** Terminals with acknowledged events a projection has not read yet. */
  pendingTerminals: `SELECT t.terminal, t.org, t.acked_seq, COALESCE(m.seq, 0) AS mark, r.company
    FROM terminals t
    LEFT JOIN projection_marks m ON m.projection = ? AND m.terminal = t.terminal
    LEFT JOIN terminal_registry r ON r.terminal = t.terminal
    WHERE t.acked_seq > COALESCE(m.seq, 0)
    ORDER BY t.terminal`,
  clearingEvents: `SELECT seq, type, at, payload, substr(hash, 1, 12) AS hash FROM events
    WHERE terminal = ? AND seq > ? AND seq <= ? AND type IN (${inList(CLEARING_EVENT_TYPES)})
    ORDER BY seq LIMIT ?`,
  activityEvents: `SELECT seq, type, at, payload FROM events
    WHERE terminal = ? AND seq > ? AND seq <= ? AND type IN (${inList(ACTIVITY_EVENT_TYPES)})
    ORDER BY seq LIMIT ?`,
  setMark: `INSERT INTO projection_marks (projection, terminal, seq) VALUES (?, ?, ?)
    ON CONFLICT (projection, terminal) DO UPDATE SET seq = excluded.seq`,
  resetMarks: 'DELETE FROM projection_marks WHERE terminal = ?',
} as const;

export const AGGREGATE_KEY = ['run_month', 'company', 'terminal', 'programme_id', 'service_day', 'late'] as const;
export const AGGREGATE_COLUMNS = [
  ...AGGREGATE_KEY, 'items', 'rides', 'riders', 'subsidy_yen', 'coupon_units', 'yen_units', 'fare_yen', 'inputs_hash', 'first_seq', 'last_seq',
] as const;

/** Adds a step's figures to an aggregate row; the input hash is a sum modulo 2^48 (order does not matter). */
export const AGGREGATE_UPSERT = `(${AGGREGATE_KEY.join(', ')}) DO UPDATE SET
  items = clearing_aggregates.items + excluded.items,
  rides = clearing_aggregates.rides + excluded.rides,
  riders = clearing_aggregates.riders + excluded.riders,
  subsidy_yen = clearing_aggregates.subsidy_yen + excluded.subsidy_yen,
  coupon_units = clearing_aggregates.coupon_units + excluded.coupon_units,
  yen_units = clearing_aggregates.yen_units + excluded.yen_units,
  fare_yen = clearing_aggregates.fare_yen + excluded.fare_yen,
  inputs_hash = (clearing_aggregates.inputs_hash + excluded.inputs_hash) % 281474976710656,
  first_seq = CASE WHEN excluded.first_seq < clearing_aggregates.first_seq THEN excluded.first_seq ELSE clearing_aggregates.first_seq END,
  last_seq = CASE WHEN excluded.last_seq > clearing_aggregates.last_seq THEN excluded.last_seq ELSE clearing_aggregates.last_seq END`;

const TOTALS = `COALESCE(SUM(rides), 0) AS rides, COALESCE(SUM(riders), 0) AS riders, COALESCE(SUM(subsidy_yen), 0) AS subsidy_yen,
  COALESCE(SUM(coupon_units), 0) AS coupon_units, COALESCE(SUM(yen_units), 0) AS yen_units, COALESCE(SUM(fare_yen), 0) AS fare_yen,
  COALESCE(SUM(CASE WHEN late = 1 THEN items ELSE 0 END), 0) AS late_lines,
  COALESCE(SUM(CASE WHEN late = 1 THEN subsidy_yen ELSE 0 END), 0) AS late_subsidy_yen`;

const OPEN = 'run_month NOT IN (SELECT month FROM clearing_months)';

export const CLEARING_SQL = {
  closedMonths: 'SELECT month FROM clearing_months ORDER BY month',
  month: 'SELECT month, status, closed_at, closed_by, inputs_digest, line_count FROM clearing_months WHERE month = ?',
  closeMarksOf: 'SELECT month, seq FROM clearing_close_marks WHERE terminal = ? AND month >= ?',
  /** Ride closes before a seq, newest first: where a later correction looks for its ride. */
  closesBefore: `SELECT seq, type, payload FROM events
    WHERE terminal = ? AND seq < ? AND type IN (${inList(CLEARING_EVENT_TYPES)})
    ORDER BY seq DESC LIMIT ?`,
  rangeEvents: `SELECT seq, type, at, payload, substr(hash, 1, 12) AS hash FROM events
    WHERE terminal = ? AND seq BETWEEN ? AND ? AND type IN (${inList(CLEARING_EVENT_TYPES)})
    ORDER BY seq`,
  totalsByCompany: `SELECT company, ${TOTALS} FROM clearing_aggregates WHERE run_month = ? GROUP BY company ORDER BY company`,
  frozenTotals: `SELECT company, rides, riders, subsidy_yen, coupon_units, yen_units, fare_yen, late_lines, late_subsidy_yen
    FROM clearing_totals WHERE month = ? ORDER BY company`,
  insertMonth: `INSERT INTO clearing_months (month, status, closed_at, closed_by, inputs_digest, line_count) VALUES (?, 'closed', ?, ?, ?, ?)`,
  insertTotals: `INSERT INTO clearing_totals (month, company, rides, riders, subsidy_yen, coupon_units, yen_units, fare_yen, late_lines, late_subsidy_yen)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** Each terminal's projected seq when the month closed: what it had sent by then is in the month. */
  insertCloseMarks: `INSERT INTO clearing_close_marks (month, terminal, seq)
    SELECT ?, terminal, seq FROM projection_marks WHERE projection = 'clearing'`,
  openMonthsBefore: `SELECT DISTINCT run_month FROM clearing_aggregates WHERE run_month < ? AND ${OPEN} ORDER BY run_month`,
  runMonths: `SELECT run_month AS month, ${TOTALS}, COUNT(DISTINCT company) AS companies FROM clearing_aggregates GROUP BY run_month ORDER BY run_month`,
  aggregatesOf: `SELECT ${AGGREGATE_COLUMNS.join(', ')} FROM clearing_aggregates WHERE run_month = ?
    ORDER BY company, terminal, programme_id, service_day, late`,
  /** A company's terminals in a run and the seq range their events came from. */
  runRanges: `SELECT terminal, MIN(first_seq) AS first_seq, MAX(last_seq) AS last_seq FROM clearing_aggregates
    WHERE run_month = ? AND company = ? GROUP BY terminal ORDER BY terminal`,
  runCompanies: 'SELECT DISTINCT company FROM clearing_aggregates WHERE run_month = ? ORDER BY company',
  byProgramme: `SELECT programme_id, ${TOTALS} FROM clearing_aggregates WHERE run_month = ? AND company = ? GROUP BY programme_id ORDER BY programme_id`,
  byDayOfCompany: `SELECT service_day AS day, ${TOTALS} FROM clearing_aggregates WHERE run_month = ? AND company = ? GROUP BY service_day ORDER BY service_day`,
  byDay: `SELECT service_day AS day, ${TOTALS} FROM clearing_aggregates WHERE service_day BETWEEN ? AND ? GROUP BY service_day ORDER BY service_day`,
  openAggregatesOf: `SELECT ${AGGREGATE_COLUMNS.join(', ')} FROM clearing_aggregates WHERE terminal = ? AND ${OPEN}`,
  deleteOpenAggregatesOf: `DELETE FROM clearing_aggregates WHERE terminal = ? AND ${OPEN}`,
} as const;
