/**
 * The `app` section of a gate terminal's configuration: the gate (doors, schedules, rules) and
 * the door actuator. `{ "kind": "gate" }` alone runs the default gate: one door `main` with the
 * readers `Gate In` and `Gate Out`, weekday office hours with this year's and next year's
 * Japanese holidays, and soft anti-passback.
 */
import { z } from 'zod';
import { defaultGateConfigInput, gateConfigSchema } from '../apps/gate/index.js';
import { jstYear } from '../free-area/jst.js';

const seconds = z.number().int().min(0).max(60_000);

const simulatedActuator = z.strictObject({ kind: z.literal('simulated') });

const gpioLine = z.strictObject({
  chip: z.string().min(1),
  line: z.union([z.number().int().min(0), z.string().min(1)]),
  activeLow: z.boolean().optional(),
});

/** A strike or relay on a GPIO line, driven through libgpiod's `gpioset`. */
const gpioActuator = z.strictObject({
  kind: z.literal('gpio'),
  command: z.string().min(1).optional(),
  chip: z.string().min(1).optional(),
  line: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
  activeLow: z.boolean().optional(),
  /** Door ID → its own line, for a terminal that drives several doors. */
  doors: z.record(z.string(), gpioLine).optional(),
  toolVersion: z.union([z.literal(1), z.literal(2)]).optional(),
  consumer: z.string().min(1).optional(),
  graceMs: seconds.optional(),
});

/** A vendor's relay tool run per opening; `{door}`, `{ms}` and `{seconds}` are replaced in the arguments. */
const relayActuator = z.strictObject({
  kind: z.literal('relay'),
  command: z.string().min(1),
  args: z.array(z.string()),
  closeArgs: z.array(z.string()).optional(),
  graceMs: seconds.optional(),
});

export const actuatorConfigSchema = z.discriminatedUnion('kind', [simulatedActuator, gpioActuator, relayActuator]);
export type ActuatorConfig = z.infer<typeof actuatorConfigSchema>;

/** The years whose holidays the default gate lists: the current one (Japan time) and the next. */
function defaultYears(): number[] {
  const year = jstYear(Date.now());
  return [year, year + 1];
}

export const gateAppSchema = z.strictObject({
  kind: z.literal('gate'),
  gate: gateConfigSchema.prefault(() => defaultGateConfigInput(defaultYears())),
  actuator: actuatorConfigSchema.prefault({ kind: 'simulated' }),
});
export type GateAppConfig = z.output<typeof gateAppSchema>;
