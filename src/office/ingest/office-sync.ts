import { connectBroker } from '../../sync/index.js';
import type { BackoffOptions, BrokerConfig, Clock, ConnectFn, ReadFile, SyncLogger } from '../../sync/index.js';
import type { OfficeStore } from '../store/index.js';
import { createDownlinkPublisher } from './downlink-publisher.js';
import type { DownlinkPublisher } from './downlink-publisher.js';
import { createIngest } from './ingest.js';
import type { Ingest, IngestHooks } from './ingest.js';

export interface OfficeSyncOptions {
  readonly broker: BrokerConfig;
  readonly store: OfficeStore;
  readonly prefix?: string;
  /** Shared-subscription group (MQTT 5); leave out on the embedded demo broker. */
  readonly group?: string;
  /** Unique per worker process; a second client with the same ID would take the first one's place. */
  readonly clientId: string;
  readonly hooks?: IngestHooks;
  readonly connect?: ConnectFn;
  readonly readFile?: ReadFile;
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  readonly logger?: SyncLogger;
}

export interface OfficeSync {
  readonly ingest: Ingest;
  readonly publisher: DownlinkPublisher;
  connected(): boolean;
  /** Stops taking messages, waits for those in hand, then disconnects. */
  stop(): Promise<void>;
}

/**
 * One office worker's broker side: the connection (reconnecting with backoff), the ingest
 * and the downlink publisher on it. It subscribes on every connect, so it can start before
 * the broker is up.
 */
export async function startOfficeSync(options: OfficeSyncOptions): Promise<OfficeSync> {
  const opt = <K extends keyof OfficeSyncOptions>(key: K): { [P in K]?: NonNullable<OfficeSyncOptions[P]> } =>
    (options[key] === undefined ? {} : { [key]: options[key] }) as { [P in K]?: NonNullable<OfficeSyncOptions[P]> };
  const link = connectBroker({ config: options.broker, clientId: options.clientId, ...opt('connect'), ...opt('readFile'), ...opt('backoff'), ...opt('logger') });
  const ingest = createIngest({ client: link.client, store: options.store, ...opt('prefix'), ...opt('group'), ...opt('hooks'), ...opt('clock'), ...opt('logger') });
  await ingest.start();
  return {
    ingest,
    publisher: createDownlinkPublisher({ client: link.client, ...opt('prefix') }),
    connected: () => link.client.connected,
    async stop() {
      await ingest.stop();
      await link.close();
    },
  };
}
