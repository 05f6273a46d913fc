/** Queries of residents, cards, issuance, the deny-list and the terminal registry (see sql-domain.ts). */
const RESIDENT = 'id, resident_no, name, name_kana, address, eligibility, note, created_at, updated_at';
const CARD = 'card_id, resident_id, status, linked_at, revoked_at, revoke_reason, replaced_by, replaces';
const ISSUANCE = `id, card_id, programme_id, kind, serial, key_version, unit, amount, carried_over, valid_from, valid_until,
  daily_uses, monthly_units, previous_serial, grant_hex, issued_by, issued_at, order_id, written_at`;
const ORDER = 'id, station, resident_id, kind, programme_id, top_up, old_card_id, reason, status, card_id, detail, created_by, created_at, updated_at';

export const RESIDENT_SQL = {
  insert: `INSERT INTO residents (resident_no, name, name_kana, address, eligibility, note, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  update: `UPDATE residents SET name = ?, name_kana = ?, address = ?, eligibility = ?, note = ?, updated_at = ? WHERE id = ?`,
  byId: `SELECT ${RESIDENT} FROM residents WHERE id = ?`,
  byNumber: `SELECT ${RESIDENT} FROM residents WHERE resident_no = ?`,
  search: `SELECT ${RESIDENT} FROM residents r
    WHERE LOWER(r.name) LIKE ? OR LOWER(r.name_kana) LIKE ? OR r.resident_no = ?
      OR EXISTS (SELECT 1 FROM cards c WHERE c.resident_id = r.id AND c.card_id LIKE ?)
    ORDER BY r.name, r.id LIMIT ?`,
} as const;

export const CARD_SQL = {
  byId: `SELECT ${CARD} FROM cards WHERE card_id = ?`,
  ofResident: `SELECT ${CARD} FROM cards WHERE resident_id = ? ORDER BY linked_at, card_id`,
  insert: `INSERT INTO cards (card_id, resident_id, status, linked_at, replaces) VALUES (?, ?, 'active', ?, ?)`,
  revoke: `UPDATE cards SET status = 'revoked', revoked_at = ?, revoke_reason = ? WHERE card_id = ?`,
  replacedBy: 'UPDATE cards SET replaced_by = ? WHERE card_id = ?',
} as const;

export const ISSUANCE_SQL = {
  insert: `INSERT INTO issuances (card_id, programme_id, kind, serial, key_version, unit, amount, carried_over, valid_from, valid_until,
      daily_uses, monthly_units, previous_serial, grant_hex, issued_by, issued_at, order_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  nextSerial: 'SELECT COALESCE(MAX(serial), 0) + 1 AS serial FROM issuances',
  ofCard: `SELECT ${ISSUANCE} FROM issuances WHERE card_id = ? ORDER BY serial`,
  ofOrder: `SELECT ${ISSUANCE} FROM issuances WHERE order_id = ? ORDER BY serial`,
  latest: `SELECT ${ISSUANCE} FROM issuances WHERE card_id = ? AND programme_id = ? ORDER BY serial DESC LIMIT 1`,
  bySerial: `SELECT ${ISSUANCE} FROM issuances WHERE card_id = ? AND programme_id = ? AND serial = ?`,
  written: 'UPDATE issuances SET written_at = ? WHERE order_id = ? AND written_at IS NULL',
  /** The card's value state under a grant, as its last writes reported it (in-doubt writes count as landed). */
  usedUnder: `SELECT used_after, to_seq FROM card_writes
    WHERE card_id = ? AND programme_id = ? AND status <> 'aborted' AND (grant_serial = ? OR (grant_serial IS NULL AND at >= ?))
    ORDER BY to_seq DESC, at DESC LIMIT 1`,
  unitsUnder: `SELECT COALESCE(SUM(units), 0) AS units FROM card_writes
    WHERE card_id = ? AND programme_id = ? AND status <> 'aborted' AND (grant_serial = ? OR (grant_serial IS NULL AND at >= ?))`,
} as const;

export const ORDER_SQL = {
  insert: `INSERT INTO issuance_orders (station, resident_id, kind, programme_id, top_up, old_card_id, reason, status, detail, created_by, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', '', ?, ?, ?) RETURNING id`,
  byId: `SELECT ${ORDER} FROM issuance_orders WHERE id = ?`,
  list: `SELECT ${ORDER} FROM issuance_orders
    WHERE (CAST(? AS TEXT) IS NULL OR station = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY id DESC LIMIT ?`,
  nextForStation: `SELECT ${ORDER} FROM issuance_orders WHERE station = ? AND status IN ('waiting', 'signed') ORDER BY id LIMIT 1`,
  setStatus: 'UPDATE issuance_orders SET status = ?, card_id = COALESCE(?, card_id), detail = ?, updated_at = ? WHERE id = ?',
} as const;

export const KEY_SQL = {
  all: 'SELECT version, public_key, recorded_at, published_at FROM issuer_keys ORDER BY version',
  record: 'INSERT INTO issuer_keys (version, public_key, recorded_at) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING',
  published: 'UPDATE issuer_keys SET published_at = ? WHERE published_at IS NULL',
} as const;

export const DENY_SQL = {
  entry: 'SELECT card_id, reason, since, version, revoked_by, note FROM deny_entries WHERE card_id = ?',
  entries: 'SELECT card_id, reason, since, version, revoked_by, note FROM deny_entries ORDER BY card_id',
  insertEntry: 'INSERT INTO deny_entries (card_id, reason, since, version, revoked_by, note) VALUES (?, ?, ?, ?, ?, ?)',
  latest: 'SELECT version, created_at, created_by, added, removed, entries, published_at FROM deny_versions ORDER BY version DESC LIMIT 1',
  versions: 'SELECT version, created_at, created_by, added, removed, entries, published_at FROM deny_versions ORDER BY version DESC LIMIT ?',
  insertVersion: 'INSERT INTO deny_versions (version, created_at, created_by, added, removed, entries) VALUES (?, ?, ?, ?, ?, ?)',
  published: 'UPDATE deny_versions SET published_at = ? WHERE version <= ? AND published_at IS NULL',
  unpublished: 'SELECT version, created_at, created_by, added, removed, entries, published_at FROM deny_versions WHERE published_at IS NULL ORDER BY version',
  count: 'SELECT COUNT(*) AS n FROM deny_entries',
} as const;

export const REGISTRY_SQL = {
  upsertCompany: 'INSERT INTO companies (company, name, created_at) VALUES (?, ?, ?) ON CONFLICT (company) DO UPDATE SET name = excluded.name',
  companies: 'SELECT company, name, created_at FROM companies ORDER BY company',
  company: 'SELECT company, name, created_at FROM companies WHERE company = ?',
  upsertTerminal: `INSERT INTO terminal_registry (terminal, kind, company, label, registered_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (terminal) DO UPDATE SET kind = excluded.kind, company = excluded.company, label = excluded.label`,
  terminals: `SELECT COALESCE(r.terminal, t.terminal) AS terminal, r.kind, r.company, r.label, r.registered_at,
      t.org, t.acked_seq, t.first_seen_at, t.last_heard_at, t.online, t.status, t.status_at
    FROM terminal_registry r FULL OUTER JOIN terminals t ON t.terminal = r.terminal
    ORDER BY 1`,
} as const;
