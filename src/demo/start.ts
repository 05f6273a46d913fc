/**
 * The composition root of the demo: a whole city in one process. The office (SQLite, with an
 * embedded MQTT broker), two taxi terminals of different companies, a gate with In and Out
 * readers and a counter station, all on emulated readers that share one wallet of virtual
 * cards, each terminal syncing to the office through the broker.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { createFileKeyStore, defaultLayout, type CardContext } from '../free-area/index.js';
import { parseOfficeConfig } from '../office/config.js';
import { startOffice, type RunningOffice } from '../office/start.js';
import type { ScryptParams } from '../office/web/staff/passwords.js';
import { openWallet } from '../reader/emulator/index.js';
import { parseTerminalConfig } from '../terminal/config.js';
import { startTerminal, type RunningTerminal } from '../terminal/start.js';
import { DEFAULT_PORT_BASE, DEMO_COUNTER, DEMO_ORG, DEMO_ORG_NAME, DEMO_TERMINALS, OFFICE_PORT_OFFSET, demoRegistry, type DemoTerminalSpec } from './city.js';
import { startCounterService, type RunningCounterService } from './counter-service.js';
import { startCounterPresence } from './counter-presence.js';
import { createCounterStation } from './counter-station.js';
import { ensureDemoLogin, type DemoLogin } from './login.js';
import { portOrAny } from './ports.js';
import { seedDemoCity } from './seed.js';

export interface DemoOptions {
  /** Default `./data/demo`. */
  readonly dataDir?: string;
  /** Office on base+10, taxis on base+1 and base+2, gate base+3, counter base+4; 0: any free ports. */
  readonly portBase?: number;
  readonly host?: string;
  /** Default: warnings and errors to standard error. */
  readonly logger?: Logger;
  /** Password hashing cost of the demo account; tests lower it. */
  readonly scrypt?: ScryptParams;
}

export interface DemoPart {
  readonly id: string;
  readonly kind: 'office' | 'taxi' | 'gate' | 'counter';
  readonly label: string;
  readonly url: string;
  /** The port asked for, when it was taken and another one was used. */
  readonly movedFrom?: number;
}

export interface RunningDemo {
  readonly dataDir: string;
  readonly office: RunningOffice;
  readonly terminals: readonly RunningTerminal[];
  readonly counter: RunningCounterService;
  /** Office first, then the terminals and the counter station, with their URLs. */
  readonly parts: readonly DemoPart[];
  readonly login: DemoLogin;
  readonly walletDir: string;
  /** Cards created in the wallet on this start (none once it has cards). */
  readonly seeded: readonly string[];
  /** From the call until everything listens and the wallet is ready. */
  readonly startupMs: number;
  close(): Promise<void>;
}

interface Ports {
  readonly ask: (offset: number) => number;
  readonly pick: (offset: number) => Promise<number>;
}

function ports(base: number, host: string): Ports {
  const ask = (offset: number) => (base === 0 ? 0 : base + offset);
  return { ask, pick: (offset) => portOrAny(ask(offset), host) };
}

function part(id: string, kind: DemoPart['kind'], label: string, url: string, asked: number): DemoPart {
  const port = Number(new URL(url).port);
  return { id, kind, label, url, ...(asked !== 0 && port !== asked ? { movedFrom: asked } : {}) };
}

async function startDemoTerminal(spec: DemoTerminalSpec, ctx: { dir: string; host: string; port: number; office: RunningOffice; walletDir: string; logger: Logger }): Promise<RunningTerminal> {
  const config = parseTerminalConfig({
    terminal: { id: spec.id, org: DEMO_ORG, number: spec.number, ...(spec.company ? { company: spec.company } : {}) },
    dataDir: join(ctx.dir, spec.id),
    http: { host: ctx.host, port: ctx.port },
    reader: { kind: 'emulator', wallet: ctx.walletDir, demoCards: false },
    // The office's key directory: an emulated terminal with a key set of its own would make new keys.
    card: { keys: ctx.office.keysDir },
    app: { kind: spec.kind },
    sync: { url: ctx.office.brokerUrl, prefix: ctx.office.config.broker.prefix, protocolVersion: 4 },
  }, `the demo's ${spec.id}`);
  return startTerminal(config, { logger: ctx.logger.child({ terminal: spec.id }) });
}

