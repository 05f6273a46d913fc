/**
 * The office web's services built from the configuration and the store: staff access with
 * the configured session and login limits, the audit log, health and Prometheus metrics.
 */
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { OfficeStore } from '../store/index.js';
import { createOfficeWeb } from './app.js';
import type { HealthReport, OfficeWeb, WebServices } from './app.js';
import { createAuditLog } from './audit.js';
import type { StaffServices, WebCore, WebOptions } from './context.js';
import { sqlRunnerOf } from './db.js';
import { createAccountStore } from './staff/accounts.js';
import { createLoginLimiter } from './staff/login-limit.js';
import type { LoginLimits } from './staff/login-limit.js';
import type { ScryptParams } from './staff/passwords.js';
import { createSessionStore } from './staff/sessions.js';
import type { SessionPolicy } from './staff/sessions.js';

export interface StaffSettings {
  readonly session?: SessionPolicy;
  readonly login?: LoginLimits;
  readonly scrypt?: ScryptParams;
}

export function createStaffServices(store: OfficeStore, settings: StaffSettings = {}): StaffServices {
  const db = sqlRunnerOf(store);
  return {
    accounts: createAccountStore(db, settings.scrypt ? { scrypt: settings.scrypt } : {}),
    sessions: createSessionStore(db, settings.session),
    limiter: createLoginLimiter(db, settings.login),
    audit: createAuditLog(db),
    ...(settings.scrypt ? { scrypt: settings.scrypt } : {}),
  };
}

/** A gauge whose value is read when Prometheus scrapes. */
export function scrapedGauge(registry: Registry, name: string, help: string, read: () => number | Promise<number>): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await read());
    },
  });
}

export interface BuildWebInput {
  readonly store: OfficeStore;
  readonly staff: StaffServices;
  readonly options: WebOptions;
  readonly logger: Logger;
  readonly now: () => number;
  readonly registry: Registry;
  readonly health: () => Promise<HealthReport>;
  readonly pages: WebServices['pages'];
  readonly mounts?: WebServices['mounts'];
}

export function buildOfficeWeb(input: BuildWebInput): OfficeWeb {
  const core: WebCore = { staff: input.staff, options: input.options, now: input.now, logger: input.logger };
  scrapedGauge(input.registry, 'fa_office_audit_rows', 'Rows in the staff audit log', () => input.staff.audit.count());
  return createOfficeWeb(core, {
    health: input.health,
    metrics: async () => ({ contentType: input.registry.contentType, body: await input.registry.metrics() }),
    pages: input.pages,
    ...(input.mounts ? { mounts: input.mounts } : {}),
  });
}
