/**
 * A Mosquitto child process on a free loopback port, with the configuration it is given:
 * the simulator's prefecture broker (src/sim/broker.ts) and the integration tests' own
 * brokers (test/integration/helpers/mosquitto.ts) both run on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface MosquittoChild {
  readonly port: number;
  readonly url: string;
  readonly confPath: string;
  running(): boolean;
  /** Starts it (again, on the same port) and resolves once it listens. Nothing when it runs. */
  launch(): Promise<void>;
  /** Sends `signal` and resolves once it is gone. SIGTERM lets it save retained messages and sessions. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Writes `conf` (with `{port}` and `{dir}` filled in) to `<dir>/mosquitto.conf`; not started yet. */
export async function mosquittoChild(conf: string, dir: string): Promise<MosquittoChild> {
  const port = await freePort();
  const confPath = join(dir, 'mosquitto.conf');
  writeFileSync(confPath, conf.replaceAll('{port}', String(port)).replaceAll('{dir}', dir));
  let child: ChildProcess | null = null;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    confPath,
    running: () => child !== null,
    async launch() {
      if (child !== null) return;
      const proc = spawn('mosquitto', ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      proc.once('error', () => undefined);
      child = proc;
      const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr.trim()}`))));
      exited.catch(() => undefined);
      try {
        await Promise.race([waitForPort(port), exited]);
      } catch (error) {
        if (child === proc) child = null;
        throw error;
      }
    },
    async kill(signal) {
      const proc = child;
      child = null;
      if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill(signal);
      await gone;
    },
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts connections on 127.0.0.1:`port`. */
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
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
