import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { openJournal } from '../../../src/journal/index.js';
import type { Journal } from '../../../src/journal/index.js';
import { createDownlinkPublisher, createIngest } from '../../../src/office/ingest/index.js';
import type { DownlinkPublisher, Ingest, IngestHooks } from '../../../src/office/ingest/index.js';
import { openSqliteStore } from '../../../src/office/store/index.js';
import type { OfficeStore } from '../../../src/office/store/index.js';
import { brokerConfigSchema, connectBroker, createTerminalSync, verifyChain } from '../../../src/sync/index.js';
import type { BrokerLink, TerminalSync, UplinkTuning } from '../../../src/sync/index.js';

/** A topic prefix no other test or run shares. */
export function uniquePrefix(name: string): string {
  return `test/${name}/${randomUUID().slice(0, 8)}`;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const FAST_BACKOFF = { initialMs: 100, maxMs: 1_000, factor: 2 };

export interface OfficeRig {
  readonly store: OfficeStore;
  readonly ingest: Ingest;
  readonly publisher: DownlinkPublisher;
  readonly link: BrokerLink;
  close(): Promise<void>;
}

export async function startOffice(options: {
  url: string;
  prefix: string;
  storePath?: string;
  store?: OfficeStore;
  group?: string;
  hooks?: IngestHooks;
}): Promise<OfficeRig> {
  const store = options.store ?? openSqliteStore({ path: options.storePath ?? ':memory:', synchronous: 'NORMAL' });
  const link = connectBroker({ config: brokerConfigSchema.parse({ url: options.url }), clientId: `office-${randomUUID().slice(0, 8)}`, backoff: FAST_BACKOFF });
  const ingest = createIngest({
    client: link.client,
    store,
    prefix: options.prefix,
    ...(options.group !== undefined ? { group: options.group } : {}),
    ...(options.hooks !== undefined ? { hooks: options.hooks } : {}),
  });
  await until(() => link.client.connected, 10_000, 'the office to connect');
  await ingest.start();
  return {
    store,
    ingest,
    publisher: createDownlinkPublisher({ client: link.client, prefix: options.prefix }),
    link,
    async close() {
      await ingest.stop();
      await link.close();
      if (options.store === undefined) await store.close();
    },
  };
}

export const anyConfig = z.json();

export function openTerminalJournal(path: string, terminal: string, now: () => number = Date.now): Journal {
  return openJournal({ path, terminalId: terminal, synchronous: 'NORMAL', now });
}

export function startTerminal(options: {
  url: string;
  prefix: string;
  org: string;
  journal: Journal;
  uplink?: UplinkTuning;
  statusIntervalMs?: number;
}): TerminalSync<z.infer<typeof anyConfig>> {
  return createTerminalSync({
    broker: brokerConfigSchema.parse({ url: options.url }),
    org: options.org,
    terminal: options.journal.terminalId,
    prefix: options.prefix,
    journal: options.journal,
    configSchema: anyConfig,
    softwareVersion: 'test',
    backoff: FAST_BACKOFF,
    uplink: { pollIntervalMs: 100, ackTimeoutMs: 3_000, ...options.uplink },
    ...(options.statusIntervalMs !== undefined ? { statusIntervalMs: options.statusIntervalMs } : {}),
  });
}

export function appendRides(journal: Journal, n: number): void {
  journal.transaction(() => {
    for (let i = 0; i < n; i += 1) journal.append('ride', { fare: 1000 + (i % 500), company: 'maebashi-kotsu', riders: 1 + (i % 2) });
  });
}

/**
 * The invariant of every fault test: the office holds exactly the journal's events, each
 * once, with the same hashes, the chain verifies end to end, and nothing was flagged.
 */
export async function expectOfficeMatchesJournal(store: OfficeStore, journal: Journal): Promise<{ events: number; problems: string[] }> {
  const problems: string[] = [];
  const office = await store.events(journal.terminalId);
  const local = journal.events({ limit: 1_000_000 });
  if (office.length !== local.length) problems.push(`office has ${office.length} events, journal ${local.length}`);
  for (let i = 0; i < Math.min(office.length, local.length); i += 1) {
    const o = office[i];
    const l = local[i];
    if (o?.seq !== l?.seq || o?.hash !== l?.hash) {
      problems.push(`event ${i}: office seq ${o?.seq} ${o?.hash}, journal seq ${l?.seq} ${l?.hash}`);
      break;
    }
  }
  const chain = verifyChain(office.map((e) => ({ ...e, terminal: journal.terminalId })));
  if (!chain.ok) problems.push(`office chain: ${chain.problem} at ${chain.seq}`);
  const anomalies = await store.anomalies({ terminal: journal.terminalId });
  if (anomalies.length > 0) problems.push(`anomalies: ${anomalies.map((a) => `${a.kind}@${a.seq}`).join(', ')}`);
  return { events: office.length, problems };
}
