/**
 * The composition root of a terminal: configuration in, a running device out. Wires the
 * reader backend, the journal, the app and the HTTP service; nothing else builds them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { pino, type Logger } from 'pino';
import { defaultLayout, parseLayout, type CardContext, type IssuerSigner, type KeyStore, type Layout } from '../free-area/index.js';
import { openJournal, type Journal } from '../journal/index.js';
import type { ReaderBackend } from '../reader/monitor.js';
import { createEmulatorBackend, openWallet, type EmulatorBackend, type Wallet } from '../reader/emulator/index.js';
import { createPcscBackend } from '../reader/pcsc.js';
import type { TerminalConfig } from './config.js';
import { fillDemoWallet } from './demo-wallet.js';
import { fillGateDemoWallet } from './demo-wallet-gate.js';
import { createGateTerminalApp } from './gate.js';
import { createIssuerTerminalApp, fillIssuerWallet } from './issuer-app.js';
import { createEventHub, type EventHub } from './http/event-hub.js';
import { loadTerminalKeys } from './keys.js';
import { createTerminalMetrics, type TerminalMetrics } from './metrics.js';
import { attachReaderLoop, type ReaderLoop } from './reader-loop.js';
import { createTaxiTerminalApp, type TerminalApp } from './taxi.js';
import { buildHttp } from './http-wiring.js';
import { startTerminalSync, withPublishedIssuerKeys } from './sync.js';
import { heapLimitMb } from './node-options.js';
import type { CardChannel } from '../reader/channel.js';

export interface TerminalDeps {
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Listen on `config.http` (default true); tests may use `app.request` instead. */
  readonly listen?: boolean;
}

export interface RunningTerminal {
  readonly config: TerminalConfig;
  readonly url: string;
  readonly http: OpenAPIHono;
  readonly journal: Journal;
  readonly backend: ReaderBackend;
  readonly wallet: Wallet | null;
  readonly app: TerminalApp;
  readonly token: string;
  readonly metrics: TerminalMetrics;
  readonly hub: EventHub;
  readonly loop: ReaderLoop<unknown>;
  close(): Promise<void>;
}

export async function startTerminal(config: TerminalConfig, deps: TerminalDeps = {}): Promise<RunningTerminal> {
  const started = performance.now();
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? pino({ level: config.log.level, base: { terminal: config.terminal.id } });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const emulated = config.reader.kind === 'emulator';
  const { keys: fileKeys, devSigner, created } = loadTerminalKeys(resolve(config.card.keys ?? join(dataDir, 'keys')), emulated);
  if (created) logger.warn({ dir: join(dataDir, 'keys') }, 'created development keys: for emulated cards only');
  const layout = config.card.layout ? parseLayout(JSON.parse(readFileSync(config.card.layout, 'utf8'))) : defaultLayout();
  const journal = openJournal({ path: join(dataDir, 'journal.db'), terminalId: config.terminal.id, synchronous: config.journal.synchronous, now, logger });
  reportInDoubt(journal, logger);
  const keys = withPublishedIssuerKeys(fileKeys, journal);
  const card: CardContext = { layout, keys };

  const { backend, wallet } = await readerBackend(config, dataDir, logger);
  if (wallet && config.reader.kind === 'emulator' && config.reader.demoCards && devSigner) {
    const made = await fillWallet(config, wallet, { layout, keys, signer: devSigner, now: now() });
    if (made.length > 0) logger.info({ wallet: wallet.dir, cards: made }, 'demo cards created');
  }
  const hub = createEventHub();
  const metrics = createTerminalMetrics();
  const wiring = { config, journal, card, now, logger, hub, metrics, newRideId: () => `${config.terminal.id}-${randomUUID()}` };
  const app = config.app.kind === 'gate' ? createGateTerminalApp(wiring) : config.app.kind === 'issuer' ? createIssuerTerminalApp(wiring) : createTaxiTerminalApp(wiring);
  const sync = startTerminalSync(config, journal, logger, (appConfig) => app.reconfigure?.(appConfig));
  const handle = async (channel: CardChannel, reader: string) => {
    try {
      return await app.handleCard(channel, reader);
    } finally {
      sync.kick();
    }
  };
  const loop = attachReaderLoop<unknown>({ backend, handle, now, logger, onChange: () => hub.publish({ type: 'status', data: shortStatus() }) });
  const token = config.http.token ?? httpToken(dataDir);
  const shortStatus = () => ({ readers: loop.readers(), backlog: journal.syncState().backlog, readerService: loop.backendUp(), online: sync.connected() });
  const syncStatus = () => ({ sync: { configured: config.sync !== undefined, online: sync.connected(), versions: sync.versions(), uplink: sync.uplinkStats() ?? null, downlink: sync.downlinkStats() ?? null } });
  const http = buildHttp({ config, journal, metrics, hub, token, app, loop, backend, wallet, card, startedAt: now(), extraStatus: syncStatus });
  await backend.start();
  const server = deps.listen === false ? null : await listen(http, config);
  const url = server ? `http://${config.http.host}:${(server.address() as AddressInfo).port}` : 'http://in-process';
  const pruneTimer = setInterval(() => prune(journal, config, logger), 60 * 60 * 1000).unref();
  logger.info({ url, app: config.app.kind, readers: backend.readers(), startMs: Math.round(performance.now() - started), heapLimitMb: heapLimitMb() }, 'terminal ready');

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(pruneTimer);
      await backend.stop();
      await loop.idle();
      await app.idle();
      await app.close?.();
      await sync.stop();
      await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
      journal.close();
      logger.info({}, 'terminal stopped');
    })());
  return { config, url, http, journal, backend, wallet, app, token, metrics, hub, loop, close };
}

