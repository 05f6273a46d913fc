/**
 * The broker the city runs on, which the simulator can stop and start again (an outage): the
 * embedded aedes broker in this process, or a Mosquitto of the simulator's own (a child process
 * on a free port, persistence in the data directory), which carries thousands of terminals
 * where aedes, matching every subscription against every retained message, does not.
 */
import { startEmbeddedBroker, type EmbeddedBroker, type SyncLogger } from '../sync/index.js';
import { mosquittoChild } from './mosquitto-process.js';

export const BROKERS = ['embedded', 'mosquitto'] as const;
export type BrokerKind = (typeof BROKERS)[number];

export interface SimBroker {
  readonly kind: BrokerKind;
  readonly url: string;
  up(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimBroker(kind: BrokerKind, dir: string, logger: SyncLogger): Promise<SimBroker> {
  return kind === 'embedded' ? embedded(logger) : mosquitto(dir);
}

async function embedded(logger: SyncLogger): Promise<SimBroker> {
  let broker: EmbeddedBroker | null = await startEmbeddedBroker({ logger });
  const port = broker.port;
  const stop = async (): Promise<void> => {
    const b = broker;
    broker = null;
    await b?.close();
  };
  return {
    kind: 'embedded',
    url: broker.url,
    up: () => broker !== null,
    stop,
    async start() {
      broker ??= await startEmbeddedBroker({ port, logger });
    },
    close: stop,
  };
}

/** Queues deep enough that a busy office never makes Mosquitto drop a QoS 1 message. */
const MOSQUITTO_CONF = `listener {port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location {dir}/
max_queued_messages 1000000
max_inflight_messages 1000
`;

async function mosquitto(dir: string): Promise<SimBroker> {
  const child = await mosquittoChild(MOSQUITTO_CONF, dir);
  // The broker must not outlive the run, however the run ends.
  const orphan = (): void => void child.kill('SIGKILL');
  process.once('exit', orphan);
  // SIGTERM: Mosquitto saves its retained messages and sessions before it goes.
  const stop = (): Promise<void> => child.kill('SIGTERM');
  await child.launch();
  const close = async (): Promise<void> => {
    await stop();
    process.off('exit', orphan);
  };
  return { kind: 'mosquitto', url: child.url, up: child.running, stop, start: child.launch, close };
}
