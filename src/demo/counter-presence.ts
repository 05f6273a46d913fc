/**
 * The counter station's presence at the office: its retained status on the broker, online
 * while the demo runs and offline (its last will) when it stops, so the office lists it as a
 * connected terminal. A station keeps no journal, so its backlog is always empty.
 */
import { connectAsync } from 'mqtt';
import { buildStatus, createStatusPublisher, terminalTopics, type StatusSource } from '../sync/index.js';
import { packageVersion } from '../terminal/version.js';

export interface CounterPresenceOptions {
  readonly brokerUrl: string;
  readonly prefix: string;
  readonly org: string;
  readonly station: string;
}

export async function startCounterPresence(options: CounterPresenceOptions): Promise<{ close(): Promise<void> }> {
  const topic = terminalTopics(options.prefix, options.org, options.station).status;
  const source: StatusSource = {
    terminal: options.station,
    journal: { syncState: () => ({ lastSeq: 0, lastSyncedSeq: 0, backlog: 0 }) },
    versions: () => ({ denyList: 0, config: 0, keys: 0, software: packageVersion() }),
  };
  const client = await connectAsync(options.brokerUrl, {
    protocolVersion: 4,
    clientId: `${options.station}-${process.pid}`,
    will: { topic, payload: Buffer.from(JSON.stringify(buildStatus(source, false))), qos: 1, retain: true },
  });
  const status = createStatusPublisher({ ...source, client, topic });
  status.start();
  return {
    async close() {
      status.stop();
      await status.publishOffline().catch(() => undefined);
      await client.endAsync();
    },
  };
}
