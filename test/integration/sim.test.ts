/**
 * The city simulator at a town's scale with every fault on: tears, kills, broker outages, cut
 * connections, duplicate deliveries, clock skew and fraud. The run itself checks that cards,
 * journals and office agree, that clearing equals its ground truth and that exactly the injected
 * fraud is flagged; this test holds it to every one of those invariants and makes sure each
 * fault really happened, so a run that silently injected nothing cannot pass.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FAULTS, formatReport, runSimulation, type SimReport } from '../../src/sim/index.js';
import { ensureBuilt, ROOT } from './helpers/terminal-process.js';

describe('the city simulator at a town scale with every fault', () => {
  it('keeps cards, journals and the office in agreement and flags exactly the injected fraud', async () => {
    const report = await runSimulation({ scale: 'town', seed: 20261128, faults: [...FAULTS] });
    const failed = report.invariants.filter((i) => !i.ok);
    expect(failed, formatReport(report)).toEqual([]);
    expect(report.ok).toBe(true);

    const w = report.workload;
    expect(w.rides).toBeGreaterThan(300);
    expect(w.passages).toBeGreaterThan(300);
    expect(w.taps.tears).toBeGreaterThan(5);
    expect(w.taps.kills).toBeGreaterThan(2);
    expect(w.restarts).toBe(w.taps.kills);
    expect(w.taps.inDoubt + w.taps.resolvedAborted + w.taps.resolvedCommitted).toBeGreaterThan(0);
    expect(w.outages).toBeGreaterThan(2);
    expect(w.cuts).toBeGreaterThan(10);
    expect(w.dups).toBeGreaterThan(10);
    expect(w.officeDuplicates).toBeGreaterThan(0);
    expect(w.deadLetters).toBe(0);
    expect(report.city.skewedTerminals).toBeGreaterThan(0);

    const a = report.anomalies;
    expect(a.expected.length).toBeGreaterThanOrEqual(2);
    expect(a.flagged.length).toBe(a.expected.length);
    expect(a.falsePositives).toEqual([]);
    expect(a.falseNegatives).toEqual([]);
    expect(report.invariants.find((i) => i.name.startsWith('every forged card'))?.detail).toMatch(/^2 forged/);
    expect(report.clearing.length).toBeGreaterThan(0);
    expect(report.clearing.every((c) => c.ok)).toBe(true);
    expect(report.logged.errors).toBe(0);
  }, 170_000);

  it('holds the same invariants on the prefecture\'s topology: terminals sharing connections to a Mosquitto of its own', async () => {
    const report = await runSimulation({
      scale: 'prefecture',
      municipalities: 3,
      terminals: 45,
      cards: 1500,
      days: 3,
      seed: 7,
      ridesPerCardDay: 0.12,
      staffShare: 0.08,
      cutsPerDay: 3,
      outagesPerDay: 1,
      fraudEach: 2,
      terminalsPerConnection: 10,
      // Worker threads need the compiled build; here the districts, the ingest and the counter run in the test's thread.
      districts: 1,
      ingestWorker: false,
      counterWorker: false,
    });
    expect(report.invariants.filter((i) => !i.ok), formatReport(report)).toEqual([]);
    expect(report.options.broker).toBe('mosquitto');
    expect(report.city.connections).toBe(5);
    expect(report.workload.outages).toBeGreaterThan(0);
    expect(report.workload.cuts).toBeGreaterThan(0);
    expect(report.anomalies.falsePositives).toEqual([]);
    expect(report.anomalies.flagged.length).toBe(report.anomalies.expected.length);
  }, 170_000);

  it('holds them with the municipalities dealt out to district threads, the ingest and the counter in threads of their own', async () => {
    // Worker threads load the compiled modules, so this runs `fa sim` from the build, as the benchmark does.
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'fa-sim-districts-'));
    try {
      const out = join(dir, 'report.json');
      const args = ['sim', '--scale', 'prefecture', '--municipalities', '4', '--terminals', '60', '--cards', '3000', '--days', '3', '--districts', '2', '--seed', '3', '--data', join(dir, 'data'), '--out', out, '--quiet'];
      const run = await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'main.js'), ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string; stderr?: string }) => error);
      if (!existsSync(out)) throw new Error(`fa sim wrote no report:\n${run.stdout ?? ''}${run.stderr ?? ''}`);
      const report = JSON.parse(readFileSync(out, 'utf8')) as SimReport;
      expect(report.invariants.filter((i) => !i.ok), `${run.stdout ?? ''}${run.stderr ?? ''}`).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.city.districts).toBe(2);
      expect(report.options.ingestWorker && report.options.counterWorker).toBe(true);
      // Both districts tapped: the office holds rides of companies in municipalities of each.
      const towns = new Set(report.clearing.filter((c) => c.simulator.rides > 0).map((c) => c.company.split('-')[1]));
      expect(towns.size).toBe(4);
      expect(report.workload.passages).toBeGreaterThan(50);
      // Seed 3 has broker outages: the districts stop for them and go on after, as for revocations.
      expect(report.workload.outages).toBeGreaterThan(0);
      expect(report.anomalies.expected.length).toBeGreaterThan(0);
      expect(report.anomalies.falsePositives).toEqual([]);
      expect(report.anomalies.falseNegatives).toEqual([]);
      expect(report.logged.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 170_000);
});
