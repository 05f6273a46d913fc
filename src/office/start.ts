/**
 * The composition root of the office: configuration in, a running office out. Opens the
 * store, connects to the broker (or runs an embedded one for the demo), starts the ingest
 * worker(s), the downlink publisher, the periodic jobs and the web service.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { brokerConfigSchema, startEmbeddedBroker } from '../sync/index.js';
import type { BrokerConfig, EmbeddedBroker } from '../sync/index.js';
import { generateDevKeys, KEY_FILES } from '../free-area/index.js';
import type { OfficeConfig } from './config.js';
import { createCounterApi, createFileIssuerKeyRing, createOfficeDomain } from './domain/index.js';
import type { OfficeDomain } from './domain/index.js';
import { startOfficeSync } from './ingest/index.js';
import type { DownlinkPublisher, Ingest, OfficeSync } from './ingest/index.js';
import { openPostgresStore, openSqliteStore } from './store/index.js';
import type { OfficeStore } from './store/index.js';
import type { OfficeWeb } from './web/app.js';
import { buildOfficeWeb, createStaffServices, scrapedGauge } from './web/build.js';
import type { StaffServices } from './web/context.js';
import { officePages } from './web/pages.js';
import type { ScryptParams } from './web/staff/passwords.js';

export interface OfficeDeps {
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Listen on `config.http` (default true); tests may use `web.app.request` instead. */
  readonly listen?: boolean;
  /** Password hashing cost; tests lower it. */
  readonly scrypt?: ScryptParams;
}

export interface RunningOffice {
  readonly config: OfficeConfig;
  readonly url: string;
  /** The broker terminals should use (the embedded one's address in the demo). */
  readonly brokerUrl: string;
  readonly store: OfficeStore;
  readonly staff: StaffServices;
  readonly web: OfficeWeb;
  readonly downlink: DownlinkPublisher;
  readonly domain: OfficeDomain;
  /** The directory of the issuer key and the master keys terminals share. */
  readonly keysDir: string;
  /** Runs the periodic jobs once now (projection, detection, clean-up). */
  runJobs(): Promise<void>;
  close(): Promise<void>;
}

export async function openOfficeStore(config: OfficeConfig, now: () => number = Date.now): Promise<OfficeStore> {
  if (config.store.kind === 'postgres') return openPostgresStore({ connectionString: config.store.url, schema: config.store.schema, max: config.store.max, now });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  return openSqliteStore({ path: config.store.path ?? join(dataDir, 'office.db'), now });
}

interface Broker {
  readonly config: BrokerConfig;
  readonly prefix: string;
  readonly group: string | undefined;
  readonly embedded: EmbeddedBroker | undefined;
}

async function openBroker(config: OfficeConfig, logger: Logger): Promise<Broker> {
  const b = config.broker;
  if (b.embedded === true) {
    const embedded = await startEmbeddedBroker({ port: b.port, logger });
    return { config: brokerConfigSchema.parse({ url: embedded.url, protocolVersion: 4 }), prefix: b.prefix, group: undefined, embedded };
  }
  const { embedded: _e, prefix, group, ...rest } = b;
  return { config: brokerConfigSchema.parse(rest), prefix, group, embedded: undefined };
}

