/**
 * The office web's staff access and dashboard suites on PostgreSQL, each test in a schema of
 * its own: the staff, session, login-attempt and audit queries and every page's domain reads
 * behave as on SQLite.
 */
import { openTestPostgresStore } from '../../src/office/store/pg-test-support.js';
import { describeDashboard } from '../../src/office/web/test-dashboard-suite.js';
import { describeStaffAccess } from '../../src/office/web/test-security-suite.js';

describeStaffAccess('PostgreSQL', () => openTestPostgresStore());
describeDashboard('PostgreSQL', () => openTestPostgresStore());
