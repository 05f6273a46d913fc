/**
 * The broker the city runs on, which the simulator can stop and start again (an outage): the
 * embedded aedes broker in this process, or a Mosquitto of the simulator's own (a child process
 * on a free port, persistence in the data directory), which carries thousands of terminals
 * where aedes, matching every subscription against every retained message, does not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker, type SyncLogger } from '../sync/index.js';

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
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, MOSQUITTO_CONF.replace('{port}', String(port)).replace('{dir}', dir));
  let child: ChildProcess | null = null;
  // The broker must not outlive the run, however the run ends.
  const orphan = (): void => void child?.kill('SIGKILL');
  process.once('exit', orphan);
  const start = async (): Promise<void> => {
    if (child !== null) return;
    const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr.trim()}`))));
    exited.catch(() => undefined);
    proc.once('error', () => undefined);
    await Promise.race([waitForPort(port), exited]);
    child = proc;
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // SIGTERM: Mosquitto saves its retained messages and sessions before it goes.
    proc.kill('SIGTERM');
    await gone;
  };
  await start();
  const close = async (): Promise<void> => {
    await stop();
    process.off('exit', orphan);
  };
  return { kind: 'mosquitto', url: `mqtt://127.0.0.1:${port}`, up: () => child !== null, stop, start, close };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`the broker did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
