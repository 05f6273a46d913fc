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

export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [
    r.group,
    r.metric,
    formatValue(r.value),
    r.unit,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'ok' : 'MISSED',
    r.note ?? '',
  ]);
  const head = ['group', 'metric', 'value', 'unit', 'target', 'result', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => (i === 2 ? x.padStart(widths[i] ?? 0) : x.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
