/**
 * The one configuration file of a terminal, validated once at start-up. Every field has a
 * default, so an empty file (or none) runs a taxi terminal on emulated cards under ./data, and
 * `{ "app": { "kind": "gate" } }` runs the default gate on emulated In and Out readers.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EXAMPLE_TERMINAL_PROGRAMMES } from '../apps/taxi-ticket/examples.js';
import { terminalProgrammesSchema } from '../apps/taxi-ticket/programmes.js';
import { gateReaders } from '../apps/gate/index.js';
import { gateAppSchema } from './gate-config.js';
import { issuerAppSchema } from './issuer.js';

/** IDs end up in MQTT topics and file names: no `/`, `+`, `#` or spaces. */
const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64), starting with a letter or digit');

const DEFAULT_EMULATED_READER = 'Emulated Reader 0';
const DEFAULT_TERMINAL_ID = 'taxi-demo-1';

const emulatorReader = z.strictObject({
  kind: z.literal('emulator'),
  /** Wallet directory of virtual cards; default `<dataDir>/wallet`. */
  wallet: z.string().optional(),
  /** Reader names; a gate left at the default gets its doors' readers instead. */
  readers: z.array(z.string().min(1)).min(1).default([DEFAULT_EMULATED_READER]),
  /** Virtual cards to create in an empty wallet, so the terminal can be tried at once. */
  demoCards: z.boolean().default(true),
});

const pcscReader = z.strictObject({
  kind: z.literal('pcsc'),
  /** Reader names (or parts of names) to use; all readers when omitted. */
  readers: z.array(z.string().min(1)).optional(),
});

const taxiApp = z.strictObject({
  kind: z.literal('taxi'),
  programmes: terminalProgrammesSchema.default(terminalProgrammesSchema.parse(EXAMPLE_TERMINAL_PROGRAMMES)),
});

const syncConfig = z.strictObject({
  /** `mqtt://host:1883` or `mqtts://host:8883`. */
  url: z.string().regex(/^mqtts?:\/\/[^/]+$/, 'mqtt://host:port or mqtts://host:port'),
  prefix: z.string().regex(/^[A-Za-z0-9_/.-]+$/).default('fa/v1'),
  username: z.string().optional(),
  password: z.string().optional(),
  tls: z.strictObject({ ca: z.string(), cert: z.string(), key: z.string() }).optional(),
  /** 5 for Mosquitto and EMQX; 4 for the embedded demo broker, which speaks MQTT 3.1.1 only. */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  batchSize: z.number().int().min(1).max(5000).default(500),
  /** Most events per second the backlog drains at (0: no limit). */
  ratePerSecond: z.number().int().min(0).default(0),
});

/** The app section alone: what the office may push down as configuration. */
export const appConfigSchema = z.discriminatedUnion('kind', [taxiApp, gateAppSchema, issuerAppSchema]);

export const terminalConfigSchema = z.strictObject({
  terminal: z
    .strictObject({
      id: idSchema.default(DEFAULT_TERMINAL_ID),
      org: idSchema.default('demo-city'),
      /** Written into every card slot this terminal writes (last terminal). */
      number: z.number().int().min(1).max(0xffff_ffff).default(1),
      /** Taxi company (for clearing at the office). */
      company: z.string().min(1).default('demo-taxi'),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Bearer token for mutating endpoints; generated into `<dataDir>/http-token` when omitted. */
      token: z.string().min(16).optional(),
    })
    .prefault({}),
  dataDir: z.string().default('./data'),
  reader: z.discriminatedUnion('kind', [emulatorReader, pcscReader]).prefault({ kind: 'emulator' }),
  card: z
    .strictObject({
      /** Layout file (AID, file IDs, offsets, write authentication); the default layout when omitted. */
      layout: z.string().optional(),
      /** Key directory; default `<dataDir>/keys` (development keys are created there for emulated readers). */
      keys: z.string().optional(),
    })
    .prefault({}),
  app: z.discriminatedUnion('kind', [taxiApp, gateAppSchema, issuerAppSchema]).prefault({ kind: 'taxi' }),
  journal: z
    .strictObject({
      synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
      /** Synced events older than this may be pruned; unsynced events never are. */
      retentionDays: z.number().int().min(1).default(90),
    })
    .prefault({}),
  sync: syncConfig.optional(),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') }).prefault({}),
}).transform(gateDefaults);

/**
 * A gate whose emulated readers and terminal ID were left at the taxi defaults gets its doors'
 * reader names (so the demo has an In and an Out reader) and the ID `gate-demo-1`.
 */
function gateDefaults<T extends { terminal: { id: string }; reader: { kind: string; readers?: string[] | undefined }; app: { kind: string } }>(config: T): T {
  if (config.app.kind !== 'gate' || !('gate' in config.app)) return config;
  const gate = config.app.gate as Parameters<typeof gateReaders>[0];
  const defaultReaders = config.reader.kind === 'emulator' && config.reader.readers?.length === 1 && config.reader.readers[0] === DEFAULT_EMULATED_READER;
  return {
    ...config,
    terminal: config.terminal.id === DEFAULT_TERMINAL_ID ? { ...config.terminal, id: 'gate-demo-1' } : config.terminal,
    reader: defaultReaders ? { ...config.reader, readers: gateReaders(gate) } : config.reader,
  };
}

export type TerminalConfig = z.output<typeof terminalConfigSchema>;
export type TerminalConfigInput = z.input<typeof terminalConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly string[];
  constructor(source: string, issues: readonly string[]) {
    super(`${source} is not a valid terminal configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.issues = issues;
  }
}

export function parseTerminalConfig(input: unknown, source = 'configuration'): TerminalConfig {
  const result = terminalConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`));
  }
  return result.data;
}

/** Reads and validates a JSON configuration file; every bad field is listed in the error. */
export function loadTerminalConfig(file: string | undefined): TerminalConfig {
  if (file === undefined) return parseTerminalConfig({}, 'the default configuration');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`is not JSON: ${(error as Error).message}`]);
  }
  return parseTerminalConfig(json, file);
}
