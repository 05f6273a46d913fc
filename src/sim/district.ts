/**
 * A district: the municipalities whose terminals, cards and holders one thread runs. It holds
 * its terminals with their journals and sync, its holders' cards, its part of the simulator's
 * ledger and what it expects the office to flag, and it runs its share of each day's activities.
 * Municipalities share nothing but the office and the broker (a holder rides the taxis of their
 * own town and passes their own town's gate), so the city's activities split by municipality,
 * and what concerns every district at once (a broker outage, a revocation, the end of the day)
 * is done by the run between two stretches of them (see `run-day.ts`).
 */
import { join } from 'node:path';
import { japaneseHolidays } from '../apps/gate/index.js';
import { buildBatch, brokerConfigSchema, connectBroker, terminalTopics, type BrokerLink } from '../sync/index.js';
import { DAY, type Activity } from './activities.js';
import type { City } from './city.js';
import { createCountingLogger, createSimClock, SIM_BACKOFF, withTimeout, type CountingLogger, type SimClock } from './clock.js';
import { districtFacts, type DistrictFacts } from './checks.js';
import { startCounter } from './counter.js';
import { forgedPass, passGate } from './gate-steps.js';
import type { Logged } from './ingest.js';
import type { CityKeys } from './keys.js';
import { createLedger, type CardState, type Ledger } from './ledger.js';
import { createLinks, type Links } from './links.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';
import { endRide, forgedRide, restoreCard, snapshotCard, startRide, type OpenRides } from './ride-steps.js';
import { emptyTapStats, type TapStats } from './taps.js';
import { createSimTerminal, type SimTerminal } from './terminal.js';
import { createWallet, validity, type Wallet } from './wallet.js';
import type { CardImage } from '../reader/emulator/index.js';

export const ORG = 'pref10';
export const PREFIX = 'fa-sim/v1';
const CLOSE_MS = 60_000;
/** Real time the event loop is given to the network every so often while taps run. */
const YIELD_EVERY_MS = 15;
const POLL_MS = 50;
const KICK_WINDOW_MS = 60 * 60_000;

export interface Expectations {
  /** Cards whose image was put back after a later write, and written again. */
  readonly rewound: Set<string>;
  /** A revoked card accepted by a terminal that had applied the deny-list revoking it. */
  readonly revokedUse: Array<{ readonly cardId: string; readonly terminal: string }>;
  /** A forged card refused, as the office should see it in the terminal's events. */
  readonly forged: Array<{ readonly cardId: string; readonly terminal: string; readonly type: string }>;
}

/** A card whose image the holder copied, to put it back later. */
export interface Rewind {
  readonly image: CardImage;
  readonly state: CardState;
  writesBefore: number;
  restored: boolean;
}

export interface DistrictCounters {
  rides: number;
  ridesCancelled: number;
  passages: number;
  cuts: number;
  dups: number;
  restarts: number;
}

export function emptyCounters(): DistrictCounters {
  return { rides: 0, ridesCancelled: 0, passages: 0, cuts: 0, dups: 0, restarts: 0 };
}

/** Field by field sums of records of numbers: the districts' counters or tap stats, for the report. */
export function sumFields<T extends object>(zero: T, all: readonly T[]): T {
  const total = { ...zero } as Record<string, number>;
  for (const item of all) for (const [k, v] of Object.entries(item)) total[k] = (total[k] ?? 0) + (v as number);
  return total as T;
}

/** Which district runs a municipality: they are dealt out in turn. */
export function districtOf(municipality: number, districts: number): number {
  return municipality % districts;
}

/** What a district's steps work on. */
export interface District {
  readonly o: SimOptions;
  readonly index: number;
  readonly city: City;
  readonly clock: SimClock;
  readonly wallet: Wallet;
  readonly links: Links;
  readonly ledger: Ledger;
  readonly terminals: ReadonlyMap<string, SimTerminal>;
  readonly logger: CountingLogger;
  readonly stats: TapStats;
  readonly counters: DistrictCounters;
  readonly expected: Expectations;
  /** Revoked card ID → the deny-list version that revoked it. */
  readonly revoked: Map<string, number>;
  /** Copied card images by card ID. */
  readonly rewinds: Map<string, Rewind>;
  terminal(id: string): SimTerminal;
  /** `kill -9` and start again: the app and journal handle go, the sync connection with them. */
  restart(terminal: SimTerminal): void;
  /** Publishes again, on the terminal's event topic, a batch it has already had acknowledged. */
  duplicate(terminal: SimTerminal): boolean;
}

