import { describe, expect, it } from 'vitest';
import type { AccessRights } from './access-rights.js';
import { emptyAntiPassback, recordPassage, type AntiPassbackState } from './anti-passback.js';
import type { AntiPassbackMode, GateConfig } from './config.js';
import { decideEntry, type CardReading, type EntryDecision, type EntryInput } from './decide.js';
import { REFUSAL_MESSAGES, REFUSAL_REASONS } from './reasons.js';
import { STAFF, VISITOR, gateConfig, grantFor, jst, readerAt, slotWith } from './test-fixtures.js';

const CONFIG = gateConfig();
const MONDAY_NOON = jst('2026-03-02T12:00');

function input(patch: Partial<EntryInput> & { reader?: string; config?: GateConfig } = {}): EntryInput {
  const { reader = 'main-in', config = CONFIG, ...rest } = patch;
  return {
    card: { kind: 'ok', grant: grantFor(STAFF), slot: null },
    denied: null,
    config,
    context: readerAt(config, reader),
    antiPassback: emptyAntiPassback(),
    atMs: MONDAY_NOON,
    canRecord: true,
    ...rest,
  };
}

const ok = (rights: AccessRights, used = 0, grantPatch = {}): CardReading => ({ kind: 'ok', grant: grantFor(rights, grantPatch), slot: used === 0 ? null : slotWith(used) });

describe('the gate decision', () => {
  it('grants a staff pass at its door within its schedule, with no units taken', () => {
    expect(decideEntry(input())).toEqual({
      kind: 'granted',
      door: 'main',
      reader: 'main-in',
      direction: 'in',
      takeUnits: 0,
      flags: [],
      doorOpenMs: 4000,
      cardId: '1111111111111111',
      holder: STAFF.holder,
      pass: 'staff',
      rights: STAFF,
      remainingEntries: null,
    });
  });

  const refusals: ReadonlyArray<[string, Partial<EntryInput> & { reader?: string }, (typeof REFUSAL_REASONS)[number]]> = [
    ['a card the card layer could not read', { card: { kind: 'unreadable', cardId: null } }, 'unreadable'],
    ['a card whose grant signature or slot MAC failed', { card: { kind: 'forged', cardId: '1111111111111111' } }, 'forged'],
    ['a card on the deny-list', { denied: { reason: 'cessationOfOperation' } }, 'revoked'],
    ['a grant of a programme this gate does not honour', { card: ok(STAFF, 0, { programme: { municipality: 102016, number: 41 } }) }, 'unknown-programme'],
    ['a visitor pass whose grant does not count entries', { card: ok(VISITOR, 0, { unit: 'coupon' }) }, 'unknown-programme'],
    ['a grant whose access rights are garbled', { card: ok(STAFF, 0, { ext: new Uint8Array([9, 9]) }) }, 'unreadable'],
    ['a pass before its first day', { card: ok(STAFF, 0, { validFrom: '2026-03-03' }) }, 'not-yet-valid'],
    ['a pass after its last day', { card: ok(STAFF, 0, { validUntil: '2026-03-01' }) }, 'expired'],
    ['a pass for other zones', { card: ok({ ...STAFF, zones: [7] }) }, 'wrong-zone'],
    ['a visitor at a staff-only door', { card: ok({ ...VISITOR, zones: [5] }), reader: 'lab-in' }, 'wrong-zone'],
    ['a pass of another organisation at a door limited to one', { card: ok({ ...STAFF, organisation: 1 }), reader: 'lab-in' }, 'wrong-zone'],
    ['a pass outside its schedule', { atMs: jst('2026-03-07T12:00') }, 'outside-schedule'],
    ['a pass whose access group the door does not list', { card: ok({ ...STAFF, accessGroup: 9 }) }, 'outside-schedule'],
    ['a visitor pass with every entry used', { card: ok(VISITOR, 3) }, 'entries-used-up'],
    [
      'a second entry without an exit at a hard anti-passback door',
      { antiPassback: recordPassage(emptyAntiPassback(), STAFF.holder, { direction: 'in', atMs: MONDAY_NOON - 60_000, door: 'main' }) },
      'anti-passback',
    ],
    ['a pass the journal cannot record', { canRecord: false }, 'disk-full'],
  ];

  it.each(refusals)('refuses %s', (_name, patch, reason) => {
    const decision = decideEntry(input(patch));
    expect(decision).toMatchObject({ kind: 'refused', reason, message: REFUSAL_MESSAGES[reason] });
  });

  it('has a refusal case above for every reason code', () => {
    expect(new Set(refusals.map(([, , reason]) => reason))).toEqual(new Set(REFUSAL_REASONS));
  });

  it('names the door, reader, direction, card and holder in a refusal when it knows them', () => {
    expect(decideEntry(input({ reader: 'main-out', card: ok({ ...STAFF, zones: [9] }) }))).toEqual({
      kind: 'refused',
      door: 'main',
      reader: 'main-out',
      direction: 'out',
      reason: 'wrong-zone',
      message: REFUSAL_MESSAGES['wrong-zone'],
      cardId: '1111111111111111',
      holder: STAFF.holder,
      pass: 'staff',
    });
    expect(decideEntry(input({ card: { kind: 'forged', cardId: null } }))).toMatchObject({ cardId: null, holder: null, pass: null });
  });

  it('grants a pass at a door without schedules at any hour', () => {
    expect(decideEntry(input({ reader: 'lab-in', atMs: jst('2026-03-07T03:00') }))).toMatchObject({ kind: 'granted', door: 'lab' });
  });

  it('lets a holder out whatever the time or the dates on the pass', () => {
    const lapsed = ok(STAFF, 0, { validUntil: '2026-03-01' });
    expect(decideEntry(input({ reader: 'main-out', card: lapsed, atMs: jst('2026-03-07T03:00') }))).toMatchObject({ kind: 'granted', direction: 'out' });
  });

  it('still refuses a revoked card on the way out', () => {
    expect(decideEntry(input({ reader: 'main-out', denied: { reason: 'certificateHold' } }))).toMatchObject({ reason: 'revoked' });
  });

  it('does not change its input', () => {
    const state = recordPassage(emptyAntiPassback(), STAFF.holder, { direction: 'out', atMs: 0, door: 'main' });
    const given = input({ antiPassback: state });
    const copy = structuredClone(given);
    decideEntry(given);
    expect(given).toEqual(copy);
  });
});

