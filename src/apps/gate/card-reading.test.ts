import { describe, expect, it } from 'vitest';
import { BadMacError, BadSignatureError, MalformedDataError, UnknownKeyVersionError, type FreeAreaError } from '../../free-area/errors.js';
import type { CardRead } from '../../free-area/operations.js';
import type { ProgrammeRead, ProgrammeStatus } from '../../free-area/programme.js';
import type { Grant } from '../../free-area/types.js';
import { gateCardReading, programmeIdOf } from './card-reading.js';
import { PROGRAMME, STAFF, VISITOR, gateConfig, grantFor, slotWith } from './test-fixtures.js';

const CONFIG = gateConfig();
const CARD_ID = '1111111111111111';
const OTHER = { municipality: 131016, number: 7 };

function programme(index: number, grant: Grant | null, status: ProgrammeStatus): ProgrammeRead {
  const empty = new Uint8Array(0);
  return { index, grant, grantBytes: empty, slots: null, slotBytes: [empty, empty], status };
}

const ok = (used: number | null): ProgrammeStatus => ({
  kind: 'ok',
  current: { index: used === null ? null : 0, state: slotWith(used ?? 0), writeIndex: 1, tie: false },
});
const bad = (kind: 'bad-grant' | 'bad-slots', error: FreeAreaError): ProgrammeStatus => ({ kind, error });

function cardRead(programmes: ProgrammeRead[]): CardRead {
  return { readerName: 'main-in', header: { formatVersion: 1, cardId: CARD_ID, programmeCount: programmes.length, areaSize: 0, authKeyVersion: 1 }, programmes, apdus: 2 };
}

describe('the card as the gate reads it', () => {
  it('takes the verified grant and current slot of the programme the gate honours', () => {
    const gate = grantFor(STAFF);
    const read = cardRead([programme(0, grantFor(STAFF, { programme: OTHER }), ok(0)), programme(1, gate, ok(4))]);
    expect(gateCardReading(read, CONFIG)).toEqual({ programmeIndex: 1, reading: { kind: 'ok', grant: gate, slot: slotWith(4) } });
  });

  it('gives no slot for a programme never written', () => {
    const read = cardRead([programme(0, grantFor(VISITOR), ok(null))]);
    expect(gateCardReading(read, CONFIG).reading).toMatchObject({ kind: 'ok', slot: null });
  });

  it('falls back to the first programme when none is honoured, for the decision to refuse', () => {
    const other = grantFor(STAFF, { programme: OTHER });
    expect(gateCardReading(cardRead([programme(0, other, ok(0))]), CONFIG)).toMatchObject({ programmeIndex: 0, reading: { kind: 'ok', grant: other } });
  });

  it.each([
    ['a bad grant signature', bad('bad-grant', new BadSignatureError('x')), 'forged'],
    ['a visitor pass whose slots fail their MAC', bad('bad-slots', new BadMacError('x')), 'forged'],
    ['a grant that does not decode', bad('bad-grant', new MalformedDataError('x')), 'unreadable'],
    ['slots under a key this terminal lacks', bad('bad-slots', new UnknownKeyVersionError('mac', 9)), 'unreadable'],
  ])('treats %s as %s', (_name, status, kind) => {
    const result = gateCardReading(cardRead([programme(0, grantFor(VISITOR), status)]), CONFIG);
    expect(result.reading).toEqual({ kind, cardId: CARD_ID });
    expect(result.problem).toMatch(/Error: x|version 9/);
  });

  it('still reads a staff pass whose slots are damaged, since a staff tap never uses them', () => {
    const staff = grantFor(STAFF);
    const result = gateCardReading(cardRead([programme(0, staff, bad('bad-slots', new BadMacError('x')))]), CONFIG);
    expect(result).toEqual({ programmeIndex: 0, reading: { kind: 'ok', grant: staff, slot: null } });
  });

  it('calls a card with no programme unreadable', () => {
    expect(gateCardReading(cardRead([]), CONFIG)).toMatchObject({ programmeIndex: null, reading: { kind: 'unreadable', cardId: CARD_ID } });
  });

  it('writes programme IDs as the journals and the office do', () => {
    expect(programmeIdOf(PROGRAMME)).toBe('102016-40');
    expect(programmeIdOf({ municipality: 72010, number: 1 })).toBe('072010-1');
  });
});
