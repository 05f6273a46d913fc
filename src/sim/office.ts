/**
 * The office side of the simulated city: the broker (which can be stopped and started again on
 * the same port: an outage), the office's SQLite store with the domain over it (programmes,
 * companies and terminals registered), the downlink publisher on a connection of its own, and
 * the ingest worker, here or in its own thread. Its clock is the simulated one.
 */
import { join } from 'node:path';
import { createOfficeDomain, type IssuerKeyRing, type OfficeDomain, type OfficeProgrammeInput } from '../office/domain/index.js';
import { createDownlinkPublisher, type IngestStats } from '../office/ingest/index.js';
import { openSqliteStore, type OfficeStore } from '../office/store/index.js';
import { brokerConfigSchema, connectBroker } from '../sync/index.js';
import type { SimBroker } from './broker.js';
import type { City } from './city.js';
import { cityNow, SIM_BACKOFF, type CountingLogger } from './clock.js';
import type { OfficeCopy } from './office-copies.js';
import { startIngestHere, startIngestWorker, type Logged, type SimIngest } from './ingest.js';

export interface SimOffice {
  readonly brokerUrl: string;
  readonly store: OfficeStore;
  readonly domain: OfficeDomain;
  /**
   * Starts the projection and anomaly detection with the simulated time `now` where the ingest
   * runs (its worker thread at a prefecture's scale), after any pass started before, so the
   * terminals' next day need not wait for it.
   */
  detect(now: number): void;
  /** Settles when every detection pass started so far has finished; rejects if one failed. */
  detected(): Promise<void>;
  /** What the office holds of each terminal's journal, read where the ingest runs. */
  officeCopies(terminals: readonly string[]): Promise<OfficeCopy[]>;
  brokerUp(): boolean;
  /** The broker process stops: every connection drops, terminals go offline. */
  stopBroker(): Promise<void>;
  /** The broker comes back on the same port, and the office's connections with it. */
  startBroker(): Promise<void>;
  /** Stops the ingest and closes everything; what the ingest counted and logged. */
  close(): Promise<{ stats: IngestStats; logged: Logged | null }>;
}

export interface SimOfficeOptions {
  readonly city: City;
  readonly dir: string;
  readonly org: string;
  readonly prefix: string;
  readonly durable: boolean;
  /** The districts' clocks (`createCityTime`): the office's time is the latest of them. */
  readonly time: SharedArrayBuffer;
  readonly ring: IssuerKeyRing;
  readonly logger: CountingLogger;
  readonly broker: SimBroker;
  /** Run the ingest in a worker thread of its own. */
  readonly ingestWorker: boolean;
}

export async function startSimOffice(o: SimOfficeOptions): Promise<SimOffice> {
  const { broker } = o;
  const clock = { now: cityNow(o.time) };
  const dbPath = join(o.dir, 'office.db');
  const synchronous = o.durable ? 'FULL' : 'NORMAL';
  const store = openSqliteStore({ path: dbPath, synchronous, now: clock.now });
  const programmes = catalogue(o.city);
  const link = connectBroker({ config: brokerConfigSchema.parse({ url: broker.url, protocolVersion: 4 }), clientId: 'sim-office-downlink', backoff: SIM_BACKOFF, logger: o.logger });
  const publisher = createDownlinkPublisher({ client: link.client, prefix: o.prefix });
  const domain = createOfficeDomain({ store, org: o.org, programmes, keys: o.ring, publisher, clock: clock.now, logger: o.logger });
  const ingest: SimIngest = o.ingestWorker
    ? await startIngestWorker({ url: broker.url, dbPath, prefix: o.prefix, durable: o.durable, clock: o.time, org: o.org, programmes })
    : await startIngestHere(broker.url, store, o.prefix, clock, o.logger, domain);
  await domain.registry.seed({
    companies: o.city.companies.map((c) => ({ company: c.id, name: c.name })),
    terminals: o.city.terminals.map((t) => ({ terminal: t.id, kind: t.kind, ...(t.company === null ? {} : { company: t.company }), label: `municipality ${t.municipality}` })),
  });
  await waitFor(() => ingest.connected() && link.client.connected, 10_000, 'the office to connect to the broker');
  let detections = Promise.resolve();

  return {
    brokerUrl: broker.url,
    store,
    domain,
    detect(now) {
      detections = detections.then(() => ingest.detect(now));
      // Awaited through `detected()`; not an unhandled rejection meanwhile.
      detections.catch(() => undefined);
    },
    detected: () => detections,
    officeCopies: (terminals) => ingest.officeCopies(terminals),
    brokerUp: () => broker.up(),
    stopBroker: () => broker.stop(),
    async startBroker() {
      if (broker.up()) return;
      await broker.start();
      await waitFor(() => ingest.connected() && link.client.connected, 10_000, 'the office to reconnect to the broker');
      if (broker.kind === 'mosquitto') return;
      // The embedded broker keeps retained messages in memory only; Mosquitto has persisted them.
      const list = await domain.revocation.denyList();
      if (list.version > 0) await publisher.publishDenyList({ org: o.org, version: list.version, entries: list.entries });
    },
    async close() {
      await detections.catch(() => undefined);
      const result = await ingest.close();
      await link.close();
      await broker.close();
      await store.close();
      return result;
    },
  };
}

function catalogue(city: City): OfficeProgrammeInput[] {
  return city.municipalities.flatMap((m) => [
    { id: m.taxiProgramme, name: { ja: `${m.code} タクシー助成`, en: `Taxi subsidy ${m.code}` }, unit: 'coupon' as const, amount: 120, dailyUses: 2 },
    { id: `${String(m.code).padStart(6, '0')}-90`, name: { ja: `${m.code} 入館証`, en: `Building pass ${m.code}` }, unit: 'entry' as const, amount: 10 },
  ]);
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
