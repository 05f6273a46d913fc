import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JournalUnavailableError, openJournal } from '../../src/journal/index.js';
import type { Journal } from '../../src/journal/index.js';

/**
 * The journal on a real, tiny file system: a 2 MiB tmpfs that the test fills until the kernel
 * says ENOSPC, then empties, then remounts read-only. Mounting needs root; without it the
 * test fails (a missing capability in CI must not pass silently).
 */
const TERMINAL = 'T-DISK';
const RESERVE = 64 * 1024;
let dir: string;
let path: string;
let mounted = false;
const opened: Journal[] = [];
let clock = Date.UTC(2026, 3, 1);
const now = (): number => (clock += 1000);

function mount(...args: string[]): void {
  execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function open(): Journal {
  const journal = openJournal({ path, terminalId: TERMINAL, now, reserveBytes: RESERVE });
  opened.push(journal);
  return journal;
}

/** Writes a file until the file system is full; returns its path. */
function fillDisk(): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 0xaa);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return filler;
}

function expectRefused(fn: () => unknown, reason: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(JournalUnavailableError);
  expect(thrown).toMatchObject({ reason });
}

const intent = (cardId: string, context: Record<string, unknown> = {}) => ({
  cardId, programmeIndex: 0, programmeId: '102016-1', fromSeq: 1, toSeq: 2, slotIndex: 1, slotImage: '00020001', units: 1, context,
});

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('journal-disk needs root to mount a 2 MiB tmpfs (mount -t tmpfs); run the integration tests as root, as .ci/run does');
  }
  dir = mkdtempSync(join(tmpdir(), 'journal-tmpfs-'));
  mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir);
  mounted = true;
  path = join(dir, 'journal.db');
});

afterAll(() => {
  for (const journal of opened) {
    try {
      journal.close();
    } catch {
      // Closed by the test already.
    }
  }
  if (mounted) execFileSync('umount', [dir]);
  if (dir !== undefined) rmdirSync(dir);
});

describe('the journal on a 2 MiB file system', () => {
  it('refuses taps with disk-full when the disk fills, writes nothing partial, and recovers when space is freed', () => {
    const journal = open();
    for (let i = 0; i < 10; i += 1) journal.append('ride-opened', { rideId: `R-${i}` });
    journal.commitIntent(journal.recordIntent(intent('C1')).intentId);
    expect(journal.canAcceptTaps()).toBe(true);

    const filler = fillDisk();
    const health = journal.health();
    expect(health).toMatchObject({ writable: false, reason: 'disk-full' });
    expect(health.freeBytes).toBeLessThan(RESERVE);
    expect(journal.canAcceptTaps()).toBe(false);

    // Bigger than the WAL has ever been, so SQLite must ask the kernel for new blocks.
    const big = { blob: 'x'.repeat(512 * 1024) };
    const before = journal.syncState().lastSeq;
    expectRefused(() => journal.append('ride-closed', big), 'disk-full');
    expectRefused(() => journal.recordIntent(intent('C2', big)), 'disk-full');
    expect(journal.syncState().lastSeq).toBe(before);
    expect(journal.openIntents()).toEqual([]);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: before });

    unlinkSync(filler);
    expect(journal.canAcceptTaps()).toBe(true);
    expect(journal.append('ride-closed', big).seq).toBe(before + 1);
    const { intentId } = journal.recordIntent(intent('C2'));
    expect(journal.commitIntent(intentId).seq).toBe(before + 3);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: before + 3 });
    journal.close();
  });

  it('refuses to open with read-only on a read-only mount, and continues the chain once writable again', () => {
    const lastSeq = (() => {
      const journal = open();
      const seq = journal.syncState().lastSeq;
      journal.close();
      return seq;
    })();
    mount('-o', 'remount,ro', dir);
    try {
      expectRefused(() => open(), 'read-only');
    } finally {
      mount('-o', 'remount,rw', dir);
    }
    const journal = open();
    expect(journal.append('ride-opened', { rideId: 'after-ro' }).seq).toBe(lastSeq + 1);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: lastSeq + 1 });
    expect(journal.canAcceptTaps()).toBe(true);
  });
});
