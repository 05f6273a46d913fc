/**
 * The day's network faults: broker outages (the broker stops and starts again later that day),
 * cut connections (a terminal's TCP connection drops; it reconnects by itself) and duplicate
 * deliveries (a batch the terminal sent earlier reaches the office again).
 */
import { HOUR, MINUTE, type Activity } from './activities.js';
import type { City } from './city.js';
import type { SimOptions } from './options.js';
import type { Random } from './random.js';

export function planNetwork(o: SimOptions, city: City, midnight: number, random: Random): Activity[] {
  const out: Activity[] = [];
  const times = (perDay: number): number => Math.floor(perDay) + (random.chance(perDay % 1) ? 1 : 0);
  if (o.faults.includes('broker')) {
    let from = midnight + 9 * HOUR;
    for (let i = 0; i < times(o.outagesPerDay); i += 1) {
      const down = from + random.int(3 * HOUR / MINUTE) * MINUTE;
      const up = down + random.between(20, 150) * MINUTE;
      out.push({ type: 'broker-down', at: down }, { type: 'broker-up', at: up });
      from = up + 10 * MINUTE;
    }
  }
  const anyTime = (): number => midnight + 7 * HOUR + random.int(14 * HOUR / MINUTE) * MINUTE;
  if (o.faults.includes('cuts')) {
    for (let i = 0; i < times(o.cutsPerDay); i += 1) out.push({ type: 'cut', at: anyTime(), terminal: random.pick(city.terminals).id });
  }
  if (o.faults.includes('dups')) {
    for (let i = 0; i < times(o.dupsPerDay); i += 1) out.push({ type: 'dup', at: anyTime(), terminal: random.pick(city.terminals).id });
  }
  return out;
}
