import { openSync, readSync } from 'node:fs';

/** One measured figure. `target` is the target, `pass` whether the figure meets it. */
export interface BenchRow {
  readonly group: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly pass?: boolean;
  readonly note?: string;
}

export interface BenchModule {
  readonly name: string;
  run(): Promise<BenchRow[]>;
}

/** Percentile by nearest rank over a copy of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Wall time of `fn` in milliseconds, with a high-resolution clock. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function row(
  group: string,
  metric: string,
  value: number,
  unit: string,
  target?: { text: string; ok: (v: number) => boolean },
  note?: string,
): BenchRow {
  return {
    group,
    metric,
    value,
    unit,
    ...(target ? { target: target.text, pass: target.ok(value) } : {}),
    ...(note ? { note } : {}),
  };
}

/** A figure that could not be measured here; the run goes on without it. */
export function skippedRow(group: string, metric: string, unit: string, reason: string, target?: string): BenchRow {
  return { group, metric, value: Number.NaN, unit, ...(target ? { target } : {}), note: `skipped: ${reason}` };
}

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  return {
    n,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: n === 0 ? Number.NaN : samples.reduce((s, x) => s + x, 0) / n,
    max: n === 0 ? Number.NaN : Math.max(...samples),
  };
}

/**
 * On-CPU time of the calling thread in ms, with nanosecond resolution, from the scheduler's
 * own account (/proc/thread-self/schedstat, first field). Unlike wall time it leaves out the
 * moments another process held the core, and unlike `process.cpuUsage()` the GC and compiler
 * threads working beside it; what the thread itself ran (our code, SQLite, OpenSSL, and the
 * collections V8 does on it) is all in. NaN where there is no such file.
 */
export const threadCpuMs: () => number = openThreadClock();

function openThreadClock(): () => number {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return () => Number.NaN;
  }
  const buf = Buffer.alloc(64);
  return () => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    const end = buf.indexOf(0x20);
    return Number(buf.toString('latin1', 0, end > 0 && end < n ? end : n)) / 1e6;
  };
}

/** CPU time of this process (every thread, user and system) in ms; microsecond resolution. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface Samples {
  /** Wall time per run, ms. */
  readonly wall: number[];
  /**
   * CPU time per run, ms: what the run cost this process, without the time another process
   * held the core (this machine is shared, so wall-time tails are mostly someone else's work).
   * Every thread counts, so V8's GC helper threads working beside the run are included.
   */
  readonly cpu: number[];
}

/** Runs `fn` `warmup` times unmeasured (JIT, caches), then `n` times measured one by one. */
export async function sample(n: number, fn: () => unknown, options: { warmup?: number } = {}): Promise<Samples> {
  for (let i = 0; i < (options.warmup ?? Math.ceil(n / 10)); i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { wall, cpu };
}

/** `12.3` → `"12.3"`, with at most 3 significant decimals, for notes. */
export function ms(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : '-';
}

export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [
    r.group,
    r.metric,
    formatValue(r.value),
    r.unit,
    r.target ?? '',
    r.pass === undefined ? outcomeOfNote(r.note) : r.pass ? 'ok' : 'MISSED',
    r.note ?? '',
  ]);
  const head = ['group', 'metric', 'value', 'unit', 'target', 'result', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => (i === 2 ? x.padStart(widths[i] ?? 0) : x.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Rows without a verdict: `skipped: why` (not measurable here) or `failed: why` (the module threw). */
function outcomeOfNote(note: string | undefined): string {
  if (note?.startsWith('skipped:')) return 'skipped';
  if (note?.startsWith('failed:')) return 'FAILED';
  return '';
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return '-';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return ms(v);
}
