/**
 * A door strike or relay on a GPIO line, driven through the Linux GPIO character device by
 * libgpiod's `gpioset` (no native binding to build). The line is active while the door is
 * unlocked; `activeLow` inverts it for relay boards that switch on a low level.
 *
 * Argument lists (the command itself is configurable, e.g. a full path or a wrapper):
 * - libgpiod 2.x (default), one process per opening; it sets the line active, toggles it back
 *   after the open time, and exits at the final 0 period:
 *   `gpioset --chip <chip> [--active-low] --consumer <consumer> --toggle <ms>ms,0 <line>=1`
 * - libgpiod 1.x, one process holds the line for the open time, a second sets it inactive:
 *   `gpioset [--active-low] --mode=time --sec=<s> --usec=<us> <chip> <line>=1`, then
 *   `gpioset [--active-low] <chip> <line>=0`
 *
 * After gpioset exits the kernel no longer drives the line, so the wiring must lock the door
 * when the line is released (a pull resistor to the inactive level): fail-secure.
 * A new opening of a door that is still unlocked ends the running command and starts again,
 * so the door stays unlocked for the new open time.
 */
import { report, type DoorActuator, type GateLogger } from './actuator.js';
import { ActuatorError } from './errors.js';
import { runCommand, type ActuationResult, type RunningCommand } from './run-command.js';

export interface GpioLine {
  /** Chip name, number or path as gpioset takes it (`gpiochip0`, `0`, `/dev/gpiochip0`). */
  readonly chip: string;
  /** Line offset, or a line name (libgpiod 2.x). */
  readonly line: number | string;
  readonly activeLow?: boolean;
}

export interface GpioActuatorOptions {
  readonly command?: string;
  /** The line of any door not listed in `doors`. */
  readonly chip?: string;
  readonly line?: number | string;
  readonly activeLow?: boolean;
  /** Door ID → its own line, for a terminal that drives several doors. */
  readonly doors?: Readonly<Record<string, GpioLine>>;
  readonly toolVersion?: 1 | 2;
  /** Consumer label shown by gpioinfo (libgpiod 2.x). Default `fa-gate`. */
  readonly consumer?: string;
  /** Time a command may take beyond the open time before it is killed. Default 2000 ms. */
  readonly graceMs?: number;
  readonly logger: GateLogger;
}

export function gpiosetOpenArgs(version: 1 | 2, line: GpioLine, ms: number, consumer = 'fa-gate'): string[] {
  const low = line.activeLow === true ? ['--active-low'] : [];
  if (version === 2) return ['--chip', line.chip, ...low, '--consumer', consumer, '--toggle', `${ms}ms,0`, `${line.line}=1`];
  return [...low, '--mode=time', `--sec=${Math.floor(ms / 1000)}`, `--usec=${(ms % 1000) * 1000}`, line.chip, `${line.line}=1`];
}

export function gpiosetReleaseArgs(line: GpioLine): string[] {
  return [...(line.activeLow === true ? ['--active-low'] : []), line.chip, `${line.line}=0`];
}

interface DoorLine {
  generation: number;
  current: RunningCommand | null;
  tail: Promise<unknown>;
}

export function createGpioActuator(options: GpioActuatorOptions): DoorActuator {
  const command = options.command ?? 'gpioset';
  const version = options.toolVersion ?? 2;
  const graceMs = options.graceMs ?? 2000;
  const doors = new Map<string, DoorLine>();

  const run = async (state: DoorLine, args: string[], timeoutMs: number): Promise<ActuationResult> => {
    const running = runCommand(command, args, timeoutMs);
    state.current = running;
    const result = await running.done;
    if (state.current === running) state.current = null;
    return result;
  };

  const openLine = async (state: DoorLine, generation: number, line: GpioLine, ms: number): Promise<ActuationResult> => {
    if (generation !== state.generation) return { ok: true };
    const held = await run(state, gpiosetOpenArgs(version, line, ms, options.consumer), ms + graceMs);
    if (version === 2 || generation !== state.generation) return held;
    const released = await run(state, gpiosetReleaseArgs(line), graceMs);
    return held.ok ? released : held;
  };

  /** Supersedes whatever the door is doing and queues `step` after it. */
  const enqueue = (door: string, step: (state: DoorLine, generation: number) => Promise<ActuationResult>): Promise<ActuationResult> => {
    const state = doors.get(door) ?? { generation: 0, current: null, tail: Promise.resolve() };
    doors.set(door, state);
    const generation = ++state.generation;
    state.current?.stop();
    const result = state.tail.then(() => step(state, generation));
    state.tail = result;
    return report(options.logger, door, result);
  };

  const lineFor = (door: string): GpioLine | undefined => {
    const own = options.doors?.[door];
    if (own !== undefined) return own;
    if (options.chip === undefined || options.line === undefined) return undefined;
    return { chip: options.chip, line: options.line, ...(options.activeLow === undefined ? {} : { activeLow: options.activeLow }) };
  };

  const noLine = (door: string): Promise<ActuationResult> =>
    report(options.logger, door, Promise.resolve({ ok: false, error: new ActuatorError(`no GPIO line is configured for door ${door}`) }));

  return {
    open(door, ms) {
      const line = lineFor(door);
      return line === undefined ? noLine(door) : enqueue(door, (state, generation) => openLine(state, generation, line, ms));
    },
    close(door) {
      const line = lineFor(door);
      if (line === undefined) return noLine(door);
      return enqueue(door, (state) => (version === 2 ? Promise.resolve({ ok: true }) : run(state, gpiosetReleaseArgs(line), graceMs)));
    },
  };
}
