import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CardImage } from '../../../src/reader/emulator/index.js';
import type { VpcdCardThread } from '../../../src/reader/vpcd-card-thread.js';
import { createWorkerVpcdBridge } from './vpcd-card.js';

/** pcscd's client socket (pcsc-lite on Debian). */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
/** vpcd's listening ports and the readers they back (/etc/reader.conf.d/vpcd). */
export const VPCD_READERS = [
  { port: 35963, reader: 'Virtual PCD 00 00' },
  { port: 35964, reader: 'Virtual PCD 00 01' },
] as const;
export const VPCD_READER = VPCD_READERS[0].reader;

export interface PcscdProcess {
  readonly pid: number;
  /** What pcscd printed (stdout and stderr), for a failing test's message. */
  output(): string;
}

let current: { child: ChildProcess; output: string[]; exited: Promise<void> } | undefined;

/**
 * Starts pcscd in the foreground as a child of the test process and waits until clients can
 * reach it and vpcd is listening. Needs root. Fails (never skips) when pcscd is missing, not
 * startable, or already run by someone else: the tests own the daemon they restart.
 */
export async function startPcscd(options: { timeoutMs?: number } = {}): Promise<PcscdProcess> {
  if (current !== undefined) throw new Error('pcscd is already started by these tests; stop it first');
  if (process.getuid?.() !== 0) throw new Error('the PC/SC integration tests start pcscd and must run as root');
  await reapLeftover();
  const foreign = runningPcscd();
  if (foreign !== undefined) {
    throw new Error(`another pcscd (pid ${foreign}) is running; stop it so the tests can start and restart their own`);
  }
  const output: string[] = [];
  const child = spawn('pcscd', ['--foreground', '--info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const record = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailure = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`cannot run pcscd (apt-get install pcscd vsmartcard-vpcd): ${error.message}`))),
  );
  current = { child, output, exited };
  if (child.pid !== undefined) writeFileSync(LEFTOVER_FILE, `${child.pid} ${startTime(child.pid) ?? ''}`);
  try {
    await Promise.race([spawnFailure, waitReady(child, options.timeoutMs ?? 15_000)]);
  } catch (error) {
    await stopPcscd();
    throw new Error(`${(error as Error).message}\npcscd said:\n${output.join('')}`, { cause: error });
  }
  return { pid: child.pid ?? -1, output: () => output.join('') };
}

/** Stops the pcscd these tests started (SIGTERM, then SIGKILL of that pid only) and waits until it is gone. */
export async function stopPcscd(): Promise<void> {
  const run = current;
  if (run === undefined) return;
  current = undefined;
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGTERM');
    const stopped = await Promise.race([run.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!stopped) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  }
  rmSync(LEFTOVER_FILE, { force: true });
  await waitUntil(() => VPCD_READERS.every(({ port }) => !tcpListening(port)), 5_000, 'vpcd ports still open after pcscd stopped');
}

/** Where the tests note the pcscd they started, so a run killed midway can be cleaned up by the next. */
const LEFTOVER_FILE = join(tmpdir(), 'fa-test-pcscd.pid');

/**
 * Stops a pcscd that an earlier, killed test run started, and only that one: the pid and its
 * start time must both match what that run noted (a reused pid never matches).
 */
async function reapLeftover(): Promise<void> {
  let noted: string;
  try {
    noted = readFileSync(LEFTOVER_FILE, 'utf8');
  } catch {
    return;
  }
  const [pidText, started] = noted.trim().split(' ');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && started !== undefined && started !== '' && startTime(pid) === started) {
    process.kill(pid, 'SIGTERM');
    await waitUntil(() => startTime(pid) !== started, 5_000, `leftover test pcscd ${pid} did not stop`);
  }
  rmSync(LEFTOVER_FILE, { force: true });
}

/** Start time of a live process in clock ticks since boot (/proc/PID/stat field 22), or undefined. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/**
 * For tests of what happens before pcscd runs: stops a pcscd that an earlier, killed run of these
 * tests left behind, and fails with the pid of any other pcscd.
 */
export async function requireNoPcscd(): Promise<void> {
  if (current !== undefined) throw new Error('pcscd is started by these tests; stop it first');
  await reapLeftover();
  const foreign = runningPcscd();
  if (foreign !== undefined) throw new Error(`another pcscd (pid ${foreign}) is running; stop it so the tests can see PC/SC without it`);
}

/** Stops and starts pcscd again, as an operator or a package upgrade would. */
export async function restartPcscd(): Promise<PcscdProcess> {
  await stopPcscd();
  return startPcscd();
}

export interface VpcdCardSession {
  readonly bridge: VpcdCardThread;
  readonly reader: string;
}

/**
 * Runs `body` with a card made from `image` in the field of a vpcd reader (its bridge on a
 * worker thread, connected to pcscd), always stops the bridge afterwards, and gives back what
 * `body` returned and the card's content at the end.
 */
export async function withVpcdCard<T>(
  image: CardImage,
  body: (session: VpcdCardSession) => Promise<T>,
  options: { port?: number } = {},
): Promise<{ result: T; image: CardImage }> {
  const port = options.port ?? VPCD_READERS[0].port;
  const reader = VPCD_READERS.find((r) => r.port === port)?.reader ?? `vpcd on port ${port}`;
  const bridge = createWorkerVpcdBridge(image, { port });
  try {
    await bridge.start();
    const result = await body({ bridge, reader });
    return { result, image: await bridge.card.image() };
  } finally {
    await bridge.stop();
  }
}

async function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pcscd exited with code ${child.exitCode} while starting`);
    if (VPCD_READERS.every(({ port }) => tcpListening(port)) && (await socketAccepts(PCSCD_SOCKET))) return;
    await sleep(50);
  }
  throw new Error(`pcscd did not become ready within ${timeoutMs} ms (is vsmartcard-vpcd installed?)`);
}

async function waitUntil(test: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(50);
  }
}

/**
 * Whether something listens on a local TCP port, read from /proc/net/tcp: probing vpcd by
 * connecting would present it a (broken) virtual card.
 */
function tcpListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const LISTEN = '0A';
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .some((line) => {
          const [, local, , state] = line.trim().split(/\s+/);
          return local?.endsWith(`:${hexPort}`) === true && state === LISTEN;
        });
    } catch {
      return false;
    }
  });
}

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The pid of a pcscd running now, from its pid file, if that process is alive. */
function runningPcscd(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync('/run/pcscd/pcscd.pid', 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return startTime(pid) === undefined ? undefined : pid;
  } catch {
    return undefined;
  }
}
