import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AckBeyondJournalError } from './errors.js';
import { GENESIS_HASH, verifyChain } from './hash.js';
import { sampleIntent, tempJournals } from './test-journal.js';
import type { TempJournals } from './test-journal.js';
import type { Journal } from './journal.js';

let t: TempJournals;
beforeEach(() => {
  t = tempJournals();
});
afterEach(() => t.cleanup());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function appendMany(journal: Journal, count: number, stepMs = 1000): void {
  for (let i = 0; i < count; i += 1) {
    journal.append('ride-opened', { rideId: `R-${i}` });
    t.clock.advance(stepMs);
  }
}

describe('the outbox', () => {
  it('hands out unacknowledged events in seq order, with every field, in batches', () => {
    const journal = t.open();
    appendMany(journal, 5);
    const batch = journal.pending(2);
    expect(batch.map((e) => e.seq)).toEqual([1, 2]);
    expect(Object.keys(batch[0]!).sort()).toEqual(['at', 'hash', 'payload', 'prevHash', 'seq', 'terminal', 'type']);
    expect(journal.pending(10, 2).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(verifyChain(journal.pending(10))).toEqual({ ok: true, checked: 5 });
  });

  it('moves the synced mark only forward, and only over events that exist', () => {
    const journal = t.open();
    appendMany(journal, 5);
    expect(journal.syncState()).toEqual({ lastSeq: 5, lastSyncedSeq: 0, backlog: 5, lastSyncedAt: null });
    const ackedAt = t.clock.now();
    expect(journal.markSynced(3)).toBe(true);
    t.clock.advance(1000);
    expect(journal.markSynced(2)).toBe(false);
    expect(journal.markSynced(3)).toBe(false);
    expect(() => journal.markSynced(6)).toThrow(AckBeyondJournalError);
    expect(journal.syncState()).toEqual({ lastSeq: 5, lastSyncedSeq: 3, backlog: 2, lastSyncedAt: ackedAt });
    expect(journal.pending(10).map((e) => e.seq)).toEqual([4, 5]);
    expect(journal.pending(10, 1).map((e) => e.seq)).toEqual([4, 5]);
  });

  it('keeps the synced mark across reopen', () => {
    const journal = t.open();
    appendMany(journal, 3);
    journal.markSynced(2);
    journal.close();
    expect(t.open().syncState()).toMatchObject({ lastSeq: 3, lastSyncedSeq: 2, backlog: 1 });
  });
});

describe('retention', () => {
  it('deletes only synced events older than the retention age', () => {
    const journal = t.open();
    appendMany(journal, 10, HOUR);
    journal.markSynced(6);
    t.clock.set(t.clock.now() + DAY);
    // Events 1..10 are now between 25 and 34 hours old.
    const result = journal.prune({ olderThanMs: DAY });
    expect(result.deleted).toBe(6);
    expect(result.anchorSeq).toBe(6);
    const remaining = journal.events({ limit: 100 });
    expect(remaining.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(remaining[0]?.prevHash).toBe(result.anchorHash);
    expect(journal.pending(100).map((e) => e.seq)).toEqual([7, 8, 9, 10]);
  });

  it('never deletes an unsynced event, however old', () => {
    const journal = t.open();
    appendMany(journal, 4, HOUR);
    t.clock.advance(365 * DAY);
    expect(journal.prune({ olderThanMs: 0 })).toEqual({ deleted: 0, anchorSeq: 0, anchorHash: GENESIS_HASH });
    journal.markSynced(2);
    expect(journal.prune({ olderThanMs: 0 }).deleted).toBe(2);
    expect(journal.events({ limit: 10 }).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('keeps younger synced events', () => {
    const journal = t.open();
    appendMany(journal, 4, HOUR);
    journal.markSynced(4);
    // The events are 4, 3, 2 and 1 hours old.
    expect(journal.prune({ olderThanMs: 150 * 60_000 }).deleted).toBe(2);
    expect(journal.events({ limit: 10 }).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('continues the hash chain after a prune, across reopen, even when everything was pruned', () => {
    const journal = t.open();
    appendMany(journal, 3);
    journal.markSynced(3);
    t.clock.advance(DAY);
    const { anchorHash } = journal.prune({ olderThanMs: HOUR });
    expect(journal.events({ limit: 10 })).toEqual([]);
    expect(journal.syncState()).toMatchObject({ lastSeq: 3, backlog: 0 });
    journal.close();
    const reopened = t.open();
    const next = reopened.append('ride-opened', { rideId: 'after-prune' });
    expect(next.seq).toBe(4);
    expect(reopened.events({ limit: 10 })[0]?.prevHash).toBe(anchorHash);
    expect(reopened.verifyChain()).toEqual({ ok: true, checked: 1 });
  });

  it('drops resolved intents with their events but keeps the ones in doubt', () => {
    const journal = t.open();
    const doubt = journal.recordIntent(sampleIntent('C1')).intentId;
    const done = journal.recordIntent(sampleIntent('C2')).intentId;
    journal.commitIntent(done);
    journal.append('ride-closed', { cardIds: ['C1', 'C2'] });
    journal.markSynced(4);
    t.clock.advance(DAY);
    journal.prune({ olderThanMs: HOUR });
    expect(journal.intent(done)).toBeNull();
    expect(journal.openIntents().map((i) => i.intentId)).toEqual([doubt]);
    expect(journal.events({ cardId: 'C1', limit: 10 })).toEqual([]);
    expect(journal.commitIntent(doubt).seq).toBe(5);
  });
});
