/**
 * One simulated day as a list of timed activities: taxi rides (a rider alone, sometimes two
 * riders of the same programme sharing), staff passing the gate in the morning and out in the
 * evening on working days, visitors with entry passes, the day's injected fraud, and the fault
 * on each tap. A card never rides twice within 45 minutes, and a taxi carries one ride at a time.
 */
import { byTime, HOUR, MINUTE, type Activity, type RiderTap, type TapFault } from './activities.js';
import type { City } from './city.js';
import type { Fraud } from './fraud.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';

export interface DayContext {
  readonly o: SimOptions;
  readonly city: City;
  readonly midnight: number;
  readonly workday: boolean;
  readonly fraud: readonly Fraud[];
  /** Cards that ride no more (revoked) or not today (a fraud holder's day). */
  readonly excluded: ReadonlySet<number>;
}

interface RideRequest {
  readonly at: number;
  readonly municipality: number;
  readonly riders: readonly number[];
  readonly fareYen: number;
  readonly durationMs: number;
  readonly terminal?: string;
  /** A forged card tried in this taxi instead of a ride. */
  readonly forged?: true;
}

const MIN_GAP = 45 * MINUTE;
const FIRST_RIDE = 8 * HOUR;
const LAST_RIDE = 19 * HOUR + 30 * MINUTE;

export function planDay(ctx: DayContext, random: Random): Activity[] {
  const out: Activity[] = [];
  const requests = [...fraudRequests(ctx, out), ...riderRequests(ctx, random)];
  out.push(...allocateTaxis(ctx, requests, random));
  if (ctx.workday) out.push(...gateDay(ctx, random));
  return out.sort(byTime);
}

function fraudRequests(ctx: DayContext, out: Activity[]): RideRequest[] {
  const m = ctx.midnight;
  const requests: RideRequest[] = [];
  for (const f of ctx.fraud) {
    if (f.kind === 'forged') {
      if (f.card === 'visitor') out.push({ type: 'forged', at: m + f.at, terminal: f.terminal, kind: f.card, municipality: f.municipality });
      else requests.push({ at: m + f.at, municipality: f.municipality, riders: [], fareYen: 1500, durationMs: MINUTE, terminal: f.terminal, forged: true });
      continue;
    }
    const town = ctx.city.cards[f.card]?.municipality ?? 0;
    if (f.kind === 'rewound') {
      out.push({ type: 'snapshot', at: m + f.snapshotAt, card: f.card }, { type: 'restore', at: m + f.restoreAt, card: f.card });
      for (const at of f.rides) requests.push({ at: m + at, municipality: town, riders: [f.card], fareYen: 2400, durationMs: 20 * MINUTE });
    }
    if (f.kind === 'revoked-use') {
      out.push({ type: 'revoke', at: m + f.revokeAt, card: f.card }, { type: 'tamper', at: m + f.revokeAt, terminal: f.tampered });
      requests.push({ at: m + f.rideAt, municipality: town, riders: [f.card], fareYen: 1800, durationMs: 15 * MINUTE, terminal: f.tampered });
      requests.push({ at: m + f.honestAt, municipality: town, riders: [f.card], fareYen: 1500, durationMs: 15 * MINUTE, terminal: f.honest });
    }
  }
  return requests;
}

function riderRequests(ctx: DayContext, random: Random): RideRequest[] {
  const times = new Map<number, number[]>();
  const free = (card: number, at: number): boolean => (times.get(card) ?? []).every((t) => Math.abs(t - at) >= MIN_GAP) && !ctx.excluded.has(card);
  const take = (card: number, at: number): void => void times.set(card, [...(times.get(card) ?? []), at]);
  const requests: RideRequest[] = [];
  const p = ctx.o.ridesPerCardDay;
  for (const card of ctx.city.cards) {
    if (card.kind !== 'rider' || ctx.excluded.has(card.index) || !random.chance(p)) continue;
    const rides = 1 + (random.chance(0.25) ? 1 : 0) + (random.chance(0.08) ? 1 : 0);
    for (let i = 0; i < rides; i += 1) {
      const at = ctx.midnight + FIRST_RIDE + random.int((LAST_RIDE - FIRST_RIDE) / MINUTE) * MINUTE;
      if (!free(card.index, at)) continue;
      take(card.index, at);
      const riders = [card.index];
      const mates = ctx.city.ridersOf.get(card.municipality) ?? [];
      if (random.chance(0.08) && mates.length > 1) {
        const mate = random.pick(mates).index;
        if (mate !== card.index && free(mate, at)) {
          take(mate, at);
          riders.push(mate);
        }
      }
      const fareYen = (riders.length > 1 ? random.between(120, 600) : random.between(70, 450)) * 10;
      requests.push({ at, municipality: card.municipality, riders, fareYen, durationMs: random.between(8, 40) * MINUTE });
    }
  }
  return requests;
}

