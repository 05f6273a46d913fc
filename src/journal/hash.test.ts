import { describe, expect, it } from 'vitest';

import { canonicalJson, eventHash, GENESIS_HASH, hashWithPayloadText, verifyChain } from './hash.js';
import type { ChainedEvent } from './hash.js';

// The vectors of docs/journal.md; the office's implementation must reproduce them.
const FIRST = {
  terminal: 'T-0001',
  seq: 1,
  type: 'ride-opened',
  at: 1775001600000,
  payload: { riders: ['A1B2C3D4E5F60718'], fare: 2400, cardId: 'A1B2C3D4E5F60718' },
};
const FIRST_TEXT =
  '{"at":1775001600000,"payload":{"cardId":"A1B2C3D4E5F60718","fare":2400,"riders":["A1B2C3D4E5F60718"]},' +
  '"seq":1,"terminal":"T-0001","type":"ride-opened"}';
const FIRST_HASH = '77a712987f118038e8bb8d33feab810207a722047990f7eb1f112ad9dd0cb078';
const SECOND = { terminal: 'T-0001', seq: 2, type: 'ride-closed', at: 1775001601000, payload: { rideId: 'R-1', note: '運賃' } };
const SECOND_HASH = '4b6a5e60d56d9cb66a7eba1cb1e074dee4593ae5515024131170bcdcb4c72a66';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
  });

  it('writes the documented text for the first test vector', () => {
    const { terminal, seq, type, at, payload } = FIRST;
    expect(canonicalJson({ terminal, seq, type, at, payload })).toBe(FIRST_TEXT);
  });

  it('gives the same text back after a JSON round trip, for awkward numbers and strings', () => {
    const value = { n: [0.1, -0, 1e21, 123456789012, -5e-7], s: ['運賃', '😀', 'a"b\\c\n', '\u0001'], 'é': 1, e: 2 };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
    expect(text.startsWith('{"e":2,"n":[0.1,0,1e+21,123456789012,-5e-7]')).toBe(true);
  });

  it('leaves out object properties whose value is undefined, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('refuses values that JSON cannot carry faithfully', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const bad of [NaN, Infinity, new Date(0), new Map(), 1n, [undefined], cycle, () => 1]) {
      expect(() => canonicalJson({ bad })).toThrow(TypeError);
    }
  });
});

describe('eventHash', () => {
  it('hashes the previous hash followed by the canonical event, matching the fixed vectors', () => {
    const first = eventHash(GENESIS_HASH, FIRST);
    expect(first).toBe(FIRST_HASH);
    expect(eventHash(first, SECOND)).toBe(SECOND_HASH);
  });

  it('gives the same hash from the stored payload text as from the payload object', () => {
    const { payload, ...rest } = FIRST;
    expect(hashWithPayloadText(GENESIS_HASH, rest, canonicalJson(payload))).toBe(FIRST_HASH);
  });

  it('changes when any hashed field changes', () => {
    const variants = [
      { ...FIRST, terminal: 'T-0002' },
      { ...FIRST, seq: 2 },
      { ...FIRST, type: 'ride-closed' },
      { ...FIRST, at: FIRST.at + 1 },
      { ...FIRST, payload: { ...FIRST.payload, fare: 2401 } },
    ];
    for (const variant of variants) expect(eventHash(GENESIS_HASH, variant)).not.toBe(FIRST_HASH);
    expect(eventHash('1'.repeat(64), FIRST)).not.toBe(FIRST_HASH);
  });
});

describe('verifyChain', () => {
  const chain: ChainedEvent[] = [
    { ...FIRST, prevHash: GENESIS_HASH, hash: FIRST_HASH },
    { ...SECOND, prevHash: FIRST_HASH, hash: SECOND_HASH },
  ];

  it('accepts a chain that links and hashes correctly', () => {
    expect(verifyChain(chain)).toEqual({ ok: true, checked: 2 });
  });

  it('starts from an anchor when the older events are gone', () => {
    expect(verifyChain(chain.slice(1), { seq: 1, hash: FIRST_HASH })).toEqual({ ok: true, checked: 1 });
  });

  it('names the first event of a gap, a broken link or an altered event', () => {
    expect(verifyChain(chain.slice(1))).toEqual({ ok: false, seq: 2, problem: 'gap' });
    const relinked = [chain[0]!, { ...chain[1]!, prevHash: GENESIS_HASH }];
    expect(verifyChain(relinked)).toEqual({ ok: false, seq: 2, problem: 'prev-hash' });
    const altered = [chain[0]!, { ...chain[1]!, payload: { rideId: 'R-2', note: '運賃' } }];
    expect(verifyChain(altered)).toEqual({ ok: false, seq: 2, problem: 'hash' });
  });
});
