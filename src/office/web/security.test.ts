import { openSqliteStore } from '../store/index.js';
import { describeStaffAccess } from './test-security-suite.js';

describeStaffAccess('SQLite', async () => openSqliteStore({ path: ':memory:' }));
