/**
 * Attendance from gate passages: per holder per day (Japan time), the first entry and the
 * last exit, with a CSV. A day with an entry and no exit shows an empty last-out, and the other
 * way round, so a missing passage is visible rather than guessed.
 */
import { z } from 'zod';
import { all, num, numOrNull, str } from '../store/index.js';
import type { ProgramRunner } from '../store/index.js';
import { ATTENDANCE_SQL } from '../store/sql-activity.js';
import { toCsv } from './csv.js';
import type { Projector } from './projector.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');

export interface AttendanceDay {
  readonly day: string;
  readonly holder: string;
  readonly firstIn: number | null;
  readonly lastOut: number | null;
  readonly passages: number;
}

export interface AttendanceService {
  days(fromDay: string, toDay: string, holder?: string): Promise<AttendanceDay[]>;
  csv(fromDay: string, toDay: string, holder?: string): Promise<string>;
}

export function createAttendanceService(store: ProgramRunner, projector: Projector): AttendanceService {
  const days = async (fromDay: string, toDay: string, holder?: string): Promise<AttendanceDay[]> => {
    const range = [day.parse(fromDay), day.parse(toDay)];
    await projector.project();
    return store.run(function* () {
      return (yield* all(ATTENDANCE_SQL.days, [...range, holder ?? null, holder ?? null])).map((r) => ({
        day: str(r.day),
        holder: str(r.holder),
        firstIn: numOrNull(r.first_in),
        lastOut: numOrNull(r.last_out),
        passages: num(r.passages),
      }));
    });
  };
  return {
    days,
    async csv(fromDay, toDay, holder) {
      const rows = await days(fromDay, toDay, holder);
      return toCsv(['日付', '職員', '最初の入館', '最後の退館', '通行回数'], rows.map((r) => [r.day, r.holder, clock(r.firstIn), clock(r.lastOut), r.passages]));
    },
  };
}

/** HH:MM Japan time, or empty. */
function clock(atMs: number | null): string {
  return atMs === null ? '' : new Date(atMs + 9 * 3_600_000).toISOString().slice(11, 16);
}
