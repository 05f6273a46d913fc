import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DenyListVersionError } from './errors.js';
import { tempJournals } from './test-journal.js';
import type { TempJournals } from './test-journal.js';

let t: TempJournals;
beforeEach(() => {
  t = tempJournals();
});
afterEach(() => t.cleanup());

const LOST = { cardId: 'C1', reason: 'cessationOfOperation', since: 1_775_000_000_000 };

describe('the deny-list', () => {
  it('starts empty at version 0', () => {
    const journal = t.open();
    expect(journal.denyListVersion()).toBe(0);
    expect(journal.denyEntry('C1')).toBeNull();
  });

  it('replaces the whole list from a snapshot and records the version applied', () => {
    const journal = t.open();
    journal.replaceDenyList(3, [{ cardId: 'C9', reason: 'superseded' }]);
    expect(journal.replaceDenyList(4, [LOST, { cardId: 'C2', reason: 'certificateHold' }])).toEqual({ applied: true, version: 4 });
    expect(journal.denyListVersion()).toBe(4);
    expect(journal.denyEntry('C1')).toEqual(LOST);
    expect(journal.denyEntry('C2')).toEqual({ cardId: 'C2', reason: 'certificateHold', since: null });
    expect(journal.denyEntry('C9')).toBeNull();
    const applied = journal.events({ type: 'denylist-applied', limit: 10 }).map((e) => e.payload);
    expect(applied).toEqual([
      { version: 3, kind: 'snapshot', entries: 1 },
      { version: 4, kind: 'snapshot', entries: 2 },
    ]);
  });

  it('ignores a snapshot it already has or an older one, without an event', () => {
    const journal = t.open();
    journal.replaceDenyList(5, [LOST]);
    const lastSeq = journal.syncState().lastSeq;
    expect(journal.replaceDenyList(5, [LOST])).toEqual({ applied: false, version: 5 });
    expect(journal.replaceDenyList(4, [])).toEqual({ applied: false, version: 5 });
    expect(journal.denyEntry('C1')).toEqual(LOST);
    expect(journal.syncState().lastSeq).toBe(lastSeq);
  });

  it('applies a delta that starts at the applied version', () => {
    const journal = t.open();
    journal.replaceDenyList(1, [LOST, { cardId: 'C2', reason: 'certificateHold' }]);
    const result = journal.applyDenyDelta({
      fromVersion: 1, toVersion: 2, add: [{ cardId: 'C3', reason: 'affiliationChanged' }], remove: ['C2'],
    });
    expect(result).toEqual({ applied: true, version: 2 });
    expect(journal.denyEntry('C2')).toBeNull();
    expect(journal.denyEntry('C3')?.reason).toBe('affiliationChanged');
    expect(journal.events({ type: 'denylist-applied', limit: 1, order: 'desc' })[0]?.payload).toEqual({
      version: 2, kind: 'delta', fromVersion: 1, added: 1, removed: 1, entries: 2,
    });
  });

  it('refuses a delta from another version, so that the caller asks for a snapshot', () => {
    const journal = t.open();
    journal.replaceDenyList(2, [LOST]);
    const delta = { fromVersion: 3, toVersion: 4, add: [{ cardId: 'C5', reason: 'x' }], remove: [] };
    expect(() => journal.applyDenyDelta(delta)).toThrow(DenyListVersionError);
    expect(() => journal.applyDenyDelta(delta)).toThrow(expect.objectContaining({ currentVersion: 2, fromVersion: 3 }));
    expect(journal.denyListVersion()).toBe(2);
    expect(journal.denyEntry('C5')).toBeNull();
  });

  it('ignores a delta that was already applied (a repeated delivery)', () => {
    const journal = t.open();
    journal.replaceDenyList(1, []);
    const delta = { fromVersion: 1, toVersion: 2, add: [LOST], remove: [] };
    journal.applyDenyDelta(delta);
    expect(journal.applyDenyDelta(delta)).toEqual({ applied: false, version: 2 });
    expect(journal.events({ type: 'denylist-applied', limit: 10 })).toHaveLength(2);
  });

  it('refuses versions that do not move forward', () => {
    const journal = t.open();
    expect(() => journal.replaceDenyList(0, [])).toThrow(RangeError);
    expect(() => journal.applyDenyDelta({ fromVersion: 0, toVersion: 0, add: [], remove: [] })).toThrow(RangeError);
    expect(journal.syncState().lastSeq).toBe(0);
  });

  it('keeps the list and its version across reopen', () => {
    t.open().replaceDenyList(7, [LOST]);
    const journal = t.open();
    expect(journal.denyListVersion()).toBe(7);
    expect(journal.denyEntry('C1')).toEqual(LOST);
  });
});
