/**
 * The city simulator at a town's scale with every fault on: tears, kills, broker outages, cut
 * connections, duplicate deliveries, clock skew and fraud. The run itself checks that cards,
 * journals and office agree, that clearing equals its ground truth and that exactly the injected
 * fraud is flagged; this test holds it to every one of those invariants and makes sure each
 * fault really happened, so a run that silently injected nothing cannot pass.
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, formatReport, runSimulation } from '../../src/sim/index.js';

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
      // Worker threads need the compiled build; here the ingest and the counter run in the test's thread.
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
});
