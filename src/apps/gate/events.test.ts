import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../journal/hash.js';
import { emptyAntiPassback } from './anti-passback.js';
import { decideEntry, type EntryInput } from './decide.js';
import { decisionEvent, doorAlarmEvent, GATE_EVENT_TYPES, type GateEvent } from './events.js';
import { STAFF, VISITOR, gateConfig, grantFor, jst, readerAt } from './test-fixtures.js';

const CONFIG = gateConfig();
const AT = jst('2026-03-02T08:15');

function decide(reader: string, patch: Partial<EntryInput> = {}) {
  return decideEntry({
    card: { kind: 'ok', grant: grantFor(STAFF), slot: null },
    denied: null,
    config: CONFIG,
    context: readerAt(CONFIG, reader),
    antiPassback: emptyAntiPassback(),
    atMs: AT,
    canRecord: true,
    ...patch,
  });
}

describe('gate events', () => {
  it('records an entry with door, reader, direction, holder, card and time', () => {
    expect(decisionEvent(decide('main-in'), AT)).toEqual({
      type: 'gate-entry',
      payload: {
        door: 'main',
        reader: 'main-in',
        direction: 'in',
        holder: STAFF.holder,
        cardId: '1111111111111111',
        at: AT,
        pass: 'staff',
        organisation: STAFF.organisation,
        units: 0,
        remainingEntries: null,
        flags: [],
        intentId: null,
      },
    });
  });

  it('records an exit through the out reader', () => {
    expect(decisionEvent(decide('main-out'), AT)).toMatchObject({ type: 'gate-exit', payload: { direction: 'out', reader: 'main-out' } });
  });

  it('records the unit a visitor entry takes and the entries left', () => {
    const visitor = decide('main-in', { card: { kind: 'ok', grant: grantFor(VISITOR), slot: null } });
    expect(decisionEvent(visitor, AT).payload).toMatchObject({ pass: 'visitor', units: 1, remainingEntries: 2 });
  });

  it('records a refusal with its reason, and null for what the card did not reveal', () => {
    expect(decisionEvent(decide('main-in', { card: { kind: 'forged', cardId: null } }), AT)).toEqual({
      type: 'gate-refused',
      payload: { door: 'main', reader: 'main-in', direction: 'in', holder: null, cardId: null, at: AT, reason: 'forged', pass: null },
    });
  });

  it('records a door alarm with the passage behind it, or nulls for a forced door', () => {
    const passage = { reader: 'main-in', direction: 'in' as const, holder: STAFF.holder, cardId: '1111111111111111' };
    expect(doorAlarmEvent({ kind: 'door-held-open', door: 'main', atMs: 31_000, openedAtMs: 1000, passage })).toEqual({
      type: 'door-held-open',
      payload: { door: 'main', reader: 'main-in', direction: 'in', holder: STAFF.holder, cardId: '1111111111111111', at: 31_000, openedAt: 1000 },
    });
    expect(doorAlarmEvent({ kind: 'door-forced', door: 'main', atMs: 5, openedAtMs: 5, passage: null })).toEqual({
      type: 'door-forced',
      payload: { door: 'main', reader: null, direction: null, holder: null, cardId: null, at: 5, openedAt: 5 },
    });
  });

  it('gives payloads the journal can hash, of the declared types only', () => {
    const events: GateEvent[] = [
      decisionEvent(decide('main-in'), AT),
      decisionEvent(decide('main-out'), AT),
      decisionEvent(decide('main-in', { denied: { reason: 'certificateHold' } }), AT),
      doorAlarmEvent({ kind: 'door-forced', door: 'main', atMs: 5, openedAtMs: 5, passage: null }),
    ];
    for (const event of events) {
      expect(GATE_EVENT_TYPES).toContain(event.type);
      expect(JSON.parse(canonicalJson(event.payload))).toEqual(event.payload);
    }
  });
});
