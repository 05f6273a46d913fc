/**
 * Injected fraud, planned for the whole run: forged grants (the forger's own signing key),
 * rewound cards (an earlier image of the card put back) and revoked cards used at a taxi whose
 * software ignores the deny-list it has applied. Each entry says what the office should flag.
 */
import type { City } from './city.js';
import { HOUR, MINUTE } from './activities.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';

export type Fraud =
  | { readonly kind: 'forged'; readonly day: number; readonly at: number; readonly card: 'rider' | 'visitor'; readonly terminal: string; readonly municipality: number }
  /** Snapshot before ride A, restore after it, ride B writes the same slot sequence again. */
  | { readonly kind: 'rewound'; readonly day: number; readonly card: number; readonly rides: readonly [number, number]; readonly snapshotAt: number; readonly restoreAt: number }
  | { readonly kind: 'revoked-use'; readonly day: number; readonly card: number; readonly revokeAt: number; readonly tampered: string; readonly rideAt: number; readonly honest: string; readonly honestAt: number };

/** Times are offsets from the day's midnight. */
export function planFraud(o: SimOptions, city: City, random: Random): Fraud[] {
  if (!o.faults.includes('fraud') || o.fraudEach === 0) return [];
  const used = new Set<number>();
  const taxisUsed = new Set<string>();
  const riders = city.cards.filter((c) => c.kind === 'rider' && c.amount >= 10);
  const pickRider = (): number => {
    for (let tries = 0; tries < 1000; tries += 1) {
      const c = random.pick(riders);
      if (!used.has(c.index)) {
        used.add(c.index);
        return c.index;
      }
    }
    throw new Error('not enough rider cards for the fraud plan');
  };
  const day = (i: number): number => (o.days === 1 ? 0 : 1 + ((i * 3 + random.int(o.days)) % (o.days - 1)));
  const out: Fraud[] = [];
  for (let i = 0; i < o.fraudEach; i += 1) {
    const town = random.int(city.municipalities.length);
    const card = i % 2 === 0 ? ('rider' as const) : ('visitor' as const);
    const terminals = (card === 'rider' ? city.taxisOf : city.gatesOf).get(town) ?? [];
    out.push({ kind: 'forged', day: day(i), at: 11 * HOUR + random.int(6 * HOUR), card, terminal: random.pick(terminals).id, municipality: town });
  }
  for (let i = 0; i < o.fraudEach; i += 1) {
    out.push({ kind: 'rewound', day: day(i + 1), card: pickRider(), snapshotAt: 7 * HOUR, rides: [10 * HOUR, 14 * HOUR], restoreAt: 12 * HOUR });
  }
  for (let i = 0; i < o.fraudEach; i += 1) {
    const card = pickRider();
    const taxis = city.taxisOf.get(city.cards[card]?.municipality ?? 0) ?? [];
    const free = taxis.filter((t) => !taxisUsed.has(t.id));
    const tampered = random.pick(free.length > 0 ? free : taxis).id;
    taxisUsed.add(tampered);
    const honest = random.pick(taxis.filter((t) => t.id !== tampered).length > 0 ? taxis.filter((t) => t.id !== tampered) : taxis).id;
    out.push({ kind: 'revoked-use', day: day(i + 2), card, revokeAt: 6 * HOUR, tampered, rideAt: 11 * HOUR + random.int(60) * MINUTE, honest, honestAt: 15 * HOUR + random.int(60) * MINUTE });
  }
  return out;
}
