/**
 * Shared fixtures of the gate tests: a configuration with two doors, passes, and Japan-time
 * instants. Not used by product code.
 */
import type { Grant, SlotState } from '../../free-area/types.js';
import { encodeAccessRights, type AccessRights } from './access-rights.js';
import { parseGateConfig, resolveReader, type GateConfig, type GateConfigInput, type ReaderContext } from './config.js';

export const PROGRAMME = { municipality: 102016, number: 40 } as const;

/** The instant of a Japan-time wall clock reading `YYYY-MM-DDTHH:MM`. */
export function jst(wallClock: string): number {
  const ms = Date.parse(`${wallClock}:00+09:00`);
  if (Number.isNaN(ms)) throw new RangeError(`not a wall clock: ${wallClock}`);
  return ms;
}

const WORKDAY = [{ from: '07:00', to: '22:00' }];

export const CONFIG_INPUT: GateConfigInput = {
  programmes: [PROGRAMME],
  holidays: ['2026-05-04'],
  schedules: {
    office: { week: { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY } },
    night: { week: { fri: [{ from: '22:00', to: '06:00' }] } },
  },
  doors: [
    {
      id: 'main',
      readers: { in: 'main-in', out: 'main-out' },
      zones: [0, 1],
      schedules: { '1': 'office', '2': 'night' },
      openMs: 4000,
      antiPassback: 'hard',
    },
    { id: 'lab', readers: { in: 'lab-in' }, zones: [5], visitors: false, organisations: [130001] },
  ],
};

export function gateConfig(patch: Partial<GateConfigInput> = {}): GateConfig {
  return parseGateConfig({ ...CONFIG_INPUT, ...patch });
}

export function readerAt(config: GateConfig, reader: string): ReaderContext {
  const context = resolveReader(config, reader);
  if (context === undefined) throw new RangeError(`no reader ${reader}`);
  return context;
}

export const STAFF: AccessRights = { kind: 'staff', holder: '0123456789ABCDEF', organisation: 130001, zones: [0, 5], accessGroup: 1 };
export const VISITOR: AccessRights = { kind: 'visitor', holder: 'FEDCBA9876543210', organisation: 999, zones: [0], accessGroup: 1 };

export function grantFor(rights: AccessRights, patch: Partial<Grant> = {}): Grant {
  return {
    formatVersion: 1,
    cardId: rights.kind === 'staff' ? '1111111111111111' : '2222222222222222',
    programme: PROGRAMME,
    unit: 'entry',
    amount: rights.kind === 'visitor' ? 3 : 0,
    validFrom: '2026-03-01',
    validUntil: '2026-03-31',
    dailyUses: 0,
    monthlyUnits: 0,
    keyVersion: 1,
    serial: 1,
    ext: encodeAccessRights(rights),
    ...patch,
  };
}

export function slotWith(used: number): SlotState {
  return { seq: used + 1, used, day: null, dayUses: 0, month: null, monthUnits: 0, lastTerminal: 1, time: 0, macKeyVersion: 1 };
}
