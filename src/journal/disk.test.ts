import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { unavailableReason } from './disk.js';
import { JournalUnavailableError } from './errors.js';
import { createJournal } from './journal.js';
import type { Journal } from './journal.js';
import { configure, openJournal } from './open.js';
import { sampleIntent, tempJournals, TEST_TERMINAL } from './test-journal.js';
import type { TempJournals } from './test-journal.js';
import type { JournalLogger } from './types.js';

let t: TempJournals;
let db: SqliteDatabase.Database;
let logged: string[];
beforeEach(() => {
  t = tempJournals();
  logged = [];
});
afterEach(() => {
  if (db?.open) db.close();
  t.cleanup();
});

const logger: JournalLogger = {
  info: (_obj, msg) => void logged.push(`info: ${msg}`),
  warn: (_obj, msg) => void logged.push(`warn: ${msg}`),
  error: (_obj, msg) => void logged.push(`error: ${msg}`),
};

/** A journal over a connection the test holds, so it can lower SQLite's page limit: a real SQLITE_FULL. */
function journalOnConnection(options: { readonly?: boolean; reserveBytes?: number } = {}): Journal {
  db = new SqliteDatabase(t.path, { readonly: options.readonly ?? false });
  if (!db.readonly) configure(db, { path: t.path });
  return createJournal({ db, path: t.path, terminalId: TEST_TERMINAL, now: t.clock.now, logger, reserveBytes: options.reserveBytes ?? 0 });
}

