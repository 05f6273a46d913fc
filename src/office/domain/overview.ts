/** The dashboard's first page: today's rides and subsidy, terminals online and offline, backlog, open anomalies. */
import { jstDay } from '../../free-area/index.js';
import type { AnomalyService } from './anomalies.js';
import type { ClearingService } from './clearing.js';
import { ZERO_TOTALS } from './clearing-queries.js';
import type { Totals } from './clearing-queries.js';
import type { RegistryService } from './registry.js';

export interface Overview {
  readonly day: string;
  readonly today: Totals;
  readonly terminals: { readonly total: number; readonly online: number; readonly offline: number; readonly silent: number; readonly unregistered: number };
  /** Events terminals hold unsent, summed from their last statuses. */
  readonly backlog: number;
  readonly openAnomalies: number;
  /** Rides and subsidy per day for the last 30 days, for the chart. */
  readonly last30Days: readonly (Totals & { readonly day: string })[];
}

export async function buildOverview(
  deps: { clearing: ClearingService; registry: RegistryService; anomalies: AnomalyService },
  now: number,
  silentAfterMs: number,
): Promise<Overview> {
  const day = jstDay(now);
  const from = jstDay(now - 29 * 86_400_000);
  const [daily, terminals, counts] = await Promise.all([deps.clearing.daily(from, day), deps.registry.terminals(), deps.anomalies.counts()]);
  const silent = terminals.filter((t) => t.lastHeardAt !== null && now - t.lastHeardAt > silentAfterMs).length;
  return {
    day,
    today: daily.find((d) => d.day === day) ?? ZERO_TOTALS,
    terminals: {
      total: terminals.length,
      online: terminals.filter((t) => t.online === true).length,
      offline: terminals.filter((t) => t.online !== true).length,
      silent,
      unregistered: terminals.filter((t) => t.kind === null).length,
    },
    backlog: terminals.reduce((sum, t) => sum + (t.backlog ?? 0), 0),
    openAnomalies: counts.reduce((sum, c) => sum + c.open, 0),
    last30Days: daily,
  };
}
