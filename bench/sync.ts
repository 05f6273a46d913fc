/**
 * Sync benchmark (issue 4), against the machine's Mosquitto at 127.0.0.1:1883:
 * - end-to-end drain: a terminal (its own thread, as it would be its own machine) drains a
 *   100,000-event journal; the office ingests, commits to SQLite and acks; events acked per s;
 * - raw broker throughput in the same run: MQTT.js alone, one event per QoS 1 message,
 *   publisher to subscriber, and the drain's ratio to it;
 * - office ingest rows per second on SQLite without MQTT (decode, chain check, commit).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { connectAsync } from 'mqtt';
import { openJournal } from '../src/journal/index.js';
import { createIngest } from '../src/office/ingest/index.js';
import { openSqliteStore } from '../src/office/store/index.js';
import { brokerConfigSchema, buildBatch, connectBroker, decodePayload, eventBatchSchema, MAX_BATCH_BYTES, verifyBatch } from '../src/sync/index.js';
import { row } from './harness.js';
import type { BenchModule, BenchRow } from './harness.js';

const BROKER_URL = 'mqtt://127.0.0.1:1883';
const EVENTS = 100_000;
const BATCH = 500;
const ORG = 'maebashi';

export async function benchSync(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'fa-bench-sync-'));
  try {
    const journalPath = join(dir, 'terminal.db');
    const sample = seedJournal(journalPath, 'BENCH-T1', EVENTS);
    const raw = await rawPublishRate(sample, EVENTS);
    const drain = await drainThroughMosquitto(journalPath, 'BENCH-T1', join(dir, 'office.db'));
    const ingest = await ingestRate(journalPath, 'BENCH-T1', join(dir, 'ingest.db'));
    const drainPerSecond = EVENTS / (drain / 1000);
    return {
      drainEventsPerSecond: Math.round(drainPerSecond),
      rawPublishPerSecond: Math.round(raw),
      drainToRawRatio: Number((drainPerSecond / raw).toFixed(2)),
      drain100kMs: Math.round(drain),
      officeIngestRowsPerSecond: Math.round(ingest.full),
      officeIngestRowsPerCpuSecond: Math.round(ingest.fullPerCpu),
      officeStoreRowsPerSecond: Math.round(ingest.storeOnly),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same figures as rows with the targets, for `npm run bench`. */
export const syncBench: BenchModule = {
  name: 'sync',
  async run(): Promise<BenchRow[]> {
    const f = await benchSync();
    const v = (k: string): number => f[k] ?? Number.NaN;
    return [
      row('sync', 'drain end to end (acked)', v('drainEventsPerSecond'), 'events/s', { text: '>= 20,000', ok: (x) => x >= 20_000 }, 'terminal thread → Mosquitto → office ingest → SQLite commit → ack'),
      row('sync', 'raw MQTT.js QoS 1, one event per message', v('rawPublishPerSecond'), 'msg/s', undefined, 'same broker, same run'),
      row('sync', 'drain / raw', v('drainToRawRatio'), 'ratio', { text: '>= 0.5', ok: (x) => x >= 0.5 }),
      row('sync', 'time to drain 100,000 events', v('drain100kMs'), 'ms'),
      row('sync', 'office ingest on SQLite (decode, chain, commit)', v('officeIngestRowsPerSecond'), 'rows/s', undefined, 'synchronous=FULL, batches of 500'),
      row('sync', 'office ingest on SQLite per CPU second', v('officeIngestRowsPerCpuSecond'), 'rows/s', undefined, 'wall time less what other processes took'),
      row('sync', 'office store only on SQLite', v('officeStoreRowsPerSecond'), 'rows/s'),
    ];
  },
};

/** Appends `n` taxi rides; returns one event's wire JSON, the payload size the raw test uses. */
function seedJournal(path: string, terminal: string, n: number): string {
  const journal = openJournal({ path, terminalId: terminal, synchronous: 'NORMAL', now: Date.now });
  for (let done = 0; done < n; done += 5_000) {
    journal.transaction(() => {
      for (let i = 0; i < 5_000; i += 1) journal.append('ride', { fare: 700 + (i % 900), company: 'maebashi-kotsu', riders: 1 + (i % 2), subsidy: 500 });
    });
  }
  const sample = JSON.stringify(journal.pending(1)[0]);
  journal.close();
  return sample;
}

/**
 * MQTT.js alone: a publisher sends `n` QoS 1 messages to a subscriber as fast as they get
 * through, with at most `window` on their way: Mosquitto drops QoS 1 messages beyond a
 * subscriber's queue (max_queued_messages, 1000 by default), so the window stays below it.
 */
