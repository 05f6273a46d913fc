/**
 * The office's ingest worker: `startOfficeSync` on the office store, taking every batch,
 * status and report off the broker. In this thread, or (for a prefecture) in a worker thread of
 * its own with its own connection to the same SQLite file, as the office runs its ingest workers
 * apart from its web process in production; its clock is then the simulated one, shared.
 * The office's projection and anomaly detection run there too, as its after-ingest pass does.
 */
import { Worker } from 'node:worker_threads';
import type { OfficeDomain, OfficeProgrammeInput } from '../office/domain/index.js';
import type { IngestStats } from '../office/ingest/index.js';
import { startOfficeSync, type OfficeSync } from '../office/ingest/index.js';
import type { OfficeStore } from '../office/store/index.js';
import { brokerConfigSchema, type Clock, type SyncLogger } from '../sync/index.js';
import { SIM_BACKOFF } from './clock.js';
import { officeCopies, type OfficeCopy } from './office-copies.js';

export interface Logged {
  readonly warnings: number;
  readonly errors: number;
  readonly firstErrors: readonly string[];
}

export interface SimIngest {
  connected(): boolean;
  /** The office's projection and anomaly detection with the simulated time `now`, where the ingest runs. */
  detect(now: number): Promise<void>;
  /** What the office holds of each terminal's journal, read where the ingest runs. */
  officeCopies(terminals: readonly string[]): Promise<OfficeCopy[]>;
  /** Stops taking messages, waits for those in hand; the stats and what the worker logged. */
  close(): Promise<{ stats: IngestStats; logged: Logged | null }>;
}

export interface IngestWorkerData {
  readonly url: string;
  readonly dbPath: string;
  readonly prefix: string;
  readonly durable: boolean;
  /** The districts' clocks (`createCityTime`); the office's time is the latest of them. */
  readonly clock: SharedArrayBuffer;
  /** The office's org and programmes, for the detection pass the worker runs. */
  readonly org: string;
  readonly programmes: readonly OfficeProgrammeInput[];
}

export type IngestWorkerMessage =
  | { readonly type: 'connected'; readonly connected: boolean }
  | { readonly type: 'closed'; readonly stats: IngestStats; readonly logged: Logged }
  /** The answer to a request: its value, or what went wrong. */
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown; readonly error: string | null }
  | { readonly type: 'failed'; readonly error: string };

/** What the main thread asks of the worker. */
export type IngestWorkerRequest =
  | 'close'
  | { readonly type: 'detect'; readonly id: number; readonly now: number }
  | { readonly type: 'office-copies'; readonly id: number; readonly terminals: readonly string[] };

export function ingestSyncOptions(url: string, store: OfficeStore, prefix: string, clock: Clock, logger: SyncLogger) {
  return { broker: brokerConfigSchema.parse({ url, protocolVersion: 4 }), store, prefix, clientId: 'sim-office-ingest', backoff: SIM_BACKOFF, clock, logger };
}

export async function startIngestHere(url: string, store: OfficeStore, prefix: string, clock: Clock, logger: SyncLogger, domain: OfficeDomain): Promise<SimIngest> {
  const sync: OfficeSync = await startOfficeSync(ingestSyncOptions(url, store, prefix, clock, logger));
  return {
    connected: () => sync.connected(),
    detect: async (now) => void (await domain.detect(now)),
    officeCopies: (terminals) => officeCopies(store, terminals),
    async close() {
      await sync.stop();
      return { stats: sync.ingest.stats(), logged: null };
    },
  };
}

export async function startIngestWorker(data: IngestWorkerData): Promise<SimIngest> {
  const worker = new Worker(new URL('./ingest-worker.js', import.meta.url), { workerData: data });
  let connected = false;
  let failure: string | null = null;
  let closed: ((m: Extract<IngestWorkerMessage, { type: 'closed' }>) => void) | null = null;
  const asked = new Map<number, { what: string; resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const ask = <T>(what: string, request: (id: number) => IngestWorkerRequest): Promise<T> => {
    nextId += 1;
    const id = nextId;
    const answer = new Promise<T>((resolve, reject) => asked.set(id, { what, resolve: (v) => resolve(v as T), reject }));
    worker.postMessage(request(id));
    return answer;
  };
  worker.on('message', (m: IngestWorkerMessage) => {
    if (m.type === 'connected') connected = m.connected;
    else if (m.type === 'failed') failure = m.error;
    else if (m.type === 'reply') {
      const a = asked.get(m.id);
      asked.delete(m.id);
      if (m.error === null) a?.resolve(m.value);
      else a?.reject(new Error(`${a.what} failed in the office's ingest worker: ${m.error}`));
    } else closed?.(m);
  });
  worker.on('error', (error) => {
    failure = error.message;
  });
  return {
    connected: () => {
      if (failure !== null) throw new Error(`the office ingest worker failed: ${failure}`);
      return connected;
    },
    detect: (now) => ask<void>('the detection pass', (id) => ({ type: 'detect', id, now })),
    officeCopies: (terminals) => ask<OfficeCopy[]>('reading the office\'s copies of the journals', (id) => ({ type: 'office-copies', id, terminals })),
    async close() {
      const done = new Promise<Extract<IngestWorkerMessage, { type: 'closed' }>>((resolve) => {
        closed = resolve;
      });
      worker.postMessage('close' satisfies IngestWorkerRequest);
      const m = await done;
      await worker.terminate();
      return { stats: m.stats, logged: m.logged };
    },
  };
}
