/**
 * Gate passages as the simulator drives them: staff in the morning and out in the evening,
 * visitors in and out with an entry pass, forged visitor passes. A holder refused at the door
 * does not come out of it later.
 */
import type { GateTapOutcome } from '../apps/gate/index.js';
import type { Activity } from './activities.js';
import type { CardPlan } from './city.js';
import type { Prediction } from './ledger.js';
import { tapGate } from './taps.js';
import type { SimTerminal } from './terminal.js';
import type { District } from './district.js';

type GateStep = Extract<Activity, { type: 'gate' }>;

export async function passGate(d: District, a: GateStep, inside: Set<number>): Promise<void> {
  const t = d.terminal(a.terminal);
  const plan = d.city.cards[a.card] as CardPlan;
  if (a.direction === 'out' && !inside.has(a.card)) return;
  const card = await d.wallet.card(plan);
  const expected = predictGate(d, plan, a.direction, t);
  const outcome = await tapGate(t, card, a.direction, a.fault, d.stats, d.restart);
  judgeGate(d, t, plan.cardId, expected, outcome);
  if (outcome.kind !== 'granted') return;
  d.counters.passages += 1;
  if (a.direction === 'in') inside.add(a.card);
  else inside.delete(a.card);
  if (plan.kind === 'visitor' && a.direction === 'in') d.ledger.took(plan.cardId, 1, t.now());
}

export async function forgedPass(d: District, terminal: string, municipality: number): Promise<void> {
  const t = d.terminal(terminal);
  const { cardId, card } = await d.wallet.forged('visitor', municipality);
  const outcome = await tapGate(t, card, 'in', null, d.stats, d.restart);
  judgeGate(d, t, cardId, { kind: 'refuse', reason: 'forged' }, outcome);
  d.expected.forged.push({ cardId, terminal, type: 'gate-refused' });
}

function predictGate(d: District, plan: CardPlan, direction: 'in' | 'out', t: SimTerminal): Prediction {
  const revokedIn = d.revoked.get(plan.cardId);
  if (revokedIn !== undefined && t.journal().denyListVersion() >= revokedIn) return { kind: 'refuse', reason: 'revoked' };
  if (plan.kind !== 'visitor' || direction === 'out') return { kind: 'accept' };
  const p = d.ledger.predict(plan.cardId, plan.amount, t.now(), { dailyUses: false });
  return p.kind === 'refuse' && p.reason === 'exhausted' ? { kind: 'refuse', reason: 'entries-used-up' } : p;
}

function judgeGate(d: District, t: SimTerminal, cardId: string, expected: Prediction, outcome: GateTapOutcome): void {
  const actual = outcome.kind === 'refused' ? `refuse:${outcome.decision.reason}` : outcome.kind === 'granted' ? 'accept' : outcome.kind;
  const want = expected.kind === 'accept' ? 'accept' : `refuse:${expected.reason}`;
  if (actual !== want) d.ledger.mismatch({ terminal: t.plan.id, cardId, at: t.now(), expected: want, actual });
}
