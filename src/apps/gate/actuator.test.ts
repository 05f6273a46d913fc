import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayCommandActuator, createSimulatedActuator, fillArgs, type GateLogger } from './actuator.js';
import { ActuatorError } from './errors.js';
import { createGpioActuator, gpiosetOpenArgs, gpiosetReleaseArgs } from './gpio-actuator.js';

let dir = '';
let log = '';
const script = (name: string, body: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
const calls = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

function spyLogger(): GateLogger & { lines: Array<[string, object, string]> } {
  const lines: Array<[string, object, string]> = [];
  return {
    lines,
    info: (obj, msg) => lines.push(['info', obj, msg]),
    warn: (obj, msg) => lines.push(['warn', obj, msg]),
    error: (obj, msg) => lines.push(['error', obj, msg]),
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gate-actuator-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the GPIO actuator', () => {
  it('runs libgpiod 2 gpioset with the chip, line, polarity and open time', async () => {
    log = join(dir, 'v2.log');
    const gpioset = script('gpioset-v2', 'exit 0');
    const actuator = createGpioActuator({ command: gpioset, chip: 'gpiochip0', line: 17, logger: spyLogger() });
    const lowActuator = createGpioActuator({ command: gpioset, chip: 'gpiochip1', line: 'DOOR_RELAY', activeLow: true, consumer: 'lobby', logger: spyLogger() });
    expect(await actuator.open('main', 5000)).toEqual({ ok: true });
    expect(await lowActuator.open('main', 750)).toEqual({ ok: true });
    expect(calls()).toEqual([
      'gpioset-v2 --chip gpiochip0 --consumer fa-gate --toggle 5000ms,0 17=1',
      'gpioset-v2 --chip gpiochip1 --active-low --consumer lobby --toggle 750ms,0 DOOR_RELAY=1',
    ]);
  });

  it('holds and then releases the line with libgpiod 1 gpioset', async () => {
    log = join(dir, 'v1.log');
    const actuator = createGpioActuator({ command: script('gpioset-v1', 'exit 0'), toolVersion: 1, chip: '0', line: 4, activeLow: true, logger: spyLogger() });
    expect(await actuator.open('main', 1500)).toEqual({ ok: true });
    expect(await actuator.close?.('main')).toEqual({ ok: true });
    expect(calls()).toEqual([
      'gpioset-v1 --active-low --mode=time --sec=1 --usec=500000 0 4=1',
      'gpioset-v1 --active-low 0 4=0',
      'gpioset-v1 --active-low 0 4=0',
    ]);
  });

  it('drives each door on its own line', async () => {
    log = join(dir, 'doors.log');
    const actuator = createGpioActuator({
      command: script('gpioset-doors', 'exit 0'),
      doors: { main: { chip: 'gpiochip0', line: 17 }, lab: { chip: 'gpiochip0', line: 27, activeLow: true } },
      logger: spyLogger(),
    });
    await Promise.all([actuator.open('main', 3000), actuator.open('lab', 4000)]);
    expect(calls().sort()).toEqual([
      'gpioset-doors --chip gpiochip0 --active-low --consumer fa-gate --toggle 4000ms,0 27=1',
      'gpioset-doors --chip gpiochip0 --consumer fa-gate --toggle 3000ms,0 17=1',
    ]);
  });

  it('reports a failing gpioset with its message and logs it, without throwing', async () => {
    log = join(dir, 'fail.log');
    const logger = spyLogger();
    const actuator = createGpioActuator({ command: script('gpioset-fail', "echo 'gpioset: unable to request lines' >&2; exit 1"), chip: 'gpiochip0', line: 17, logger });
    const result = await actuator.open('main', 5000);
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.error).toBeInstanceOf(ActuatorError);
    expect(result.ok ? '' : result.error.message).toMatch(/exited with 1: gpioset: unable to request lines/);
    expect(logger.lines).toEqual([['error', { door: 'main', err: expect.any(ActuatorError) }, 'door actuator failed']]);
  });

  it('reports a gpioset that is not installed', async () => {
    const logger = spyLogger();
    const result = await createGpioActuator({ command: join(dir, 'no-such-gpioset'), chip: 'gpiochip0', line: 17, logger }).open('main', 10);
    expect(result.ok ? '' : result.error.message).toMatch(/could not run/);
    expect(logger.lines[0]?.[0]).toBe('error');
  });

  it('reports a door that has no line configured', async () => {
    const logger = spyLogger();
    const result = await createGpioActuator({ doors: { main: { chip: 'gpiochip0', line: 17 } }, logger }).open('lab', 10);
    expect(result.ok ? '' : result.error.message).toBe('no GPIO line is configured for door lab');
    expect(logger.lines).toHaveLength(1);
  });

  it('kills a gpioset that outlives the open time and its grace', async () => {
    log = join(dir, 'hang.log');
    const actuator = createGpioActuator({ command: script('gpioset-hang', 'exec sleep 30'), chip: 'gpiochip0', line: 17, graceMs: 100, logger: spyLogger() });
    const result = await actuator.open('main', 50);
    expect(result.ok ? '' : result.error.message).toMatch(/still running after 150 ms, killed/);
  });

  it('restarts the open time when a door is opened again while it is still unlocked', async () => {
    log = join(dir, 'again.log');
    const actuator = createGpioActuator({ command: script('gpioset-slow', 'exec sleep 30'), chip: 'gpiochip0', line: 17, graceMs: 200, logger: spyLogger() });
    const first = actuator.open('main', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = actuator.open('main', 100);
    expect(await first).toEqual({ ok: true });
    expect((await second).ok).toBe(false);
    expect(calls()).toEqual([
      'gpioset-slow --chip gpiochip0 --consumer fa-gate --toggle 10000ms,0 17=1',
      'gpioset-slow --chip gpiochip0 --consumer fa-gate --toggle 100ms,0 17=1',
    ]);
  });

  it('locks a door at once by ending the running gpioset', async () => {
    log = join(dir, 'close.log');
    const actuator = createGpioActuator({ command: script('gpioset-held', 'exec sleep 30'), chip: 'gpiochip0', line: 17, logger: spyLogger() });
    const open = actuator.open('main', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await actuator.close?.('main')).toEqual({ ok: true });
    expect(await open).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('documents its argument lists', () => {
    expect(gpiosetOpenArgs(2, { chip: 'gpiochip0', line: 17 }, 5000)).toEqual(['--chip', 'gpiochip0', '--consumer', 'fa-gate', '--toggle', '5000ms,0', '17=1']);
    expect(gpiosetOpenArgs(1, { chip: 'gpiochip0', line: 17 }, 2000)).toEqual(['--mode=time', '--sec=2', '--usec=0', 'gpiochip0', '17=1']);
    expect(gpiosetReleaseArgs({ chip: 'gpiochip0', line: 17, activeLow: true })).toEqual(['--active-low', 'gpiochip0', '17=0']);
  });
});

describe('the relay command actuator', () => {
  it('fills in the door and the open time and runs the command', async () => {
    log = join(dir, 'relay.log');
    const actuator = createRelayCommandActuator({
      command: script('relayctl', 'exit 0'),
      args: ['pulse', '--door={door}', '--ms', '{ms}', '--seconds', '{seconds}'],
      closeArgs: ['off', '{door}'],
      logger: spyLogger(),
    });
    expect(await actuator.open('main', 2500)).toEqual({ ok: true });
    expect(await actuator.close?.('main')).toEqual({ ok: true });
    expect(calls()).toEqual(['relayctl pulse --door=main --ms 2500 --seconds 2.5', 'relayctl off main']);
  });

  it('has no close without close arguments', () => {
    expect(createRelayCommandActuator({ command: 'true', args: [], logger: spyLogger() }).close).toBeUndefined();
  });

  it('reports a failing relay command', async () => {
    log = join(dir, 'relay-fail.log');
    const logger = spyLogger();
    const result = await createRelayCommandActuator({ command: script('relay-fail', 'exit 3'), args: ['{door}'], logger }).open('main', 10);
    expect(result.ok ? '' : result.error.message).toMatch(/exited with 3/);
    expect(logger.lines[0]?.[2]).toBe('door actuator failed');
  });

  it('replaces only the known placeholders', () => {
    expect(fillArgs(['{door}-{ms}', '{other}', 'x'], 'd1', 1000)).toEqual(['d1-1000', '{other}', 'x']);
  });
});

describe('the simulated actuator', () => {
  it('logs and records each command with the time it was given', async () => {
    const logger = spyLogger();
    let now = 1000;
    const actuator = createSimulatedActuator(logger, { now: () => now });
    expect(await actuator.open('main', 4000)).toEqual({ ok: true });
    now = 2000;
    await actuator.close('main');
    expect(actuator.actions()).toEqual([
      { kind: 'open', door: 'main', ms: 4000, atMs: 1000 },
      { kind: 'close', door: 'main', ms: null, atMs: 2000 },
    ]);
    expect(logger.lines).toEqual([
      ['info', { door: 'main', ms: 4000 }, 'door unlocked (simulated)'],
      ['info', { door: 'main', ms: null }, 'door locked (simulated)'],
    ]);
  });
});