function capPages(extraPages = 0): void {
  db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + extraPages}`);
}

const BIG = { blob: 'x'.repeat(64 * 1024) };

function expectUnavailable(fn: () => unknown, reason: string, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(JournalUnavailableError);
    expect(err).toMatchObject({ name: 'JournalUnavailableError', reason, cause: { code } });
    return;
  }
  expect.fail('the write should have failed');
}

describe('a full disk', () => {
  it('refuses an append with disk-full and leaves no trace of it', () => {
    const journal = journalOnConnection();
    journal.append('ride-opened', { rideId: 'R-1' });
    capPages();
    expectUnavailable(() => journal.append('ride-closed', BIG), 'disk-full', 'SQLITE_FULL');
    expectUnavailable(() => journal.recordIntent(sampleIntent('C1', { context: BIG })), 'disk-full', 'SQLITE_FULL');
    expect(journal.syncState().lastSeq).toBe(1);
    expect(journal.events({ limit: 10 }).map((e) => e.seq)).toEqual([1]);
    expect(journal.openIntents()).toEqual([]);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: 1 });
  });

  it('rolls back a whole transaction when its last append hits the limit', () => {
    const journal = journalOnConnection();
    capPages();
    expectUnavailable(
      () =>
        journal.transaction(() => {
          journal.append('ride-opened', { rideId: 'R-1' });
          journal.append('ride-closed', BIG);
        }),
      'disk-full',
      'SQLITE_FULL',
    );
    expect(journal.syncState().lastSeq).toBe(0);
  });

  it('refuses taps while space is short and accepts them again once there is room, with no gap in seq', () => {
    const journal = journalOnConnection({ reserveBytes: 32 * 1024 });
    journal.append('ride-opened', { rideId: 'R-1' });
    capPages();
    expectUnavailable(() => journal.append('ride-closed', BIG), 'disk-full', 'SQLITE_FULL');
    expect(journal.canAcceptTaps()).toBe(false);
    expect(journal.health()).toMatchObject({ writable: false, reason: 'disk-full' });
    expect(logged).toContain('warn: journal unavailable');

    db.pragma('max_page_count = 1000000');
    expect(journal.canAcceptTaps()).toBe(true);
    expect(journal.health()).toMatchObject({ writable: true });
    expect(journal.append('ride-closed', BIG).seq).toBe(2);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: 2 });
    expect(logged).toContain('info: journal writable again');
  });

  it('refuses taps before any write fails when the file system has less free space than the reserve', () => {
    const journal = t.open({ reserveBytes: Number.MAX_SAFE_INTEGER });
    const health = journal.health();
    expect(health).toMatchObject({ writable: false, reason: 'disk-full' });
    expect(health.freeBytes).toBeGreaterThan(0);
    expect(health.dbBytes).toBeGreaterThan(0);
    expect(journal.canAcceptTaps()).toBe(false);
  });
});

describe('a failing append', () => {
  it('does not use up a sequence number', () => {
    const journal = t.open();
    journal.append('ride-opened', {});
    expect(() => journal.append('ride-closed', { fare: NaN })).toThrow(TypeError);
    expect(() =>
      journal.transaction(() => {
        journal.append('ride-closed', {});
        throw new Error('power cut simulated by the app');
      }),
    ).toThrow();
    expect(journal.append('ride-closed', {}).seq).toBe(2);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: 2 });
  });
});

describe('a read-only journal', () => {
  it('refuses writes with read-only, still answers reads, and refuses taps', () => {
    const writer = t.open();
    writer.append('ride-opened', { rideId: 'R-1' });
    writer.close();
    const journal = journalOnConnection({ readonly: true });
    expectUnavailable(() => journal.append('ride-closed', {}), 'read-only', 'SQLITE_READONLY');
    expectUnavailable(() => journal.recordIntent(sampleIntent()), 'read-only', 'SQLITE_READONLY');
    expect(journal.health()).toMatchObject({ writable: false, reason: 'read-only' });
    expect(journal.canAcceptTaps()).toBe(false);
    expect(journal.events({ limit: 10 }).map((e) => e.seq)).toEqual([1]);
    expect(journal.syncState().lastSeq).toBe(1);
  });
});

describe('opening the journal file', () => {
  it('creates the directory it is to live in', () => {
    const path = join(t.dir, 'data', 'terminal', 'journal.db');
    const journal = openJournal({ path, terminalId: TEST_TERMINAL, now: t.clock.now });
    expect(journal.append('ride-opened', {}).seq).toBe(1);
    journal.close();
  });

  it('throws JournalUnavailableError, not a raw error, when the path cannot hold a file', () => {
    const open = (path: string) => () => openJournal({ path, terminalId: TEST_TERMINAL, now: t.clock.now });
    writeFileSync(join(t.dir, 'a-file'), '');
    expect(open(join(t.dir, 'a-file', 'journal.db'))).toThrow(
      expect.objectContaining({ name: 'JournalUnavailableError', reason: 'io-error', cause: expect.objectContaining({ syscall: 'mkdir' }) }),
    );
    expect(open(t.dir)).toThrow(
      expect.objectContaining({ name: 'JournalUnavailableError', reason: 'io-error', cause: expect.objectContaining({ code: 'SQLITE_CANTOPEN' }) }),
    );
  });
});

describe('classifying SQLite failures', () => {
  it('maps result codes, never message text, to the three reasons', () => {
    const err = (code: string) => new SqliteDatabase.SqliteError('whatever the message says', code);
    expect(unavailableReason(err('SQLITE_FULL'), t.path)).toBe('disk-full');
    expect(unavailableReason(err('SQLITE_READONLY'), t.path)).toBe('read-only');
    expect(unavailableReason(err('SQLITE_READONLY_DBMOVED'), t.path)).toBe('read-only');
    expect(unavailableReason(err('SQLITE_IOERR_WRITE'), t.path)).toBe('io-error');
    expect(unavailableReason(err('SQLITE_IOERR_FSYNC'), t.path)).toBe('io-error');
    expect(unavailableReason(err('SQLITE_CANTOPEN'), join(t.dir, 'missing', 'x.db'))).toBe('io-error');
    expect(unavailableReason(err('SQLITE_CONSTRAINT_PRIMARYKEY'), t.path)).toBeNull();
    expect(unavailableReason(new Error('disk is full'), t.path)).toBeNull();
  });
});
