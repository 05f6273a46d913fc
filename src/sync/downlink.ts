import type { MqttClient } from 'mqtt';
import type { z } from 'zod';
import { decodePayload, issueList } from './decode.js';
import { canonicalJson } from './hash.js';
import type { DownlinkJournal, JsonValue } from './journal-port.js';
import { silentLogger, systemClock } from './logger.js';
import type { Clock, SyncLogger } from './logger.js';
import {
  configMessageSchema,
  denyListDeltaSchema,
  denyListSnapshotSchema,
  issuerKeysSchema,
  MAX_DOWNLINK_BYTES,
  SCHEMA_VERSION,
} from './schemas.js';
import type { DenyListDelta, DenyListSnapshot, IssuerKey, Report } from './schemas.js';
import type { TerminalTopics } from './topics.js';

/** Journal meta keys where the applied configuration and issuer keys survive a restart. */
export const META_CONFIG = 'sync.config';
export const META_KEYS = 'sync.issuerKeys';

export interface DownlinkOptions<C> {
  readonly client: MqttClient;
  readonly journal: DownlinkJournal;
  readonly org: string;
  readonly terminal: string;
  readonly topics: Pick<TerminalTopics, 'config' | 'denyList' | 'denyDelta' | 'keys' | 'report'>;
  /** The terminal's own configuration schema: a config that fails it is refused. */
  readonly configSchema: z.ZodType<C>;
  readonly onConfig?: (config: C, version: number) => void;
  readonly onKeys?: (keys: readonly IssuerKey[], version: number) => void;
  /** Called after anything was applied, so the status can show the new versions. */
  readonly onApplied?: () => void;
  readonly clock?: Clock;
  readonly logger?: SyncLogger;
}

export interface DownlinkVersions {
  readonly denyList: number;
  readonly config: number;
  readonly keys: number;
}

export interface DownlinkStats {
  readonly applied: number;
  readonly refused: number;
  readonly ignored: number;
}

export interface Downlink<C> {
  start(): void;
  stop(): void;
  versions(): DownlinkVersions;
  /** The configuration last applied, from this run or a previous one. */
  config(): { version: number; config: C } | undefined;
  issuerKeys(): { version: number; keys: readonly IssuerKey[] } | undefined;
  stats(): DownlinkStats;
}

/**
 * Applies what the office sends down to the journal database, so it holds across restarts
 * and is enforced offline: deny-list snapshots (retained) and deltas, the terminal's
 * configuration (retained, checked with the terminal's schema first) and issuer public keys.
 */
