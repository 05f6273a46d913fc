/**
 * The city as a plan, before anything runs: municipalities with their taxi and gate programmes,
 * taxi companies, terminals and cards. A pure function of the options and the seed.
 */
import { municipalityCheckDigit } from '../apps/taxi-ticket/programmes.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';

export interface Municipality {
  readonly index: number;
  /** 全国地方公共団体コード with its check digit (prefecture 10, illustrative city numbers). */
  readonly code: number;
  /** `"102016-1"`: the taxi-subsidy programme. */
  readonly taxiProgramme: string;
  /** Programme number 90 of the municipality: staff and visitor building passes. */
  readonly gateProgramme: { readonly municipality: number; readonly number: number };
}

export interface Company {
  readonly id: string;
  readonly name: string;
  readonly municipality: number;
}

export type TerminalKind = 'taxi' | 'gate';

export interface TerminalPlan {
  readonly id: string;
  readonly number: number;
  readonly kind: TerminalKind;
  readonly municipality: number;
  /** The taxi's company; null for gates. */
  readonly company: string | null;
  /** How far this terminal's clock is off, in ms (0 without the skew fault). */
  readonly skewMs: number;
}

export type CardKind = 'rider' | 'staff' | 'visitor';

export interface CardPlan {
  readonly index: number;
  readonly cardId: string;
  readonly kind: CardKind;
  readonly municipality: number;
  /** Units of the grant: coupons for riders, entries for visitors, 0 for staff. */
  readonly amount: number;
  /** Holder pseudonym of a building pass. */
  readonly holder: string | null;
  /** The gate a staff member or visitor uses. */
  readonly gate: string | null;
}

export interface City {
  readonly municipalities: readonly Municipality[];
  readonly companies: readonly Company[];
  readonly terminals: readonly TerminalPlan[];
  readonly cards: readonly CardPlan[];
  readonly taxisOf: ReadonlyMap<number, readonly TerminalPlan[]>;
  readonly gatesOf: ReadonlyMap<number, readonly TerminalPlan[]>;
  readonly ridersOf: ReadonlyMap<number, readonly CardPlan[]>;
}

const COMPANIES_PER_TOWN = 3;
/** A rider card in twenty gets a small allowance, so that some run out within the period. */
const SMALL_ALLOWANCE_SHARE = 0.05;

export function planCity(o: SimOptions, random: Random): City {
  const municipalities = Array.from({ length: o.municipalities }, (_, i) => municipality(i));
  const companies = municipalities.flatMap((m) =>
    Array.from({ length: COMPANIES_PER_TOWN }, (_, c) => ({ id: `co-${m.code}-${c + 1}`, name: `Taxi ${m.code} No.${c + 1}`, municipality: m.index })),
  );
  const terminals = planTerminals(o, municipalities, companies, random.fork('terminals'));
  const gatesOf = groupBy(terminals.filter((t) => t.kind === 'gate'), (t) => t.municipality);
  const cards = planCards(o, gatesOf, random.fork('cards'));
  return {
    municipalities,
    companies,
    terminals,
    cards,
    taxisOf: groupBy(terminals.filter((t) => t.kind === 'taxi'), (t) => t.municipality),
    gatesOf,
    ridersOf: groupBy(cards.filter((c) => c.kind === 'rider'), (c) => c.municipality),
  };
}

function municipality(index: number): Municipality {
  const five = 10201 + index;
  const code = five * 10 + municipalityCheckDigit(five);
  return { index, code, taxiProgramme: `${String(code).padStart(6, '0')}-1`, gateProgramme: { municipality: code, number: 90 } };
}

function planTerminals(o: SimOptions, towns: readonly Municipality[], companies: readonly Company[], random: Random): TerminalPlan[] {
  const gates = Math.max(towns.length, Math.round(o.terminals * o.gateShare));
  const skew = o.faults.includes('skew');
  const out: TerminalPlan[] = [];
  for (let i = 0; i < o.terminals; i += 1) {
    const isGate = i < gates;
    const town = i % towns.length;
    const kind: TerminalKind = isGate ? 'gate' : 'taxi';
    const serial = isGate ? i + 1 : i - gates + 1;
    const company = isGate ? null : (companies.filter((c) => c.municipality === town)[Math.floor(i / towns.length) % COMPANIES_PER_TOWN]?.id ?? null);
    const skewMs = skew && random.chance(o.skewShare) ? random.between(-o.skewMaxMs, o.skewMaxMs) : 0;
    out.push({ id: `${kind}-${String(serial).padStart(4, '0')}`, number: i + 1, kind, municipality: town, company, skewMs });
  }
  return out;
}

function planCards(o: SimOptions, gatesOf: ReadonlyMap<number, readonly TerminalPlan[]>, random: Random): CardPlan[] {
  const staff = Math.round(o.cards * o.staffShare);
  const visitors = Math.round(o.cards * o.visitorShare);
  const ids = new Set<string>();
  return Array.from({ length: o.cards }, (_, index): CardPlan => {
    const kind: CardKind = index < staff ? 'staff' : index < staff + visitors ? 'visitor' : 'rider';
    const town = index % o.municipalities;
    let cardId = random.hex(8);
    while (ids.has(cardId)) cardId = random.hex(8);
    ids.add(cardId);
    const gate = kind === 'rider' ? null : random.pick(gatesOf.get(town) ?? []).id;
    const amount = kind === 'staff' ? 0 : kind === 'visitor' ? 10 : random.chance(SMALL_ALLOWANCE_SHARE) ? random.between(1, 4) : 120;
    return { index, cardId, kind, municipality: town, amount, holder: kind === 'rider' ? null : random.hex(8), gate };
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
