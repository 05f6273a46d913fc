/**
 * What a simulation run is: its scale, its seed and which faults it injects. Two presets (a
 * town, a prefecture) give every figure a default; the command line overrides any of them.
 */
import { z } from 'zod';
import { BROKERS } from './broker.js';

export const FAULTS = ['tears', 'kills', 'broker', 'cuts', 'dups', 'skew', 'fraud'] as const;
export type Fault = (typeof FAULTS)[number];

export const SCALES = ['town', 'prefecture'] as const;
export type Scale = (typeof SCALES)[number];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day "YYYY-MM-DD"');
const share = z.number().min(0).max(1);

export const simOptionsSchema = z.strictObject({
  scale: z.enum(SCALES),
  seed: z.int().min(0).max(0xffff_ffff),
  municipalities: z.int().min(1).max(99),
  terminals: z.int().min(2),
  cards: z.int().min(10),
  days: z.int().min(1).max(366),
  /** First simulated day, Japan time; taxi rides and gate passages fall between 07:00 and 21:00. */
  startDay: day,
  faults: z.array(z.enum(FAULTS)),
  /** Of the terminals, the share that are building gates (at least one per municipality). */
  gateShare: share,
  /** Of the cards, the share that are staff building passes and visitor passes; the rest are taxi-subsidy cards. */
  staffShare: share,
  visitorShare: share,
  /** Expected taxi rides per subsidy card per day. */
  ridesPerCardDay: z.number().min(0).max(2),
  /** Fault rates, applied only when the fault is on. */
  tearRate: share,
  killRate: share,
  outagesPerDay: z.number().min(0).max(10),
  /** Connections cut per day; on a shared connection a cut takes the whole group offline. */
  cutsPerDay: z.number().min(0),
  dupsPerDay: z.number().min(0),
  skewShare: share,
  /** Clock offsets stay within ± this; the office's tolerance for clock disagreement is 5 minutes. */
  skewMaxMs: z.int().min(0),
  /** Injected frauds of each kind (forged grant, rewound card, revoked card used). */
  fraudEach: z.int().min(0),
  /** The embedded aedes broker, or a Mosquitto of the run's own (a child process). */
  broker: z.enum(BROKERS),
  /** The office's ingest in a worker thread of its own (its own SQLite connection), as production runs it apart. */
  ingestWorker: z.boolean(),
  /** Cards issued at a counter in a worker thread of its own, ahead of each day's first uses. */
  counterWorker: z.boolean(),
  /**
   * Districts the municipalities are dealt out to, each running its terminals, cards and holders
   * in a worker thread of its own (1: everything in the run's thread). At most one per municipality.
   */
  districts: z.int().min(1).max(32),
  /** Terminal uplinks sharing one MQTT connection (1: every terminal its own, as in production). */
  terminalsPerConnection: z.int().min(1),
  /** synchronous=FULL for journals and the office store (fsync at every commit) instead of NORMAL. */
  durable: z.boolean(),
  /** Directory for journals and the office database; a fresh temporary one when absent. */
  dataDir: z.string().min(1).optional(),
  /** Keep the data directory afterwards. */
  keep: z.boolean(),
  /** Real-time limit for the end-of-day drain before the run is declared stuck. */
  drainTimeoutMs: z.int().min(1000),
});

export type SimOptions = z.infer<typeof simOptionsSchema>;
type Input = z.input<typeof simOptionsSchema>;
/** Options as given: any of them, `undefined` meaning the preset's. */
export type SimOptionsInput = { readonly [K in keyof Input]?: Input[K] | undefined };

const COMMON = {
  seed: 1,
  startDay: '2026-06-01',
  faults: [...FAULTS],
  keep: false,
  durable: false,
  skewMaxMs: 4 * 60_000,
  drainTimeoutMs: 120_000,
};

export const PRESETS: Readonly<Record<Scale, Omit<SimOptions, 'scale' | 'dataDir'>>> = {
  town: {
    ...COMMON,
    municipalities: 1,
    terminals: 20,
    cards: 500,
    days: 7,
    gateShare: 0.2,
    staffShare: 0.16,
    visitorShare: 0.04,
    ridesPerCardDay: 0.15,
    tearRate: 0.04,
    killRate: 0.015,
    outagesPerDay: 1,
    cutsPerDay: 6,
    dupsPerDay: 6,
    skewShare: 0.3,
    fraudEach: 2,
    broker: 'embedded',
    ingestWorker: false,
    counterWorker: false,
    districts: 1,
    terminalsPerConnection: 1,
  },
  prefecture: {
    ...COMMON,
    municipalities: 35,
    terminals: 2000,
    cards: 100_000,
    days: 30,
    gateShare: 0.1,
    staffShare: 0.03,
    visitorShare: 0.005,
    ridesPerCardDay: 0.033,
    tearRate: 0.01,
    killRate: 0.002,
    outagesPerDay: 0.3,
    cutsPerDay: 4,
    dupsPerDay: 40,
    skewShare: 0.2,
    fraudEach: 10,
    broker: 'mosquitto',
    ingestWorker: true,
    counterWorker: true,
    districts: 2,
    terminalsPerConnection: 50,
  },
};

/** The preset of the scale with the given overrides, checked; lists every bad field. */
export function resolveOptions(input: SimOptionsInput): SimOptions {
  const scale = input.scale ?? 'town';
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = simOptionsSchema.safeParse({ ...PRESETS[scale], ...defined, scale });
  if (!parsed.success) {
    throw new RangeError(`bad simulation options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const o = parsed.data;
  if (o.terminals < 2 * o.municipalities) throw new RangeError(`${o.terminals} terminals cannot give each of ${o.municipalities} municipalities a taxi and a gate`);
  return o;
}
