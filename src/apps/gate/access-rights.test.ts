import { describe, expect, it } from 'vitest';
import { ACCESS_RIGHTS, allowsAnyZone, decodeAccessRights, encodeAccessRights, type AccessRights } from './access-rights.js';
import {
  GateError,
  MalformedAccessRightsError,
  TruncatedAccessRightsError,
  UnknownAccessRightsVersionError,
} from './errors.js';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

const fixtures: ReadonlyArray<{ name: string; rights: AccessRights; hex: string }> = [
  {
    name: 'a staff pass for zones 0, 1 and 5 in access group 1',
    rights: { kind: 'staff', holder: '0123456789ABCDEF', organisation: 130001, zones: [0, 1, 5], accessGroup: 1 },
    hex: '01 00 0123456789ABCDEF 0001FBD1 0000000000000023 0001',
  },
  {
    name: 'a visitor pass for zones 32 and 63 in access group 513',
    rights: { kind: 'visitor', holder: 'FEDCBA9876543210', organisation: 0xffffffff, zones: [32, 63], accessGroup: 0x0201 },
    hex: '01 01 FEDCBA9876543210 FFFFFFFF 8000000100000000 0201',
  },
  {
    name: 'a pass with no zone at all',
    rights: { kind: 'staff', holder: '0000000000000000', organisation: 0, zones: [], accessGroup: 0 },
    hex: '01 00 0000000000000000 00000000 0000000000000000 0000',
  },
];

describe('gate access rights', () => {
  it.each(fixtures)('encodes $name to its hex fixture and decodes it back', ({ rights, hex }) => {
    const encoded = encodeAccessRights(rights);
    expect(encoded).toHaveLength(ACCESS_RIGHTS.size);
    expect(hexOf(encoded)).toBe(hex.replace(/\s+/g, ''));
    expect(decodeAccessRights(bytes(hex))).toEqual(rights);
  });

  it('decodes rights from a view into a larger buffer', () => {
    const fixture = fixtures[0]!;
    const outer = bytes(`AAAA ${fixture.hex} BBBB`);
    expect(decodeAccessRights(outer.subarray(2, 2 + ACCESS_RIGHTS.size))).toEqual(fixture.rights);
  });

  it('lists zones in ascending order whatever order they were given in', () => {
    const rights: AccessRights = { kind: 'staff', holder: '0123456789ABCDEF', organisation: 1, zones: [9, 2, 40], accessGroup: 0 };
    expect(decodeAccessRights(encodeAccessRights(rights)).zones).toEqual([2, 9, 40]);
  });

  it.each([
    ['an empty extension', '', TruncatedAccessRightsError],
    ['a version-1 extension cut short', '01 00 0123456789ABCDEF 0001FBD1 00000000000000', TruncatedAccessRightsError],
    ['a version this terminal does not know', '02 00 0123456789ABCDEF 0001FBD1 0000000000000023 0001', UnknownAccessRightsVersionError],
    ['a version-0 (erased) extension', '00 00 0000000000000000 00000000 0000000000000000 0000', UnknownAccessRightsVersionError],
    ['reserved flag bits set', '01 02 0123456789ABCDEF 0001FBD1 0000000000000023 0001', MalformedAccessRightsError],
    ['bytes after the last field', '01 00 0123456789ABCDEF 0001FBD1 0000000000000023 0001 00', MalformedAccessRightsError],
  ])('refuses to decode %s with a typed error', (_name, hex, errorClass) => {
    const decode = () => decodeAccessRights(bytes(hex));
    expect(decode).toThrow(errorClass);
    expect(decode).toThrow(GateError);
  });

  it('names the unknown version in its error', () => {
    try {
      decodeAccessRights(bytes('07'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownAccessRightsVersionError);
      expect((error as UnknownAccessRightsVersionError).version).toBe(7);
      expect((error as Error).name).toBe('UnknownAccessRightsVersionError');
    }
  });

  it.each([
    ['a zone above 63', { zones: [64] }],
    ['a negative zone', { zones: [-1] }],
    ['a holder that is not 16 hex digits', { holder: 'Yamada Taro' }],
    ['an organisation wider than 32 bits', { organisation: 2 ** 32 }],
    ['an access group wider than 16 bits', { accessGroup: 65536 }],
  ])('refuses to encode %s', (_name, patch) => {
    const rights = { ...fixtures[0]!.rights, ...patch } as AccessRights;
    expect(() => encodeAccessRights(rights)).toThrow(MalformedAccessRightsError);
  });

  it('tells whether the rights share a zone with a door', () => {
    const rights = fixtures[0]!.rights;
    expect(allowsAnyZone(rights, [3, 5])).toBe(true);
    expect(allowsAnyZone(rights, [2, 3])).toBe(false);
  });
});
