/**
 * The one configuration file of a terminal, validated once at start-up. Every field has a
 * default, so an empty file (or none) runs a taxi terminal on emulated cards under ./data.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EXAMPLE_TERMINAL_PROGRAMMES } from '../apps/taxi-ticket/examples.js';
import { terminalProgrammesSchema } from '../apps/taxi-ticket/programmes.js';

/** IDs end up in MQTT topics and file names: no `/`, `+`, `#` or spaces. */
const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64), starting with a letter or digit');

const emulatorReader = z.strictObject({
  kind: z.literal('emulator'),
  /** Wallet directory of virtual cards; default `<dataDir>/wallet`. */
  wallet: z.string().optional(),
  readers: z.array(z.string().min(1)).min(1).default(['Emulated Reader 0']),
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
  batchSize: z.number().int().min(1).max(5000).default(500),
  /** Most events per second the backlog drains at (0: no limit). */
  ratePerSecond: z.number().int().min(0).default(0),
});

export const terminalConfigSchema = z.strictObject({
  terminal: z
    .strictObject({
      id: idSchema.default('taxi-demo-1'),
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
  app: z.discriminatedUnion('kind', [taxiApp]).prefault({ kind: 'taxi' }),
  journal: z
    .strictObject({
      synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
      /** Synced events older than this may be pruned; unsynced events never are. */
      retentionDays: z.number().int().min(1).default(90),
    })
    .prefault({}),
  sync: syncConfig.optional(),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') }).prefault({}),
});

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
