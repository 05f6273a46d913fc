/**
 * The office's one configuration file, validated once at start-up. Every field has a
 * default: with no file the office runs on SQLite under ./data/office with an embedded MQTT
 * broker and serves its dashboard on http://127.0.0.1:8090 (the demo).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { brokerConfigSchema, DEFAULT_PREFIX, topicIdSchema } from '../sync/index.js';
import { officeProgrammesSchema, registrySeedSchema } from './domain/index.js';
import type { OfficeProgrammeInput } from './domain/index.js';

/** The example programmes the demo terminals honour (src/apps/taxi-ticket/examples.ts), as the office issues them. */
export const EXAMPLE_OFFICE_PROGRAMMES: readonly OfficeProgrammeInput[] = [
  { id: '102016-1', name: { ja: '前橋市 マイタク', en: 'Maebashi MyTaku' }, unit: 'coupon', amount: 70, dailyUses: 2 },
  { id: '244716-1', name: { ja: '大紀町 タクシー運賃補助', en: 'Taiki taxi fare subsidy' }, unit: 'coupon', amount: 24 },
  { id: '132055-1', name: { ja: '青梅市 タクシー運賃助成', en: 'Ome taxi fare support' }, unit: 'yen', amount: 36_000, monthlyUnits: 3000 },
  { id: '072010-1', name: { ja: 'タクシー利用券（例）', en: 'Taxi coupons (example)' }, unit: 'coupon', amount: 24 },
];

/** The demo taxi terminal's company (src/terminal/config.ts defaults), so its rides clear under a name. */
const DEMO_REGISTRY = {
  companies: [{ company: 'demo-taxi', name: 'デモ交通' }],
  terminals: [{ terminal: 'taxi-demo-1', kind: 'taxi' as const, company: 'demo-taxi', label: 'デモ車両 1' }],
};

const sqliteStore = z.strictObject({
  kind: z.literal('sqlite'),
  /** Database file; default `<dataDir>/office.db`. */
  path: z.string().min(1).optional(),
});

const postgresStore = z.strictObject({
  kind: z.literal('postgres'),
  /** `postgres://user:password@host:5432/database`. */
  url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
  /** Every table lives in this schema (created if missing). */
  schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain SQL identifier').default('fa_office'),
  /** Connections in the pool. */
  max: z.number().int().min(1).max(64).default(8),
});

/** The broker: `embedded: true` runs an in-process one (demo), otherwise `url` and the rest of the sync broker settings. */
const brokerSchema = z.union([
  z.strictObject({
    embedded: z.literal(true),
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65535).default(0),
    prefix: z.string().regex(/^[A-Za-z0-9_/.-]+$/).default(DEFAULT_PREFIX),
  }),
  brokerConfigSchema.extend({
    embedded: z.literal(false).optional(),
    prefix: z.string().regex(/^[A-Za-z0-9_/.-]+$/).default(DEFAULT_PREFIX),
    /** MQTT 5 shared-subscription group, so several office processes share the ingest. */
    group: topicIdSchema.optional(),
  }),
]);

export const officeConfigSchema = z.strictObject({
  /** The organisation (municipality) whose terminals this office serves; a topic level. */
  org: topicIdSchema.default('demo-city'),
  /** Shown in the dashboard's header. */
  orgName: z.string().min(1).max(64).default('デモ市'),
  dataDir: z.string().default('./data/office'),
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8090),
      /** Cookies marked Secure: set when the office is reached over HTTPS (directly or through a proxy). */
      secureCookies: z.boolean().default(false),
      /** Behind a reverse proxy: client address and origin from X-Forwarded-* headers. */
      trustProxy: z.boolean().default(false),
      /** The address staff type into the browser, e.g. https://office.example.jp (for the origin check). */
      publicOrigin: z.url().optional(),
    })
    .prefault({}),
  store: z.discriminatedUnion('kind', [sqliteStore, postgresStore]).prefault({ kind: 'sqlite' }),
  broker: brokerSchema.default({ embedded: true, port: 0, prefix: DEFAULT_PREFIX }),
  ingest: z
    .strictObject({
      /** Ingest workers in this process (each its own broker connection; needs a shared-subscription group above 1). */
      workers: z.number().int().min(1).max(16).default(1),
    })
    .prefault({}),
  keys: z
    .strictObject({
      /** The issuer signing key and the master keys (src/free-area keystore files); default `<dataDir>/keys`. */
      dir: z.string().optional(),
      /** Create a new key set when the directory has none (the demo); production keys are made once and kept. */
      create: z.boolean().default(true),
    })
    .prefault({}),
  /** What the counter issues: unit, yearly amount and limits per programme. */
  programmes: officeProgrammesSchema.default(officeProgrammesSchema.parse(EXAMPLE_OFFICE_PROGRAMMES)),
  /** Taxi companies and terminals, registered (or updated) at every start. */
  registry: registrySeedSchema.default(registrySeedSchema.parse(DEMO_REGISTRY)),
  counter: z
    .strictObject({
      /** Counter station ID → its bearer token (16+ characters) for the counter API at /api/counter. */
      stations: z.record(topicIdSchema, z.string().min(16)).default({}),
    })
    .prefault({}),
  anomalies: z
    .strictObject({
      /** How often the detection pass runs. */
      intervalSeconds: z.number().int().min(5).max(86_400).default(60),
      /** A terminal that sends nothing for this long is flagged silent. */
      silentAfterMinutes: z.number().int().min(1).max(10_080).default(60),
    })
    .prefault({}),
  staff: z
    .strictObject({
      sessionIdleMinutes: z.number().int().min(1).max(24 * 60).default(30),
      sessionAbsoluteHours: z.number().int().min(1).max(72).default(12),
      loginMaxFailures: z.number().int().min(1).max(100).default(5),
      loginMaxFailuresPerIp: z.number().int().min(1).max(10_000).default(20),
      loginWindowMinutes: z.number().int().min(1).max(24 * 60).default(15),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') }).prefault({}),
}).superRefine((c, ctx) => {
  if (c.ingest.workers > 1 && (c.broker.embedded === true || c.broker.group === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['ingest', 'workers'], message: 'more than one ingest worker needs an external broker and broker.group (MQTT 5 shared subscription)' });
  }
});

export type OfficeConfig = z.output<typeof officeConfigSchema>;
export type OfficeConfigInput = z.input<typeof officeConfigSchema>;

export class OfficeConfigError extends Error {
  override readonly name = 'OfficeConfigError';
  readonly issues: readonly string[];
  constructor(source: string, issues: readonly string[]) {
    super(`${source} is not a valid office configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.issues = issues;
  }
}

export function parseOfficeConfig(input: unknown, source = 'configuration'): OfficeConfig {
  const result = officeConfigSchema.safeParse(input ?? {});
  if (!result.success) throw new OfficeConfigError(source, result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`));
  return result.data;
}

/** Reads and validates a JSON configuration file; every bad field is listed in the error. */
export function loadOfficeConfig(file: string | undefined): OfficeConfig {
  if (file === undefined) return parseOfficeConfig({}, 'the default configuration');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OfficeConfigError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OfficeConfigError(file, [`is not JSON: ${(error as Error).message}`]);
  }
  return parseOfficeConfig(json, file);
}
