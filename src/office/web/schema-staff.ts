/**
 * Staff access and the audit log: migrations 20–29 of the office schema (the store applies
 * them with the rest, in version order). Written once for SQLite and PostgreSQL with the
 * store's dialect tokens. Session IDs are stored only as their SHA-256; passwords only as
 * scrypt hashes with their parameters.
 */
/** The store's `Migration`, spelt out so that the store's schema can import this without a cycle. */
interface StaffMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const STAFF_MIGRATIONS: readonly StaffMigration[] = [
  {
    version: 20,
    name: 'staff accounts, sessions, login attempts and the audit log',
    statements: [
      `CREATE TABLE staff_accounts (
        id {{id}},
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at BIGINT NOT NULL,
        password_changed_at BIGINT NOT NULL
      )`,
      `CREATE TABLE staff_sessions (
        id_hash TEXT PRIMARY KEY,
        account_id BIGINT NOT NULL,
        csrf_token TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        ip TEXT NOT NULL,
        user_agent TEXT NOT NULL
      )`,
      'CREATE INDEX staff_sessions_account ON staff_sessions (account_id)',
      `CREATE TABLE staff_login_attempts (
        id {{id}},
        username TEXT NOT NULL,
        ip TEXT NOT NULL,
        ok INTEGER NOT NULL,
        at BIGINT NOT NULL
      )`,
      'CREATE INDEX staff_login_attempts_user ON staff_login_attempts (username, at)',
      'CREATE INDEX staff_login_attempts_ip ON staff_login_attempts (ip, at)',
      `CREATE TABLE audit_log (
        id {{id}},
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail {{json}} NOT NULL,
        ip TEXT NOT NULL
      )`,
      'CREATE INDEX audit_log_at ON audit_log (at)',
      'CREATE INDEX audit_log_actor ON audit_log (actor, at)',
    ],
  },
];
