import { describe, expect, it } from 'vitest';
import { DAY, HOUR, jstMidnight, type Activity } from './activities.js';
import { planCity } from './city.js';
import { planFraud } from './fraud.js';
import { resolveOptions } from './options.js';
import { seededRandom } from './random.js';
import { planDay } from './schedule.js';

const o = resolveOptions({ scale: 'town', cards: 2000, ridesPerCardDay: 0.6 });
const city = planCity(o, seededRandom(o.seed).fork('city'));
const midnight = jstMidnight(o.startDay);

function day(seed: string): Activity[] {
  return planDay({ o, city, midnight, workday: true, fraud: [], excluded: new Set() }, seededRandom(seed));
}

describe('the simulated day', () => {
  it('is a function of its seed', () => {
    expect(day('a')).toEqual(day('a'));
    expect(day('a')).not.toEqual(day('b'));
  });

  it('never puts one card in two rides within 45 minutes', () => {
    const times = new Map<number, number[]>();
    for (const a of day('a')) if (a.type === 'ride-start') for (const r of a.riders) times.set(r.card, [...(times.get(r.card) ?? []), a.at]);
    for (const list of times.values()) {
      const sorted = list.sort((x, y) => x - y);
      sorted.slice(1).forEach((t, i) => expect(t - (sorted[i] as number)).toBeGreaterThanOrEqual(45 * 60_000));
    }
  });

  it('gives a taxi one ride at a time, each closed after it opened, within the day', () => {
    const open = new Map<string, number>();
    for (const a of day('a')) {
      expect(a.at).toBeGreaterThanOrEqual(midnight + 7 * HOUR);
      expect(a.at).toBeLessThan(midnight + DAY);
      if (a.type === 'ride-start') {
        expect(open.has(a.terminal)).toBe(false);
        open.set(a.terminal, a.at);
      }
      if (a.type === 'ride-end') {
        expect(open.get(a.terminal)).toBeLessThan(a.at);
        open.delete(a.terminal);
      }
    }
    expect(open.size).toBe(0);
  });

  it('sends staff in before they come out, on their own gate', () => {
    const inside = new Set<number>();
    for (const a of day('a').filter((x) => x.type === 'gate')) {
      if (a.type !== 'gate') continue;
      expect(city.cards[a.card]?.gate).toBe(a.terminal);
      if (a.direction === 'in') inside.add(a.card);
      else expect(inside.has(a.card)).toBe(true);
    }
  });

  it('plans each kind of fraud as many times as asked, on distinct cards', () => {
    const fraud = planFraud(resolveOptions({ scale: 'town', fraudEach: 3 }), city, seededRandom(1));
    expect(fraud.filter((f) => f.kind === 'forged')).toHaveLength(3);
    expect(fraud.filter((f) => f.kind === 'rewound')).toHaveLength(3);
    const cards = fraud.flatMap((f) => (f.kind === 'forged' ? [] : [f.card]));
    expect(new Set(cards).size).toBe(cards.length);
  });

  it('refuses options that cannot make a city', () => {
    expect(() => resolveOptions({ scale: 'town', terminals: 3, municipalities: 2 })).toThrow(/cannot give each/);
    expect(() => resolveOptions({ scale: 'town', days: 0 })).toThrow(/days/);
  });
});
