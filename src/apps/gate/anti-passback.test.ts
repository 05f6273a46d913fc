import { describe, expect, it } from 'vitest';
import {
  checkPassage,
  emptyAntiPassback,
  forgetPassagesBefore,
  parseAntiPassback,
  recordPassage,
  serialiseAntiPassback,
} from './anti-passback.js';
import { AntiPassbackStateError } from './errors.js';

const A = '0123456789ABCDEF';
const B = 'FEDCBA9876543210';
const DAY = 24 * 60 * 60 * 1000;

describe('anti-passback state', () => {
  it('returns a new state on each passage and leaves the old one as it was', () => {
    const before = emptyAntiPassback();
    const after = recordPassage(before, A, { direction: 'in', atMs: 1000, door: 'main' });
    expect(before.size).toBe(0);
    expect(after.get(A)).toEqual({ direction: 'in', atMs: 1000, door: 'main' });
  });

  it('keeps one last passage per holder', () => {
    let state = recordPassage(emptyAntiPassback(), A, { direction: 'in', atMs: 1000, door: 'main' });
    state = recordPassage(state, B, { direction: 'in', atMs: 2000, door: 'main' });
    state = recordPassage(state, A, { direction: 'out', atMs: 3000, door: 'side' });
    expect([...state]).toEqual([
      [A, { direction: 'out', atMs: 3000, door: 'side' }],
      [B, { direction: 'in', atMs: 2000, door: 'main' }],
    ]);
  });

  it.each([
    ['nothing remembered', undefined, 'in', 'ok'],
    ['an in after an in', 'in', 'in', 'violation'],
    ['an out after an in', 'in', 'out', 'ok'],
    ['an out after an out', 'out', 'out', 'violation'],
    ['an in after an out', 'out', 'in', 'ok'],
  ] as const)('judges %s', (_name, last, direction, expected) => {
    const state = last === undefined ? emptyAntiPassback() : recordPassage(emptyAntiPassback(), A, { direction: last, atMs: 0, door: 'main' });
    expect(checkPassage(state, A, direction, 1000, DAY).kind).toBe(expected);
  });

  it('names the passage a violation repeats', () => {
    const state = recordPassage(emptyAntiPassback(), A, { direction: 'in', atMs: 0, door: 'main' });
    expect(checkPassage(state, A, 'in', 10, DAY)).toEqual({ kind: 'violation', last: { direction: 'in', atMs: 0, door: 'main' } });
  });

  it('drops passages older than a given instant', () => {
    let state = recordPassage(emptyAntiPassback(), A, { direction: 'in', atMs: 1000, door: 'main' });
    state = recordPassage(state, B, { direction: 'in', atMs: 5000, door: 'main' });
    expect([...forgetPassagesBefore(state, 5000).keys()]).toEqual([B]);
    expect(state.size).toBe(2);
  });

  it('survives a round trip through JSON', () => {
    let state = recordPassage(emptyAntiPassback(), A, { direction: 'in', atMs: 1000, door: 'main' });
    state = recordPassage(state, B, { direction: 'out', atMs: 2000, door: 'side' });
    const json = JSON.stringify(serialiseAntiPassback(state));
    expect(JSON.parse(json)).toEqual({
      version: 1,
      passages: [
        { holder: A, direction: 'in', atMs: 1000, door: 'main' },
        { holder: B, direction: 'out', atMs: 2000, door: 'side' },
      ],
    });
    expect(parseAntiPassback(JSON.parse(json))).toEqual(state);
  });

  it.each([
    ['not an object', 'x'],
    ['an unknown version', { version: 2, passages: [] }],
    ['a bad direction', { version: 1, passages: [{ holder: A, direction: 'up', atMs: 0, door: 'main' }] }],
    ['a holder that is not a pseudonym', { version: 1, passages: [{ holder: 'Taro', direction: 'in', atMs: 0, door: 'main' }] }],
  ])('refuses to read back %s', (_name, value) => {
    expect(() => parseAntiPassback(value)).toThrow(AntiPassbackStateError);
  });
});
