/**
 * `npm run bench [-- module ...]`: runs the benchmark modules in order, prints one table and
 * writes the figures with the machine they were measured on to bench/results/<date>.json and
 * bench/results/latest.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cardBench } from './card.js';
import { formatTable, row, type BenchModule, type BenchRow } from './harness.js';
import { taxiBench } from './taxi.js';

const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));

/** Modules other parts of the project add (bench/gate.ts, bench/sync.ts, bench/office.ts); each is run when its file is there. */
const OPTIONAL = ['gate', 'sync', 'office', 'sim'] as const;

async function modules(): Promise<BenchModule[]> {
  const optional = await Promise.all(OPTIONAL.map(optionalModule));
  return [cardBench, taxiBench, ...optional.filter((m): m is BenchModule => m !== null)];
}

/**
 * A module that may or may not be there: a `BenchModule` export, or a function
 * `bench<Name>(): Promise<Record<string, number>>` whose figures become rows.
 */
async function optionalModule(name: string): Promise<BenchModule | null> {
  const file = new URL(`./${name}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(file))) return null;
  try {
    return adapt(name, (await import(file.href)) as Record<string, unknown>);
  } catch (error) {
    // Reported as that module's failure; the other modules still run.
    return { name, run: () => Promise.reject(error) };
  }
}

function adapt(name: string, mod: Record<string, unknown>): BenchModule {
  const exported = Object.values(mod).find((v): v is BenchModule => typeof v === 'object' && v !== null && 'run' in v && 'name' in v);
  if (exported) return exported;
  const figures = mod[`bench${name[0]?.toUpperCase()}${name.slice(1)}`];
  if (typeof figures !== 'function') throw new Error(`bench/${name}.ts exports neither a BenchModule nor bench${name}()`);
  return {
    name,
    run: async () => Object.entries((await figures()) as Record<string, number>).map(([metric, value]) => row(name, metric, value, unitOf(metric))),
  };
}

/** Best guess at the unit of a figure named like `uplinkP99Ms` or `eventsPerSecond`. */
function unitOf(metric: string): string {
  if (/ms$/i.test(metric)) return 'ms';
  if (/(per_?s(ec(ond)?)?|\/s)$/i.test(metric)) return '/s';
  if (/mb$/i.test(metric)) return 'MB';
  return '';
}

function machine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    kernel: release(),
    memoryMb: Math.round(totalmem() / 2 ** 20),
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main(argv: string[]): Promise<number> {
  const all = await modules();
  const unknown = argv.filter((a) => !all.some((m) => m.name === a));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown module(s) ${unknown.join(', ')}; modules: ${all.map((m) => m.name).join(', ')}\n`);
    return 2;
  }
  const chosen = argv.length === 0 ? all : all.filter((m) => argv.includes(m.name));
  const startedAt = new Date();
  const info = machine();
  process.stderr.write(`bench: ${chosen.map((m) => m.name).join(', ')} on ${info.cpuModel} × ${info.cores}, load ${info.loadAverageAtStart.join(' ')}\n`);
  const rows: BenchRow[] = [];
  const perModule: Record<string, { durationMs: number; loadAverageAtStart: number }> = {};
  let failed = false;
  for (const mod of chosen) {
    const t0 = performance.now();
    const load = Number((loadavg()[0] ?? Number.NaN).toFixed(2));
    try {
      rows.push(...(await mod.run()));
    } catch (error) {
      failed = true;
      const why = (error as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(error);
      rows.push({ group: mod.name, metric: 'module', value: Number.NaN, unit: '', note: `failed: ${why}` });
    }
    const took = Math.round(performance.now() - t0);
    perModule[mod.name] = { durationMs: took, loadAverageAtStart: load };
    process.stderr.write(`bench: ${mod.name} done in ${(took / 1000).toFixed(1)} s (load average ${load} at its start)\n`);
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  const result = { startedAt: startedAt.toISOString(), machine: info, modules: perModule, rows };
  mkdirSync(RESULTS, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const file = `${RESULTS}${startedAt.toISOString().replace(/:/g, '-')}.json`;
  writeFileSync(file, text);
  writeFileSync(`${RESULTS}latest.json`, text);
  process.stderr.write(`bench: results in ${file}\n`);
  return failed ? 1 : 0;
}

// Interrupted: exit through the 'exit' handlers, which stop anything the bench started (pcscd, child terminals).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
