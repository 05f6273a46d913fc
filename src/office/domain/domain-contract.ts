import { afterEach, beforeEach, describe } from 'vitest';
import type { OfficeStore } from '../store/index.js';
import { anomalyContract } from './contract-anomalies.js';
import { clearingContract } from './contract-clearing.js';
import { peopleContract } from './contract-people.js';

/**
 * The domain's contract: one test body for every store, run on SQLite in the unit project and
 * on PostgreSQL in test/integration. Each test gets a fresh store.
 */
export function describeDomainContract(name: string, open: () => Promise<OfficeStore>): void {
  describe(`Office domain contract: ${name}`, () => {
    let store: OfficeStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    describe('clearing', () => clearingContract(() => store));
    describe('anomalies and attendance', () => anomalyContract(() => store));
    describe('residents, issuance and revocation', () => peopleContract(() => store));
  });
}
