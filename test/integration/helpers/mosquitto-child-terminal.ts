/**
 * A terminal as its own process: opens its journal and drains it to the broker until
 * killed. Configured by environment (see spawnChild); prints one JSON line per second.
 */
import { z } from 'zod';
import { openJournal } from '../../../src/journal/index.js';
import { brokerConfigSchema, createTerminalSync } from '../../../src/sync/index.js';

const env = z
  .object({
    JOURNAL: z.string(),
    TERMINAL: z.string(),
    ORG: z.string(),
    PREFIX: z.string(),
    BROKER_URL: z.string(),
    BATCH_SIZE: z.coerce.number().default(200),
    WINDOW: z.coerce.number().default(4),
    RATE: z.coerce.number().optional(),
    ACK_TIMEOUT_MS: z.coerce.number().default(3000),
  })
  .parse(process.env);

const journal = openJournal({ path: env.JOURNAL, terminalId: env.TERMINAL, synchronous: 'NORMAL', now: () => Date.now() });
const sync = createTerminalSync({
  broker: brokerConfigSchema.parse({ url: env.BROKER_URL }),
  org: env.ORG,
  terminal: env.TERMINAL,
  prefix: env.PREFIX,
  journal,
  configSchema: z.json(),
  softwareVersion: 'child',
  backoff: { initialMs: 100, maxMs: 1000, factor: 2 },
  uplink: {
    batchSize: env.BATCH_SIZE,
    window: env.WINDOW,
    ackTimeoutMs: env.ACK_TIMEOUT_MS,
    pollIntervalMs: 100,
    ...(env.RATE !== undefined ? { maxEventsPerSecond: env.RATE } : {}),
  },
});

const report = (): void => {
  process.stdout.write(`${JSON.stringify({ event: 'progress', ...journal.syncState(), stats: sync.uplinkStats() })}\n`);
};
const ticker = setInterval(report, 250);
process.on('SIGTERM', () => {
  clearInterval(ticker);
  report();
  void sync.stop().then(() => {
    journal.close();
    process.exit(0);
  });
});