describe('validity dates in Japan time', () => {
  // The pass is valid 2026-03-01 to 2026-03-31 inclusive. 07:00 JST is 22:00 UTC of the day before,
  // so each instant below has a UTC date different from its JST date; the schedule is dropped to isolate the dates.
  const config = gateConfig({ doors: [{ id: 'main', readers: { in: 'main-in' }, zones: [0] }] });
  const cases: ReadonlyArray<[string, string, string]> = [
    ['the last minute of the day before the first day', '2026-02-28T23:59', 'not-yet-valid'],
    ['the first minute of the first day', '2026-03-01T00:00', 'granted'],
    ['the first day at 07:00 (still 28 February in UTC)', '2026-03-01T07:00', 'granted'],
    ['the last minute of the last day', '2026-03-31T23:59', 'granted'],
    ['the first minute after the last day (still 31 March in UTC)', '2026-04-01T00:00', 'expired'],
  ];
  it.each(cases)('decides %s', (_name, wallClock, expected) => {
    const decision = decideEntry(input({ config, atMs: jst(wallClock) }));
    expect(decision.kind === 'granted' ? 'granted' : decision.reason).toBe(expected);
  });
});

/** Taps a sequence of readers, carrying the anti-passback state and the visitor's slot from tap to tap. */
function tapSequence(config: GateConfig, rights: AccessRights, readers: readonly string[], startMs = MONDAY_NOON): EntryDecision[] {
  let state: AntiPassbackState = emptyAntiPassback();
  let used = 0;
  return readers.map((reader, i) => {
    const atMs = startMs + i * 60_000;
    const decision = decideEntry(input({ config, reader, atMs, antiPassback: state, card: ok(rights, used) }));
    if (decision.kind === 'granted') {
      state = recordPassage(state, decision.holder, { direction: decision.direction, atMs, door: decision.door });
      used += decision.takeUnits;
    }
    return decision;
  });
}

