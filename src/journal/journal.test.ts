import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { JournalOwnerError } from './errors.js';
import { eventHash, GENESIS_HASH, verifyChain } from './hash.js';
import { tempJournals, TEST_TERMINAL } from './test-journal.js';
import type { TempJournals } from './test-journal.js';

let t: TempJournals;
beforeEach(() => {
  t = tempJournals();
});
afterEach(() => t.cleanup());

describe('appending events', () => {
  it('numbers events 1, 2, 3 and links each to the hash of the one before', () => {
    const journal = t.open();
    const first = journal.append('ride-opened', { fare: 2400 });
    t.clock.advance(1000);
    const second = journal.append('ride-closed', { subsidy: 1000 });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const events = journal.events({ limit: 10 });
    expect(events.map((e) => e.prevHash)).toEqual([GENESIS_HASH, first.hash]);
    expect(events[1]).toMatchObject({ terminal: TEST_TERMINAL, type: 'ride-closed', at: t.clock.now(), payload: { subsidy: 1000 } });
    expect(eventHash(first.hash, events[1]!)).toBe(second.hash);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: 2 });
  });

  it('continues the chain after the file is closed and reopened', () => {
    const before = t.open();
    before.append('ride-opened', { fare: 1000 });
    before.close();
    const after = t.open();
    const next = after.append('ride-closed', { fare: 1000 });
    expect(next.seq).toBe(2);
    expect(verifyChain(after.events({ limit: 10 }))).toEqual({ ok: true, checked: 2 });
  });

  it('writes every event of a transaction, or none of them', () => {
    const journal = t.open();
    journal.transaction(() => {
      journal.append('fare-corrected', { rideId: 'R-1', fare: 1800 });
      journal.append('ride-closed', { rideId: 'R-1' });
    });
    expect(() =>
      journal.transaction(() => {
        journal.append('ride-opened', { rideId: 'R-2' });
        throw new Error('the app changed its mind');
      }),
    ).toThrow('the app changed its mind');
    expect(journal.syncState().lastSeq).toBe(2);
    expect(journal.append('ride-opened', { rideId: 'R-3' }).seq).toBe(3);
    expect(journal.verifyChain()).toEqual({ ok: true, checked: 3 });
  });

  it('keeps a last-seq hint that is never below the last seq, also after a rollback and a reopen', () => {
    const journal = t.open();
    expect(journal.lastSeqHint()).toBe(0);
    journal.append('ride-opened', { rideId: 'R-1' });
    journal.append('ride-closed', { rideId: 'R-1' });
    expect(journal.lastSeqHint()).toBe(2);
    expect(() =>
      journal.transaction(() => {
        journal.append('ride-opened', { rideId: 'R-2' });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(journal.syncState().lastSeq).toBe(2);
    expect(journal.lastSeqHint()).toBeGreaterThanOrEqual(2);
    expect(journal.append('ride-opened', { rideId: 'R-3' }).seq).toBe(3);
    expect(journal.lastSeqHint()).toBe(3);
    journal.close();
    expect(t.open().lastSeqHint()).toBe(3);
  });

  it('refuses an asynchronous transaction function and writes nothing', () => {
    const journal = t.open();
    expect(() => journal.transaction(async () => journal.append('ride-opened', {}))).toThrow(TypeError);
    expect(journal.syncState().lastSeq).toBe(0);
  });

  it('keeps the journal-only event types for the journal', () => {
    const journal = t.open();
    for (const type of ['intent', 'commit', 'abort', 'denylist-applied']) {
      expect(() => journal.append(type, { cardId: 'X' })).toThrow(TypeError);
    }
    expect(journal.syncState().lastSeq).toBe(0);
  });

  it('refuses malformed event types and payloads that are not JSON objects', () => {
    const journal = t.open();
    for (const type of ['', 'Ride', 'ride opened', 'ride--x', 'x'.repeat(65)]) {
      expect(() => journal.append(type, {})).toThrow(TypeError);
    }
    expect(() => journal.append('ride-opened', [] as unknown as Record<string, unknown>)).toThrow(TypeError);
    expect(() => journal.append('ride-opened', { at: new Date() })).toThrow(TypeError);
    expect(journal.append('gate.entry-denied', {}).seq).toBe(1);
  });

  it('refuses to open another terminal’s journal file', () => {
    t.open().close();
    expect(() => t.open({ terminalId: 'T-0002' })).toThrow(JournalOwnerError);
  });
});

describe('querying events', () => {
  it('finds events by seq range, type and the card they name, oldest or newest first', () => {
    const journal = t.open();
    journal.append('ride-opened', { rideId: 'R-1' });
    journal.append('tap-rejected', { cardId: 'C1', reason: 'revoked' });
    journal.append('ride-closed', { rideId: 'R-1', cardIds: ['C1', 'C2'] });
    journal.append('tap-rejected', { cardId: 'C2', reason: 'expired' });
    const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
    expect(seqs(journal.events({ cardId: 'C1', limit: 10 }))).toEqual([2, 3]);
    expect(seqs(journal.events({ cardId: 'C2', limit: 10, order: 'desc' }))).toEqual([4, 3]);
    expect(seqs(journal.events({ type: 'tap-rejected', limit: 10 }))).toEqual([2, 4]);
    expect(seqs(journal.events({ cardId: 'C2', type: 'tap-rejected', limit: 10 }))).toEqual([4]);
    expect(seqs(journal.events({ fromSeq: 2, toSeq: 3, limit: 10 }))).toEqual([2, 3]);
    expect(seqs(journal.events({ limit: 2, order: 'desc' }))).toEqual([4, 3]);
    expect(() => journal.events({ limit: 0 })).toThrow(RangeError);
  });
});

describe('meta', () => {
  it('stores small JSON values by key across reopen, and deletes them', () => {
    const journal = t.open();
    expect(journal.getMeta('ride')).toBeUndefined();
    journal.setMeta('ride', { rideId: 'R-1', fare: 2400, riders: [] });
    journal.setMeta('config.version', 7);
    journal.close();
    const reopened = t.open();
    expect(reopened.getMeta('ride')).toEqual({ rideId: 'R-1', fare: 2400, riders: [] });
    expect(reopened.getMeta('config.version')).toBe(7);
    reopened.deleteMeta('ride');
    expect(reopened.getMeta('ride')).toBeUndefined();
    expect(reopened.syncState().lastSeq).toBe(0);
  });
});
