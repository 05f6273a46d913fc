/**
 * Figures of a terminal as a process: its memory after many taps (bench/terminal-child.ts),
 * and how long `fa terminal` takes from spawn to ready, first start and restart. Both run
 * Node with the terminal's own options (TERMINAL_NODE_OPTIONS), as its systemd unit does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TERMINAL_NODE_OPTIONS } from '../src/terminal/node-options.js';
import type { ChildMessage } from './terminal-child.js';

const CHILD = fileURLToPath(new URL('./terminal-child.js', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Memory of a process from /proc/<pid>/status, in MB (10^6 bytes). */
export interface Memory {
  /** VmRSS: resident set. */
  readonly rss: number;
  /** VmHWM: peak resident set. */
  readonly hwm: number;
  /** RssAnon: heap, stacks, malloc; RssFile: mapped files (the node binary, shared libraries). */
  readonly anon: number;
  readonly file: number;
}

export interface RssFigures {
  readonly atReady: Memory;
  /** After each `every` taps. */
  readonly after: ReadonlyArray<{ taps: number; memory: Memory }>;
  /** After a full garbage collection at the end: the process's RSS and the live JS heap. */
  readonly collected: { readonly rss: number; readonly heapUsedMb: number; readonly heapTotalMb: number };
  readonly accepted: number;
  readonly seconds: number;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => (Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024) / 1e6;
  return { rss: mb('VmRSS'), hwm: mb('VmHWM'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** The office a syncing bench terminal sends its events to: its broker and key directory. */
export interface BenchOffice {
  readonly brokerUrl: string;
  readonly prefix: string;
  readonly keysDir: string;
}

export async function terminalRss(taps: number, every: number, office?: BenchOffice, timeoutMs = 240_000): Promise<RssFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fa-bench-rss-'));
  const args = office ? [office.brokerUrl, office.prefix, office.keysDir] : [];
  const child = spawn(process.execPath, [...TERMINAL_NODE_OPTIONS, '--expose-gc', CHILD, dataDir, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const stopChild = () => void child.kill('SIGKILL');
  process.once('exit', stopChild);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    return await new Promise<RssFigures>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`terminal child did not finish ${taps} taps within ${timeoutMs} ms`)), timeoutMs);
      const after: { taps: number; memory: Memory }[] = [];
      let atReady: Memory | undefined;
      let started = 0;
      let seconds = 0;
      let accepted = 0;
      child.once('exit', (code) => reject(new Error(`terminal child exited (${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`)));
      child.on('message', (message: ChildMessage) => {
        const pid = child.pid ?? -1;
        switch (message.type) {
          case 'failed':
            return reject(new Error(`terminal child: ${message.error}`));
          case 'ready':
            atReady = memoryOf(pid);
            started = performance.now();
            return void child.send({ taps, every });
          case 'progress':
            after.push({ taps: message.taps, memory: memoryOf(pid) });
            accepted = message.accepted;
            seconds = (performance.now() - started) / 1000;
            if (message.taps >= taps) child.send({ collect: true });
            return;
          case 'collected': {
            clearTimeout(timer);
            if (!atReady) return reject(new Error('terminal child reported before it was ready'));
            return resolve({
              atReady,
              after,
              collected: { rss: memoryOf(pid).rss, heapUsedMb: message.heapUsedMb, heapTotalMb: message.heapTotalMb },
              accepted,
              seconds,
            });
          }
        }
      });
    });
  } finally {
    await stop(child);
    process.off('exit', stopChild);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface StartFigures {
  /** From spawn to the CLI's "ready at <url>" line (the HTTP server is listening by then). */
  readonly readyMs: number;
  /** Status of GET /healthz right after. */
  readonly health: number;
  /** The time `startTerminal` itself took, as its "terminal ready" log line reports; the rest is Node starting and loading modules. */
  readonly startTerminalMs: number;
}

/** Spawns `fa terminal --data <dir> --port 0` and times it to ready; stops it again. */
export async function startToReady(dataDir: string, timeoutMs = 30_000): Promise<StartFigures> {
  const started = performance.now();
  const child = spawn(process.execPath, [...TERMINAL_NODE_OPTIONS, CLI, 'terminal', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopChild = () => void child.kill('SIGKILL');
  process.once('exit', stopChild);
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fa terminal not ready within ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
      child.once('exit', (code) => reject(new Error(`fa terminal exited (${code}) before ready: ${output.slice(-500)}`)));
      const watch = (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /ready at (http:\/\/\S+?)\/?$/m.exec(output);
        if (!ready?.[1]) return;
        clearTimeout(timer);
        resolve(ready[1]);
      };
      child.stdout?.on('data', watch);
      child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    });
    const readyMs = performance.now() - started;
    const health = (await fetch(`${url}/healthz`)).status;
    const startTerminalMs = Number(/"startMs":(\d+)/.exec(output)?.[1] ?? Number.NaN);
    return { readyMs, health, startTerminalMs };
  } finally {
    await stop(child);
    process.off('exit', stopChild);
  }
}

/** `runs` first starts on fresh data directories, each followed by a restart on the same directory. */
export async function coldStarts(runs: number): Promise<{ first: StartFigures[]; warm: StartFigures[] }> {
  const first: StartFigures[] = [];
  const warm: StartFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'fa-bench-start-'));
    try {
      first.push(await startToReady(dataDir));
      warm.push(await startToReady(dataDir));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { first, warm };
}
