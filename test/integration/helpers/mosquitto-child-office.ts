/**
 * An office ingest worker as its own process. With KILL_AFTER_COMMITS=n it kills itself
 * with SIGKILL right after its n-th commit, before the ack leaves: the crash between the
 * office's commit and its ack.
 */
import { z } from 'zod';
import { createIngest } from '../../../src/office/ingest/index.js';
import { openSqliteStore } from '../../../src/office/store/index.js';
import { brokerConfigSchema, connectBroker } from '../../../src/sync/index.js';

const env = z
  .object({
    STORE: z.string(),
    PREFIX: z.string(),
    BROKER_URL: z.string(),
    GROUP: z.string().optional(),
    CLIENT_ID: z.string().default(`office-${process.pid}`),
    KILL_AFTER_COMMITS: z.coerce.number().optional(),
  })
  .parse(process.env);

const store = openSqliteStore({ path: env.STORE, synchronous: 'NORMAL' });
const link = connectBroker({ config: brokerConfigSchema.parse({ url: env.BROKER_URL }), clientId: env.CLIENT_ID, backoff: { initialMs: 100, maxMs: 1000, factor: 2 } });
let commits = 0;
const ingest = createIngest({
  client: link.client,
  store,
  prefix: env.PREFIX,
  ...(env.GROUP !== undefined ? { group: env.GROUP } : {}),
  hooks: {
    afterCommit: (batch, outcome) => {
      commits += 1;
      process.stdout.write(`${JSON.stringify({ event: 'commit', terminal: batch.terminal, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, ...outcome })}\n`);
      if (commits === env.KILL_AFTER_COMMITS) process.kill(process.pid, 'SIGKILL');
    },
  },
});
link.client.on('connect', () => process.stdout.write(`${JSON.stringify({ event: 'connected' })}\n`));
void ingest.start();
process.on('SIGTERM', () => {
  void ingest.stop().then(async () => {
    process.stdout.write(`${JSON.stringify({ event: 'stats', ...ingest.stats() })}\n`);
    await link.close();
    await store.close();
    process.exit(0);
  });
});
