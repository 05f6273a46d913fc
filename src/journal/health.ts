import type { Database } from 'better-sqlite3';

import { createPageHeadroom, diskFacts, translateDiskError } from './disk.js';
import { JournalUnavailableError } from './errors.js';
import type { JournalHealth, JournalLogger, UnavailableReason } from './types.js';

/**
 * Tracks whether the journal can take a tap. A tap must be refused before the card is
 * touched, so the answer looks ahead: a read-only file or mount, too little free space on the
 * file system or under `max_page_count`, or a write that failed and still fails when retried.
 * Nothing is sticky: once the disk has room again, the next check says so.
 */
export interface HealthTracker {
  /** Turns a thrown error into what the caller should see, remembering disk failures. */
  failure(err: unknown): unknown;
  /** A write transaction reached the disk. */
  succeeded(): void;
  health(): JournalHealth;
  /** How many disk failures have been seen: lets a cached answer notice a new one. */
  failures(): number;
}

export interface HealthOptions {
  readonly db: Database;
  readonly path: string;
  readonly reserveBytes: number;
  readonly logger: JournalLogger;
  /** A tiny real write transaction; throws what the journal's writes throw. */
  readonly probe: () => void;
}

export function createHealthTracker(options: HealthOptions): HealthTracker {
  const { db, path, reserveBytes, logger } = options;
  const pageHeadroomBytes = createPageHeadroom(db);
  let failed: UnavailableReason | null = null;
  let failureCount = 0;

  const failure = (err: unknown): unknown => {
    const translated = translateDiskError(err, path);
    if (translated instanceof JournalUnavailableError) failureCount += 1;
    if (translated instanceof JournalUnavailableError && failed !== translated.reason) {
      failed = translated.reason;
      logger.warn({ reason: failed, path, err: translated.cause }, 'journal unavailable');
    }
    return translated;
  };

  const succeeded = (): void => {
    if (failed === null) return;
    logger.info({ path, was: failed }, 'journal writable again');
    failed = null;
  };

  const retried = (): boolean => {
    try {
      options.probe();
      return true;
    } catch (err) {
      if (err instanceof JournalUnavailableError) return false;
      throw err;
    }
  };

  const reasonNow = (freeBytes: number | null, readOnly: boolean): UnavailableReason | null => {
    if (db.readonly || readOnly) return 'read-only';
    if (failed !== null && !retried()) return failed;
    if (freeBytes !== null && freeBytes < reserveBytes) return 'disk-full';
    if (pageHeadroomBytes() < reserveBytes) return 'disk-full';
    return null;
  };

  return {
    failure,
    succeeded,
    failures: () => failureCount,
    health() {
      const facts = diskFacts(path);
      const reason = reasonNow(facts.freeBytes, facts.readOnly);
      const sizes = { dbBytes: facts.dbBytes, walBytes: facts.walBytes, freeBytes: facts.freeBytes };
      return reason === null ? { writable: true, ...sizes } : { writable: false, reason, ...sizes };
    },
  };
}
