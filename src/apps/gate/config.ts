/**
 * The gate's configuration: doors, their readers, zones, schedules and rules. Parsed once at
 * start-up (or when the office pushes a new version); the parsed value is passed down as is.
 * Times of day are minutes from midnight, Japan time; `"HH:MM"` strings are accepted too.
 */
import { z } from 'zod';
import { ZONE_COUNT } from './access-rights.js';
import { GateConfigError } from './errors.js';

export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const ANTI_PASSBACK_MODES = ['none', 'soft', 'hard'] as const;
/** `soft` grants a passage that breaks anti-passback and flags it; `hard` refuses it. */
export type AntiPassbackMode = (typeof ANTI_PASSBACK_MODES)[number];

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const MINUTES_PER_DAY = 24 * 60;

const minuteOfDay = z.union([
  z.number().int().min(0).max(MINUTES_PER_DAY),
  z
    .string()
    .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day "HH:MM" (00:00–24:00)')
    .transform((hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))),
]);

/**
 * `from` inclusive, `to` exclusive. A range with `from` after `to` crosses midnight: listed
 * under Friday, 22:00–06:00 covers Friday 22:00 to Saturday 06:00.
 */
export const timeRangeSchema = z
  .object({ from: minuteOfDay, to: minuteOfDay })
  .refine((r) => r.from !== r.to, 'from and to must differ (use 00:00–24:00 for the whole day)')
  .refine((r) => r.from < MINUTES_PER_DAY, 'from must be before 24:00');
export type TimeRange = z.infer<typeof timeRangeSchema>;

const ranges = z.array(timeRangeSchema).default([]);

export const scheduleSchema = z.object({
  week: z
    .object({ sun: ranges, mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges, sat: ranges })
    .prefault({}),
  /** Ranges that replace the weekday's on a holiday; none (closed) unless listed. */
  holiday: ranges,
});
export type Schedule = z.infer<typeof scheduleSchema>;

const day = z.string().regex(/^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/, 'a day "YYYY-MM-DD"');
const identifier = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-"');
const zone = z.number().int().min(0).max(ZONE_COUNT - 1);
const uint32 = z.number().int().min(0).max(0xffffffff);

export const doorSchema = z.object({
  id: identifier,
  name: z.string().min(1).optional(),
  /** PC/SC reader names (or `emulator:<name>`): the entry reader and, for anti-passback, the exit reader. */
  readers: z.object({ in: z.string().min(1), out: z.string().min(1).optional() }),
  zones: z.array(zone).min(1),
  /**
   * Access group (decimal, or `*` for any other group) → schedule ID. Without it the door has
   * no time restriction; with it, a card whose group is not listed (and no `*`) is refused.
   */
  schedules: z.record(z.string().regex(/^(?:\d{1,5}|\*)$/, 'an access group number or "*"'), identifier).optional(),
  openMs: z.number().int().min(100).max(60_000).default(5_000),
  antiPassback: z.enum(ANTI_PASSBACK_MODES).default('none'),
  /** Per-door rules. */
  visitors: z.boolean().default(true),
  /** Only cards of these organisations pass, when given. */
  organisations: z.array(uint32).min(1).optional(),
  /** Door-position input, where one is wired: an opening longer than `heldOpenMs` raises door-held-open. */
  position: z.object({ heldOpenMs: z.number().int().min(1_000).default(30_000) }).optional(),
});
export type DoorConfig = z.infer<typeof doorSchema>;

const programmeSchema = z.object({ municipality: z.number().int().min(0).max(999_999), number: z.number().int().min(0).max(0xffff) });

const gateConfigObject = z.object({
  /** Programmes whose grants this gate honours. */
  programmes: z.array(programmeSchema).min(1),
  holidays: z.array(day).default([]),
  schedules: z.record(identifier, scheduleSchema).default({}),
  doors: z.array(doorSchema).min(1),
  antiPassback: z
    .object({
      /** A passage older than this no longer counts for anti-passback (e.g. a day, so a missed exit does not lock a holder out for good). */
      forgetAfterMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
    })
    .prefault({}),
});

export const gateConfigSchema = gateConfigObject.superRefine(checkReferences);
export type GateConfig = z.infer<typeof gateConfigSchema>;
export type GateConfigInput = z.input<typeof gateConfigSchema>;

function checkReferences(config: z.infer<typeof gateConfigObject>, ctx: z.RefinementCtx): void {
  const doorIds = new Set<string>();
  const readers = new Set<string>();
  config.doors.forEach((door, i) => {
    if (doorIds.has(door.id)) ctx.addIssue({ code: 'custom', path: ['doors', i, 'id'], message: `door "${door.id}" is listed twice` });
    doorIds.add(door.id);
    for (const direction of DIRECTIONS) {
      const reader = door.readers[direction];
      if (reader === undefined) continue;
      if (readers.has(reader)) {
        ctx.addIssue({ code: 'custom', path: ['doors', i, 'readers', direction], message: `reader "${reader}" serves more than one door or direction` });
      }
      readers.add(reader);
    }
    for (const [group, schedule] of Object.entries(door.schedules ?? {})) {
      if (!(schedule in config.schedules)) {
        ctx.addIssue({ code: 'custom', path: ['doors', i, 'schedules', group], message: `schedule "${schedule}" is not defined` });
      }
    }
  });
}

/** Parses a configuration, or throws a `GateConfigError` that lists every bad field. */
export function parseGateConfig(input: unknown): GateConfig {
  const result = gateConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new GateConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    { cause: result.error },
  );
}

/** Where a reader sits: its door and the direction a passage through it goes. */
export interface ReaderContext {
  readonly reader: string;
  readonly door: DoorConfig;
  readonly direction: Direction;
}

/** The door and direction of a reader, or undefined when the reader is not configured. */
export function resolveReader(config: GateConfig, reader: string): ReaderContext | undefined {
  for (const door of config.doors) {
    if (door.readers.in === reader) return { reader, door, direction: 'in' };
    if (door.readers.out === reader) return { reader, door, direction: 'out' };
  }
  return undefined;
}

/**
 * The schedule that governs an access group at a door: `unrestricted` when the door has no
 * schedules, `none` when the group is not let in at all.
 */
export type DoorSchedule = { readonly kind: 'unrestricted' } | { readonly kind: 'none' } | { readonly kind: 'schedule'; readonly id: string; readonly schedule: Schedule };

export function doorSchedule(config: GateConfig, door: DoorConfig, accessGroup: number): DoorSchedule {
  if (door.schedules === undefined) return { kind: 'unrestricted' };
  const id = door.schedules[String(accessGroup)] ?? door.schedules['*'];
  const schedule = id === undefined ? undefined : config.schedules[id];
  return id === undefined || schedule === undefined ? { kind: 'none' } : { kind: 'schedule', id, schedule };
}
