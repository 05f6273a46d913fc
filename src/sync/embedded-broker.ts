import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import { silentLogger } from './logger.js';
import type { SyncLogger } from './logger.js';

export interface EmbeddedBrokerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly logger?: SyncLogger;
}

export interface EmbeddedBroker {
  readonly port: number;
  /** `mqtt://host:port`; clients must use `protocolVersion: 4` (aedes speaks MQTT 3.1.1). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * An in-process MQTT broker for the demo and for unit tests, so that nothing needs
 * installing. Aedes has no MQTT 5 and no shared subscriptions: the office ingest runs as a
 * single worker on it. Production uses Mosquitto (deploy/mosquitto).
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker();
  aedes.on('clientError', (client, err) => logger.debug({ client: client.id, err: err.message }, 'embedded broker client error'));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'embedded MQTT broker listening');
  return {
    port,
    url: `mqtt://${host}:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