export async function startOffice(config: OfficeConfig, deps: OfficeDeps = {}): Promise<RunningOffice> {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? pino({ level: config.log.level, base: { service: 'office', org: config.org } });
  const store = await openOfficeStore(config, now);
  const broker = await openBroker(config, logger);
  const instance = randomBytes(4).toString('hex');
  const syncs: OfficeSync[] = [];
  for (let i = 0; i < config.ingest.workers; i += 1) {
    const clientId = `office-${config.org}-${instance}-${i}`;
    syncs.push(await startOfficeSync({ broker: broker.config, store, prefix: broker.prefix, clientId, logger, ...(broker.group ? { group: broker.group } : {}) }));
  }
  const downlink = (syncs[0] as OfficeSync).publisher;
  const silentAfterMs = config.anomalies.silentAfterMinutes * 60_000;
  const keysDir = officeKeys(config, logger);
  const domain = createOfficeDomain({
    store,
    org: config.org,
    programmes: config.programmes,
    keys: createFileIssuerKeyRing(keysDir),
    publisher: downlink,
    clock: now,
    anomalyRules: { silentAfterMs },
    logger,
  });
  await domain.registry.seed(config.registry);

  const staff = createStaffServices(store, {
    session: { idleMs: config.staff.sessionIdleMinutes * 60_000, absoluteMs: config.staff.sessionAbsoluteHours * 3_600_000 },
    login: { maxPerAccount: config.staff.loginMaxFailures, maxPerIp: config.staff.loginMaxFailuresPerIp, windowMs: config.staff.loginWindowMinutes * 60_000 },
    ...(deps.scrypt ? { scrypt: deps.scrypt } : {}),
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fa_office_' });
  registerOfficeMetrics(registry, store, syncs.map((x) => x.ingest));
  const web = buildOfficeWeb({
    store,
    staff,
    options: { orgName: config.orgName, secureCookies: config.http.secureCookies, trustProxy: config.http.trustProxy, publicOrigin: config.http.publicOrigin },
    logger,
    now,
    registry,
    health: async () => {
      const storeOk = await store.eventCount().then(() => true, () => false);
      const connected = syncs.map((x) => x.connected());
      return { ok: storeOk && connected.every(Boolean), checks: { store: storeOk ? 'ok' : 'unreachable', store_kind: store.dialect, broker: connected.every(Boolean) ? 'connected' : 'disconnected' } };
    },
    pages: officePages({ domain, silentAfterMs }),
    mounts: Object.keys(config.counter.stations).length > 0 ? [{ path: '/api/counter', app: createCounterApi({ issuance: domain.issuance, stations: config.counter.stations }) }] : [],
  });

  const runJobs = async (): Promise<void> => {
    const at = now();
    const report = await domain.detect(at);
    if (Object.keys(report.added).length > 0) logger.warn({ added: report.added }, 'anomalies found');
    await domain.revocation.publishPending();
    await staff.sessions.purgeExpired(at);
    await staff.limiter.purge(at);
  };
  // Terminals take the issuer's public keys from the retained downlink message.
  void domain.issuance.publishKeys().catch((err: unknown) => logger.warn({ err }, 'issuer keys not published yet'));
  const jobs = periodic(runJobs, config.anomalies.intervalSeconds * 1000, logger);

  const server = deps.listen === false ? null : await listen(web, config);
  const url = server ? `http://${config.http.host}:${(server.address() as AddressInfo).port}` : 'http://in-process';
  logger.info({ url, store: store.dialect, broker: broker.config.url, embeddedBroker: broker.embedded !== undefined, workers: syncs.length }, 'office ready');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await jobs.stop();
      if (server) await new Promise<void>((done) => server.close(() => done()));
      for (const sync of syncs) await sync.stop();
      await broker.embedded?.close();
      await store.close();
      logger.info({}, 'office stopped');
    })());
  return { config, url, brokerUrl: broker.config.url, store, staff, web, downlink, domain, keysDir, runJobs, close };
}

/** The key directory; a demo office creates its key set, a production one refuses to start without it. */
function officeKeys(config: OfficeConfig, logger: Logger): string {
  const dir = resolve(config.keys.dir ?? join(config.dataDir, 'keys'));
  if (!Object.values(KEY_FILES).every((f) => existsSync(join(dir, f)))) {
    if (!config.keys.create) throw new Error(`the office's key directory ${dir} has no complete key set (${Object.values(KEY_FILES).join(', ')}), and keys.create is off`);
    generateDevKeys(dir);
    logger.warn({ dir }, 'created a new issuer key and master keys; terminals need the master keys from this directory');
  }
  return dir;
}

function registerOfficeMetrics(registry: Registry, store: OfficeStore, ingests: readonly Ingest[]): void {
  const sum = (pick: (s: ReturnType<Ingest['stats']>) => number) => () => ingests.reduce((n, i) => n + pick(i.stats()), 0);
  scrapedGauge(registry, 'fa_office_ingest_batches', 'Event batches stored since start', sum((s) => s.batches));
  scrapedGauge(registry, 'fa_office_ingest_events', 'Events inserted since start', sum((s) => s.inserted));
  scrapedGauge(registry, 'fa_office_ingest_duplicates', 'Repeated events ignored since start', sum((s) => s.duplicates));
  scrapedGauge(registry, 'fa_office_ingest_refused', 'Messages refused (dead letters) since start', sum((s) => Object.values(s.refused).reduce((a, b) => a + b, 0)));
  scrapedGauge(registry, 'fa_office_ingest_store_errors', 'Batches the store could not take since start', sum((s) => s.storeErrors));
  scrapedGauge(registry, 'fa_office_events', 'Events in the store', () => store.eventCount());
  scrapedGauge(registry, 'fa_office_terminals_online', 'Terminals whose last status is online', async () => (await store.terminals()).filter((t) => t.online === true).length);
}

/** Runs `job` every `everyMs`, never two at once; a failure is logged and the next run comes. */
function periodic(job: () => Promise<void>, everyMs: number, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = job()
      .catch((err: unknown) => logger.error({ err }, 'periodic office job failed'))
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

function listen(web: OfficeWeb, config: OfficeConfig): Promise<ServerType> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: web.app.fetch, hostname: config.http.host, port: config.http.port }, () => done(server));
    server.once('error', fail);
  });
}
