import type { z } from 'zod';
import type { BackoffOptions } from './backoff.js';
import type { BrokerConfig, ReadFile } from './broker-config.js';
import { connectBroker } from './connection.js';
import type { BrokerLink, ConnectFn } from './connection.js';
import { appliedConfig, appliedIssuerKeys, createDownlink } from './downlink.js';
import type { DownlinkStats } from './downlink.js';
import type { SyncJournal } from './journal-port.js';
import { silentLogger, systemClock } from './logger.js';
import type { Clock, SyncLogger } from './logger.js';
import type { AppliedVersions, IssuerKey, Status } from './schemas.js';
import { buildStatus, createStatusPublisher } from './status.js';
import type { StatusSource } from './status.js';
import { DEFAULT_PREFIX, terminalTopics } from './topics.js';
import { createUplink } from './uplink.js';
import type { UplinkStats } from './uplink.js';

export interface UplinkTuning {
  readonly batchSize?: number;
  readonly window?: number;
  readonly maxEventsPerSecond?: number;
  readonly ackTimeoutMs?: number;
  readonly pollIntervalMs?: number;
}

export interface TerminalSyncOptions<C> {
  /** No broker: nothing connects and the journal simply queues. */
  readonly broker?: BrokerConfig | undefined;
  readonly org: string;
  readonly terminal: string;
  readonly prefix?: string;
  readonly journal: SyncJournal;
  readonly configSchema: z.ZodType<C>;
  readonly softwareVersion: string;
  readonly uplink?: UplinkTuning;
  readonly statusIntervalMs?: number;
  readonly onConfig?: (config: C, version: number) => void;
  readonly onKeys?: (keys: readonly IssuerKey[], version: number) => void;
  readonly clockSynced?: () => boolean | undefined;
  readonly connect?: ConnectFn;
  readonly readFile?: ReadFile;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly clock?: Clock;
  readonly logger?: SyncLogger;
}

export interface TerminalSync<C> {
  /** True while a broker connection is up. */
  connected(): boolean;
  /** New events were appended to the journal. */
  kick(): void;
  versions(): AppliedVersions;
  status(): Status;
  config(): { version: number; config: C } | undefined;
  uplinkStats(): UplinkStats | undefined;
  downlinkStats(): DownlinkStats | undefined;
  /** Publishes an offline status, then disconnects cleanly. */
  stop(): Promise<void>;
}

/**
 * A terminal's whole sync side on one connection: uplink, downlink and the retained status
 * with its last will. This is what a terminal's composition root starts.
 */
export function createTerminalSync<C>(options: TerminalSyncOptions<C>): TerminalSync<C> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const topics = terminalTopics(options.prefix ?? DEFAULT_PREFIX, options.org, options.terminal);
  const versions = (): AppliedVersions => ({
    denyList: options.journal.denyListVersion(),
    config: appliedConfig(options.journal, options.configSchema)?.version ?? 0,
    keys: appliedIssuerKeys(options.journal)?.version ?? 0,
    software: options.softwareVersion,
  });
  const source: StatusSource = {
    terminal: options.terminal,
    journal: options.journal,
    versions,
    clock,
    ...pick(options, ['clockSynced']),
  };
  const config = (): { version: number; config: C } | undefined => appliedConfig(options.journal, options.configSchema);
  if (options.broker === undefined) return offlineSync(source, config);

  const link: BrokerLink = connectBroker({
    config: options.broker,
    clientId: `fa-terminal-${options.terminal}`,
    will: () => ({ topic: topics.status, payload: JSON.stringify(buildStatus(source, false)), retain: true }),
    logger,
    ...pick(options, ['connect', 'readFile', 'backoff', 'random']),
  });
  const { client } = link;
  const status = createStatusPublisher({ ...source, client, topic: topics.status, logger, ...(options.statusIntervalMs !== undefined ? { intervalMs: options.statusIntervalMs } : {}) });
  const common = { client, journal: options.journal, org: options.org, terminal: options.terminal, topics, clock, logger };
  const downlink = createDownlink({ ...common, configSchema: options.configSchema, onApplied: status.refresh, ...pick(options, ['onConfig', 'onKeys']) });
  const uplink = createUplink({ ...common, onAcked: status.refresh, onAckBelowMark: status.refresh, ...options.uplink });
  downlink.start();
  uplink.start();
  status.start();

  return {
    connected: () => client.connected,
    kick: uplink.kick,
    versions,
    status: () => status.current(client.connected),
    config,
    uplinkStats: uplink.stats,
    downlinkStats: downlink.stats,
    async stop() {
      uplink.stop();
      downlink.stop();
      status.stop();
      await status.publishOffline().catch((err: unknown) => logger.debug({ err: String(err) }, 'offline status not published'));
      await link.close();
    },
  };
}

function offlineSync<C>(source: StatusSource, config: () => { version: number; config: C } | undefined): TerminalSync<C> {
  return {
    connected: () => false,
    kick: () => undefined,
    versions: source.versions,
    status: () => buildStatus(source, false),
    config,
    uplinkStats: () => undefined,
    downlinkStats: () => undefined,
    stop: async () => undefined,
  };
}

/** The listed keys of `source` that are set, without `undefined`s (exactOptionalPropertyTypes). */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k] as Exclude<T[K], undefined>;
  return out;
}
