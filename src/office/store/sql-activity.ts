/** Queries of the activity projection, anomaly detection and attendance (see sql-domain.ts). */
export const ANOMALY_SQL = {
  list: `SELECT a.id, a.terminal, a.org, a.kind, a.seq, a.fingerprint, a.detail, a.detected_at,
      k.acknowledged_by, k.comment, k.acknowledged_at
    FROM anomalies a LEFT JOIN anomaly_acks k ON k.anomaly_id = a.id
    WHERE (CAST(? AS TEXT) IS NULL OR a.kind = ?) AND (CAST(? AS TEXT) IS NULL OR a.terminal = ?)
      AND (? = 0 OR (? = 1 AND k.anomaly_id IS NULL) OR (? = 2 AND k.anomaly_id IS NOT NULL))
    ORDER BY a.id DESC LIMIT ? OFFSET ?`,
  one: `SELECT a.id, a.terminal, a.org, a.kind, a.seq, a.fingerprint, a.detail, a.detected_at,
      k.acknowledged_by, k.comment, k.acknowledged_at
    FROM anomalies a LEFT JOIN anomaly_acks k ON k.anomaly_id = a.id WHERE a.id = ?`,
  counts: `SELECT a.kind, COUNT(*) AS n, COUNT(k.anomaly_id) AS acknowledged
    FROM anomalies a LEFT JOIN anomaly_acks k ON k.anomaly_id = a.id GROUP BY a.kind ORDER BY a.kind`,
  acknowledge: `INSERT INTO anomaly_acks (anomaly_id, acknowledged_by, comment, acknowledged_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (anomaly_id) DO NOTHING`,
  dirtyCards: 'SELECT card_id FROM dirty_cards ORDER BY card_id LIMIT ?',
  cleanCard: 'DELETE FROM dirty_cards WHERE card_id = ?',
  writesOfCard: `SELECT terminal, intent_seq, org, card_id, programme_id, grant_serial, from_seq, to_seq, units, used_after, at, ride_id, status
    FROM card_writes WHERE card_id = ? AND status <> 'aborted' ORDER BY at, terminal, intent_seq`,
  taxiUsesOfCard: `SELECT terminal, seq, org, card_id, kind, at FROM card_uses WHERE card_id = ? AND kind = 'taxi' ORDER BY at, terminal, seq`,
  usesOfRevokedCards: `SELECT u.terminal, u.seq, u.org, u.card_id, u.kind, u.at, d.version AS revoked_version, d.reason
    FROM card_uses u JOIN deny_entries d ON d.card_id = u.card_id WHERE u.at >= d.since - ? ORDER BY u.terminal, u.seq`,
  appliedVersionAt: 'SELECT MAX(version) AS version FROM denylist_applied WHERE terminal = ? AND seq < ?',
  unresolvedIntents: `SELECT terminal, intent_seq, org, card_id, programme_id, units, at FROM card_writes
    WHERE status = 'open' AND at < ? ORDER BY at`,
  silentTerminals: `SELECT t.terminal, t.org, t.last_heard_at, t.online FROM terminals t
    WHERE t.last_heard_at IS NOT NULL AND t.last_heard_at < ? ORDER BY t.terminal`,
} as const;

export const ACTIVITY_SQL = {
  markDirty: 'INSERT INTO dirty_cards (card_id) VALUES (?) ON CONFLICT (card_id) DO NOTHING',
  resolveWrite: 'UPDATE card_writes SET status = ?, resolved_seq = ?, resolved_at = ? WHERE terminal = ? AND intent_seq = ? AND status = ?',
  writeOfIntent: 'SELECT ride_id, card_id FROM card_writes WHERE terminal = ? AND intent_seq = ?',
} as const;

export const CARD_WRITE_COLUMNS = [
  'terminal', 'intent_seq', 'org', 'card_id', 'programme_id', 'grant_serial', 'from_seq', 'to_seq', 'units', 'used_after', 'at', 'ride_id', 'status',
] as const;
export const CARD_USE_COLUMNS = ['terminal', 'seq', 'org', 'card_id', 'kind', 'at'] as const;
export const PASSAGE_COLUMNS = ['terminal', 'seq', 'door', 'direction', 'holder', 'card_id', 'at', 'day'] as const;

export const ATTENDANCE_SQL = {
  days: `SELECT day, holder,
      MIN(CASE WHEN direction = 'in' THEN at END) AS first_in,
      MAX(CASE WHEN direction = 'out' THEN at END) AS last_out,
      COUNT(*) AS passages
    FROM gate_passages
    WHERE day BETWEEN ? AND ? AND (CAST(? AS TEXT) IS NULL OR holder = ?)
    GROUP BY day, holder ORDER BY day, holder`,
} as const;
