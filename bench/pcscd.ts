/**
 * pcscd for the benchmark: uses a pcscd already serving the vpcd readers, or starts one (as
 * the integration tests do, in test/integration/helpers/pcscd.ts) and stops it afterwards.
 * Where neither is possible it says why, so the bench reports the row as skipped instead of
 * failing the whole run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** pcscd's client socket (pcsc-lite on Debian). */
const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
/** vpcd's first port and the reader it backs (/etc/reader.conf.d/vpcd). */
export const VPCD = { port: 35963, reader: 'Virtual PCD 00 00' } as const;

export type PcscdLease = { readonly ok: true; readonly how: string; release(): Promise<void> } | { readonly ok: false; readonly reason: string };

export async function leasePcscd(timeoutMs = 15_000): Promise<PcscdLease> {
  const running = runningPcscd();
  if (running !== undefined) {
    return tcpListening(VPCD.port)
      ? { ok: true, how: `pcscd already running (pid ${running})`, release: async () => undefined }
      : { ok: false, reason: `pcscd (pid ${running}) runs without the vpcd driver (apt-get install vsmartcard-vpcd)` };
  }
  if (!['/usr/sbin/pcscd', '/usr/bin/pcscd', '/sbin/pcscd'].some(existsSync)) return { ok: false, reason: 'pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'pcscd is not running and starting it needs root' };
  const output: string[] = [];
  const child = spawn('pcscd', ['--foreground', '--info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const record = (chunk: Buffer) => void output.push(chunk.toString());
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A bench interrupted midway must not leave its pcscd behind (the integration tests refuse to run beside one).
  const orphanGuard = () => void child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  const failed = new Promise<string>((resolve) => child.once('error', (error) => resolve(`cannot run pcscd: ${error.message}`)));
  const problem = await Promise.race([failed, waitReady(child, timeoutMs)]);
  const release = () => stop(child, exited);
  if (problem !== null) {
    await release();
    return { ok: false, reason: `${problem}${output.length ? `; pcscd said: ${output.join('').trim().split('\n').slice(-3).join(' | ')}` : ''}` };
  }
  return { ok: true, how: `pcscd started for the bench (pid ${child.pid ?? '?'})`, release };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]))) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** null when ready, else why not. */
async function waitReady(child: ChildProcess, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return `pcscd exited with code ${child.exitCode} while starting`;
    if (tcpListening(VPCD.port) && (await socketAccepts(PCSCD_SOCKET))) return null;
    await sleep(50);
  }
  return `pcscd did not become ready within ${timeoutMs} ms (is vsmartcard-vpcd installed?)`;
}

/** Whether something listens on a local TCP port, from /proc/net: connecting to vpcd would present it a card. */
function tcpListening(port: number): boolean {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .some((line) => {
          const [, local, , state] = line.trim().split(/\s+/);
          return local?.endsWith(hexPort) === true && state === '0A';
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

/** The pid of a live pcscd, from its pid file. */
function runningPcscd(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync('/run/pcscd/pcscd.pid', 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
