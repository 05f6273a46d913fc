import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';

/** The machine's own Mosquitto; the integration suite fails, never skips, without it. */
export const LOCAL_BROKER = { host: '127.0.0.1', port: 1883, url: 'mqtt://127.0.0.1:1883' } as const;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
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
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fails loudly when the machine's Mosquitto is not running. */
export async function requireLocalBroker(): Promise<void> {
  await waitForPort(LOCAL_BROKER.port, 3_000).catch(() => {
    throw new Error('Mosquitto is not running on 127.0.0.1:1883; the sync integration tests need it');
  });
}

export interface MosquittoProcess {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly confPath: string;
  /** Kills the broker (SIGKILL by default) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same configuration. */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A Mosquitto of the test's own on a free port. `conf` gets `{port}` and `{dir}` filled in;
 * by default a plain anonymous listener with persistence in the test's directory.
 */
export async function startMosquitto(options: { conf?: string; dir?: string } = {}): Promise<MosquittoProcess> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fa-mosquitto-'));
  const port = await freePort();
  const conf = (options.conf ?? 'listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {dir}/\n')
    .replaceAll('{port}', String(port))
    .replaceAll('{dir}', dir);
  const confPath = join(dir, 'mosquitto.conf');
  writeFileSync(confPath, conf);
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const proc = spawn('mosquitto', ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr}`))));
    await Promise.race([waitForPort(port), exited]);
    exited.catch(() => undefined);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await gone;
  };
  await launch();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    confPath,
    kill,
    restart: launch,
    async stop() {
      await kill();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `mosquitto_pub`, the independent client; resolves with its exit status and output. */
export function mosquittoPub(args: readonly string[], input?: string | Buffer): { status: number | null; output: string } {
  const r = spawnSync('mosquitto_pub', args, { input, timeout: 15_000 });
  return { status: r.status, output: `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}` };
}

/** Removes retained messages a test left on a shared broker. */
export async function clearRetained(url: string, topics: readonly string[]): Promise<void> {
  const client = await connectAsync(url, { protocolVersion: 5 });
  for (const topic of topics) await client.publishAsync(topic, '', { qos: 1, retain: true });
  await client.endAsync();
}
