import type { Database } from 'better-sqlite3';

import { JournalSchemaError } from './errors.js';

/**
 * Schema history. A migration is never edited once released: a change is a new entry at the
 * end. Each runs in its own transaction together with its `schema_migrations` row, so a file
 * is always at exactly one known version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event log, chain state and meta',
    up: (db) =>
      db.exec(`
        CREATE TABLE chain_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          terminal_id TEXT NOT NULL,
          last_seq INTEGER NOT NULL,
          last_hash TEXT NOT NULL,
          synced_seq INTEGER NOT NULL DEFAULT 0,
          synced_at INTEGER,
          anchor_seq INTEGER NOT NULL DEFAULT 0,
          anchor_hash TEXT NOT NULL,
          probed_at INTEGER
        );
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          type TEXT NOT NULL,
          at INTEGER NOT NULL,
          payload TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE INDEX events_type ON events (type, seq);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      `),
  },
  {
    version: 2,
    name: 'intents of card writes',
    up: (db) =>
      db.exec(`
        CREATE TABLE intents (
          intent_id INTEGER PRIMARY KEY,
          card_id TEXT NOT NULL,
          programme_index INTEGER NOT NULL,
          programme_id TEXT NOT NULL,
          from_seq INTEGER NOT NULL,
          to_seq INTEGER NOT NULL,
          slot_index INTEGER NOT NULL,
          slot_image TEXT NOT NULL,
          units INTEGER NOT NULL,
          context TEXT NOT NULL,
          at INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('open', 'committed', 'aborted')),
          resolved_seq INTEGER,
          resolved_at INTEGER,
          abort_reason TEXT
        );
        CREATE INDEX intents_open ON intents (card_id, intent_id) WHERE state = 'open';
      `),
  },
  {
    version: 3,
    name: 'deny-list',
    up: (db) =>
      db.exec(`
        CREATE TABLE deny_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, applied_at INTEGER);
        INSERT INTO deny_state (id, version) VALUES (1, 0);
        CREATE TABLE deny_list (card_id TEXT PRIMARY KEY, reason TEXT NOT NULL, since INTEGER) WITHOUT ROWID;
      `),
  },
  {
    version: 4,
    name: 'cards named by events, for queries by card',
    up: (db) => {
      db.exec(`
        CREATE TABLE event_cards (card_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (card_id, seq)) WITHOUT ROWID;
        CREATE INDEX event_cards_seq ON event_cards (seq);
      `);
      // Events written before this version name their cards only inside the payload.
      db.exec(`
        INSERT OR IGNORE INTO event_cards (card_id, seq)
          SELECT payload ->> '$.cardId', seq FROM events WHERE json_type(payload, '$.cardId') = 'text';
        INSERT OR IGNORE INTO event_cards (card_id, seq)
          SELECT j.value, e.seq FROM events e, json_each(e.payload, '$.cardIds') j
          WHERE json_type(e.payload, '$.cardIds') = 'array' AND j.type = 'text';
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/** Brings the file up to the last of `migrations`; refuses a file that is already past it. */
export function migrate(
  db: Database,
  options: { readonly path: string; readonly now: () => number; readonly migrations?: readonly Migration[] },
): MigrationResult {
  const migrations = options.migrations ?? MIGRATIONS;
  const target = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const from = fileVersion(db);
  if (from > target) throw new JournalSchemaError(options.path, from, target);
  if (from === target) return { from, to: target };
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= from) continue;
    // Re-read inside the write lock: another process may have migrated the file meanwhile.
    db.transaction(() => {
      if (fileVersion(db) >= migration.version) return;
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, options.now());
    }).immediate();
  }
  return { from, to: target };
}

function fileVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
