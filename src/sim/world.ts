/**
 * Everything a run holds: the plan, the clock, the keys, the cards, the office, the terminals
 * and their sync, the ledger, and what the run expects the office to flag. Built at the start,
 * closed at the end; the data directory is a fresh temporary one unless given.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { japaneseHolidays } from '../apps/gate/index.js';
import { buildBatch, brokerConfigSchema, connectBroker, terminalTopics, type BrokerLink } from '../sync/index.js';
import { jstMidnight, DAY } from './activities.js';
import { planCity, type City } from './city.js';
import { createCountingLogger, createSimClock, SIM_BACKOFF, withTimeout, type CountingLogger, type SimClock } from './clock.js';
import { cityKeys } from './keys.js';
import { createLedger, type Ledger } from './ledger.js';
import { createLinks, type Links } from './links.js';
import { startSimBroker } from './broker.js';
import { startSimOffice, type SimOffice } from './office.js';
import type { IngestStats } from '../office/ingest/index.js';
import type { Logged } from './ingest.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';
import type { CardImage } from '../reader/emulator/index.js';
import type { CardState } from './ledger.js';
import { emptyTapStats, type TapStats } from './taps.js';
import { createSimTerminal, type SimTerminal } from './terminal.js';
import { startCounter } from './counter.js';
import { createWallet, validity, type Wallet } from './wallet.js';

export const ORG = 'pref10';
export const PREFIX = 'fa-sim/v1';
const CLOSE_MS = 60_000;

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

export interface Counters {
  rides: number;
  ridesCancelled: number;
  passages: number;
  outages: number;
  cuts: number;
  dups: number;
  restarts: number;
}

export interface World {
  readonly o: SimOptions;
  readonly city: City;
  readonly clock: SimClock;
  readonly wallet: Wallet;
  readonly office: SimOffice;
  readonly links: Links;
  readonly ledger: Ledger;
  readonly terminals: ReadonlyMap<string, SimTerminal>;
  readonly logger: CountingLogger;
  readonly stats: TapStats;
  readonly counters: Counters;
  readonly expected: Expectations;
  /** Revoked card ID → the deny-list version that revoked it. */
  readonly revoked: Map<string, number>;
  /** Copied card images by card ID. */
  readonly rewinds: Map<string, Rewind>;
  readonly random: Random;
  readonly dir: string;
  terminal(id: string): SimTerminal;
  /** `kill -9` and start again: the app and journal handle go, the sync connection with them. */
  restart(terminal: SimTerminal): void;
  /** Publishes again, on the terminal's event topic, a batch it has already had acknowledged. */
  duplicate(terminal: SimTerminal): boolean;
  /** Closes everything; what the office's ingest counted and (in its own thread) logged. */
  close(): Promise<{ stats: IngestStats; logged: Logged | null }>;
}

export async function createWorld(o: SimOptions, random: Random): Promise<World> {
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'fa-sim-'));
  if (existsSync(join(dir, 'office.db')) || existsSync(join(dir, 'journals'))) throw new Error(`${dir} holds an earlier run; give an empty or new data directory`);
  mkdirSync(join(dir, 'journals'), { recursive: true });
  const city = planCity(o, random.fork('city'));
  const start = jstMidnight(o.startDay);
  const clock = createSimClock(start);
  const keys = cityKeys(random);
  const logger = createCountingLogger();
  const years = yearsOf(start, o.days);
  const counter = o.counterWorker ? startCounter(o) : null;
  const wallet = createWallet(city, keys, validity(start, o.days), random.fork('wallet'), counter);
  const broker = await startSimBroker(o.broker, dir, logger);
  const office = await startSimOffice({ city, dir, org: ORG, prefix: PREFIX, durable: o.durable, clock, ring: keys.ring, logger, broker, ingestWorker: o.ingestWorker });
  const links = createLinks({ brokerUrl: office.brokerUrl, prefix: PREFIX, org: ORG, terminalsPerConnection: o.terminalsPerConnection, statusIntervalMs: 1_000, logger, random: random.fork('links') });
  const holidays = years.flatMap((y) => japaneseHolidays(y));
  const terminals = new Map<string, SimTerminal>();
  for (const plan of city.terminals) {
    const t = createSimTerminal(plan, { city, card: wallet.context, dir: join(dir, 'journals'), durable: o.durable, now: clock.skewed(plan.skewMs), logger, holidays });
    terminals.set(plan.id, t);
    links.attach(t);
  }
  const injector: BrokerLink = connectBroker({ config: brokerConfigSchema.parse({ url: office.brokerUrl, protocolVersion: 4 }), clientId: 'sim-faults', backoff: SIM_BACKOFF, logger });
  const counters: Counters = { rides: 0, ridesCancelled: 0, passages: 0, outages: 0, cuts: 0, dups: 0, restarts: 0 };

  const terminal = (id: string): SimTerminal => {
    const t = terminals.get(id);
    if (t === undefined) throw new RangeError(`no terminal ${id}`);
    return t;
  };
  return {
    o, city, clock, wallet, office, links, ledger: createLedger(), terminals, logger, counters, random, dir, terminal,
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
    async close() {
      await withTimeout(injector.close(), CLOSE_MS, 'closing the fault injector\'s connection');
      await withTimeout(links.close(), CLOSE_MS, 'closing the terminals\' sync');
      for (const t of terminals.values()) t.close();
      const closed = await withTimeout(office.close(), CLOSE_MS, 'closing the office and the broker');
      await counter?.close();
      if (o.dataDir === undefined && !o.keep) rmSync(dir, { recursive: true, force: true });
      return closed;
    },
  };
}

function yearsOf(start: number, days: number): number[] {
  const first = new Date(start).getUTCFullYear();
  const last = new Date(start + (days + 1) * DAY).getUTCFullYear();
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
