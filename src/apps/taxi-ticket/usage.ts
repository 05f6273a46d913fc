/**
 * A card's use of a grant as it stands at an instant. The slot records the day and month of
 * its last use; when today or this month (Japan time) is another, that period's count starts
 * again from 0, exactly as `buildNextSlot` rolls the counters when it writes the next slot.
 */
import { jstDay, jstMonth } from '../../free-area/jst.js';
import type { SlotState } from '../../free-area/types.js';

/** Usage counters for the current day and month, `day` and `month` being those of the instant. */
export interface PeriodUsage {
  readonly used: number;
  readonly day: string;
  readonly dayUses: number;
  readonly month: string;
  readonly monthUnits: number;
}

/** Usage at `atMs`; a card never used (no slot written) has used nothing. */
export function usageAt(state: SlotState | null, atMs: number): PeriodUsage {
  const day = jstDay(atMs);
  const month = jstMonth(atMs);
  if (state === null) return { used: 0, day, dayUses: 0, month, monthUnits: 0 };
  return {
    used: state.used,
    day,
    dayUses: state.day === day ? state.dayUses : 0,
    month,
    monthUnits: state.month === month ? state.monthUnits : 0,
  };
}

/** Usage after one more use taking `units`. */
export function usageAfter(usage: PeriodUsage, units: number): PeriodUsage {
  return {
    used: usage.used + units,
    day: usage.day,
    dayUses: usage.dayUses + 1,
    month: usage.month,
    monthUnits: usage.monthUnits + units,
  };
}

/** The stricter of two limits where 0 means none. */
export function stricterLimit(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}
