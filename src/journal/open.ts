import SqliteDatabase from 'better-sqlite3';
import type { Database } from 'better-sqlite3';

import { ensureDirectory, translateDiskError } from './disk.js';
import { createJournal } from './journal.js';
import type { Journal } from './journal.js';
import type { JournalLogger } from './types.js';

export interface JournalOptions {
  /** The SQLite file (created if missing); `:memory:` for a throw-away journal. */
  readonly path: string;
  readonly terminalId: string;
  /**
   * FULL (the default) fsyncs the WAL at every commit. NORMAL only at checkpoints, so a power
   * cut can lose the last commits: a tap the rider was told was taken. For benchmarks only.
   */
  readonly synchronous?: 'FULL' | 'NORMAL' | undefined;
  readonly now: () => number;
  readonly logger?: JournalLogger | undefined;
  /** How long a write waits for another connection's lock. Default 5 s. */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * Free space (on the file system and under SQLite's page limit) below which taps are
   * refused, so that an intent and its commit both fit. Default 1 MiB.
   */
  readonly reserveBytes?: number | undefined;
  /**
   * SQLite's page cache for this connection, in KiB. Default 2 MiB: a tap touches the tail of
   * the events table and a few index pages. better-sqlite3 is built with a 16 MiB default,
   * which a terminal fills within a few thousand taps and never gives back.
   */
  readonly cacheKiB?: number | undefined;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
const DEFAULT_RESERVE_BYTES = 1024 * 1024;
export const DEFAULT_JOURNAL_CACHE_KIB = 2048;
const SILENT: JournalLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Opens (creating its directory, creating or migrating) the journal file. Throws `JournalUnavailableError` when the
 * disk refuses, `JournalSchemaError` for a file from newer software, `JournalOwnerError`
 * for another terminal's file.
 */
export function openJournal(options: JournalOptions): Journal {
  ensureDirectory(options.path);
  let db: Database | undefined;
  try {
    db = new SqliteDatabase(options.path);
    configure(db, options);
    return createJournal({
      db,
      path: options.path,
      terminalId: options.terminalId,
      now: options.now,
      logger: options.logger ?? SILENT,
      reserveBytes: options.reserveBytes ?? DEFAULT_RESERVE_BYTES,
    });
  } catch (err) {
    db?.close();
    throw translateDiskError(err, options.path);
  }
}

/** Sets the connection pragmas the journal's guarantees rest on. */
export function configure(db: Database, options: Pick<JournalOptions, 'path' | 'synchronous' | 'busyTimeoutMs' | 'cacheKiB'>): void {
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  // An in-memory database has no WAL; a file that cannot switch to WAL would lose the crash guarantees.
  if (mode !== 'wal' && mode !== 'memory') throw new Error(`journal ${options.path}: could not enable WAL (mode ${mode})`);
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${Math.max(64, Math.trunc(options.cacheKiB ?? DEFAULT_JOURNAL_CACHE_KIB))}`);
}
