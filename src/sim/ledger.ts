/**
 * The simulator's own account of the city, kept independently of every terminal and of the
 * office: what each card should hold, what each tap should have been told, and what each taxi
 * company is owed per month. Subsidies are computed here from the programme's rule as the
 * simulator understands it (half the fare up to ¥1,000; ¥500 each for two or more riders of the
 * programme), not by calling the app's pricing.
 */
import { jstDay, jstMonth } from '../free-area/index.js';

export interface CardState {
  used: number;
  /** Units the card gave, over every journal: rewinds do not give them back. */
  taken: number;
  day: string | null;
  dayUses: number;
}

export type Prediction = { readonly kind: 'accept' } | { readonly kind: 'refuse'; readonly reason: string };

export interface CompanyMonth {
  rides: number;
  riders: number;
  subsidyYen: number;
  couponUnits: number;
  fareYen: number;
}

export interface Mismatch {
  readonly terminal: string;
  readonly cardId: string;
  readonly at: number;
  readonly expected: string;
  readonly actual: string;
}

const FARE_PERCENT = 50;
const CAP_YEN = 1000;
const SHARED_PER_RIDER_YEN = 500;
const DAILY_USES = 2;

export interface Ledger {
  card(cardId: string): CardState;
  /** What a value-taking tap at terminal time `at` should get, given the card's grant amount. */
  predict(cardId: string, amount: number, at: number, options: { dailyUses: boolean }): Prediction;
  /** A tap the terminal accepted: the units leave the card. */
  took(cardId: string, units: number, at: number): void;
  snapshot(cardId: string): CardState;
  restore(cardId: string, earlier: CardState): void;
  /** A closed taxi ride with its accepted riders, at terminal time `at`: what the company is owed. */
  ride(company: string, at: number, fareYen: number, riders: number): { subsidyEach: number };
  mismatch(m: Mismatch): void;
  mismatches(): readonly Mismatch[];
  clearing(): ReadonlyMap<string, ReadonlyMap<string, CompanyMonth>>;
  cards(): ReadonlyMap<string, CardState>;
}

export function createLedger(): Ledger {
  const cards = new Map<string, CardState>();
  const months = new Map<string, Map<string, CompanyMonth>>();
  const mismatches: Mismatch[] = [];
  const card = (cardId: string): CardState => {
    let s = cards.get(cardId);
    if (s === undefined) {
      s = { used: 0, taken: 0, day: null, dayUses: 0 };
      cards.set(cardId, s);
    }
    return s;
  };
  return {
    card,
    predict(cardId, amount, at, options) {
      const s = card(cardId);
      if (s.used >= amount) return { kind: 'refuse', reason: 'exhausted' };
      const today = s.day === jstDay(at) ? s.dayUses : 0;
      if (options.dailyUses && today >= DAILY_USES) return { kind: 'refuse', reason: 'daily-limit' };
      return { kind: 'accept' };
    },
    took(cardId, units, at) {
      const s = card(cardId);
      const day = jstDay(at);
      s.dayUses = s.day === day ? s.dayUses + 1 : 1;
      s.day = day;
      s.used += units;
      s.taken += units;
    },
    snapshot: (cardId) => ({ ...card(cardId) }),
    restore(cardId, earlier) {
      const s = card(cardId);
      s.used = earlier.used;
      s.day = earlier.day;
      s.dayUses = earlier.dayUses;
    },
    ride(company, at, fareYen, riders) {
      const subsidyEach = riders >= 2 ? SHARED_PER_RIDER_YEN : Math.min(CAP_YEN, Math.floor((fareYen * FARE_PERCENT) / 100));
      const byCompany = months.get(jstMonth(at)) ?? new Map<string, CompanyMonth>();
      months.set(jstMonth(at), byCompany);
      const m = byCompany.get(company) ?? { rides: 0, riders: 0, subsidyYen: 0, couponUnits: 0, fareYen: 0 };
      byCompany.set(company, m);
      m.rides += 1;
      m.riders += riders;
      m.subsidyYen += subsidyEach * riders;
      m.couponUnits += riders;
      m.fareYen += fareYen;
      return { subsidyEach };
    },
    mismatch: (m) => void mismatches.push(m),
    mismatches: () => mismatches,
    clearing: () => months,
    cards: () => cards,
  };
}
