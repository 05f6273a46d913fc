import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { JournalSchemaError } from './errors.js';
import { eventHash, GENESIS_HASH } from './hash.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { tempJournals, TEST_TERMINAL, T0 } from './test-journal.js';
import type { TempJournals } from './test-journal.js';

let t: TempJournals;
beforeEach(() => {
  t = tempJournals();
});
afterEach(() => t.cleanup());

/** Writes a file as the first released schema wrote it: events only, cards inside payloads. */
function writeVersionOneFile(path: string): string {
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  migrate(db, { path, now: () => T0, migrations: MIGRATIONS.filter((m) => m.version === 1) });
  const payloads = [{ cardId: 'C1', reason: 'expired' }, { cardIds: ['C1', 'C2'], rideId: 'R-1' }];
  let prev = GENESIS_HASH;
  payloads.forEach((payload, i) => {
    const event = { terminal: TEST_TERMINAL, seq: i + 1, type: 'tap-rejected', at: T0 + i, payload };
    const hash = eventHash(prev, event);
    db.prepare('INSERT INTO events (seq, type, at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(event.seq, event.type, event.at, JSON.stringify(payload), prev, hash);
    prev = hash;
  });
  db.prepare('INSERT INTO chain_state (id, terminal_id, last_seq, last_hash, anchor_hash) VALUES (1, ?, 2, ?, ?)')
    .run(TEST_TERMINAL, prev, GENESIS_HASH);
  db.close();
  return prev;
}

function versionsOf(path: string): number[] {
  const db = new SqliteDatabase(path, { readonly: true });
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  db.close();
  return versions;
}

describe('schema migrations', () => {
  it('lists migrations in strictly increasing order from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('creates a new file at the current version, recording each step', () => {
    t.open().close();
    expect(versionsOf(t.path)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('migrates a file of an older version, keeping its events and chain', () => {
    const lastHash = writeVersionOneFile(t.path);
    expect(versionsOf(t.path)).toEqual([1]);
    const journal = t.open();
    expect(versionsOf(t.path)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(journal.verifyChain()).toEqual({ ok: true, checked: 2 });
    expect(journal.events({ cardId: 'C1', limit: 10 }).map((e) => e.seq)).toEqual([1, 2]);
    expect(journal.events({ cardId: 'C2', limit: 10 }).map((e) => e.seq)).toEqual([2]);
    const next = journal.append('ride-opened', {});
    expect(next.seq).toBe(3);
    expect(journal.events({ fromSeq: 3, limit: 1 })[0]?.prevHash).toBe(lastHash);
    expect(journal.openIntents()).toEqual([]);
    expect(journal.denyListVersion()).toBe(0);
  });

  it('does nothing when the file is already current', () => {
    t.open().close();
    const db = new SqliteDatabase(t.path);
    expect(migrate(db, { path: t.path, now: () => T0 })).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    db.close();
  });

  it('refuses a file written by newer software, naming both versions, and leaves it untouched', () => {
    t.open().close();
    const db = new SqliteDatabase(t.path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'future', T0);
    db.close();
    expect(() => t.open()).toThrow(JournalSchemaError);
    expect(() => t.open()).toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this software knows \\(${SCHEMA_VERSION}\\)`));
    expect(versionsOf(t.path).at(-1)).toBe(SCHEMA_VERSION + 1);
  });
});
