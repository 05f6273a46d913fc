import { writeFileSync } from 'node:fs';
import { BROKERS, FAULTS, formatReport, runSimulation, SCALES, type BrokerKind, type Fault, type Scale, type SimOptionsInput } from '../../sim/index.js';
import { UsageError, type Command } from '../command.js';

const int = (values: Record<string, unknown>, name: string): number | undefined => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${String(raw)}"`);
  return n;
};

function faultList(raw: unknown): Fault[] | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (text === 'all') return [...FAULTS];
  if (text === 'none' || text === '') return [];
  const list = text.split(',').map((f) => f.trim());
  const bad = list.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (bad.length > 0) throw new UsageError(`unknown fault(s) ${bad.join(', ')}; faults: ${FAULTS.join(', ')}, all, none`);
  return list as Fault[];
}

export const simCommand: Command = {
  path: ['sim'],
  summary: 'simulate a town or a prefecture of terminals, cards and the office under faults, and check that nothing is lost',
  details: `Runs N terminals (taxis and gates), M cards and D days of rides and gate passages in
simulated time through the real code: emulated cards, SQLite journals, the taxi service and the
gate tap handler, MQTT sync through an embedded broker, and the office's ingest, clearing and
anomaly detection. Faults: tears, kills (kill -9 of a terminal mid-tap), broker (outages),
cuts (dropped connections), dups (duplicate deliveries), skew (terminal clocks off), fraud
(forged grants, rewound cards, revoked cards used at a tampered taxi).

At the end it checks that the cards, the journals and the office agree, that clearing equals the
simulator's own figures, and that every injected fraud and nothing else was flagged. Prints a
report; --out writes it as JSON. Exit code 0 when every invariant holds, 1 otherwise.

Examples:
  fa sim                                   a town: 20 terminals, 500 cards, 7 days, every fault
  fa sim --scale prefecture --out pref.json
  fa sim --terminals 50 --cards 2000 --days 3 --faults tears,kills --seed 7`,
  options: {
    scale: { type: 'string', help: `preset: ${SCALES.join(' or ')}`, default: 'town', placeholder: 'name' },
    terminals: { type: 'string', help: 'terminals (taxis and gates)', placeholder: 'n' },
    cards: { type: 'string', help: 'cards (subsidy riders, staff and visitor passes)', placeholder: 'n' },
    days: { type: 'string', help: 'simulated days', placeholder: 'n' },
    municipalities: { type: 'string', help: 'municipalities', placeholder: 'n' },
    seed: { type: 'string', help: 'seed of every random choice', placeholder: 'n' },
    faults: { type: 'string', help: `comma-separated: ${FAULTS.join(',')}; or all, none (default: all)`, placeholder: 'list' },
    'start-day': { type: 'string', help: 'first simulated day, YYYY-MM-DD', placeholder: 'day' },
    'terminals-per-connection': { type: 'string', help: 'terminal uplinks sharing one MQTT connection', placeholder: 'n' },
    districts: { type: 'string', help: 'threads the municipalities are dealt out to (prefecture: 2, one per core here)', placeholder: 'n' },
    broker: { type: 'string', help: `${BROKERS.join(' or ')} (a Mosquitto child process of the run's own)`, placeholder: 'kind' },
    durable: { type: 'boolean', help: 'journals and office store at synchronous=FULL (fsync per commit)' },
    data: { type: 'string', help: 'data directory (default: a temporary one, removed afterwards)', placeholder: 'dir' },
    keep: { type: 'boolean', help: 'keep the data directory' },
    out: { type: 'string', short: 'o', help: 'write the report as JSON to this file', placeholder: 'file' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress lines' },
  },
  async run(values, _positionals, io) {
    const scale = String(values['scale']);
    if (!(SCALES as readonly string[]).includes(scale)) throw new UsageError(`--scale must be ${SCALES.join(' or ')}`);
    const broker = values['broker'] as string | undefined;
    if (broker !== undefined && !(BROKERS as readonly string[]).includes(broker)) throw new UsageError(`--broker must be ${BROKERS.join(' or ')}`);
    const input: SimOptionsInput = {
      scale: scale as Scale,
      terminals: int(values, 'terminals'),
      cards: int(values, 'cards'),
      days: int(values, 'days'),
      municipalities: int(values, 'municipalities'),
      seed: int(values, 'seed'),
      faults: faultList(values['faults']),
      startDay: values['start-day'] as string | undefined,
      terminalsPerConnection: int(values, 'terminals-per-connection'),
      districts: int(values, 'districts'),
      broker: broker as BrokerKind | undefined,
      durable: values['durable'] === true ? true : undefined,
      dataDir: values['data'] as string | undefined,
      keep: values['keep'] === true ? true : undefined,
    };
    // Interrupted: leave through process.exit, whose handlers stop the run's own broker.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
    const report = await runSimulation(input, values['quiet'] === true ? undefined : (line) => io.err(line));
    io.out(formatReport(report));
    const out = values['out'] as string | undefined;
    if (out !== undefined) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  },
};
