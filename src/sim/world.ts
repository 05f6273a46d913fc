/**
 * Everything a run holds: the plan, the city's time, the office with the broker, and the
 * districts that run the terminals and the cards. Built at the start, closed at the end; the
 * data directory is a fresh temporary one unless given.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jstMidnight } from './activities.js';
import { planCity, type City } from './city.js';
import { cityNow, createCityTime, createCountingLogger, withTimeout, type CountingLogger } from './clock.js';
import { districtOf, ORG, PREFIX, type DistrictWork } from './district.js';
import { startDistricts } from './districts.js';
import { cityKeys } from './keys.js';
import { startSimBroker } from './broker.js';
import { startSimOffice, type SimOffice } from './office.js';
import type { IngestStats } from '../office/ingest/index.js';
import type { Logged } from './ingest.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';

const CLOSE_MS = 60_000;

export interface World {
  readonly o: SimOptions;
  readonly city: City;
  /** The city's time: the latest of the districts' clocks. */
  readonly now: () => number;
  readonly office: SimOffice;
  readonly districts: readonly DistrictWork[];
  readonly logger: CountingLogger;
  readonly counters: { outages: number };
  readonly random: Random;
  readonly dir: string;
  /** The index of the district that runs a municipality. */
  districtOf(municipality: number): number;
  /** Closes the districts and the office; what the office's ingest counted, and what every part logged. */
  close(): Promise<{ stats: IngestStats; logged: Logged }>;
}

export async function createWorld(o: SimOptions, random: Random): Promise<World> {
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'fa-sim-'));
  if (existsSync(join(dir, 'office.db')) || existsSync(join(dir, 'journals'))) throw new Error(`${dir} holds an earlier run; give an empty or new data directory`);
  mkdirSync(join(dir, 'journals'), { recursive: true });
  const city = planCity(o, random.fork('city'));
  const count = Math.min(o.districts, o.municipalities);
  const time = createCityTime(jstMidnight(o.startDay), count);
  const keys = cityKeys(random);
  const logger = createCountingLogger();
  const broker = await startSimBroker(o.broker, dir, logger);
  let office: SimOffice | undefined;
  try {
    office = await startSimOffice({ city, dir, org: ORG, prefix: PREFIX, durable: o.durable, time, ring: keys.ring, logger, broker, ingestWorker: o.ingestWorker });
    const districts = await startDistricts({ o, districts: count, city, keys, random, dir, brokerUrl: office.brokerUrl, time });
    return world(o, city, time, office, districts, logger, random, dir);
  } catch (error) {
    await (office ?? broker).close().catch(() => undefined);
    throw error;
  }
}

function world(o: SimOptions, city: City, time: SharedArrayBuffer, office: SimOffice, districts: readonly DistrictWork[], logger: CountingLogger, random: Random, dir: string): World {
  return {
    o, city, office, districts, logger, random, dir,
    now: cityNow(time),
    counters: { outages: 0 },
    districtOf: (municipality) => districtOf(municipality, districts.length),
    async close() {
      // The office and the broker close whatever became of the districts, so a failed run still ends.
      const settled = await Promise.allSettled(districts.map((d) => d.close()));
      const closed = await withTimeout(office.close(), CLOSE_MS, 'closing the office and the broker');
      if (o.dataDir === undefined && !o.keep) rmSync(dir, { recursive: true, force: true });
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const logged = [logger.counts(), ...settled.map((s) => (s as PromiseFulfilledResult<Logged>).value)];
      if (closed.logged !== null) logged.push(closed.logged);
      return {
        stats: closed.stats,
        logged: { warnings: sum(logged, (l) => l.warnings), errors: sum(logged, (l) => l.errors), firstErrors: logged.flatMap((l) => l.firstErrors) },
      };
    },
  };
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((n, item) => n + f(item), 0);
}