export function createDownlink<C>(options: DownlinkOptions<C>): Downlink<C> {
  const { client, journal, topics } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const stats = { applied: 0, refused: 0, ignored: 0 };

  const storedConfig = (): { version: number; config: C } | undefined => appliedConfig(journal, options.configSchema);
  const storedKeys = (): { version: number; keys: readonly IssuerKey[] } | undefined => appliedIssuerKeys(journal);

  const report = (kind: Report['kind'], issues: string[], version?: number): void => {
    const body: Report = { v: SCHEMA_VERSION, terminal: options.terminal, kind, issues, at: clock.now(), ...(version !== undefined ? { version } : {}) };
    client.publish(topics.report, JSON.stringify(body), { qos: 1 }, (err) => {
      if (err) logger.debug({ err: err.message }, 'report not published');
    });
  };
  const refuse = (kind: Report['kind'], detail: string, version?: number): void => {
    stats.refused += 1;
    logger.warn({ kind, detail, version }, 'downlink message refused');
    report(kind, [detail], version);
  };
  const applied = (what: string, version: number): void => {
    stats.applied += 1;
    logger.info({ what, version }, 'downlink applied');
    options.onApplied?.();
  };

  const onSnapshot = (s: DenyListSnapshot): void => {
    if (s.org !== options.org) return refuse('denylist-refused', `snapshot for org ${s.org}`, s.version);
    if (s.version <= journal.denyListVersion()) return void (stats.ignored += 1);
    journal.replaceDenyList(s.version, s.entries);
    applied('denylist', s.version);
  };
  const onDelta = (d: DenyListDelta): void => {
    if (d.org !== options.org) return refuse('denylist-refused', `delta for org ${d.org}`, d.toVersion);
    const current = journal.denyListVersion();
    if (d.toVersion <= current) return void (stats.ignored += 1);
    if (d.fromVersion !== current) {
      stats.ignored += 1;
      logger.info({ current, fromVersion: d.fromVersion }, 'deny-list delta out of sequence; asking for the snapshot again');
      resubscribe(topics.denyList);
      return;
    }
    journal.applyDenyDelta(d);
    applied('denylist', d.toVersion);
  };
  const onConfig = (raw: unknown): void => {
    const msg = configMessageSchema.parse(raw);
    const current = storedConfig();
    if (current !== undefined && msg.version <= current.version) return void (stats.ignored += 1);
    const parsed = options.configSchema.safeParse(msg.config);
    if (!parsed.success) {
      stats.refused += 1;
      logger.warn({ version: msg.version }, 'configuration refused; keeping the one applied');
      report('config-refused', issueList(parsed.error.issues), msg.version);
      return;
    }
    journal.setMeta(META_CONFIG, { version: msg.version, config: msg.config });
    options.onConfig?.(parsed.data, msg.version);
    applied('config', msg.version);
  };
  const onKeys = (raw: unknown): void => {
    const msg = issuerKeysSchema.parse(raw);
    if (sameJson(journal.getMeta(META_KEYS), msg)) return void (stats.ignored += 1);
    // A parsed JSON message: optional fields are absent, never undefined.
    journal.setMeta(META_KEYS, msg as JsonValue);
    const version = maxKeyVersion(msg.keys);
    options.onKeys?.(msg.keys, version);
    applied('keys', version);
  };

  const routes = new Map<string, { schema: z.ZodType; kind: Report['kind']; apply: (value: never) => void }>([
    [topics.denyList, { schema: denyListSnapshotSchema, kind: 'denylist-refused', apply: onSnapshot }],
    [topics.denyDelta, { schema: denyListDeltaSchema, kind: 'denylist-refused', apply: onDelta }],
    [topics.config, { schema: configMessageSchema, kind: 'config-refused', apply: onConfig }],
    [topics.keys, { schema: issuerKeysSchema, kind: 'keys-refused', apply: onKeys }],
  ]);
  const onMessage = (topic: string, payload: Buffer): void => {
    const route = routes.get(topic);
    if (route === undefined || payload.byteLength === 0) return;
    const decoded = decodePayload(route.schema, payload, MAX_DOWNLINK_BYTES);
    if (!decoded.ok) return refuse(route.kind, `${decoded.reason}: ${decoded.detail}`);
    try {
      route.apply(decoded.value as never);
    } catch (err) {
      stats.refused += 1;
      logger.error({ topic, err: err instanceof Error ? err.message : String(err) }, 'downlink message could not be applied');
    }
  };
  const subscribeAll = (): void => {
    client.subscribeAsync([...routes.keys()], { qos: 1 }).catch((err: unknown) => logger.warn({ err: String(err) }, 'downlink subscription failed'));
  };
  const resubscribe = (topic: string): void => {
    client
      .unsubscribeAsync(topic)
      .then(() => client.subscribeAsync(topic, { qos: 1 }))
      .catch((err: unknown) => logger.warn({ err: String(err), topic }, 'resubscribe failed'));
  };

  return {
    start() {
      client.on('connect', subscribeAll);
      client.on('message', onMessage);
      if (client.connected) subscribeAll();
    },
    stop() {
      client.off('connect', subscribeAll);
      client.off('message', onMessage);
    },
    versions: () => ({ denyList: journal.denyListVersion(), config: storedConfig()?.version ?? 0, keys: storedKeys()?.version ?? 0 }),
    config: storedConfig,
    issuerKeys: storedKeys,
    stats: () => ({ ...stats }),
  };
}

/** The configuration applied by an earlier run, as stored in the journal database. */
export function appliedConfig<C>(journal: Pick<DownlinkJournal, 'getMeta'>, schema: z.ZodType<C>): { version: number; config: C } | undefined {
  const raw = journal.getMeta(META_CONFIG) as { version?: unknown; config?: unknown } | undefined;
  if (raw === undefined || typeof raw.version !== 'number') return undefined;
  const parsed = schema.safeParse(raw.config);
  return parsed.success ? { version: raw.version, config: parsed.data } : undefined;
}

/** The issuer public keys applied by an earlier run. */
export function appliedIssuerKeys(journal: Pick<DownlinkJournal, 'getMeta'>): { version: number; keys: readonly IssuerKey[] } | undefined {
  const parsed = issuerKeysSchema.safeParse(journal.getMeta(META_KEYS));
  return parsed.success ? { version: maxKeyVersion(parsed.data.keys), keys: parsed.data.keys } : undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return a !== undefined && canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

function maxKeyVersion(keys: readonly IssuerKey[]): number {
  return keys.reduce((max, k) => Math.max(max, k.version), 0);
}
