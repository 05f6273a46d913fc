import { describe, expect, it } from 'vitest';
import { describeDomainContract } from '../../src/office/domain/domain-contract.js';
import { openTestPostgresStore } from '../../src/office/store/pg-test-support.js';
import { batchOf, chainEvents, describeStoreContract } from '../../src/office/store/store-contract.js';

describeStoreContract('PostgreSQL', () => openTestPostgresStore());
describeDomainContract('PostgreSQL', () => openTestPostgresStore());

describe('openPostgresStore', () => {
  it('lets several connections ingest one terminal at once without losing, doubling or breaking a row', async () => {
    const store = await openTestPostgresStore({ max: 6 });
    try {
      const events = chainEvents('T1', 200);
      const batches = Array.from({ length: 20 }, (_, i) => batchOf('T1', events.slice(i * 10, i * 10 + 10)));
      await Promise.all(batches.reverse().map((b, i) => store.ingestBatch(b, i)));
      expect(await store.eventCount('T1')).toBe(200);
      expect(await store.ackedSeq('T1')).toBe(200);
      expect(await store.anomalies()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
