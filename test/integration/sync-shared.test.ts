import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/office/store/index.js';
import { terminalTopics } from '../../src/sync/index.js';
import { clearRetained, LOCAL_BROKER, requireLocalBroker } from './helpers/mosquitto.js';
import {
  appendRides,
  expectOfficeMatchesJournal,
  openTerminalJournal,
  startOffice,
  startTerminal,
  uniquePrefix,
  until,
} from './helpers/mosquitto-sync-rig.js';

let dir: string;

beforeAll(async () => {
  await requireLocalBroker();
  dir = mkdtempSync(join(tmpdir(), 'fa-sync-shared-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('several office workers on one shared subscription (real Mosquitto)', () => {
  it('share the batches of two terminals and still store each event exactly once', async () => {
    const prefix = uniquePrefix('shared');
    const storePath = join(dir, 'office.db');
    const workers = await Promise.all([0, 1].map(() => startOffice({ url: LOCAL_BROKER.url, prefix, group: 'ingest', store: openSqliteStore({ path: storePath, synchronous: 'NORMAL' }) })));
    const journals = ['T-S1', 'T-S2'].map((id) => {
      const journal = openTerminalJournal(join(dir, `${id}.db`), id);
      appendRides(journal, 6_000);
      return journal;
    });
    const terminals = journals.map((journal) => startTerminal({ url: LOCAL_BROKER.url, prefix, org: 'maebashi', journal, uplink: { batchSize: 100, window: 8 } }));
    await until(() => journals.every((j) => j.syncState().backlog === 0), 90_000, 'both terminals to drain');

    const batches = workers.map((w) => w.ingest.stats().batches);
    expect(batches.every((n) => n > 0)).toBe(true);
    for (const journal of journals) {
      expect(await expectOfficeMatchesJournal(workers[0]!.store, journal)).toEqual({ events: 6_000, problems: [] });
    }
    for (const t of terminals) await t.stop();
    for (const w of workers) {
      await w.close();
      await w.store.close();
    }
    for (const j of journals) j.close();
    await clearRetained(LOCAL_BROKER.url, ['T-S1', 'T-S2'].flatMap((id) => [terminalTopics(prefix, 'maebashi', id).ack, terminalTopics(prefix, 'maebashi', id).status]));
  });
});
