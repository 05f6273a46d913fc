/**
 * Taps through the taxi service as a terminal runs them: rides of four riders each, every tap
 * read, decided, journalled (intent, commit) and written to an in-process emulated card. Each
 * tap's phases come from the service's own timer; card I/O is timed at the `CardChannel`.
 */
import SqliteDatabase from 'better-sqlite3';
import { EXAMPLE_TERMINAL_PROGRAMMES, terminalProgrammesSchema } from '../src/apps/taxi-ticket/index.js';
import { createTaxiService } from '../src/apps/taxi-ticket/service.js';
import type { TapTimings } from '../src/apps/taxi-ticket/service-types.js';
import { createJournal, type Journal } from '../src/journal/journal.js';
import { configure, openJournal } from '../src/journal/open.js';
import { createEmulatorChannel } from '../src/reader/emulator/index.js';
import { BENCH_NOW, benchGrant, createBenchIssuer, timedChannel } from './cards.js';
import { cpuMs, threadCpuMs } from './harness.js';

const RIDERS_PER_RIDE = 4;
const FARE_YEN = 4000;
const SILENT = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TapSample {
  readonly timings: TapTimings;
  /** Time spent inside `CardChannel.transmit` during the tap: the emulated card's I/O. */
  readonly cardIoMs: number;
  /** CPU time of this process (all threads) over the whole tap, and the part of it inside `CardChannel.transmit`. */
  readonly cpuMs: number;
  readonly cardIoCpuMs: number;
  /** On-CPU time of the tapping thread over the whole tap, and the part of it inside `CardChannel.transmit`. */
  readonly threadMs: number;
  readonly cardIoThreadMs: number;
}

/**
 * `'FULL'` and `'NORMAL'` as the terminal opens its journal; `'OFF'` is the same journal code
 * on a connection that never fsyncs, to time a tap's software without the disk's flush.
 */
export type Durability = 'FULL' | 'NORMAL' | 'OFF';

export function openBenchJournal(path: string, durability: Durability, now: () => number): Journal {
  if (durability !== 'OFF') return openJournal({ path, terminalId: 'bench-1', synchronous: durability, now });
  const db = new SqliteDatabase(path);
  configure(db, { path });
  db.pragma('synchronous = OFF');
  return createJournal({ db, path, terminalId: 'bench-1', now, logger: SILENT, reserveBytes: 1024 * 1024 });
}

/** Runs `warmup` unmeasured taps, then `taps` measured ones; every tap must be accepted. */
export async function runTaps(journal: Journal, taps: number, warmup: number): Promise<TapSample[]> {
  const issuer = createBenchIssuer();
  const cards = await Promise.all(Array.from({ length: RIDERS_PER_RIDE }, () => issuer.issue([benchGrant('2025-04-01', '2026-03-31')])));
  let clock = BENCH_NOW;
  let rides = 0;
  const service = createTaxiService({
    journal,
    card: issuer.card,
    programmes: terminalProgrammesSchema.parse(EXAMPLE_TERMINAL_PROGRAMMES),
    terminalNumber: 1,
    now: () => clock,
    newRideId: () => `bench-ride-${++rides}`,
    logger: SILENT,
  });
  const samples: TapSample[] = [];
  while (samples.length < warmup + taps) {
    clock += 10 * 60_000;
    await expectOk(service.openRide({ fareYen: FARE_YEN }));
    for (const card of cards) {
      const io = timedChannel(createEmulatorChannel(card, 'emulator:bench'));
      const cpu0 = cpuMs();
      const thread0 = threadCpuMs();
      const outcome = await service.handleCard(io.channel);
      const thread = threadCpuMs() - thread0;
      const cpu = cpuMs() - cpu0;
      if (outcome.kind !== 'accepted') throw new Error(`bench tap ${outcome.kind}: ${JSON.stringify(outcome.kind === 'rejected' ? outcome.reason : outcome.detail)}`);
      samples.push({ timings: outcome.timings, cardIoMs: io.wall(), cpuMs: cpu, cardIoCpuMs: io.cpu(), threadMs: thread, cardIoThreadMs: io.thread() });
    }
    await expectOk(service.closeRide());
  }
  return samples.slice(warmup, warmup + taps);
}

async function expectOk(outcome: Promise<{ kind: string }>): Promise<void> {
  const done = await outcome;
  if (done.kind !== 'ok') throw new Error(`bench ride operation refused: ${JSON.stringify(done)}`);
}