const summary = (d: EntryDecision): string => (d.kind === 'refused' ? d.reason : d.flags.length > 0 ? `granted+${d.flags.join(',')}` : 'granted');

describe('anti-passback', () => {
  const withMode = (mode: AntiPassbackMode) =>
    gateConfig({ doors: [{ id: 'main', readers: { in: 'main-in', out: 'main-out' }, zones: [0], antiPassback: mode }] });
  const sequences: ReadonlyArray<[AntiPassbackMode, string[], string[]]> = [
    ['none', ['in', 'in'], ['granted', 'granted']],
    ['soft', ['in', 'in'], ['granted', 'granted+anti-passback-violation']],
    ['hard', ['in', 'in'], ['granted', 'anti-passback']],
    ['none', ['in', 'out', 'in'], ['granted', 'granted', 'granted']],
    ['soft', ['in', 'out', 'in'], ['granted', 'granted', 'granted']],
    ['hard', ['in', 'out', 'in'], ['granted', 'granted', 'granted']],
    ['none', ['out', 'in'], ['granted', 'granted']],
    ['soft', ['out', 'in'], ['granted', 'granted']],
    ['hard', ['out', 'in'], ['granted', 'granted']],
    ['soft', ['out', 'out'], ['granted', 'granted+anti-passback-violation']],
    ['hard', ['out', 'out'], ['granted', 'anti-passback']],
    ['hard', ['in', 'in', 'out', 'in'], ['granted', 'anti-passback', 'granted', 'granted']],
  ];

  it.each(sequences)('in mode %s, the taps %j give %j', (mode, directions, expected) => {
    const decisions = tapSequence(withMode(mode), STAFF, directions.map((d) => `main-${d}`));
    expect(decisions.map(summary)).toEqual(expected);
  });

  it('forgets a passage after the configured time, so a missed exit does not lock the holder out', () => {
    const config = gateConfig({
      doors: [{ id: 'main', readers: { in: 'main-in', out: 'main-out' }, zones: [0], antiPassback: 'hard' }],
      antiPassback: { forgetAfterMs: 60 * 60 * 1000 },
    });
    const state = recordPassage(emptyAntiPassback(), STAFF.holder, { direction: 'in', atMs: MONDAY_NOON, door: 'main' });
    const at = (atMs: number) => summary(decideEntry(input({ config, antiPassback: state, atMs })));
    expect(at(MONDAY_NOON + 60 * 60 * 1000 - 1)).toBe('anti-passback');
    expect(at(MONDAY_NOON + 60 * 60 * 1000)).toBe('granted');
  });
});

describe('a visitor pass with three entries', () => {
  it('grants three entries, taking one unit each, then refuses; exits stay free', () => {
    const config = gateConfig({ doors: [{ id: 'main', readers: { in: 'main-in', out: 'main-out' }, zones: [0] }] });
    const readers = ['main-in', 'main-out', 'main-in', 'main-out', 'main-in', 'main-out', 'main-in', 'main-out'];
    const decisions = tapSequence(config, VISITOR, readers);
    expect(decisions.map(summary)).toEqual(['granted', 'granted', 'granted', 'granted', 'granted', 'granted', 'entries-used-up', 'granted']);
    expect(decisions.map((d) => (d.kind === 'granted' ? [d.takeUnits, d.remainingEntries] : null))).toEqual([
      [1, 2], [0, 2], [1, 1], [0, 1], [1, 0], [0, 0], null, [0, 0],
    ]);
  });
});
