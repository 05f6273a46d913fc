/**
 * The office web in-process for tests: a real store (SQLite in memory unless given), real
 * staff services with a cheap scrypt cost, a clock the test moves, and helpers to sign in
 * and to send requests with cookies, origin and CSRF token like a browser would.
 */
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { createIssuerSigner } from '../../free-area/index.js';
import { createCounterApi, createMemoryIssuerKeyRing, createOfficeDomain } from '../domain/index.js';
import type { OfficeDomain } from '../domain/index.js';
import { openSqliteStore } from '../store/index.js';
import type { OfficeStore } from '../store/index.js';
import { createOfficeWeb } from './app.js';
import type { OfficeWeb } from './app.js';
import { createAuditLog } from './audit.js';
import type { WebCore, WebOptions } from './context.js';
import { sessionCookieName } from './context.js';
import { sqlRunnerOf } from './db.js';
import type { SqlRunner } from './db.js';
import { createAccountStore } from './staff/accounts.js';
import type { StaffAccount } from './staff/accounts.js';
import { createLoginLimiter } from './staff/login-limit.js';
import type { ScryptParams } from './staff/passwords.js';
import type { Role } from './staff/roles.js';
import { createSessionStore } from './staff/sessions.js';
import { officePages } from './pages.js';

/** Cheap enough for hundreds of logins in a test; production uses DEFAULT_SCRYPT. */
export const TEST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };
export const TEST_ORIGIN = 'http://localhost';
export const TEST_PASSWORD = 'correct horse battery';
export const TEST_COUNTER_TOKEN = 'counter-token-0123456789';

export interface Signed {
  readonly account: StaffAccount;
  readonly cookie: string;
  readonly csrf: string;
}

export interface TestWeb {
  readonly web: OfficeWeb;
  readonly core: WebCore;
  readonly store: OfficeStore;
  readonly db: SqlRunner;
  readonly domain: OfficeDomain;
  /** Moves the clock the web sees. */
  advance(ms: number): void;
  now(): number;
  setIp(ip: string): void;
  createStaff(role: Role, username?: string): Promise<StaffAccount>;
  /** A staff member of `role`, signed in through a session made directly. */
  signIn(role: Role, username?: string): Promise<Signed>;
  request(path: string, init?: { method?: string; form?: Record<string, string>; cookie?: string; origin?: string | null; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export interface TestWebOptions {
  readonly store?: OfficeStore;
  readonly options?: Partial<WebOptions>;
  readonly start?: number;
}

export async function openTestWeb(opts: TestWebOptions = {}): Promise<TestWeb> {
  const store = opts.store ?? openSqliteStore({ path: ':memory:' });
  const db = sqlRunnerOf(store);
  let clock = opts.start ?? Date.parse('2025-04-10T10:00:00+09:00');
  let ip = '192.0.2.10';
  const core: WebCore = {
    staff: {
      accounts: createAccountStore(db, { scrypt: TEST_SCRYPT }),
      sessions: createSessionStore(db),
      limiter: createLoginLimiter(db),
      audit: createAuditLog(db),
      scrypt: TEST_SCRYPT,
    },
    options: { orgName: 'テスト市', secureCookies: false, trustProxy: false, ...opts.options },
    now: () => clock,
    logger: pino({ level: 'silent' }),
    clientIp: () => ip,
  };
  let keyVersion = 1;
  const domain = createOfficeDomain({
    store,
    org: 'test-city',
    programmes: [{ id: '102016-1', name: { ja: '前橋市 マイタク', en: 'Maebashi MyTaku' }, unit: 'coupon', amount: 70, dailyUses: 2 }],
    keys: createMemoryIssuerKeyRing([createIssuerSigner(generateKeyPairSync('ed25519').privateKey, 1)], () => createIssuerSigner(generateKeyPairSync('ed25519').privateKey, ++keyVersion)),
    clock: () => clock,
  });
  // The same pages and mounts as the composition root (src/office/start.ts).
  const web = createOfficeWeb(core, {
    health: async () => ({ ok: true, checks: {} }),
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
    pages: officePages({ domain, silentAfterMs: 3_600_000 }),
    mounts: [{ path: '/api/counter', app: createCounterApi({ issuance: domain.issuance, stations: { 'counter-1': TEST_COUNTER_TOKEN } }) }],
  });
  let serial = 0;
  const createStaff = (role: Role, username?: string) => {
    serial += 1;
    return core.staff.accounts.create({ username: username ?? `${role}${serial}`, displayName: `${role} ${serial}`, role, password: TEST_PASSWORD }, clock);
  };
  return {
    web,
    core,
    store,
    db,
    domain,
    advance: (ms) => void (clock += ms),
    now: () => clock,
    setIp: (next) => void (ip = next),
    createStaff,
    async signIn(role, username) {
      const account = await createStaff(role, username);
      const { id, session } = await core.staff.sessions.create(account.id, { ip, userAgent: 'test' }, clock);
      return { account, cookie: `${sessionCookieName(core.options)}=${id}`, csrf: session.csrfToken };
    },
    request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.cookie) headers['Cookie'] = init.cookie;
      const method = init.method ?? (init.form ? 'POST' : 'GET');
      if (method !== 'GET' && init.origin !== null) headers['Origin'] = init.origin ?? TEST_ORIGIN;
      let body: string | undefined;
      if (init.form) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(init.form).toString();
      }
      return Promise.resolve(web.app.request(`${TEST_ORIGIN}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
    },
    close: () => store.close(),
  };
}

/** The value of a Set-Cookie for `name`, and its attributes. */
export function cookieFrom(res: Response, name: string): { value: string; attributes: string[] } | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';').map((s) => s.trim());
    const eq = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && pair.slice(0, eq) === name) return { value: pair.slice(eq + 1), attributes };
  }
  return undefined;
}

/** The hidden `_csrf` value of the first form in a page. */
export function csrfIn(html: string): string {
  return /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
}