/** What the run asks of a district, here or in its own thread. */
export interface DistrictWork {
  /** Runs these activities (its own, in time order), then moves its clock to `until` when given. */
  run(activities: readonly Activity[], until: number | null): Promise<void>;
  /** End of day at `at`: every terminal connected and its outbox acknowledged. */
  drain(at: number): Promise<DistrictCounters>;
  /** Each of these terminals publishes its status now. */
  refreshStatus(terminals: readonly string[]): Promise<void>;
  /** The office revoked the card in deny-list `version`: waits until every connected terminal applied it. */
  revoked(cardId: string, version: number): Promise<void>;
  /** The cards (plan indices) whose holders first use them tomorrow, for the counter to issue ahead. */
  prepare(cards: readonly number[]): Promise<void>;
  /** What the checks compare: the cards read back, the journals, the ledger. */
  facts(): Promise<DistrictFacts>;
  /** Closes the terminals and their sync; what it logged. */
  close(): Promise<Logged>;
}

export interface DistrictOptions {
  readonly o: SimOptions;
  readonly index: number;
  readonly districts: number;
  readonly city: City;
  readonly keys: CityKeys;
  /** The run's root random; the district forks its own streams from it. */
  readonly random: Random;
  readonly dir: string;
  readonly brokerUrl: string;
  /** The districts' clock slots (`createCityTime`). */
  readonly time: SharedArrayBuffer;
}

