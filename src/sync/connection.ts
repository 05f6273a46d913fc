import { readFileSync } from 'node:fs';
import { connect as mqttConnect } from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { clientOptions } from './broker-config.js';
import type { BrokerConfig, ReadFile } from './broker-config.js';
import { silentLogger } from './logger.js';
import type { SyncLogger } from './logger.js';

export type ConnectFn = (url: string, options: IClientOptions) => MqttClient;

export interface LastWill {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

export interface ConnectBrokerOptions {
  readonly config: BrokerConfig;
  readonly clientId: string;
  /** Evaluated before every connect, so the will carries current versions. */
  readonly will?: () => LastWill;
  readonly connect?: ConnectFn;
  readonly readFile?: ReadFile;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly logger?: SyncLogger;
}

export interface BrokerLink {
  readonly client: MqttClient;
  /** Stops reconnecting and closes the connection (a clean DISCONNECT: no last will). */
  close(): Promise<void>;
}

const END_GRACE_MS = 2_000;

/**
 * Opens a connection that keeps coming back: MQTT.js's fixed reconnect period is off, and
 * each attempt waits a jittered, growing delay instead. Listeners on `client` ('connect',
 * 'message', 'close') are the caller's; every 'connect' is a fresh session.
 */
export function connectBroker(options: ConnectBrokerOptions): BrokerLink {
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const base = clientOptions(options.config, options.readFile ?? readFileSync, options.clientId);
  const willPacket = (): NonNullable<IClientOptions['will']> | undefined => {
    const w = options.will?.();
    return w === undefined ? undefined : { topic: w.topic, payload: Buffer.from(w.payload), qos: 1, retain: w.retain };
  };
  const first = willPacket();
  const client = (options.connect ?? mqttConnect)(options.config.url, { ...base, ...(first ? { will: first } : {}) });
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  client.on('connect', () => {
    attempt = 0;
    logger.info({ url: options.config.url, clientId: options.clientId }, 'broker connected');
  });
  client.on('error', (err) => logger.warn({ err: err.message, code: (err as { code?: unknown }).code }, 'broker connection error'));
  client.on('close', () => {
    if (closed || timer !== undefined) return;
    const delay = backoffDelay(attempt++, backoff, random);
    logger.debug({ delay, attempt }, 'broker connection closed; reconnecting');
    timer = setTimeout(() => {
      timer = undefined;
      if (closed) return;
      const will = willPacket();
      if (will) client.options.will = will;
      client.reconnect();
    }, delay);
  });

  return {
    client,
    close: async () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const graceful = client.endAsync(false);
      const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), END_GRACE_MS).unref());
      if ((await Promise.race([graceful, late])) === 'late') await client.endAsync(true);
    },
  };
}
