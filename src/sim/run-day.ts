/**
 * One simulated day: its activities in time order, each district running its own municipalities'
 * share side by side. What concerns every district (a broker outage, a revocation) is done
 * between two stretches, once every district has reached its time; then the end-of-day drain
 * (every terminal connected, its outbox acknowledged, heard by the office today) and the
 * office's projection and anomaly detection, which runs where the ingest runs while the next
 * day goes on.
 */
import { HOUR, type Activity } from './activities.js';
import type { CardPlan } from './city.js';
import { withTimeout } from './clock.js';
import { emptyCounters, sumFields, type DistrictCounters } from './district.js';
import type { World } from './world.js';

const POLL_MS = 50;

type CityActivity = Extract<Activity, { type: 'revoke' | 'broker-down' | 'broker-up' }>;

export async function runDay(w: World, activities: readonly Activity[]): Promise<void> {
  const towns = new Map(w.city.terminals.map((t) => [t.id, t.municipality]));
  let stretch = w.districts.map((): Activity[] => []);
  const flush = async (until: number | null): Promise<void> => {
    const now = stretch;
    stretch = w.districts.map((): Activity[] => []);
    await Promise.all(w.districts.map((d, i) => d.run(now[i] ?? [], until)));
  };
  for (const a of activities) {
    if (a.type === 'revoke' || a.type === 'broker-down' || a.type === 'broker-up') {
      await flush(a.at);
      await cityStep(w, a);
    } else stretch[districtOfActivity(w, towns, a)]?.push(a);
  }
  await flush(null);
}

/** The district whose municipality the activity's terminal or card belongs to. */
function districtOfActivity(w: World, towns: ReadonlyMap<string, number>, a: Exclude<Activity, CityActivity>): number {
  if ('terminal' in a) {
    const town = towns.get(a.terminal);
    if (town === undefined) throw new RangeError(`no terminal ${a.terminal}`);
    return w.districtOf(town);
  }
  return w.districtOf((w.city.cards[a.card] as CardPlan).municipality);
}

async function cityStep(w: World, a: CityActivity): Promise<void> {
  switch (a.type) {
    case 'revoke':
      return revoke(w, a.card);
    case 'broker-down':
      w.counters.outages += 1;
      return withTimeout(w.office.stopBroker(), w.o.drainTimeoutMs, 'stopping the broker');
    case 'broker-up':
      return withTimeout(w.office.startBroker(), w.o.drainTimeoutMs, 'starting the broker');
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
  if (!outcome.published && w.office.brokerUp()) await withTimeout(w.office.domain.revocation.publishPending(), w.o.drainTimeoutMs, 'publishing the deny-list');
  await Promise.all(w.districts.map((d) => d.revoked(plan.cardId, version)));
}

/**
 * End of day: broker up, every terminal connected, drained and heard by the office, then the
 * office's detection pass, which runs beside the ingest while the next day goes on; the next
 * end of day, a revocation and the checks wait for it first.
 */
export async function endOfDay(w: World, midnight: number): Promise<{ drainMs: number; heardMs: number; detectMs: number; counters: DistrictCounters }> {
  const t0 = performance.now();
  await withTimeout(w.office.detected(), w.o.drainTimeoutMs, 'the office\'s detection pass of the day before');
  const t1 = performance.now();
  if (!w.office.brokerUp()) await withTimeout(w.office.startBroker(), w.o.drainTimeoutMs, 'starting the broker');
  const drained = await Promise.all(w.districts.map((d) => d.drain(midnight + 23 * HOUR)));
  const t2 = performance.now();
  await waitForHeard(w, midnight);
  w.office.detect(w.now());
  // In this thread the pass gains nothing from running beside the next day's taps.
  if (!w.o.ingestWorker) await withTimeout(w.office.detected(), w.o.drainTimeoutMs, 'the office\'s detection pass');
  return { drainMs: t2 - t1, heardMs: performance.now() - t2, detectMs: t1 - t0, counters: sumFields(emptyCounters(), drained) };
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
    if (!asked) await Promise.all(w.districts.map((d, i) => d.refreshStatus(silent.filter((t) => w.districtOf(t.municipality) === i).map((t) => t.id))));
    asked = true;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the office to hear from ${silent.slice(0, 5).map((t) => t.id).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
