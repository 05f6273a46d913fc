/** Entry of the office ingest worker thread (see `startIngestWorker`). */
import { parentPort, workerData } from 'node:worker_threads';
import { createMemoryIssuerKeyRing, createOfficeDomain } from '../office/domain/index.js';
import { startOfficeSync } from '../office/ingest/index.js';
import { openSqliteStore } from '../office/store/index.js';
import { cityNow, createCountingLogger } from './clock.js';
import { officeCopies } from './office-copies.js';
import { ingestSyncOptions, type IngestWorkerData, type IngestWorkerMessage, type IngestWorkerRequest } from './ingest.js';

const data = workerData as IngestWorkerData;
const port = parentPort;
const clock = { now: cityNow(data.clock) };
const post = (m: IngestWorkerMessage): void => port?.postMessage(m);

async function main(): Promise<void> {
  const logger = createCountingLogger();
  const store = openSqliteStore({ path: data.dbPath, synchronous: data.durable ? 'FULL' : 'NORMAL', now: clock.now });
  const sync = await startOfficeSync(ingestSyncOptions(data.url, store, data.prefix, clock, logger));
  // Detection runs beside the ingest, as the office's after-ingest pass does; it signs nothing and publishes nothing.
  const domain = createOfficeDomain({ store, org: data.org, programmes: data.programmes, keys: createMemoryIssuerKeyRing([]), clock: clock.now, logger });
  let last = false;
  const watch = setInterval(() => {
    if (sync.connected() !== last) post({ type: 'connected', connected: (last = sync.connected()) });
  }, 20);
  let busy: Promise<void> = Promise.resolve();
  port?.on('message', (m: IngestWorkerRequest) => {
    if (m !== 'close') {
      const work: Promise<unknown> = m.type === 'detect' ? domain.detect(m.now) : officeCopies(store, m.terminals);
      const replied = work.then(
        (value) => post({ type: 'reply', id: m.id, value: m.type === 'detect' ? null : value, error: null }),
        (error: unknown) => post({ type: 'reply', id: m.id, value: null, error: error instanceof Error ? error.message : String(error) }),
      );
      busy = busy.then(() => replied);
      return;
    }
    clearInterval(watch);
    void sync
      .stop()
      .then(() => busy)
      .then(() => store.close())
      .then(() => post({ type: 'closed', stats: sync.ingest.stats(), logged: logger.counts() }));
  });
}

main().catch((error: unknown) => post({ type: 'failed', error: error instanceof Error ? error.message : String(error) }));
