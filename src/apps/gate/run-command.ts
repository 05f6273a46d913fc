/**
 * Runs one actuator command and reports how it ended as a value. A command that cannot start,
 * exits non-zero, dies of a signal or outlives its time limit is an `ActuatorError` in the
 * result; nothing is thrown, because a door command runs beside a tap, never inside it.
 */
import { spawn } from 'node:child_process';
import { ActuatorError } from './errors.js';

export type ActuationResult = { readonly ok: true } | { readonly ok: false; readonly error: ActuatorError };

export interface RunningCommand {
  readonly done: Promise<ActuationResult>;
  /** Ends the command early; the result is then `ok` (the caller wanted it to stop). */
  stop(): void;
}

const STDERR_LIMIT = 2048;

export function runCommand(command: string, args: readonly string[], timeoutMs: number): RunningCommand {
  let stopped = false;
  let timedOut = false;
  let stderr = '';
  const child = spawn(command, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.slice(0, STDERR_LIMIT - stderr.length);
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<ActuationResult>((resolve) => {
    const fail = (message: string, cause?: unknown): void =>
      resolve({ ok: false, error: new ActuatorError(`${command} ${args.join(' ')}: ${message}`, { cause }) });
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(`could not run (${error.message})`, error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const detail = stderr.trim() === '' ? '' : `: ${stderr.trim()}`;
      if (stopped) resolve({ ok: true });
      else if (timedOut) fail(`still running after ${timeoutMs} ms, killed${detail}`);
      else if (code === 0) resolve({ ok: true });
      else fail(code === null ? `killed by ${signal ?? 'a signal'}${detail}` : `exited with ${code}${detail}`);
    });
  });
  return {
    done,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}
