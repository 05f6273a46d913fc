/**
 * Taxi rides as the simulator drives them: the driver opens the ride with the metered fare,
 * each rider holds a card to the reader, and at the destination the driver closes the ride (or
 * cancels it when nobody was accepted). Every outcome is compared with the ledger's prediction,
 * and every closed ride's settlement with the ledger's own computation.
 */
import type { TapOutcome } from '../apps/taxi-ticket/service-types.js';
import type { Activity } from './activities.js';
import type { CardPlan } from './city.js';
import type { Prediction } from './ledger.js';
import { tapTaxi } from './taps.js';
import type { SimTerminal } from './terminal.js';
import type { District } from './district.js';

type RideStart = Extract<Activity, { type: 'ride-start' }>;

/** Riders accepted into each taxi's open ride, by terminal. */
export type OpenRides = Map<string, { readonly fareYen: number; readonly riders: string[] }>;

export async function startRide(d: District, a: RideStart, open: OpenRides): Promise<void> {
  const t = d.terminal(a.terminal);
  const opened = await t.taxi().openRide({ fareYen: a.fareYen });
  if (opened.kind !== 'ok') throw new Error(`${t.plan.id}: the ride could not be opened: ${opened.reason}`);
  const riders: string[] = [];
  open.set(t.plan.id, { fareYen: a.fareYen, riders });
  for (const r of a.riders) {
    const plan = d.city.cards[r.card] as CardPlan;
    const card = await d.wallet.card(plan);
    const expected = predictTaxi(d, t, plan);
    const outcome = await tapTaxi(t, card, r.fault, d.stats, d.restart);
    judge(d, t, plan.cardId, expected, outcome);
    if (outcome.kind === 'accepted') {
      d.ledger.took(plan.cardId, outcome.units, t.now());
      riders.push(plan.cardId);
      noteFraud(d, t, plan.cardId);
    }
  }
}

export async function endRide(d: District, terminal: string, open: OpenRides): Promise<void> {
  const t = d.terminal(terminal);
  const ride = open.get(terminal);
  open.delete(terminal);
  if (ride === undefined) return;
  if (ride.riders.length === 0) {
    const cancelled = await t.taxi().cancelRide();
    if (cancelled.kind !== 'ok') throw new Error(`${terminal}: the empty ride could not be cancelled: ${cancelled.reason}`);
    d.counters.ridesCancelled += 1;
    return;
  }
  const closed = await t.taxi().closeRide();
  if (closed.kind !== 'ok' || closed.event.type !== 'ride-closed') throw new Error(`${terminal}: the ride could not be closed`);
  d.counters.rides += 1;
  const { subsidyEach } = d.ledger.ride(t.plan.company ?? '(none)', t.now(), ride.fareYen, ride.riders.length);
  const paid = closed.event.payload.riders;
  const told = paid.map((p) => `${p.cardId}:${p.subsidyYen}`).sort().join(',');
  const model = ride.riders.map((c) => `${c}:${subsidyEach}`).sort().join(',');
  if (told !== model) d.ledger.mismatch({ terminal, cardId: ride.riders.join('+'), at: t.now(), expected: `settlement ${model}`, actual: `settlement ${told}` });
}

/** A forged card in a taxi: the driver opens a ride, the card is refused, the driver cancels. */
export async function forgedRide(d: District, terminal: string, municipality: number): Promise<void> {
  const t = d.terminal(terminal);
  const { cardId, card } = await d.wallet.forged('rider', municipality);
  const opened = await t.taxi().openRide({ fareYen: 1500 });
  if (opened.kind !== 'ok') throw new Error(`${terminal}: the ride could not be opened: ${opened.reason}`);
  const outcome = await tapTaxi(t, card, null, d.stats, d.restart);
  judge(d, t, cardId, { kind: 'refuse', reason: 'forged' }, outcome);
  d.expected.forged.push({ cardId, terminal, type: 'tap-rejected' });
  await t.taxi().cancelRide();
  d.counters.ridesCancelled += 1;
}

function predictTaxi(d: District, t: SimTerminal, plan: CardPlan): Prediction {
  const revokedIn = d.revoked.get(plan.cardId);
  if (revokedIn !== undefined && !t.tampered && t.journal().denyListVersion() >= revokedIn) return { kind: 'refuse', reason: 'revoked' };
  return d.ledger.predict(plan.cardId, plan.amount, t.now(), { dailyUses: true });
}

/** What the office must flag because of this accepted tap. */
function noteFraud(d: District, t: SimTerminal, cardId: string): void {
  const revokedIn = d.revoked.get(cardId);
  if (revokedIn !== undefined && t.journal().denyListVersion() >= revokedIn) d.expected.revokedUse.push({ cardId, terminal: t.plan.id });
  const rewind = d.rewinds.get(cardId);
  if (rewind === undefined) return;
  if (!rewind.restored) rewind.writesBefore += 1;
  else if (rewind.writesBefore > 0) d.expected.rewound.add(cardId);
}

/** The holder copies the card's image; later writes are counted until it is put back. */
export async function snapshotCard(d: District, index: number): Promise<void> {
  const plan = d.city.cards[index] as CardPlan;
  const card = await d.wallet.card(plan);
  d.rewinds.set(plan.cardId, { image: card.image(), state: d.ledger.snapshot(plan.cardId), writesBefore: 0, restored: false });
}

export function restoreCard(d: District, index: number): void {
  const plan = d.city.cards[index] as CardPlan;
  const saved = d.rewinds.get(plan.cardId);
  if (saved === undefined || saved.restored) return;
  d.wallet.restore(plan, saved.image);
  d.ledger.restore(plan.cardId, saved.state);
  saved.restored = true;
}

export function judge(d: District, t: SimTerminal, cardId: string, expected: Prediction, outcome: TapOutcome): void {
  const actual = outcome.kind === 'rejected' ? `refuse:${outcome.reason}` : outcome.kind === 'accepted' ? 'accept' : outcome.kind;
  const want = expected.kind === 'accept' ? 'accept' : `refuse:${expected.reason}`;
  if (actual !== want) d.ledger.mismatch({ terminal: t.plan.id, cardId, at: t.now(), expected: want, actual });
}
