/**
 * `fa terminal` as a real child process, run from the compiled `dist/` (as it is deployed),
 * so that a test can `kill -9` it at any moment and start it again on the same data directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/**
 * Runs `npm run build` so that the child runs the code under test. Always, rather than when a
 * source looks newer than its output: incremental tsc does not rewrite an output whose source
 * was touched without a change, so mtimes cannot tell a stale `dist/` from a current one, and
 * an up-to-date build costs seconds. tsc emits even when it reports type errors; those are the
 * type check's to report, so only a build that failed otherwise (or left no entry point) fails here.
 */
export function ensureBuilt(): { ms: number; typeErrors: string } {
  const started = performance.now();
  let typeErrors = '';
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    typeErrors = String((error as { stdout?: Buffer }).stdout ?? '') + String((error as { stderr?: Buffer }).stderr ?? '');
    if (!existsSync(MAIN) || !/error TS\d+/.test(typeErrors)) throw new Error(`npm run build failed (${relative(ROOT, MAIN)} present: ${existsSync(MAIN)}):\n${typeErrors}`, { cause: error });
  }
  return { ms: Math.round(performance.now() - started), typeErrors };
}

export type LogLine = Record<string, unknown>;

export interface TerminalProcess {
  readonly process: ChildProcess;
  /** Every line the terminal printed: its pino JSON logs parsed, other lines as `{ text }`. */
  readonly lines: LogLine[];
  /** Base URL once the terminal logged `terminal ready`. */
  readonly ready: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether `kill` was called: a request failing after that is expected. */
  readonly killing: boolean;
  kill(signal: NodeJS.Signals): void;
}

export interface SpawnTerminalOptions {
  readonly config: string;
  readonly dataDir: string;
  /** 0 (the default) lets the system choose; the URL comes from the ready log line. */
  readonly port?: number;
  readonly readyTimeoutMs?: number;
}

export function spawnTerminal(options: SpawnTerminalOptions): TerminalProcess {
  const args = [MAIN, 'terminal', '--config', options.config, '--data', options.dataDir, '--port', String(options.port ?? 0)];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  let stderr = '';
  let killing = false;
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.once('exit', (code, signal) => done({ code, signal })));
  const ready = new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`terminal not ready after ${options.readyTimeoutMs ?? 30_000} ms; stderr: ${stderr}`)), options.readyTimeoutMs ?? 30_000);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const line = parseLine(text);
      lines.push(line);
      if (line['msg'] === 'terminal ready' && typeof line['url'] === 'string') {
        clearTimeout(timer);
        done(line['url']);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`terminal exited before it was ready (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
  ready.catch(() => undefined);
  return {
    process: proc,
    lines,
    ready,
    exited,
    get killing() {
      return killing;
    },
    kill(signal) {
      killing = true;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

function parseLine(text: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as LogLine) : { text };
  } catch {
    return { text };
  }
}