async function rawPublishRate(payload: string, n: number, window = 500): Promise<number> {
  const topic = `bench/raw/${randomUUID()}`;
  const sub = await connectAsync(BROKER_URL, { protocolVersion: 5 });
  const pub = await connectAsync(BROKER_URL, { protocolVersion: 5 });
  let received = 0;
  let wake: (() => void) | undefined;
  sub.on('message', () => {
    received += 1;
    wake?.();
  });
  await sub.subscribeAsync(topic, { qos: 1 });
  const started = performance.now();
  for (let sent = 0; sent < n; sent += 1) {
    while (sent - received >= window) await new Promise<void>((resolve) => (wake = resolve));
    pub.publish(topic, payload, { qos: 1 });
  }
  while (received < n) await new Promise<void>((resolve) => (wake = resolve));
  const elapsed = performance.now() - started;
  await Promise.all([sub.endAsync(), pub.endAsync()]);
  return n / (elapsed / 1000);
}

/** Office in this thread, terminal in a worker; ms from the terminal's go to its last ack. */
async function drainThroughMosquitto(journalPath: string, terminal: string, storePath: string): Promise<number> {
  const prefix = `bench/${randomUUID().slice(0, 8)}`;
  const store = openSqliteStore({ path: storePath });
  const link = connectBroker({ config: brokerConfigSchema.parse({ url: BROKER_URL }), clientId: `bench-office-${randomUUID().slice(0, 8)}` });
  await new Promise<void>((resolve) => link.client.once('connect', () => resolve()));
  const ingest = createIngest({ client: link.client, store, prefix });
  await ingest.start();
  const worker = new Worker(TERMINAL_WORKER, {
    eval: true,
    workerData: {
      journalUrl: new URL('../src/journal/index.js', import.meta.url).href,
      syncUrl: new URL('../src/sync/index.js', import.meta.url).href,
      zodUrl: import.meta.resolve('zod'),
      path: journalPath,
      terminal,
      org: ORG,
      prefix,
      url: BROKER_URL,
      batchSize: BATCH,
    },
  });
  try {
    const elapsed = await new Promise<number>((resolve, reject) => {
      let started = 0;
      worker.on('error', reject);
      worker.on('message', (m: { ready?: boolean; done?: boolean }) => {
        if (m.ready) {
          started = performance.now();
          worker.postMessage('go');
        }
        if (m.done) resolve(performance.now() - started);
      });
    });
    if ((await store.eventCount(terminal)) !== EVENTS) throw new Error('the office does not hold every event');
    return elapsed;
  } finally {
    await worker.terminate();
    await ingest.stop();
    await link.close();
    await store.close();
  }
}

/** Runs in the worker: the terminal's sync, with the journal it owns, until the backlog is 0. */
const TERMINAL_WORKER = `
const { parentPort, workerData: w } = require('node:worker_threads');
(async () => {
  const { openJournal } = await import(w.journalUrl);
  const sync = await import(w.syncUrl);
  const { z } = await import(w.zodUrl);
  const journal = openJournal({ path: w.path, terminalId: w.terminal, synchronous: 'NORMAL', now: Date.now });
  parentPort.once('message', () => {
    const s = sync.createTerminalSync({
      broker: sync.brokerConfigSchema.parse({ url: w.url }),
      org: w.org, terminal: w.terminal, prefix: w.prefix, journal,
      configSchema: z.json(), softwareVersion: 'bench',
      uplink: { batchSize: w.batchSize, window: 8, pollIntervalMs: 100, ackTimeoutMs: 30000 },
    });
    const timer = setInterval(() => {
      if (journal.syncState().backlog > 0) return;
      clearInterval(timer);
      parentPort.postMessage({ done: true });
      s.stop().then(() => journal.close());
    }, 2);
  });
  parentPort.postMessage({ ready: true });
})();
`;

/** Decode, chain check and commit without MQTT, and the commit alone, in rows per second. */
async function ingestRate(journalPath: string, terminal: string, storePath: string): Promise<{ full: number; fullPerCpu: number; storeOnly: number }> {
  const journal = openJournal({ path: journalPath, terminalId: terminal, now: Date.now });
  const payloads: Buffer[] = [];
  for (let after = 0; after < EVENTS; after += BATCH) {
    const built = buildBatch({ org: ORG, terminal }, after + 1, journal.events({ fromSeq: after + 1, limit: BATCH }));
    if (built) payloads.push(Buffer.from(built.json));
  }
  journal.close();
  const measure = async (path: string, decodeAndVerify: boolean): Promise<{ wall: number; cpu: number }> => {
    const store = openSqliteStore({ path });
    const ready = decodeAndVerify ? [] : payloads.map((p) => eventBatchSchema.parse(JSON.parse(p.toString())));
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const [i, p] of payloads.entries()) {
      const decoded = decodeAndVerify ? decodePayload(eventBatchSchema, p, MAX_BATCH_BYTES) : { ok: true as const, value: ready[i] };
      if (!decoded.ok || decoded.value === undefined) throw new Error('bench batch refused');
      if (decodeAndVerify && !verifyBatch(decoded.value).ok) throw new Error('bench batch chain');
      await store.ingestBatch(decoded.value, Date.now());
    }
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await store.close();
    return { wall: EVENTS / (elapsed / 1000), cpu: EVENTS / ((used.user + used.system) / 1e6) };
  };
  const full = await measure(storePath, true);
  const storeOnly = await measure(`${storePath}-store`, false);
  return { full: full.wall, fullPerCpu: full.cpu, storeOnly: storeOnly.wall };
}
