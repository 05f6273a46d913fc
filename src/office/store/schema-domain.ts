/**
 * The office domain's tables: migrations 10–19 (sync has 1–9, staff access 20–29). Written
 * once for SQLite and PostgreSQL with the store's dialect tokens; released migrations are
 * never edited, a change is a new migration.
 *
 * Events stay the only source of truth: the tables filled from them are projections that can
 * be checked against the raw events. Clearing keeps small aggregates (per run month, company,
 * terminal, programme, day) and, per closed month, each terminal's projected seq at the close,
 * from which every event's run month follows again; the activity tables (`card_writes`,
 * `card_uses`, `denylist_applied`, `gate_passages`) are keyed by the event's (terminal, seq).
 */
/** The store's `Migration`, spelt out so that schema.ts can import this without a cycle. */
interface DomainMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** Event types each projection reads; the partial indexes below name the same lists. */
export const CLEARING_EVENT_TYPES = ['ride-closed', 'fare-corrected', 'tap-voided'] as const;
export const ACTIVITY_EVENT_TYPES = ['intent', 'commit', 'abort', 'denylist-applied', 'gate-entry', 'gate-exit'] as const;

const inList = (types: readonly string[]): string => types.map((t) => `'${t}'`).join(', ');

export const DOMAIN_MIGRATIONS: readonly DomainMigration[] = [
  {
    version: 10,
    name: 'taxi companies and the terminal registry',
    statements: [
      'CREATE TABLE companies (company TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)',
      `CREATE TABLE terminal_registry (
        terminal TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        company TEXT,
        label TEXT NOT NULL,
        registered_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 11,
    name: 'residents and their application cards',
    statements: [
      `CREATE TABLE residents (
        id {{id}},
        resident_no TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_kana TEXT NOT NULL,
        address TEXT NOT NULL,
        eligibility TEXT NOT NULL,
        note TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX residents_name ON residents (name)',
      `CREATE TABLE cards (
        card_id TEXT PRIMARY KEY,
        resident_id BIGINT NOT NULL,
        status TEXT NOT NULL,
        linked_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoke_reason TEXT,
        replaced_by TEXT,
        replaces TEXT
      )`,
      'CREATE INDEX cards_resident ON cards (resident_id)',
    ],
  },
  {
    version: 12,
    name: 'issuance: counter orders, signed grants, issuer keys',
    statements: [
      `CREATE TABLE issuance_orders (
        id {{id}},
        station TEXT NOT NULL,
        resident_id BIGINT NOT NULL,
        kind TEXT NOT NULL,
        programme_id TEXT NOT NULL,
        top_up BIGINT NOT NULL,
        old_card_id TEXT,
        reason TEXT,
        status TEXT NOT NULL,
        card_id TEXT,
        detail TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX issuance_orders_station ON issuance_orders (station, status, id)',
      `CREATE TABLE issuances (
        id {{id}},
        card_id TEXT NOT NULL,
        programme_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        serial BIGINT NOT NULL UNIQUE,
        key_version INTEGER NOT NULL,
        unit TEXT NOT NULL,
        amount BIGINT NOT NULL,
        carried_over BIGINT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        daily_uses INTEGER NOT NULL,
        monthly_units BIGINT NOT NULL,
        previous_serial BIGINT,
        grant_hex TEXT NOT NULL,
        issued_by TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        order_id BIGINT,
        written_at BIGINT
      )`,
      'CREATE INDEX issuances_card ON issuances (card_id, programme_id, serial)',
      `CREATE TABLE issuer_keys (
        version INTEGER PRIMARY KEY,
        public_key TEXT NOT NULL,
        recorded_at BIGINT NOT NULL,
        published_at BIGINT
      )`,
    ],
  },
  {
    version: 13,
    name: 'deny-list entries and versions',
    statements: [
      `CREATE TABLE deny_entries (
        card_id TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        since BIGINT NOT NULL,
        version BIGINT NOT NULL,
        revoked_by TEXT NOT NULL,
        note TEXT NOT NULL
      )`,
      `CREATE TABLE deny_versions (
        version BIGINT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        added {{json}} NOT NULL,
        removed {{json}} NOT NULL,
        entries BIGINT NOT NULL,
        published_at BIGINT
      )`,
    ],
  },
  {
    version: 14,
    name: 'projections of events: marks, clearing aggregates, month closes and frozen totals',
    statements: [
      `CREATE TABLE projection_marks (
        projection TEXT NOT NULL,
        terminal TEXT NOT NULL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (projection, terminal)
      )`,
      `CREATE INDEX events_clearing ON events (terminal, seq) WHERE type IN (${inList(CLEARING_EVENT_TYPES)})`,
      `CREATE INDEX events_activity ON events (terminal, seq) WHERE type IN (${inList(ACTIVITY_EVENT_TYPES)})`,
      `CREATE TABLE clearing_aggregates (
        run_month TEXT NOT NULL,
        company TEXT NOT NULL,
        terminal TEXT NOT NULL,
        programme_id TEXT NOT NULL,
        service_day TEXT NOT NULL,
        late INTEGER NOT NULL,
        items BIGINT NOT NULL,
        rides BIGINT NOT NULL,
        riders BIGINT NOT NULL,
        subsidy_yen BIGINT NOT NULL,
        coupon_units BIGINT NOT NULL,
        yen_units BIGINT NOT NULL,
        fare_yen BIGINT NOT NULL,
        inputs_hash BIGINT NOT NULL,
        first_seq BIGINT NOT NULL,
        last_seq BIGINT NOT NULL,
        PRIMARY KEY (run_month, company, terminal, programme_id, service_day, late)
      )`,
      'CREATE INDEX clearing_aggregates_day ON clearing_aggregates (service_day)',
      'CREATE INDEX clearing_aggregates_terminal ON clearing_aggregates (terminal, run_month)',
      `CREATE TABLE clearing_close_marks (
        month TEXT NOT NULL,
        terminal TEXT NOT NULL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (terminal, month)
      )`,
      `CREATE TABLE clearing_months (
        month TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        closed_at BIGINT NOT NULL,
        closed_by TEXT NOT NULL,
        inputs_digest TEXT NOT NULL,
        line_count BIGINT NOT NULL
      )`,
      `CREATE TABLE clearing_totals (
        month TEXT NOT NULL,
        company TEXT NOT NULL,
        rides BIGINT NOT NULL,
        riders BIGINT NOT NULL,
        subsidy_yen BIGINT NOT NULL,
        coupon_units BIGINT NOT NULL,
        yen_units BIGINT NOT NULL,
        fare_yen BIGINT NOT NULL,
        late_lines BIGINT NOT NULL,
        late_subsidy_yen BIGINT NOT NULL,
        PRIMARY KEY (month, company)
      )`,
    ],
  },
  {
    version: 15,
    name: 'card activity: writes, uses, applied deny-lists, gate passages; anomaly acknowledgements',
    statements: [
      `CREATE TABLE card_writes (
        terminal TEXT NOT NULL,
        intent_seq BIGINT NOT NULL,
        org TEXT NOT NULL,
        card_id TEXT NOT NULL,
        programme_id TEXT NOT NULL,
        grant_serial BIGINT,
        from_seq BIGINT NOT NULL,
        to_seq BIGINT NOT NULL,
        units BIGINT NOT NULL,
        used_after BIGINT,
        at BIGINT NOT NULL,
        ride_id TEXT,
        status TEXT NOT NULL,
        resolved_seq BIGINT,
        resolved_at BIGINT,
        PRIMARY KEY (terminal, intent_seq)
      )`,
      'CREATE INDEX card_writes_card ON card_writes (card_id, programme_id)',
      'CREATE INDEX card_writes_status ON card_writes (status, at)',
      `CREATE TABLE card_uses (
        terminal TEXT NOT NULL,
        seq BIGINT NOT NULL,
        org TEXT NOT NULL,
        card_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (terminal, seq)
      )`,
      'CREATE INDEX card_uses_card ON card_uses (card_id, at)',
      `CREATE TABLE denylist_applied (
        terminal TEXT NOT NULL,
        seq BIGINT NOT NULL,
        version BIGINT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (terminal, seq)
      )`,
      `CREATE TABLE gate_passages (
        terminal TEXT NOT NULL,
        seq BIGINT NOT NULL,
        door TEXT NOT NULL,
        direction TEXT NOT NULL,
        holder TEXT NOT NULL,
        card_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        day TEXT NOT NULL,
        PRIMARY KEY (terminal, seq)
      )`,
      'CREATE INDEX gate_passages_day ON gate_passages (day, holder)',
      'CREATE TABLE dirty_cards (card_id TEXT PRIMARY KEY)',
      `CREATE TABLE anomaly_acks (
        anomaly_id BIGINT PRIMARY KEY,
        acknowledged_by TEXT NOT NULL,
        comment TEXT NOT NULL,
        acknowledged_at BIGINT NOT NULL
      )`,
    ],
  },
];
