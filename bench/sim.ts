/**
 * City simulator benchmark (issue 7): the prefecture preset (35 municipalities, 2,000
 * terminals, 100,000 cards, every fault) run as `fa sim` in a child process, so that its peak
 * RSS is its own. Journals and the office database go to tmpfs (/dev/shm) where there is one: the
 * simulated terminals' flash is not what is measured, and at synchronous=NORMAL nothing is
 * fsynced per commit anyway. FA_SIM_BENCH_DAYS shortens the run (default 30, the target's).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimReport } from '../src/sim/index.js';
import { row, type BenchModule, type BenchRow } from './harness.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const TARGET_S = 300;

export const simBench: BenchModule = {
  name: 'sim',
  async run(): Promise<BenchRow[]> {
    const days = Number(process.env['FA_SIM_BENCH_DAYS'] ?? 30);
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const dir = mkdtempSync(join(base, 'fa-bench-sim-'));
    try {
      const out = join(dir, 'report.json');
      const started = performance.now();
      const code = await runChild(['sim', '--scale', 'prefecture', '--days', String(days), '--data', join(dir, 'data'), '--out', out, '--quiet']);
      const wallS = (performance.now() - started) / 1000;
      const r = JSON.parse(readFileSync(out, 'utf8')) as SimReport;
      return rows(r, days, wallS, code, base);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function rows(r: SimReport, days: number, wallS: number, code: number, base: string): BenchRow[] {
  const t = r.timing;
  const w = r.workload;
  const held = r.invariants.filter((i) => i.ok).length;
  const scale = `${r.city.municipalities} municipalities, ${r.city.taxis + r.city.gates} terminals, ${r.options.cards.toLocaleString('en')} cards, ${days} days, faults ${r.options.faults.join(',')}; ${r.city.districts} district threads; data on ${base}`;
  const target = days === 30 ? { text: `≤ ${TARGET_S} s`, ok: (s: number) => s <= TARGET_S } : undefined;
  return [
    row('sim', 'prefecture wall time', Number((t.wallMs / 1000).toFixed(1)), 's', target, `${scale}; setup ${(t.setupMs / 1000).toFixed(1)} s, days ${(t.daysMs / 1000).toFixed(1)} s (drains ${(t.drainMs / 1000).toFixed(1)}), checks ${(t.checksMs / 1000).toFixed(1)} s; whole process ${wallS.toFixed(1)} s with start-up and teardown; CPU ${(t.cpuMs / 1000).toFixed(0)} s (broker not included)`),
    row('sim', 'events per second through the whole system', Math.round(t.eventsPerSecond), 'events/s', undefined, `${w.events.toLocaleString('en')} journal events: taps → journal → MQTT → office ingest, projection and detection, over the wall time`),
    row('sim', 'peak memory (RSS)', Math.round(t.peakRssMb), 'MB', undefined, `${r.city.cardsIssued.toLocaleString('en')} cards issued and used, ${r.city.connections} MQTT connections`),
    row('sim', 'invariants holding', held, `of ${r.invariants.length}`, { text: 'all', ok: (n) => n === r.invariants.length && code === 0 }, r.invariants.filter((i) => !i.ok).map((i) => i.name).join('; ') || 'cards = journals = office, clearing = ground truth, exactly the injected fraud flagged'),
    row('sim', 'rides and gate passages', w.rides + w.passages, '', undefined, `${w.rides} rides, ${w.passages} passages, ${w.taps.taps} taps; ${w.taps.tears} tears, ${w.taps.kills} kills, ${w.outages} outages, ${w.cuts} cuts, ${w.dups} duplicate batches`),
  ];
}

function runChild(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