export async function createDistrict(options: DistrictOptions): Promise<DistrictWork> {
  const { o, index, city } = options;
  const random = options.random.fork(`district-${index}`);
  const clock = createSimClock(options.time, index);
  const logger = createCountingLogger();
  const counter = o.counterWorker ? startCounter(o) : null;
  const start = clock.now();
  const holidays = yearsOf(start, o.days).flatMap((y) => japaneseHolidays(y));
  const wallet = createWallet(city, options.keys, validity(start, o.days), random.fork('wallet'), counter);
  const links = createLinks({ brokerUrl: options.brokerUrl, prefix: PREFIX, org: ORG, terminalsPerConnection: o.terminalsPerConnection, statusIntervalMs: 1_000, logger, random: random.fork('links'), clientPrefix: `sim-link-${index}` });
  const terminals = new Map<string, SimTerminal>();
  for (const plan of city.terminals) {
    if (districtOf(plan.municipality, options.districts) !== index) continue;
    const t = createSimTerminal(plan, { city, card: wallet.context, dir: join(options.dir, 'journals'), durable: o.durable, now: clock.skewed(plan.skewMs), logger, holidays });
    terminals.set(plan.id, t);
    links.attach(t);
  }
  const injector: BrokerLink = connectBroker({ config: brokerConfigSchema.parse({ url: options.brokerUrl, protocolVersion: 4 }), clientId: `sim-faults-${index}`, backoff: SIM_BACKOFF, logger });
  const counters = emptyCounters();
  const terminal = (id: string): SimTerminal => {
    const t = terminals.get(id);
    if (t === undefined) throw new RangeError(`no terminal ${id} in district ${index}`);
    return t;
  };
  const d: District = {
    o, index, city, clock, wallet, links, ledger: createLedger(), terminals, logger, counters, terminal,
    stats: emptyTapStats(),
    expected: { rewound: new Set(), revokedUse: [], forged: [] },
    revoked: new Map(),
    rewinds: new Map(),
    restart(t) {
      counters.restarts += 1;
      const stopped = links.detach(t.plan.id);
      const dead = t.restart();
      links.attach(t);
      void stopped.then((gone) => gone && dead.close());
    },
    duplicate(t) {
      const synced = t.journal().syncState().lastSyncedSeq;
      if (synced === 0 || !injector.client.connected) return false;
      const from = Math.max(1, synced - 20);
      const built = buildBatch({ org: ORG, terminal: t.plan.id }, from, t.journal().events({ fromSeq: from, toSeq: synced, limit: 50 }));
      if (built === undefined) return false;
      injector.client.publish(terminalTopics(PREFIX, ORG, t.plan.id).events, built.json, { qos: 1 });
      counters.dups += 1;
      return true;
    },
  };
  const open: OpenRides = new Map();
  const inside = new Set<number>();
  let kick = kicker(d);

  return {
    async run(activities, until) {
      let lastYield = performance.now();
      for (const a of activities) {
        d.clock.advanceTo(a.at);
        await step(d, a, open, inside);
        if ('terminal' in a) kick(a.terminal, a.at);
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      if (until !== null) d.clock.advanceTo(until);
    },
    async drain(at) {
      d.clock.advanceTo(at);
      kick = kicker(d);
      const all = [...terminals.values()];
      for (const t of all) links.kick(t.plan.id);
      await until(d, all, (t) => links.connected(t.plan.id) && t.journal().syncState().backlog === 0, 'every terminal to drain its outbox');
      return { ...counters };
    },
    async refreshStatus(ids) {
      for (const id of ids) links.refreshStatus(id);
    },
    async revoked(cardId, version) {
      d.revoked.set(cardId, version);
      await until(d, [...terminals.values()], (t) => !links.connected(t.plan.id) || t.journal().denyListVersion() >= version, `deny-list version ${version} to reach the connected terminals`);
    },
    async prepare(cards) {
      wallet.prepare(cards);
    },
    facts: () => districtFacts(d),
    async close() {
      await withTimeout(injector.close(), CLOSE_MS, 'closing the fault injector\'s connection');
      await withTimeout(links.close(), CLOSE_MS, 'closing the terminals\' sync');
      for (const t of terminals.values()) t.close();
      await counter?.close();
      return logger.counts();
    },
  };
}

/** A step of the district's own: a tap, a ride, a card copied or put back, a network fault on one of its connections. */
async function step(d: District, a: Activity, open: OpenRides, inside: Set<number>): Promise<void> {
  switch (a.type) {
    case 'ride-start':
      return startRide(d, a, open);
    case 'ride-end':
      return endRide(d, a.terminal, open);
    case 'gate':
      return passGate(d, a, inside);
    case 'forged':
      return a.kind === 'rider' ? forgedRide(d, a.terminal, a.municipality) : forgedPass(d, a.terminal, a.municipality);
    case 'tamper':
      return d.terminal(a.terminal).tamper();
    case 'snapshot':
      return snapshotCard(d, a.card);
    case 'restore':
      return restoreCard(d, a.card);
    case 'cut':
      d.counters.cuts += 1;
      return d.links.cut(a.terminal);
    case 'dup':
      return void d.duplicate(d.terminal(a.terminal));
    case 'revoke':
    case 'broker-down':
    case 'broker-up':
      throw new Error(`${a.type} concerns every district; the run does it between stretches`);
  }
}

/**
 * A terminal's composition root kicks its uplink after every tap, and so does a terminal with a
 * connection of its own here. On shared connections the kicks of a simulated hour go out
 * together: one batch per terminal and hour instead of one per tap. Every batch costs its
 * terminal an outbox read, an ack and a write of the synced mark, whatever it carries; at a
 * prefecture's rate, an hour's window halves the batches of a quarter hour's.
 */
function kicker(d: District): (terminal: string, at: number) => void {
  if (d.o.terminalsPerConnection === 1) return (terminal) => d.links.kick(terminal);
  const due = new Set<string>();
  let window = -1;
  return (terminal, at) => {
    const now = Math.floor(at / KICK_WINDOW_MS);
    if (now !== window) {
      for (const id of due) d.links.kick(id);
      due.clear();
      window = now;
    }
    due.add(terminal);
  };
}

/** Waits until `done` holds for every terminal; one that got there is not asked again. */
async function until(d: District, terminals: readonly SimTerminal[], done: (t: SimTerminal) => boolean, what: string): Promise<void> {
  let left = terminals;
  const deadline = Date.now() + d.o.drainTimeoutMs;
  for (;;) {
    left = left.filter((t) => !done(t));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${d.o.drainTimeoutMs} ms waiting for ${what}: ${left.slice(0, 5).map((t) => t.plan.id).join(', ')}${left.length > 5 ? '…' : ''}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The calendar years the run touches, for the gates' holidays. */
function yearsOf(start: number, days: number): number[] {
  const first = new Date(start).getUTCFullYear();
  const last = new Date(start + (days + 1) * DAY).getUTCFullYear();
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
