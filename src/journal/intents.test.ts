import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { IntentResolvedError, UnknownIntentError } from './errors.js';
import { sampleIntent, tempJournals } from './test-journal.js';
import type { TempJournals } from './test-journal.js';

let t: TempJournals;
beforeEach(() => {
  t = tempJournals();
});
afterEach(() => t.cleanup());

describe('intents', () => {
  it('records an intent event holding the slot image, with the intent open', () => {
    const journal = t.open();
    const { intentId, seq } = journal.recordIntent(sampleIntent());
    expect(intentId).toBe(seq);
    const [event] = journal.events({ limit: 1 });
    expect(event).toMatchObject({ seq, type: 'intent', payload: { ...sampleIntent() } });
    expect(journal.intent(intentId)).toMatchObject({ ...sampleIntent(), intentId, state: 'open', resolvedSeq: null });
  });

  it('commits an intent with a commit event naming it, the card and the units', () => {
    const journal = t.open();
    const { intentId } = journal.recordIntent(sampleIntent('C1', { units: 2 }));
    t.clock.advance(150);
    const commit = journal.commitIntent(intentId, { rideId: 'R-1', confirmedBy: 'write' });
    const event = journal.events({ fromSeq: commit.seq, limit: 1 })[0];
    expect(event?.payload).toEqual({
      intentId, cardId: 'C1', programmeId: '102016-1', units: 2, toSeq: 8, rideId: 'R-1', confirmedBy: 'write',
    });
    expect(journal.intent(intentId)).toMatchObject({ state: 'committed', resolvedSeq: commit.seq, resolvedAt: t.clock.now() });
    expect(journal.openIntents()).toEqual([]);
  });

  it('aborts an intent with its reason', () => {
    const journal = t.open();
    const { intentId } = journal.recordIntent(sampleIntent('C1'));
    const abort = journal.abortIntent(intentId, 'write-not-landed', { sawSeq: 7 });
    expect(journal.events({ fromSeq: abort.seq, limit: 1 })[0]?.payload).toEqual({
      intentId, cardId: 'C1', programmeId: '102016-1', reason: 'write-not-landed', sawSeq: 7,
    });
    expect(journal.intent(intentId)).toMatchObject({ state: 'aborted', abortReason: 'write-not-landed' });
  });

  it('refuses to resolve an intent twice and leaves the journal unchanged', () => {
    const journal = t.open();
    const a = journal.recordIntent(sampleIntent('C1')).intentId;
    const b = journal.recordIntent(sampleIntent('C2')).intentId;
    journal.commitIntent(a);
    journal.abortIntent(b, 'card-gone');
    const before = journal.syncState().lastSeq;
    expect(() => journal.commitIntent(a)).toThrow(IntentResolvedError);
    expect(() => journal.abortIntent(a, 'again')).toThrow(expect.objectContaining({ name: 'IntentResolvedError', state: 'committed' }));
    expect(() => journal.commitIntent(b)).toThrow(expect.objectContaining({ name: 'IntentResolvedError', state: 'aborted' }));
    expect(() => journal.commitIntent(999)).toThrow(UnknownIntentError);
    expect(journal.syncState().lastSeq).toBe(before);
  });

  it('lists the intents in doubt oldest first, for all cards or for one, across reopen', () => {
    const journal = t.open();
    const first = journal.recordIntent(sampleIntent('C1')).intentId;
    const other = journal.recordIntent(sampleIntent('C2')).intentId;
    const resolved = journal.recordIntent(sampleIntent('C1')).intentId;
    const last = journal.recordIntent(sampleIntent('C1')).intentId;
    journal.commitIntent(resolved);
    journal.close();
    const reopened = t.open();
    expect(reopened.openIntents().map((i) => i.intentId)).toEqual([first, other, last]);
    expect(reopened.openIntents('C1').map((i) => i.intentId)).toEqual([first, last]);
    expect(reopened.openIntents('C9')).toEqual([]);
  });

  it('refuses an invalid intent before writing anything', () => {
    const journal = t.open();
    const bad = [
      sampleIntent(''),
      sampleIntent('C1', { slotImage: 'abc' }),
      sampleIntent('C1', { slotImage: 'zz' }),
      sampleIntent('C1', { units: 1.5 }),
      sampleIntent('C1', { toSeq: -1 }),
      sampleIntent('C1', { context: { when: new Date() } }),
    ];
    for (const intent of bad) expect(() => journal.recordIntent(intent as never)).toThrow(TypeError);
    expect(journal.syncState().lastSeq).toBe(0);
  });

  it('does not let extra fields overwrite what the journal writes in a commit or abort', () => {
    const journal = t.open();
    const { intentId } = journal.recordIntent(sampleIntent('C1'));
    expect(() => journal.commitIntent(intentId, { units: 0 })).toThrow(TypeError);
    expect(() => journal.abortIntent(intentId, 'x', { cardId: 'C2' })).toThrow(TypeError);
    expect(() => journal.abortIntent(intentId, '')).toThrow(TypeError);
    expect(journal.intent(intentId)?.state).toBe('open');
  });

  it('records an intent and app events atomically inside a transaction', () => {
    const journal = t.open();
    expect(() =>
      journal.transaction(() => {
        journal.recordIntent(sampleIntent('C1'));
        throw new Error('reader gone');
      }),
    ).toThrow('reader gone');
    expect(journal.openIntents()).toEqual([]);
    expect(journal.syncState().lastSeq).toBe(0);
  });
});
