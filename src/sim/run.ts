/**
 * `runSimulation`: the composition root of the simulator. Builds the city, runs each day through
 * the real terminals, sync and office, then checks the invariants and reports.
 */
import { japaneseHolidays } from '../apps/gate/index.js';
import { jstClock, jstDay } from '../free-area/index.js';
import { byTime, DAY, jstMidnight, type Activity } from './activities.js';
import { anomalyInvariants, anomalyReport, clearingInvariant, clearingRows, decisionInvariant, forgedInvariant } from './checks-office.js';
import { cardInvariants, terminalInvariants, type DistrictFacts } from './checks.js';
import { planFraud, type Fraud } from './fraud.js';
import { planNetwork } from './network.js';
import { resolveOptions, type SimOptionsInput } from './options.js';
import { seededRandom } from './random.js';
import { SIMPLIFICATIONS, type SimReport } from './report.js';
import { withTimeout } from './clock.js';
import { emptyCounters, sumFields } from './district.js';
import { endOfDay, runDay } from './run-day.js';
import { planDay } from './schedule.js';
import { emptyTapStats } from './taps.js';
import type { CardPlan } from './city.js';
import { createWorld, type World } from './world.js';

export type Progress = (line: string) => void;

export async function runSimulation(input: SimOptionsInput, progress: Progress = () => undefined): Promise<SimReport> {
  const o = resolveOptions(input);
  const started = performance.now();
  const random = seededRandom(o.seed);
  const w = await createWorld(o, random);
  let report: Omit<SimReport, 'timing' | 'logged'>;
  let setupMs = 0;
  let drainMs = 0;
  let daysMs = 0;
  let checksMs = 0;
  try {
    setupMs = performance.now() - started;
    progress(`city ready in ${(setupMs / 1000).toFixed(1)} s: ${w.city.terminals.length} terminals, ${w.city.cards.length} cards, ${w.districts.length} district${w.districts.length === 1 ? '' : 's'}, data in ${w.dir}`);
    drainMs = (await runDays(w, planFraud(o, w.city, random.fork('fraud')), progress)).drainMs;
    daysMs = performance.now() - started - setupMs;
    progress('checking the invariants');
    const checksStart = performance.now();
    report = await check(w);
    checksMs = performance.now() - checksStart;
  } catch (error) {
    await w.close().catch(() => undefined);
    throw error;
  }
  const wallMs = performance.now() - started;
  progress('closing');
  const closed = await w.close();
  return {
    ...report,
    workload: { ...report.workload, officeDuplicates: closed.stats.duplicates },
    logged: closed.logged,
    timing: { wallMs, setupMs, daysMs, drainMs, checksMs, cpuMs: cpuMs(), eventsPerSecond: report.workload.events / (wallMs / 1000), peakRssMb: process.resourceUsage().maxRSS / 1024 },
  };
}

