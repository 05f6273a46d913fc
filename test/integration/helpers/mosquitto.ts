import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { mosquittoChild, waitForPort } from '../../../src/sim/mosquitto-process.js';

/** The machine's own Mosquitto; the integration suite fails, never skips, without it. */
export const LOCAL_BROKER = { host: '127.0.0.1', port: 1883, url: 'mqtt://127.0.0.1:1883' } as const;

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
  const child = await mosquittoChild(options.conf ?? 'listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {dir}/\n', dir);
  const kill = (signal: NodeJS.Signals = 'SIGKILL') => child.kill(signal);
  await child.launch();
  return {
    port: child.port,
    url: child.url,
    dir,
    confPath: child.confPath,
    kill,
    restart: child.launch,
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
