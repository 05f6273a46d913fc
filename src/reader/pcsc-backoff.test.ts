import { describe, expect, it } from 'vitest';
import { createBackoff } from './pcsc-backoff.js';

describe('createBackoff', () => {
  it('doubles the delay up to the maximum, with half of it jittered', () => {
    const low = createBackoff({ initialMs: 100, maxMs: 1000 }, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = createBackoff({ initialMs: 100, maxMs: 1000 }, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
  });

  it('starts over from the initial delay after a reset', () => {
    const backoff = createBackoff({ initialMs: 10, maxMs: 1000 }, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(10);
  });

  it('refuses bounds that cannot work', () => {
    expect(() => createBackoff({ initialMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => createBackoff({ initialMs: 100, maxMs: 10 })).toThrow(RangeError);
  });
});