/** Demo cards for the app the terminal runs: taxi coupons, building passes under the gate's programme, or blank cards for the counter. */
function fillWallet(config: TerminalConfig, wallet: Wallet, ctx: { layout: Layout; keys: KeyStore; signer: IssuerSigner; now: number }): Promise<string[]> {
  if (config.app.kind === 'issuer') return fillIssuerWallet(wallet, ctx);
  if (config.app.kind !== 'gate') return fillDemoWallet(wallet, ctx);
  const programme = config.app.gate.programmes[0];
  return programme === undefined ? Promise.resolve([]) : fillGateDemoWallet(wallet, { ...ctx, programme });
}

async function readerBackend(config: TerminalConfig, dataDir: string, logger: Logger): Promise<{ backend: ReaderBackend; wallet: Wallet | null }> {
  if (config.reader.kind === 'emulator') {
    const backend: EmulatorBackend = createEmulatorBackend({ readers: config.reader.readers });
    return { backend, wallet: openWallet(resolve(config.reader.wallet ?? join(dataDir, 'wallet'))) };
  }
  const wanted = config.reader.readers;
  const filter = wanted ? (name: string) => wanted.some((w) => name.includes(w)) : undefined;
  return { backend: createPcscBackend({ logger, ...(filter ? { readerFilter: filter } : {}) }), wallet: null };
}

function reportInDoubt(journal: Journal, logger: Logger): void {
  const open = journal.openIntents();
  if (open.length === 0) return;
  logger.warn(
    { intents: open.map((i) => ({ intentId: i.intentId, cardId: i.cardId, units: i.units, at: new Date(i.at).toISOString() })) },
    `${open.length} card write(s) in doubt: each is settled when its card is next read`,
  );
}

function httpToken(dataDir: string): string {
  const file = join(dataDir, 'http-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

function prune(journal: Journal, config: TerminalConfig, logger: Logger): void {
  try {
    const result = journal.prune({ olderThanMs: config.journal.retentionDays * 86_400_000 });
    if (result.deleted > 0) logger.info(result, 'pruned synced journal events');
  } catch (error) {
    logger.warn({ err: error }, 'journal prune failed');
  }
}

function listen(app: OpenAPIHono, config: TerminalConfig): Promise<ServerType> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port }, () => done(server));
    server.once('error', fail);
  });
}
