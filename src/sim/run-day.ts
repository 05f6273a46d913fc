/**
 * One simulated day: its activities in time order through the real terminals, the network
 * faults as they come, then the end-of-day drain (every terminal connected, its outbox
 * acknowledged, heard by the office today) and the office's projection and anomaly detection,
 * which runs where the ingest runs while the next day goes on.
 */
import { HOUR, type Activity } from './activities.js';
import { forgedPass, passGate } from './gate-steps.js';
import { endRide, forgedRide, restoreCard, snapshotCard, startRide, type OpenRides } from './ride-steps.js';
import { withTimeout } from './clock.js';
import type { SimTerminal } from './terminal.js';
import type { World } from './world.js';

/** Real time the event loop is given to the network every so often while taps run. */
const YIELD_EVERY_MS = 15;
const POLL_MS = 50;
const KICK_WINDOW_MS = 60 * 60_000;

export interface DayState {
  readonly open: OpenRides;
  readonly inside: Set<number>;
}

export async function runDay(w: World, activities: readonly Activity[], state: DayState): Promise<void> {
  let lastYield = performance.now();
  const kick = kicker(w);
  for (const a of activities) {
    w.clock.advanceTo(a.at);
    await step(w, a, state);
    if ('terminal' in a && w.terminals.has(a.terminal)) kick(a.terminal, a.at);
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
}

/**
 * A terminal's composition root kicks its uplink after every tap, and so does a terminal with a
 * connection of its own here. On shared connections the kicks of a simulated hour go out
 * together: one batch per terminal and hour instead of one per tap. Every batch costs its
 * terminal an outbox read, an ack and a write of the synced mark, whatever it carries; at a
 * prefecture's rate, an hour's window halves the batches of a quarter hour's.
 */
function kicker(w: World): (terminal: string, at: number) => void {
  if (w.o.terminalsPerConnection === 1) return (terminal) => w.links.kick(terminal);
  const due = new Set<string>();
  let window = -1;
  return (terminal, at) => {
    const now = Math.floor(at / KICK_WINDOW_MS);
    if (now !== window) {
      for (const id of due) w.links.kick(id);
      due.clear();
      window = now;
    }
    due.add(terminal);
  };
}

async function step(w: World, a: Activity, s: DayState): Promise<void> {
  switch (a.type) {
    case 'ride-start':
      return startRide(w, a, s.open);
    case 'ride-end':
      return endRide(w, a.terminal, s.open);
    case 'gate':
      return passGate(w, a, s.inside);
    case 'forged':
      return a.kind === 'rider' ? forgedRide(w, a.terminal, a.municipality) : forgedPass(w, a.terminal, a.municipality);
    case 'revoke':
      return revoke(w, a.card);
    case 'tamper':
      return w.terminal(a.terminal).tamper();
    case 'snapshot':
      return snapshotCard(w, a.card);
    case 'restore':
      return restoreCard(w, a.card);
    case 'broker-down':
      w.counters.outages += 1;
      return withTimeout(w.office.stopBroker(), w.o.drainTimeoutMs, 'stopping the broker');
    case 'broker-up':
      return withTimeout(w.office.startBroker(), w.o.drainTimeoutMs, 'starting the broker');
    case 'cut':
      w.counters.cuts += 1;
      return w.links.cut(a.terminal);
    case 'dup':
      return void w.duplicate(w.terminal(a.terminal));
  }
}

/**
 * The office revokes the card into the deny-list and publishes it; the run waits until every
 * terminal whose connection is up has applied it, so what each terminal knows is settled.
 */
async function revoke(w: World, index: number): Promise<void> {
  const plan = w.city.cards[index];
  if (plan === undefined) return;
  // The office's writes wait for its detection pass rather than for SQLite's lock.
  await withTimeout(w.office.detected(), w.o.drainTimeoutMs, 'the office\'s detection pass');
  const outcome = await withTimeout(w.office.domain.revocation.revoke({ cardId: plan.cardId, reason: 'lost', by: 'sim' }), w.o.drainTimeoutMs, `the revocation of ${plan.cardId}`);
  if (outcome.kind !== 'revoked') return;
  const version = outcome.version.version;
  w.revoked.set(plan.cardId, version);
  if (!outcome.published && w.office.brokerUp()) await withTimeout(w.office.domain.revocation.publishPending(), w.o.drainTimeoutMs, 'publishing the deny-list');
  await until(w, [...w.terminals.values()], (t) => !w.links.connected(t.plan.id) || t.journal().denyListVersion() >= version, `deny-list version ${version} to reach the connected terminals`);
}

/**
 * End of day: broker up, every terminal connected, drained and heard by the office, then the
 * office's detection pass, which runs beside the ingest while the next day goes on; the next
 * end of day, a revocation and the checks wait for it first.
 */
export async function endOfDay(w: World, midnight: number): Promise<{ drainMs: number; heardMs: number; detectMs: number }> {
  const t0 = performance.now();
  await withTimeout(w.office.detected(), w.o.drainTimeoutMs, 'the office\'s detection pass of the day before');
  const t1 = performance.now();
  if (!w.office.brokerUp()) await withTimeout(w.office.startBroker(), w.o.drainTimeoutMs, 'starting the broker');
  w.clock.advanceTo(midnight + 23 * HOUR);
  const all = [...w.terminals.values()];
  for (const t of all) w.links.kick(t.plan.id);
  await until(w, all, (t) => w.links.connected(t.plan.id) && t.journal().syncState().backlog === 0, 'every terminal to drain its outbox');
  const t2 = performance.now();
  await waitForHeard(w, midnight);
  w.office.detect(w.clock.now());
  // In this thread the pass gains nothing from running beside the next day's taps.
  if (!w.o.ingestWorker) await withTimeout(w.office.detected(), w.o.drainTimeoutMs, 'the office\'s detection pass');
  return { drainMs: t2 - t1, heardMs: performance.now() - t2, detectMs: t1 - t0 };
}

/** Waits until `done` holds for every terminal; one that got there is not asked again. */
async function until(w: World, terminals: readonly SimTerminal[], done: (t: SimTerminal) => boolean, what: string): Promise<void> {
  let left = terminals;
  const deadline = Date.now() + w.o.drainTimeoutMs;
  for (;;) {
    left = left.filter((t) => !done(t));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${w.o.drainTimeoutMs} ms waiting for ${what}: ${left.slice(0, 5).map((t) => t.plan.id).join(', ')}${left.length > 5 ? '…' : ''}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The office has heard from every terminal since midnight (an event or a status), so none is silent. */
async function waitForHeard(w: World, midnight: number): Promise<void> {
  const deadline = Date.now() + w.o.drainTimeoutMs;
  let asked = false;
  for (;;) {
    const rows = await w.office.store.terminals();
    const heard = new Set(rows.filter((r) => (r.lastHeardAt ?? 0) >= midnight).map((r) => r.terminal));
    const silent = w.city.terminals.filter((t) => !heard.has(t.id));
    if (silent.length === 0) return;
    if (!asked) for (const t of silent) w.links.refreshStatus(t.id);
    asked = true;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the office to hear from ${silent.slice(0, 5).map((t) => t.id).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
