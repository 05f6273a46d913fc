import { openSqliteStore } from '../store/index.js';
import { describeDashboard } from './test-dashboard-suite.js';

describeDashboard('SQLite', async () => openSqliteStore({ path: ':memory:' }));
