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

/**
 * What a crash must never leave behind: a broken or gapped chain, a commit or abort without
 * its intent, an intent resolved twice, or an intents table that disagrees with the events.
 * Returns the problems found (none for a sound journal). Reads every event: for tests.
 */
export function auditJournal(journal: Journal): string[] {
  const problems: string[] = [];
  const chain = journal.verifyChain();
  if (!chain.ok) problems.push(`chain: ${chain.problem} at seq ${chain.seq}`);
  const intents = new Map<number, { cardId: unknown; resolvedBy: number | null }>();
  for (const event of allEvents(journal)) {
    const { type, seq, payload } = event;
    if (type === 'intent') intents.set(seq, { cardId: payload.cardId, resolvedBy: null });
    if (type !== 'commit' && type !== 'abort') continue;
    const intent = intents.get(Number(payload.intentId));
    if (intent === undefined) problems.push(`${type} ${seq}: no intent ${String(payload.intentId)} before it`);
    else if (intent.resolvedBy !== null) problems.push(`${type} ${seq}: intent already resolved by ${intent.resolvedBy}`);
    else if (intent.cardId !== payload.cardId) problems.push(`${type} ${seq}: card differs from its intent's`);
    else intent.resolvedBy = seq;
  }
  for (const [intentId, { resolvedBy }] of intents) {
    const row = journal.intent(intentId);
    const expected = resolvedBy === null ? 'open' : journal.events({ fromSeq: resolvedBy, limit: 1 })[0]?.type;
    const actual = row?.state === 'committed' ? 'commit' : row?.state === 'aborted' ? 'abort' : row?.state;
    if (actual !== expected) problems.push(`intent ${intentId}: table says ${String(row?.state)}, events say ${String(expected)}`);
  }
  return problems;
}

function* allEvents(journal: Journal) {
  let after = 0;
  for (;;) {
    const batch = journal.events({ fromSeq: after + 1, limit: 500 });
    if (batch.length === 0) return;
    yield* batch;
    after = batch.at(-1)!.seq;
  }
}
