import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Journal } from './journal.js';
import { openJournal } from './open.js';
import type { JournalOptions } from './open.js';

/**
 * Test support: journals in a fresh temporary directory with a clock the test moves by hand.
 * Not part of the journal's API (index.ts does not export it).
 */
export interface TempJournals {
  readonly dir: string;
  readonly path: string;
  readonly clock: { now: () => number; advance: (ms: number) => void; set: (ms: number) => void };
  open(options?: Partial<JournalOptions>): Journal;
  /** Closes every journal opened here and removes the directory. */
  cleanup(): void;
}

export const TEST_TERMINAL = 'T-0001';
export const T0 = Date.UTC(2026, 3, 1, 0, 0, 0);

export function tempJournals(): TempJournals {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  const path = join(dir, 'journal.db');
  let time = T0;
  const clock = { now: () => time, advance: (ms: number) => void (time += ms), set: (ms: number) => void (time = ms) };
  const opened: Journal[] = [];
  return {
    dir,
    path,
    clock,
    open(options = {}) {
      const journal = openJournal({ path, terminalId: TEST_TERMINAL, now: clock.now, reserveBytes: 0, ...options });
      opened.push(journal);
      return journal;
    },
    cleanup() {
      for (const journal of opened) {
        try {
          journal.close();
        } catch {
          // Already closed by the test.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid intent for `cardId`; fields can be overridden. */
export function sampleIntent(cardId = 'A1B2C3D4E5F60718', overrides: Record<string, unknown> = {}) {
  return {
    cardId,
    programmeIndex: 0,
    programmeId: '102016-1',
    fromSeq: 7,
    toSeq: 8,
    slotIndex: 1,
    slotImage: '0008000300',
    units: 1,
    context: { rideId: 'R-1', fare: 2400 },
    ...overrides,
  };
}
