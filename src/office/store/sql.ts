/**
 * The store's queries, written once with `?` placeholders for both dialects (see schema.ts).
 * PostgreSQL adds a row lock to `terminalForUpdate` so two ingest workers never interleave
 * one terminal's batches; SQLite's write lock already serialises them.
 */
export const SQL = {
  ensureTerminal: 'INSERT INTO terminals (terminal, org, first_seen_at) VALUES (?, ?, ?) ON CONFLICT (terminal) DO NOTHING',
  terminalForUpdate: 'SELECT org, acked_seq FROM terminals WHERE terminal = ?',
  storedLinks: 'SELECT seq, hash, prev_hash FROM events WHERE terminal = ? AND seq BETWEEN ? AND ?',
  ranges: 'SELECT first_seq, last_seq FROM ingest_ranges WHERE terminal = ?',
  insertEvent:
    'INSERT INTO events (terminal, seq, org, type, at, payload, prev_hash, hash, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  insertAnomaly:
    'INSERT INTO anomalies (terminal, org, kind, seq, fingerprint, detail, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (terminal, kind, seq, fingerprint) DO NOTHING',
  deleteRanges: 'DELETE FROM ingest_ranges WHERE terminal = ?',
  insertRange: 'INSERT INTO ingest_ranges (terminal, first_seq, last_seq) VALUES (?, ?, ?)',
  markIngested: 'UPDATE terminals SET acked_seq = ?, last_heard_at = ? WHERE terminal = ?',
  upsertStatus: `INSERT INTO terminals (terminal, org, first_seen_at, last_heard_at, online, status, status_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (terminal) DO UPDATE SET
      online = excluded.online,
      status = excluded.status,
      status_at = excluded.status_at,
      last_heard_at = COALESCE(excluded.last_heard_at, terminals.last_heard_at)`,
  insertDeadLetter: 'INSERT INTO dead_letters (topic, reason, detail, payload, payload_bytes, received_at) VALUES (?, ?, ?, ?, ?, ?)',
  ackedSeq: 'SELECT acked_seq FROM terminals WHERE terminal = ?',
  events: `SELECT terminal, seq, org, type, at, payload, prev_hash, hash, received_at FROM events
    WHERE terminal = ? AND seq >= ? ORDER BY seq LIMIT ?`,
  eventCount: 'SELECT count(*) AS n FROM events',
  eventCountOf: 'SELECT count(*) AS n FROM events WHERE terminal = ?',
  anomalies: `SELECT id, terminal, org, kind, seq, fingerprint, detail, detected_at FROM anomalies
    WHERE (CAST(? AS TEXT) IS NULL OR terminal = ?) AND (CAST(? AS TEXT) IS NULL OR kind = ?) ORDER BY id`,
  deadLetters: `SELECT id, topic, reason, detail, payload, payload_bytes, received_at FROM dead_letters
    WHERE (CAST(? AS TEXT) IS NULL OR reason = ?) ORDER BY id LIMIT ?`,
  terminals: 'SELECT terminal, org, acked_seq, first_seen_at, last_heard_at, online, status, status_at FROM terminals ORDER BY terminal',
} as const;
