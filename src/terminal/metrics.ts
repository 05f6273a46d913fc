import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The terminal's Prometheus metrics, on a registry of its own (never the global one), so
 * several terminals in one process (the demo, the tests) keep separate figures.
 */
export interface TerminalMetrics {
  readonly registry: Registry;
  readonly taps: Counter<'outcome' | 'reason'>;
  readonly tapSeconds: Histogram<'phase'>;
  readonly apdus: Counter;
  readonly journalBacklog: Gauge;
  readonly intentsInDoubt: Gauge;
  readonly readerUp: Gauge<'reader'>;
  readonly syncConnected: Gauge;
}

export function createTerminalMetrics(options: { defaultMetrics?: boolean } = {}): TerminalMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'fa_' });
  const registers = [registry];
  return {
    registry,
    taps: new Counter({ name: 'fa_taps_total', help: 'Taps decided, by outcome and reason', labelNames: ['outcome', 'reason'], registers }),
    tapSeconds: new Histogram({
      name: 'fa_tap_phase_seconds',
      help: 'Time per tap phase (read, decide, intent, write, commit)',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    apdus: new Counter({ name: 'fa_apdus_total', help: 'APDUs sent to cards', registers }),
    journalBacklog: new Gauge({ name: 'fa_journal_backlog_events', help: 'Journal events not yet acknowledged by the office', registers }),
    intentsInDoubt: new Gauge({ name: 'fa_intents_in_doubt', help: 'Card writes whose outcome is not yet known', registers }),
    readerUp: new Gauge({ name: 'fa_reader_up', help: '1 while the reader is attached', labelNames: ['reader'], registers }),
    syncConnected: new Gauge({ name: 'fa_sync_connected', help: '1 while connected to the broker', registers }),
  };
}
