/** Grants, slots, programmes and instants shared by this app's tests. */
import type { Grant, SlotState } from '../../free-area/types.js';
import type { TapDecision, TapInput } from './decide.js';
import { decideTap } from './decide.js';
import { EXAMPLE_TERMINAL_PROGRAMMES } from './examples.js';
import { programmeConfigSchema, terminalProgrammesSchema, type ProgrammeConfig, type ProgrammeConfigInput } from './programmes.js';
import { addTap, openRide } from './ride.js';
import type { Ride } from './ride-model.js';

export const TERMINAL = terminalProgrammesSchema.parse(EXAMPLE_TERMINAL_PROGRAMMES);

export function programme(id: string): ProgrammeConfig {
  const found = TERMINAL.programmes[id];
  if (found === undefined) throw new Error(`no programme ${id} in the examples`);
  return found;
}

export function customProgramme(input: ProgrammeConfigInput): ProgrammeConfig {
  return programmeConfigSchema.parse(input);
}

export const MAEBASHI = '102016-1';
export const TAIKI = '244716-1';
export const OME = '132055-1';
export const COUPONS = '072010-1';

/** An instant given as Japan wall-clock time, e.g. `jst('2025-06-10T23:59:59.999')`. */
export function jst(wallClock: string): number {
  return Date.parse(`${wallClock}+09:00`);
}

const GRANTS: Record<string, Omit<Grant, 'cardId'>> = {
  [MAEBASHI]: grantOf(102016, 'coupon', 120, { dailyUses: 2 }),
  [TAIKI]: grantOf(244716, 'coupon', 24, {}),
  [OME]: grantOf(132055, 'yen', 36_000, { monthlyUnits: 3000 }),
  [COUPONS]: grantOf(72010, 'coupon', 20, {}),
};

function grantOf(municipality: number, unit: Grant['unit'], amount: number, limits: Partial<Grant>): Omit<Grant, 'cardId'> {
  return {
    formatVersion: 1,
    programme: { municipality, number: 1 },
    unit,
    amount,
    validFrom: '2025-04-01',
    validUntil: '2026-03-31',
    dailyUses: 0,
    monthlyUnits: 0,
    keyVersion: 1,
    serial: 1,
    ext: new Uint8Array(0),
    ...limits,
  };
}

/** The example grant of a programme for a card, fiscal year 2025 (2025-04-01 … 2026-03-31). */
export function grant(programmeId: string, cardId: string, overrides: Partial<Grant> = {}): Grant {
  const base = GRANTS[programmeId];
  if (base === undefined) throw new Error(`no example grant for ${programmeId}`);
  return { ...base, cardId, ...overrides };
}

export function slot(overrides: Partial<SlotState> = {}): SlotState {
  return {
    seq: 1,
    used: 0,
    day: null,
    dayUses: 0,
    month: null,
    monthUnits: 0,
    lastTerminal: 7,
    time: 0,
    macKeyVersion: 1,
    ...overrides,
  };
}

export const NOON = jst('2025-06-10T12:00:00');

export function newRide(fareYen: number, atMs = NOON, rideId = 'R1'): Ride {
  const opened = openRide({ rideId, fareYen, atMs });
  if (opened.kind !== 'ok') throw new Error(`cannot open a ride at ¥${fareYen}`);
  return opened.ride;
}

/** A tap input for a card of an example programme, every check passing unless overridden. */
export function tapInput(programmeId: string, cardId: string, ride: Ride, overrides: Partial<TapInput> = {}): TapInput {
  return {
    grant: grant(programmeId, cardId),
    state: slot(),
    verification: 'ok',
    denied: null,
    programme: programme(programmeId),
    ride,
    atMs: NOON,
    journalWritable: true,
    ...overrides,
  };
}

/** Decide a tap and, when accepted, add it to the ride. */
export function tapInto(ride: Ride, programmeId: string, cardId: string): { ride: Ride; decision: TapDecision } {
  const decision = decideTap(tapInput(programmeId, cardId, ride));
  if (decision.kind !== 'accepted') return { ride, decision };
  const added = addTap(ride, decision.tap);
  if (added.kind !== 'ok') throw new Error(`accepted tap refused by the ride: ${added.reason}`);
  return { ride: added.ride, decision };
}
