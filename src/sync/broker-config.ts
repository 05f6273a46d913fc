import { z } from 'zod';
import type { IClientOptions } from 'mqtt';

/**
 * How a terminal or the office reaches its broker. In production: `mqtts://` with the CA,
 * and a client certificate whose CN is the terminal ID (deploy/mosquitto). The embedded
 * demo broker (aedes) speaks MQTT 3.1.1 only, hence `protocolVersion: 4` there.
 */
export const brokerConfigSchema = z.strictObject({
  url: z.string().regex(/^(mqtts?|tcp|ssl):\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL'),
  clientId: z.string().min(1).max(128).optional(),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  /** Paths to PEM files; read once at connect time. */
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().default(true),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  keepaliveSec: z.number().int().min(5).max(3600).default(30),
  connectTimeoutMs: z.number().int().min(500).default(10_000),
});
export type BrokerConfig = z.infer<typeof brokerConfigSchema>;
export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;

export type ReadFile = (path: string) => Buffer;

/** MQTT.js options for a config; reconnecting is ours (backoff with jitter), not MQTT.js's. */
export function clientOptions(config: BrokerConfig, readFile: ReadFile, clientId: string): IClientOptions {
  const tls = {
    ...(config.ca !== undefined ? { ca: readFile(config.ca) } : {}),
    ...(config.cert !== undefined ? { cert: readFile(config.cert) } : {}),
    ...(config.key !== undefined ? { key: readFile(config.key) } : {}),
  };
  return {
    ...tls,
    clientId: config.clientId ?? clientId,
    protocolVersion: config.protocolVersion,
    keepalive: config.keepaliveSec,
    connectTimeout: config.connectTimeoutMs,
    rejectUnauthorized: config.rejectUnauthorized,
    reconnectPeriod: 0,
    resubscribe: false,
    clean: true,
    // Otherwise mqtt-packet pre-builds a 2-byte Buffer for each of the 65,536 packet IDs on
    // the first write: 6 MB of a terminal's 26 MB live heap, to save an allocation per packet.
    writeCache: false,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
  };
}
