/** The door actuator a gate terminal's configuration names: simulated (the default), GPIO or a relay command. */
import { createGpioActuator, createRelayCommandActuator, createSimulatedActuator, type DoorActuator, type GateLogger } from '../apps/gate/index.js';
import type { ActuatorConfig } from './gate-config.js';

export function createConfiguredActuator(config: ActuatorConfig, logger: GateLogger): DoorActuator {
  switch (config.kind) {
    case 'simulated':
      return createSimulatedActuator(logger);
    case 'relay': {
      const { command, args, closeArgs, graceMs } = config;
      return createRelayCommandActuator({ command, args, logger, ...(closeArgs === undefined ? {} : { closeArgs }), ...(graceMs === undefined ? {} : { graceMs }) });
    }
    case 'gpio': {
      const { kind: _kind, doors, ...options } = config;
      const lines = doors === undefined ? undefined : Object.fromEntries(Object.entries(doors).map(([door, line]) => [door, definedOnly(line)]));
      return createGpioActuator({ ...definedOnly(options), ...(lines === undefined ? {} : { doors: lines }), logger });
    }
  }
}

/** zod leaves absent optional keys as `undefined`; the actuator options take them absent. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
