import type { MqttClient } from 'mqtt';
import type { UplinkJournal } from './journal-port.js';
import { silentLogger, systemClock } from './logger.js';
import type { Clock, SyncLogger } from './logger.js';
import { SCHEMA_VERSION } from './schemas.js';
import type { AppliedVersions, Status } from './schemas.js';

export interface StatusSource {
  readonly terminal: string;
  readonly journal: Pick<UplinkJournal, 'syncState'>;
  readonly versions: () => AppliedVersions;
  /** Whether the terminal trusts its clock (NTP or RTC); omitted when unknown. */
  readonly clockSynced?: () => boolean | undefined;
  readonly clock?: Clock;
}

export interface StatusOptions extends StatusSource {
  readonly client: MqttClient;
  readonly topic: string;
  /** A fresh status at least this often while connected (default 60 s). */
  readonly intervalMs?: number;
  /** Changes closer together than this are folded into one publish (default 250 ms). */
  readonly debounceMs?: number;
  readonly logger?: SyncLogger;
}

export interface StatusPublisher {
  start(): void;
  /** Something in the status changed: publish soon. */
  refresh(): void;
  /** The status as it would be published now. */
  current(online: boolean): Status;
  /** Marks the terminal offline before a clean disconnect (which sends no last will). */
  publishOffline(): Promise<void>;
  stop(): void;
}

/** The terminal's retained status; the broker publishes the offline one as its last will. */
export function createStatusPublisher(options: StatusOptions): StatusPublisher {
  const { client } = options;
  const logger = options.logger ?? silentLogger;
  let pending: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;

  const current = (online: boolean): Status => buildStatus(options, online);
  const publishNow = (): void => {
    pending = undefined;
    if (!client.connected) return;
    client.publish(options.topic, JSON.stringify(current(true)), { qos: 1, retain: true }, (err) => {
      if (err) logger.debug({ err: err.message }, 'status not published');
    });
  };
  const refresh = (): void => {
    if (pending === undefined) pending = setTimeout(publishNow, options.debounceMs ?? 250);
  };

  return {
    start() {
      client.on('connect', publishNow);
      ticker = setInterval(refresh, options.intervalMs ?? 60_000);
      if (client.connected) publishNow();
    },
    refresh,
    current,
    async publishOffline() {
      if (!client.connected) return;
      await client.publishAsync(options.topic, JSON.stringify(current(false)), { qos: 1, retain: true });
    },
    stop() {
      client.off('connect', publishNow);
      clearInterval(ticker);
      clearTimeout(pending);
      pending = undefined;
    },
  };
}

/** The status a terminal would publish now. */
export function buildStatus(source: StatusSource, online: boolean): Status {
  const state = source.journal.syncState();
  const synced = source.clockSynced?.();
  const now = (source.clock ?? systemClock).now();
  return {
    v: SCHEMA_VERSION,
    terminal: source.terminal,
    online,
    versions: source.versions(),
    backlog: state.backlog,
    lastSeq: state.lastSeq,
    clock: synced === undefined ? { now } : { now, synced },
    at: now,
  };
}
