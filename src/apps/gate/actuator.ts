/**
 * Door actuators: the edge where a grant becomes an unlocked door. `open` resolves when the
 * actuation has ended and never rejects; a failure is logged and returned as a value, so a tap
 * can fire the command and move on. Three implementations: a simulation (the default, which
 * logs and records), a relay command, and GPIO through libgpiod's `gpioset` (gpio-actuator.ts).
 */
import { ActuatorError } from './errors.js';
import { runCommand, type ActuationResult } from './run-command.js';

export type { ActuationResult } from './run-command.js';

/** The subset of pino the gate uses. */
export interface GateLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DoorActuator {
  /** Unlocks `door` for `ms` milliseconds. */
  open(door: string, ms: number): Promise<ActuationResult>;
  /** Locks `door` again at once, where the actuator can. */
  close?(door: string): Promise<ActuationResult>;
}

export interface ActuatorAction {
  readonly kind: 'open' | 'close';
  readonly door: string;
  readonly ms: number | null;
  readonly atMs: number | null;
}

export interface SimulatedActuator extends DoorActuator {
  close(door: string): Promise<ActuationResult>;
  /** What it was asked to do, oldest first. */
  actions(): readonly ActuatorAction[];
}

/** The default actuator: no hardware; logs each command and keeps a record of it. */
export function createSimulatedActuator(logger: GateLogger, options: { readonly now?: () => number } = {}): SimulatedActuator {
  const actions: ActuatorAction[] = [];
  const record = (kind: ActuatorAction['kind'], door: string, ms: number | null): Promise<ActuationResult> => {
    actions.push({ kind, door, ms, atMs: options.now?.() ?? null });
    logger.info({ door, ms }, kind === 'open' ? 'door unlocked (simulated)' : 'door locked (simulated)');
    return Promise.resolve({ ok: true });
  };
  return {
    open: (door, ms) => record('open', door, ms),
    close: (door) => record('close', door, null),
    actions: () => [...actions],
  };
}

export interface RelayCommandOptions {
  /** Program to run, e.g. a vendor's relay tool. */
  readonly command: string;
  /** Arguments to unlock; `{door}`, `{ms}` and `{seconds}` are replaced in each. */
  readonly args: readonly string[];
  /** Arguments to lock at once; without them the actuator has no `close`. */
  readonly closeArgs?: readonly string[];
  readonly logger: GateLogger;
  /** Time the command may take beyond the open time before it is killed. Default 2000 ms. */
  readonly graceMs?: number;
}

/** Runs a command per door operation; the command is expected to pulse the relay itself. */
export function createRelayCommandActuator(options: RelayCommandOptions): DoorActuator {
  const graceMs = options.graceMs ?? 2000;
  const run = (door: string, template: readonly string[], ms: number): Promise<ActuationResult> =>
    report(options.logger, door, runCommand(options.command, fillArgs(template, door, ms), ms + graceMs).done);
  const actuator: DoorActuator = { open: (door, ms) => run(door, options.args, ms) };
  const closeArgs = options.closeArgs;
  return closeArgs === undefined ? actuator : { ...actuator, close: (door) => run(door, closeArgs, 0) };
}

export function fillArgs(template: readonly string[], door: string, ms: number): string[] {
  const values: Record<string, string> = { door, ms: String(ms), seconds: String(ms / 1000) };
  return template.map((arg) => arg.replace(/\{(door|ms|seconds)\}/g, (_match, key: string) => values[key] ?? ''));
}

/** Logs a failed actuation; the result passes through unchanged. */
export async function report(logger: GateLogger, door: string, actuation: Promise<ActuationResult>): Promise<ActuationResult> {
  let result: ActuationResult;
  try {
    result = await actuation;
  } catch (cause) {
    result = { ok: false, error: new ActuatorError(`door ${door}: actuator failed`, { cause }) };
  }
  if (!result.ok) logger.error({ door, err: result.error }, 'door actuator failed');
  return result;
}