async function runDays(w: World, fraud: readonly Fraud[], progress: Progress): Promise<{ drainMs: number }> {
  const o = w.o;
  const holidays = new Set(japaneseHolidays(Number(o.startDay.slice(0, 4))).concat(japaneseHolidays(Number(o.startDay.slice(0, 4)) + 1)));
  const gone = new Set<number>();
  // Each day is planned a day ahead, so the counters issue the next day's new cards while this one runs.
  const plan = async (d: number): Promise<{ midnight: number; activities: Activity[] }> => {
    const midnight = jstMidnight(o.startDay) + d * DAY;
    const { weekday } = jstClock(midnight);
    const today = fraud.filter((f) => f.day === d);
    const excluded = new Set([...gone, ...today.flatMap((f) => (f.kind === 'forged' ? [] : [f.card]))]);
    const ctx = { o, city: w.city, midnight, workday: weekday >= 1 && weekday <= 5 && !holidays.has(jstDay(midnight)), fraud: today, excluded };
    const activities = [...planDay(ctx, w.random.fork(`day-${d}`)), ...planNetwork(o, w.city, midnight, w.random.fork(`network-${d}`))].sort(byTime);
    // A card revoked today rides no more from tomorrow on, whatever happens today.
    for (const f of today) if (f.kind === 'revoked-use') gone.add(f.card);
    const cards = w.districts.map((): number[] => []);
    for (const card of cardsOf(activities)) cards[w.districtOf((w.city.cards[card] as CardPlan).municipality)]?.push(card);
    await Promise.all(w.districts.map((district, i) => district.prepare(cards[i] ?? [])));
    return { midnight, activities };
  };
  let drainMs = 0;
  let next = await plan(0);
  for (let d = 0; d < o.days; d += 1) {
    const t0 = performance.now();
    const { midnight, activities } = next;
    if (d + 1 < o.days) next = await plan(d + 1);
    await runDay(w, activities);
    const t1 = performance.now();
    const end = await endOfDay(w, midnight);
    drainMs += performance.now() - t1;
    const s = (ms: number) => (ms / 1000).toFixed(1);
    progress(
      `day ${d + 1}/${o.days} ${jstDay(midnight)}: ${activities.length} activities in ${s(t1 - t0)} s; end of day ${s(performance.now() - t1)} s ` +
        `(waiting for the day before's detection ${s(end.detectMs)}, drain ${s(end.drainMs)}, heard ${s(end.heardMs)}); ${end.counters.rides} rides, ${end.counters.passages} passages so far`,
    );
  }
  return { drainMs };
}

async function check(w: World): Promise<Omit<SimReport, 'timing' | 'logged'>> {
  await withTimeout(w.office.detected(), w.o.drainTimeoutMs, 'the office\'s last detection pass');
  // The office's copies are read where its ingest runs while each district reads its cards and journals.
  const copies = w.office.officeCopies(w.city.terminals.map((t) => t.id));
  copies.catch(() => undefined);
  const facts: DistrictFacts[] = await Promise.all(w.districts.map((d) => d.facts()));
  const clearing = await clearingRows(w.office, facts);
  const anomalies = await anomalyReport(w.office, facts, w.now());
  const invariants = [
    ...(await cardInvariants(facts, w.office)),
    ...terminalInvariants(facts, await copies),
    clearingInvariant(clearing),
    ...anomalyInvariants(anomalies),
    await forgedInvariant(w.office, facts),
    decisionInvariant(facts),
  ];
  const deadLetters = (await w.office.store.deadLetters()).length;
  const kinds = w.city.cards.reduce<Record<string, number>>((m, c) => ({ ...m, [c.kind]: (m[c.kind] ?? 0) + 1 }), {});
  return {
    ok: invariants.every((i) => i.ok),
    options: w.o,
    city: {
      municipalities: w.city.municipalities.length,
      companies: w.city.companies.length,
      taxis: w.city.terminals.filter((t) => t.kind === 'taxi').length,
      gates: w.city.terminals.filter((t) => t.kind === 'gate').length,
      cards: kinds,
      cardsIssued: facts.reduce((n, f) => n + f.cardsIssued, 0),
      skewedTerminals: w.city.terminals.filter((t) => t.skewMs !== 0).length,
      connections: facts.reduce((n, f) => n + f.connections, 0),
      districts: w.districts.length,
    },
    workload: {
      ...sumFields(emptyCounters(), facts.map((f) => f.counters)),
      outages: w.counters.outages,
      taps: sumFields(emptyTapStats(), facts.map((f) => f.stats)),
      events: facts.reduce((n, f) => n + f.journals.reduce((m, j) => m + j.lastSeq, 0), 0),
      officeDuplicates: 0,
      deadLetters,
    },
    invariants,
    clearing,
    anomalies,
    simplifications: SIMPLIFICATIONS,
  };
}

/** The cards the day's activities use, in the order of their first use. */
function cardsOf(activities: readonly Activity[]): number[] {
  const cards = new Set<number>();
  for (const a of activities) {
    if (a.type === 'ride-start') for (const r of a.riders) cards.add(r.card);
    else if (a.type === 'gate' || a.type === 'snapshot') cards.add(a.card);
  }
  return [...cards];
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