/** Fixed-taxi requests first, then the rest in time order, each to a free taxi of its town. */
function allocateTaxis(ctx: DayContext, requests: readonly RideRequest[], random: Random): Activity[] {
  const busy = new Map<string, Array<[number, number]>>();
  const isFree = (id: string, from: number, to: number) => (busy.get(id) ?? []).every(([a, b]) => to + MINUTE <= a || from >= b + MINUTE);
  const book = (id: string, from: number, to: number) => void busy.set(id, [...(busy.get(id) ?? []), [from, to]]);
  const ordered = [...requests.filter((r) => r.terminal !== undefined), ...requests.filter((r) => r.terminal === undefined).sort((a, b) => a.at - b.at)];
  const out: Activity[] = [];
  for (const r of ordered) {
    const taxis = ctx.city.taxisOf.get(r.municipality) ?? [];
    const end = r.at + r.durationMs;
    const free = r.terminal !== undefined ? [r.terminal].filter((id) => isFree(id, r.at, end)) : taxis.filter((t) => isFree(t.id, r.at, end)).map((t) => t.id);
    if (free.length === 0) continue;
    const terminal = random.pick(free);
    book(terminal, r.at, end);
    if (r.forged) {
      out.push({ type: 'forged', at: r.at, terminal, kind: 'rider', municipality: r.municipality });
      continue;
    }
    const riders: RiderTap[] = r.riders.map((card) => ({ card, fault: r.terminal === undefined ? tapFault(ctx.o, random, true) : null }));
    out.push({ type: 'ride-start', at: r.at, terminal, fareYen: r.fareYen, riders }, { type: 'ride-end', at: end, terminal });
  }
  return out;
}

function gateDay(ctx: DayContext, random: Random): Activity[] {
  const out: Activity[] = [];
  const m = ctx.midnight;
  for (const card of ctx.city.cards) {
    if (card.gate === null || ctx.excluded.has(card.index)) continue;
    const staff = card.kind === 'staff';
    if (!random.chance(staff ? 0.92 : 0.08)) continue;
    const inAt = staff ? m + 8 * HOUR + random.int(90) * MINUTE : m + 10 * HOUR + random.int(300) * MINUTE;
    const outAt = staff ? m + 17 * HOUR + random.int(180) * MINUTE : inAt + random.between(30, 120) * MINUTE;
    const valueWrite = !staff;
    out.push(
      { type: 'gate', at: inAt, terminal: card.gate, direction: 'in', card: card.index, fault: tapFault(ctx.o, random, valueWrite) },
      { type: 'gate', at: outAt, terminal: card.gate, direction: 'out', card: card.index, fault: tapFault(ctx.o, random, false) },
    );
  }
  return out;
}

/** A kill at any APDU of the tap, or a tear: before an APDU, part-way through the slot write, or after it landed. */
export function tapFault(o: SimOptions, random: Random, valueWrite: boolean): TapFault | null {
  const apdus = valueWrite ? 5 : 2;
  if (o.faults.includes('kills') && random.chance(o.killRate)) return { kind: 'kill', apdu: random.int(apdus), land: random.chance(0.5) };
  if (!o.faults.includes('tears') || !random.chance(o.tearRate)) return null;
  if (!valueWrite) return { kind: 'tear', plan: { tearAfterApdus: random.int(apdus) } };
  const how = random.int(3);
  if (how === 0) return { kind: 'tear', plan: { tearAfterApdus: random.int(apdus) } };
  if (how === 1) return { kind: 'tear', plan: { tearAfterBytes: random.int(36) } };
  return { kind: 'tear', plan: { tearAfterBytes: 1024 } };
}
