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
  clearingEvents: `SELECT seq, type, at, payload FROM events
    WHERE terminal = ? AND seq > ? AND seq <= ? AND type IN (${inList(CLEARING_EVENT_TYPES)})
    ORDER BY seq LIMIT ?`,
  activityEvents: `SELECT seq, type, at, payload FROM events
    WHERE terminal = ? AND seq > ? AND seq <= ? AND type IN (${inList(ACTIVITY_EVENT_TYPES)})
    ORDER BY seq LIMIT ?`,
  setMark: `INSERT INTO projection_marks (projection, terminal, seq) VALUES (?, ?, ?)
    ON CONFLICT (projection, terminal) DO UPDATE SET seq = excluded.seq`,
  resetMarks: 'DELETE FROM projection_marks WHERE terminal = ?',
} as const;

export const CLEARING_LINE_COLUMNS = [
  'terminal', 'seq', 'line', 'kind', 'ride_id', 'company', 'programme_id', 'card_id', 'at', 'service_day',
  'service_month', 'run_month', 'late', 'rides', 'riders', 'subsidy_yen', 'coupon_units', 'yen_units', 'fare_yen',
] as const;

const TOTALS = `COALESCE(SUM(rides), 0) AS rides, COALESCE(SUM(riders), 0) AS riders, COALESCE(SUM(subsidy_yen), 0) AS subsidy_yen,
  COALESCE(SUM(coupon_units), 0) AS coupon_units, COALESCE(SUM(yen_units), 0) AS yen_units, COALESCE(SUM(fare_yen), 0) AS fare_yen,
  COALESCE(SUM(CASE WHEN late = 1 AND line = 0 THEN 1 ELSE 0 END), 0) AS late_lines,
  COALESCE(SUM(CASE WHEN late = 1 THEN subsidy_yen ELSE 0 END), 0) AS late_subsidy_yen`;

export const CLEARING_SQL = {
  closedMonths: 'SELECT month FROM clearing_months ORDER BY month',
  month: 'SELECT month, status, closed_at, closed_by, inputs_digest, line_count FROM clearing_months WHERE month = ?',
  rideClosedSeq: `SELECT MIN(seq) AS seq FROM clearing_lines WHERE terminal = ? AND ride_id = ? AND kind = 'ride'`,
  totalsByCompany: `SELECT company, ${TOTALS} FROM clearing_lines WHERE run_month = ? GROUP BY company ORDER BY company`,
  frozenTotals: `SELECT company, rides, riders, subsidy_yen, coupon_units, yen_units, fare_yen, late_lines, late_subsidy_yen
    FROM clearing_totals WHERE month = ? ORDER BY company`,
  insertMonth: `INSERT INTO clearing_months (month, status, closed_at, closed_by, inputs_digest, line_count) VALUES (?, 'closed', ?, ?, ?, ?)`,
  openMonthsBefore: `SELECT DISTINCT run_month FROM clearing_lines
    WHERE run_month < ? AND run_month NOT IN (SELECT month FROM clearing_months) ORDER BY run_month`,
  runMonths: `SELECT run_month AS month, ${TOTALS}, COUNT(DISTINCT company) AS companies FROM clearing_lines GROUP BY run_month ORDER BY run_month`,
  linesForDigest: `SELECT terminal, seq, line, kind, company, programme_id, card_id, rides, riders, subsidy_yen, coupon_units, yen_units, fare_yen, late
    FROM clearing_lines WHERE run_month = ? ORDER BY terminal, seq, line`,
  /** The raw events behind a run, for checking its figures. */
  runEvents: `SELECT e.terminal, e.seq, e.type, e.at, e.payload FROM events e
    WHERE EXISTS (SELECT 1 FROM clearing_lines l WHERE l.run_month = ? AND l.terminal = e.terminal AND l.seq = e.seq)
    ORDER BY e.terminal, e.seq`,
  rideDetail: `SELECT terminal, seq, kind, ride_id, MIN(at) AS at, service_day, service_month, late,
      SUM(rides) AS rides, SUM(riders) AS riders, SUM(subsidy_yen) AS subsidy_yen, SUM(coupon_units) AS coupon_units,
      SUM(yen_units) AS yen_units, SUM(fare_yen) AS fare_yen
    FROM clearing_lines WHERE run_month = ? AND company = ?
    GROUP BY terminal, seq, kind, ride_id, service_day, service_month, late
    ORDER BY MIN(at), terminal, seq LIMIT ? OFFSET ?`,
  byProgramme: `SELECT programme_id, ${TOTALS} FROM clearing_lines WHERE run_month = ? AND company = ? GROUP BY programme_id ORDER BY programme_id`,
  byDayOfCompany: `SELECT service_day AS day, ${TOTALS} FROM clearing_lines WHERE run_month = ? AND company = ? GROUP BY service_day ORDER BY service_day`,
  byDay: `SELECT service_day AS day, ${TOTALS} FROM clearing_lines WHERE service_day BETWEEN ? AND ? GROUP BY service_day ORDER BY service_day`,
  reassignCompany: `UPDATE clearing_lines SET company = ?
    WHERE terminal = ? AND run_month NOT IN (SELECT month FROM clearing_months)`,
} as const;
