import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import { batchOf, chainEvents, describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => openSqliteStore({ path: ':memory:' }));

describe('openSqliteStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-office-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what it stored across a reopen, and migrates a file only once', async () => {
    const path = join(dir, 'office.db');
    const first = openSqliteStore({ path });
    await first.ingestBatch(batchOf('T1', chainEvents('T1', 3)), 1);
    await first.close();
    const second = openSqliteStore({ path });
    expect(await second.eventCount()).toBe(3);
    expect(await second.ackedSeq('T1')).toBe(3);
    await second.close();
  });

  it('lets two connections to one file ingest one terminal without losing or doubling a row', async () => {
    const path = join(dir, 'shared.db');
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    const events = chainEvents('T1', 40);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).ingestBatch(batchOf('T1', events.slice(i * 5, i * 5 + 5)), i)),
    );
    expect(await a.eventCount('T1')).toBe(40);
    expect(await b.ackedSeq('T1')).toBe(40);
    expect(await a.anomalies()).toEqual([]);
    await a.close();
    await b.close();
  });
});
