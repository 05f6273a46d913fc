import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { configure } from './open.js';
import { tempJournals } from './test-journal.js';
import type { TempJournals } from './test-journal.js';

let t: TempJournals;
beforeEach(() => {
  t = tempJournals();
});
afterEach(() => t.cleanup());

// SQLite numbers synchronous levels: 1 = NORMAL, 2 = FULL.
const inspect = (db: SqliteDatabase.Database) => ({
  mode: db.pragma('journal_mode', { simple: true }),
  synchronous: db.pragma('synchronous', { simple: true }),
  busyTimeout: db.pragma('busy_timeout', { simple: true }),
});

describe('the journal connection', () => {
  it('uses WAL with synchronous=FULL and a busy timeout unless told otherwise', () => {
    const db = new SqliteDatabase(t.path);
    configure(db, { path: t.path });
    expect(inspect(db)).toEqual({ mode: 'wal', synchronous: 2, busyTimeout: 5000 });
    db.close();
  });

  it('uses synchronous=NORMAL only when asked, for benchmarks', () => {
    const db = new SqliteDatabase(t.path);
    configure(db, { path: t.path, synchronous: 'NORMAL', busyTimeoutMs: 250 });
    expect(inspect(db)).toEqual({ mode: 'wal', synchronous: 1, busyTimeout: 250 });
    db.close();
  });

  it('keeps a 2 MiB page cache, not better-sqlite3\'s 16 MiB default, unless told otherwise', () => {
    const db = new SqliteDatabase(t.path);
    expect(db.pragma('cache_size', { simple: true })).toBe(-16000);
    configure(db, { path: t.path });
    expect(db.pragma('cache_size', { simple: true })).toBe(-2048);
    configure(db, { path: t.path, cacheKiB: 512 });
    expect(db.pragma('cache_size', { simple: true })).toBe(-512);
    db.close();
  });

  it('leaves the file in WAL mode for every later connection', () => {
    t.open().close();
    const db = new SqliteDatabase(t.path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
