import { openSqliteStore } from '../store/index.js';
import { describeDomainContract } from './domain-contract.js';

describeDomainContract('SQLite', async () => openSqliteStore({ path: ':memory:' }));
