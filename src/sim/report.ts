/** The run's report: as JSON for machines and as text for people. */
import type { AnomalyReport, ClearingRow } from './checks-office.js';
import type { Invariant } from './checks.js';
import type { SimOptions } from './options.js';
import type { TapStats } from './taps.js';
import type { DistrictCounters } from './district.js';

export interface SimReport {
  readonly ok: boolean;
  readonly options: SimOptions;
  readonly city: { municipalities: number; companies: number; taxis: number; gates: number; cards: Readonly<Record<string, number>>; cardsIssued: number; skewedTerminals: number; connections: number; districts: number };
  readonly workload: DistrictCounters & { readonly outages: number; readonly taps: TapStats; readonly events: number; readonly officeDuplicates: number; readonly deadLetters: number };
  readonly timing: {
    readonly wallMs: number;
    readonly setupMs: number;
    readonly daysMs: number;
    readonly drainMs: number;
    readonly checksMs: number;
    /** CPU of this process, every thread (the broker, when a Mosquitto child, not included). */
    readonly cpuMs: number;
    readonly eventsPerSecond: number;
    readonly peakRssMb: number;
  };
  readonly invariants: readonly Invariant[];
  readonly clearing: readonly ClearingRow[];
  readonly anomalies: AnomalyReport;
  readonly logged: { readonly warnings: number; readonly errors: number; readonly firstErrors: readonly string[] };
  readonly simplifications: readonly string[];
}

export function formatReport(r: SimReport): string {
  const o = r.options;
  const w = r.workload;
  const t = r.timing;
  const lines = [
    `fa sim: ${o.scale}, seed ${o.seed}, ${o.days} days from ${o.startDay}, faults: ${o.faults.join(', ') || 'none'}`,
    `city: ${r.city.municipalities} municipalities, ${r.city.companies} taxi companies, ${r.city.taxis} taxis, ${r.city.gates} gates, ${Object.entries(r.city.cards).map(([k, v]) => `${v} ${k}`).join(', ')} cards (${r.city.cardsIssued} issued and used), ${r.city.connections} MQTT connections, ${r.city.districts} district${r.city.districts === 1 ? '' : 's'} (threads running terminals)`,
    `work: ${w.rides} rides closed (${w.ridesCancelled} cancelled), ${w.passages} gate passages, ${w.taps.taps} taps, ${w.events} journal events`,
    `faults: ${w.taps.tears} tears, ${w.taps.kills} kills (${w.restarts} restarts), ${w.outages} broker outages, ${w.cuts} cut connections, ${w.dups} duplicate batches (${w.officeDuplicates} repeats ignored by the office), ${r.city.skewedTerminals} skewed clocks`,
    `in doubt: ${w.taps.inDoubt} taps; settled on the next read: ${w.taps.resolvedCommitted} committed (${w.taps.confirmedEarlier} confirmed an earlier tap), ${w.taps.resolvedAborted} aborted, ${w.taps.resolvedUnverifiable} unverifiable`,
    `time: ${(t.wallMs / 1000).toFixed(1)} s wall (setup ${(t.setupMs / 1000).toFixed(1)}, days ${(t.daysMs / 1000).toFixed(1)}, of which drains ${(t.drainMs / 1000).toFixed(1)}, checks ${(t.checksMs / 1000).toFixed(1)}), ${(t.cpuMs / 1000).toFixed(1)} s CPU, ${Math.round(t.eventsPerSecond)} events/s end to end, peak RSS ${Math.round(t.peakRssMb)} MB`,
    '',
    'invariants:',
    ...r.invariants.flatMap((i) => [`  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name} (${i.detail})`, ...i.problems.map((p) => `         ${p}`)]),
    '',
    `anomalies: ${Object.entries(r.anomalies.byKind).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}; expected ${r.anomalies.expected.length}, flagged ${r.anomalies.flagged.length}, false positives ${r.anomalies.falsePositives.length}, false negatives ${r.anomalies.falseNegatives.length}`,
    `clearing: ${r.clearing.length} company-months, ${r.clearing.filter((c) => c.ok).length} equal to the ground truth`,
    `logged by terminals, sync and office: ${r.logged.errors} errors, ${r.logged.warnings} warnings`,
    ...r.logged.firstErrors.map((e) => `  ${e}`),
    '',
    r.ok ? 'every invariant holds' : 'INVARIANTS VIOLATED',
  ];
  return lines.join('\n');
}

export const SIMPLIFICATIONS = [
  'One process: terminals, office and cards run in-process (at a prefecture\'s scale the municipalities are dealt out to districts, each in a thread of its own, and the office\'s ingest and the card counter have threads of their own; the broker is a Mosquitto child process); a kill -9 is modelled by abandoning the app mid-tap (its promise never settles), closing the journal handle without another write and reopening the file, as a restarted process would. SQLite loses nothing to a process kill at synchronous=NORMAL (only to power loss), so journals and the office store run at NORMAL unless --durable.',
  'Simulated time runs far faster than real time: reconnect backoff (0.1–1 s) and status intervals (1 s) are real-time, and the uplink ack timeout is measured on the simulated clock.',
  'The embedded broker (aedes) keeps retained messages in memory only: after a restart the office puts the retained deny-list back, as a persistent Mosquitto would have kept it.',
  'With several terminals per MQTT connection, each terminal keeps its own uplink, downlink, status and topics, but a cut drops the whole group and there is no per-terminal last will.',
  'Cards are issued at the counter (issueCard with the office signer) the first time their holder uses them; cards nobody used in the period are never issued.',
  'Clock skew stays within ±skewMaxMs (default 4 min), inside the office\'s 5-minute tolerance; larger skews make the rewind rule flag honest cards.',
  'The end of each day waits for every terminal to drain and to be heard by the office, so detection never sees a terminal as silent; a terminal that stays offline for a day would be flagged.',
  'Revocations wait until every connected terminal applied the new deny-list version, so each tap\'s expected outcome is settled.',
];