function startDemoOffice(ctx: { dir: string; host: string; port: number; counterToken: string; logger: Logger; scrypt?: ScryptParams }): Promise<RunningOffice> {
  const config = parseOfficeConfig({
    org: DEMO_ORG,
    orgName: DEMO_ORG_NAME,
    dataDir: join(ctx.dir, 'office'),
    http: { host: ctx.host, port: ctx.port },
    broker: { embedded: true, port: 0 },
    registry: demoRegistry(),
    counter: { stations: { [DEMO_COUNTER.id]: ctx.counterToken } },
  }, 'the demo office');
  return startOffice(config, { logger: ctx.logger.child({ part: 'office' }), ...(ctx.scrypt ? { scrypt: ctx.scrypt } : {}) });
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  const lap = (name: string) => (phases[name] = Math.round(performance.now() - started));
  const dir = resolve(options.dataDir ?? join('data', 'demo'));
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'warn' }, pino.destination(2));
  const port = ports(options.portBase ?? DEFAULT_PORT_BASE, host);
  mkdirSync(dir, { recursive: true });

  const counterToken = randomBytes(24).toString('base64url');
  const office = await startDemoOffice({ dir, host, port: await port.pick(OFFICE_PORT_OFFSET), counterToken, logger, ...(options.scrypt ? { scrypt: options.scrypt } : {}) });
  lap('office');
  const opened: { close(): Promise<void> }[] = [];
  const stop = (p: { close(): Promise<void> }) => p.close().catch((err: unknown) => logger.error({ err }, 'a part of the demo did not stop cleanly'));
  let closing: Promise<void> | undefined;
  // Terminals and the counter first (a tap in progress is finished), then the office.
  const close = () => (closing ??= Promise.all(opened.map(stop)).then(() => stop(office)));
  try {
    const walletDir = join(dir, 'wallet');
    const wallet = openWallet(walletDir);
    const card: CardContext = { layout: defaultLayout(), keys: createFileKeyStore(office.keysDir) };
    const station = createCounterStation({ station: DEMO_COUNTER.id, officeUrl: office.url, officeToken: counterToken, wallet, card });
    // Everything after the office at once: hashing the demo password takes a second or so, and
    // the terminals open no card until someone taps, so the wallet is filled meanwhile.
    const login = ensureDemoLogin(office.staff, dir, Date.now()).finally(() => lap('login'));
    const seeding = (wallet.list().length === 0 ? seedDemoCity({ office, station, wallet, card, now: Date.now(), logger }) : Promise.resolve([])).finally(() => lap('wallet'));
    const starting = DEMO_TERMINALS.map(async (spec) => startDemoTerminal(spec, { dir, host, port: await port.pick(spec.portOffset), office, walletDir, logger }));
    const counterStarting = (async () => startCounterService({ station, label: DEMO_COUNTER.label, wallet, card, officeUrl: office.url, host, port: await port.pick(DEMO_COUNTER.portOffset) }))();
    const presence = startCounterPresence({ brokerUrl: office.brokerUrl, prefix: office.config.broker.prefix, org: DEMO_ORG, station: DEMO_COUNTER.id });
    const services = await Promise.allSettled([...starting, counterStarting, presence]);
    for (const s of services) if (s.status === 'fulfilled') opened.push(s.value);
    lap('services');
    const failed = [...services, ...(await Promise.allSettled([login, seeding]))].find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [terminals, counter, seeded] = [await Promise.all(starting), await counterStarting, await seeding];
    const parts: DemoPart[] = [
      part('office', 'office', `${DEMO_ORG_NAME} 市役所 (office dashboard)`, office.url, port.ask(OFFICE_PORT_OFFSET)),
      ...DEMO_TERMINALS.map((spec, i) => part(spec.id, spec.kind, spec.label, (terminals[i] as RunningTerminal).url, port.ask(spec.portOffset))),
      part(DEMO_COUNTER.id, 'counter', DEMO_COUNTER.label, counter.url, port.ask(DEMO_COUNTER.portOffset)),
    ];
    const startupMs = performance.now() - started;
    logger.info({ phasesMs: phases, startupMs: Math.round(startupMs), seeded: seeded.length }, 'demo ready');
    return { dataDir: dir, office, terminals, counter, parts, walletDir, seeded, login: await login, startupMs, close };
  } catch (error) {
    await close();
    throw error;
  }
}
