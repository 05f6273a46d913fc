/**
 * The gate a terminal runs when its configuration says only `{ "kind": "gate" }`: one door,
 * `main`, with an entry and an exit reader, weekday office hours with Japan's holidays,
 * visitors in daytime hours, a 24-hour group for security staff, and soft anti-passback.
 * Pure: the years whose holidays to list are passed in.
 */
import type { GateConfigInput } from './config.js';
import { japaneseHolidays } from './holidays.js';

export const DEFAULT_GATE_READERS = { in: 'Gate In', out: 'Gate Out' } as const;

/** The programme the demo gate honours: a building pass of the Tokyo Metropolitan Government (130001), programme 90. */
export const DEFAULT_GATE_PROGRAMME = { municipality: 130001, number: 90 } as const;

/** Access groups of the default door: what the issuer writes into a pass's `accessGroup`. */
export const DEFAULT_ACCESS_GROUPS = { staff: 1, visitor: 2, security: 9 } as const;

const weekdays = (from: string, to: string) => {
  const day = [{ from, to }];
  return { mon: day, tue: day, wed: day, thu: day, fri: day };
};

const allDay = [{ from: '00:00', to: '24:00' }];

export function defaultGateConfigInput(years: readonly number[]): GateConfigInput {
  return {
    programmes: [{ ...DEFAULT_GATE_PROGRAMME }],
    holidays: years.flatMap((year) => japaneseHolidays(year)),
    schedules: {
      'office-hours': { week: weekdays('07:00', '22:00') },
      'visitor-hours': { week: weekdays('08:30', '18:00') },
      always: { week: { sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay }, holiday: allDay },
    },
    doors: [
      {
        id: 'main',
        name: '正面玄関 Main entrance',
        readers: { ...DEFAULT_GATE_READERS },
        zones: [0],
        schedules: {
          [String(DEFAULT_ACCESS_GROUPS.staff)]: 'office-hours',
          [String(DEFAULT_ACCESS_GROUPS.visitor)]: 'visitor-hours',
          [String(DEFAULT_ACCESS_GROUPS.security)]: 'always',
        },
        openMs: 5_000,
        antiPassback: 'soft',
        position: { heldOpenMs: 30_000 },
      },
    ],
  };
}

/** Every reader of a gate configuration, entry readers first door by door. */
export function gateReaders(config: { readonly doors: ReadonlyArray<{ readonly readers: { readonly in: string; readonly out?: string | undefined } }> }): string[] {
  return config.doors.flatMap((door) => (door.readers.out === undefined ? [door.readers.in] : [door.readers.in, door.readers.out]));
}
