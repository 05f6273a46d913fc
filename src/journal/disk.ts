import { accessSync, constants, mkdirSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';

import { JournalUnavailableError } from './errors.js';
import type { UnavailableReason } from './types.js';

/**
 * Where the journal meets the disk: SQLite's result codes turned into the journal's reasons,
 * and the checks behind `health()`. Classification is by SQLite's (extended) result code,
 * never by message text.
 */
export function unavailableReason(err: unknown, path: string): UnavailableReason | null {
  if (!(err instanceof SqliteDatabase.SqliteError)) return null;
  const code = err.code;
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_IOERR')) return 'io-error';
  // SQLite cannot tell why a file would not open; a directory it may not write is the usual cause.
  if (code.startsWith('SQLITE_CANTOPEN')) return writeAccess(dirname(path)) === 'read-only' ? 'read-only' : 'io-error';
  return null;
}

/** The error to throw in place of `err`, or `err` itself when it is not the disk's doing. */
export function translateDiskError(err: unknown, path: string): unknown {
  const reason = unavailableReason(err, path);
  return reason === null ? err : new JournalUnavailableError(reason, { cause: err, path });
}

/** Creates the journal's directory (`./data` on a fresh install); the disk's refusals become JournalUnavailableError. */
export function ensureDirectory(path: string): void {
  if (isMemory(path)) return;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new JournalUnavailableError(errnoReason(err), { cause: err, path });
  }
}

function errnoReason(err: unknown): UnavailableReason {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
  return 'io-error';
}

export interface DiskFacts {
  readonly dbBytes: number;
  readonly walBytes: number;
  readonly freeBytes: number | null;
  readonly readOnly: boolean;
}

export function diskFacts(path: string): DiskFacts {
  if (isMemory(path)) return { dbBytes: 0, walBytes: 0, freeBytes: null, readOnly: false };
  return {
    dbBytes: fileSize(path),
    walBytes: fileSize(`${path}-wal`),
    freeBytes: freeBytes(dirname(path)),
    readOnly: writeAccess(path) === 'read-only' || writeAccess(dirname(path)) === 'read-only',
  };
}

/**
 * Bytes SQLite may still add before `max_page_count` stops it (free pages inside the file
 * count). Statements are prepared once: this runs before every tap.
 */
export function createPageHeadroom(db: Database): () => number {
  const [pageSize, pageCount, maxPages, freePages] = ['page_size', 'page_count', 'max_page_count', 'freelist_count'].map(
    (name) => db.prepare(`PRAGMA ${name}`).pluck(),
  ) as [Statement, Statement, Statement, Statement];
  return () =>
    ((maxPages.get() as number) - (pageCount.get() as number) + (freePages.get() as number)) * (pageSize.get() as number);
}

export function isMemory(path: string): boolean {
  return path === ':memory:' || path === '';
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function freeBytes(dir: string): number | null {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}

// access(2) reports EROFS for a read-only mount even to root, which file modes do not.
function writeAccess(path: string): 'ok' | 'read-only' | 'unknown' {
  try {
    accessSync(path, constants.W_OK);
    return 'ok';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? 'read-only' : 'unknown';
  }
}
