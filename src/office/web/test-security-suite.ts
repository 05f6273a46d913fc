/**
 * Staff access, in-process: every route that changes something is found in the router and
 * must refuse a missing session, a role without its permission and a missing or foreign
 * CSRF token; logins are rate-limited; cookies carry the right flags; passwords are scrypt.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OfficeStore } from '../store/index.js';
import { can, ROLES } from './staff/roles.js';
import type { Role } from './staff/roles.js';
import { cookieFrom, csrfIn, openTestWeb, TEST_PASSWORD } from './test-web.js';
import type { TestWeb } from './test-web.js';
import type { Access } from './guard.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const fill = (path: string) => path.replace(/:[A-Za-z]+/g, '1');

function roleWithout(access: Access): Role | undefined {
  return access === 'any-staff' ? undefined : ROLES.find((r) => !can(r, access));
}
function roleWith(access: Access): Role {
  return access === 'any-staff' ? 'clerk' : (ROLES.find((r) => can(r, access)) as Role);
}

/** Every staff-access test, on the store `open` gives (SQLite in unit tests, PostgreSQL in CI). */
export function describeStaffAccess(name: string, open: () => Promise<OfficeStore>): void {
  describe(`staff access on ${name}`, () => {
    let t: TestWeb;
    beforeEach(async () => {
      t = await openTestWeb({ store: await open() });
    });
    afterEach(async () => {
      await t.close();
    });

    describe('every mutating route', () => {
      it('is registered through the guard (or is the login form), so none escapes these tests', () => {
        const mutating = [...new Set(t.web.app.routes.filter((r) => MUTATING.has(r.method) && r.path !== '/*').map((r) => `${r.method} ${r.path}`))];
        const guarded = t.web.guarded.map((g) => `${g.method} ${g.path}`);
        expect(mutating.length).toBeGreaterThan(10);
        expect(mutating.filter((r) => !guarded.includes(r) && !t.web.publicMutations.includes(r.slice(r.indexOf(' ') + 1)))).toEqual([]);
        expect(t.web.app.routes.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method))).toEqual([]);
      });

      it('sends a request without a session to the login page and changes nothing', async () => {
        for (const route of t.web.guarded) {
          const res = await t.request(fill(route.path), { form: { _csrf: 'x' } });
          expect([303, 401], route.path).toContain(res.status);
          if (res.status === 303) expect(res.headers.get('location'), route.path).toMatch(/^\/login/);
        }
        expect(await t.core.staff.audit.count()).toBe(0);
      });

      it('answers 403 to a role without the permission, even with a valid CSRF token, and audits the refusal', async () => {
        let checked = 0;
        for (const route of t.web.guarded) {
          const role = roleWithout(route.access);
          if (role === undefined) continue;
          const s = await t.signIn(role);
          const res = await t.request(fill(route.path), { cookie: s.cookie, form: { _csrf: s.csrf } });
          expect(res.status, `${route.path} as ${role}`).toBe(403);
          expect(await res.text()).toContain('権限がありません');
          const [row] = await t.core.staff.audit.list({ actor: s.account.username });
          expect(row, route.path).toMatchObject({ action: 'refused.role', outcome: 'refused', role });
          checked += 1;
        }
        expect(checked).toBeGreaterThan(10);
        // Only routes every signed-in member may use have no wrong role.
        expect(t.web.guarded.filter((r) => roleWithout(r.access) === undefined).map((r) => r.path).sort()).toEqual(['/account/password', '/logout']);
      });

      it('answers 403 to a missing, wrong or foreign CSRF token and to a missing origin', async () => {
        for (const route of t.web.guarded) {
          const s = await t.signIn(roleWith(route.access));
          const path = fill(route.path);
          const attempts = [
            { label: 'no token', init: { cookie: s.cookie, form: { a: 'b' } } },
            { label: 'wrong token', init: { cookie: s.cookie, form: { _csrf: `${s.csrf.slice(1)}A` } } },
            { label: 'other origin', init: { cookie: s.cookie, form: { _csrf: s.csrf }, origin: 'http://evil.example' } },
            { label: 'no origin', init: { cookie: s.cookie, form: { _csrf: s.csrf }, origin: null } },
          ];
          for (const { label, init } of attempts) {
            const res = await t.request(path, init);
            expect(res.status, `${route.path}: ${label}`).toBe(403);
          }
          const rows = await t.core.staff.audit.list({ actor: s.account.username });
          expect(rows.map((r) => r.action)).toEqual(Array(4).fill('refused.csrf'));
        }
      });

      it('leaves an audit row for every action that passes the guard, whatever its outcome', async () => {
        for (const route of t.web.guarded) {
          const s = await t.signIn(roleWith(route.access));
          const before = await t.core.staff.audit.count();
          const res = await t.request(fill(route.path), { cookie: s.cookie, form: { _csrf: s.csrf } });
          expect(res.status, route.path).toBeLessThan(500);
          const rows = await t.core.staff.audit.list({ actor: s.account.username });
          expect(await t.core.staff.audit.count(), route.path).toBeGreaterThan(before);
          expect(rows[0]?.role).toBe(s.account.role);
        }
      });

      it('of a mounted machine API refuses a request without its bearer token, whatever the cookies', async () => {
        const s = await t.signIn('supervisor');
        let checked = 0;
        for (const api of t.web.tokenApis) {
          for (const route of api.app.routes.filter((r) => MUTATING.has(r.method) || r.method === 'GET')) {
            const res = await t.request(`${api.path}${fill(route.path)}`, { method: route.method, cookie: s.cookie, headers: { 'Content-Type': 'application/json' } });
            expect(res.status, `${route.method} ${api.path}${route.path}`).toBe(401);
            checked += 1;
          }
        }
        expect(checked).toBeGreaterThan(0);
      });

      it('takes the token from the X-CSRF-Token header too', async () => {
        const s = await t.signIn('clerk');
        const res = await t.request('/logout', { method: 'POST', cookie: s.cookie, headers: { 'X-CSRF-Token': s.csrf } });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe('/login');
      });
    });

    describe('pages', () => {
      it('send a visitor without a session to the login page with the way back', async () => {
        const res = await t.request('/terminals?x=1');
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/terminals?x=1')}`);
      });

      it('answer 403 with a Japanese explanation to a role without the permission', async () => {
        const s = await t.signIn('clerk');
        const res = await t.request('/audit', { cookie: s.cookie });
        expect(res.status).toBe(403);
        const html = await res.text();
        expect(html).toContain('権限がありません');
        expect(html).toContain('対処');
      });

      it('answer an unknown path with a 404 page', async () => {
        const s = await t.signIn('auditor');
        const res = await t.request('/no-such-page', { cookie: s.cookie });
        expect(res.status).toBe(404);
        expect(await res.text()).toContain('ページが見つかりません');
      });

      it('send security headers and no-store', async () => {
        const res = await t.request('/login');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('cache-control')).toBe('no-store');
      });
    });

    async function loginForm(): Promise<{ cookie: string; csrf: string }> {
      const res = await t.request('/login');
      const login = cookieFrom(res, 'fa_office_login');
      return { cookie: `fa_office_login=${login?.value ?? ''}`, csrf: csrfIn(await res.text()) };
    }

    async function tryLogin(username: string, password: string): Promise<Response> {
      const form = await loginForm();
      return t.request('/login', { cookie: form.cookie, form: { _csrf: form.csrf, username, password, next: '/terminals' } });
    }

    describe('login', () => {
      it('signs in with the right password and sets an HttpOnly, SameSite=Strict session cookie whose value is stored only hashed', async () => {
        const account = await t.createStaff('clerk', 'sato');
        const res = await tryLogin('sato', TEST_PASSWORD);
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe('/terminals');
        const cookie = cookieFrom(res, 'fa_office_session');
        expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(cookie?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
        expect(cookie?.attributes).not.toContain('Secure');
        const rows = await t.db.all('SELECT id_hash, account_id FROM staff_sessions');
        expect(rows.map((r) => ({ ...r, account_id: Number(r.account_id) }))).toEqual([{ id_hash: createHash('sha256').update(cookie?.value ?? '').digest('hex'), account_id: account.id }]);
        expect(JSON.stringify(rows)).not.toContain(cookie?.value);
        const page = await t.request('/terminals', { cookie: `fa_office_session=${cookie?.value}` });
        expect(page.status).toBe(200);
        expect((await t.core.staff.audit.list())[0]).toMatchObject({ actor: 'sato', role: 'clerk', action: 'login', outcome: 'ok', ip: '192.0.2.10' });
      });

      it('marks cookies Secure with the __Host- prefix when the office is served over HTTPS', async () => {
        await t.close();
        t = await openTestWeb({ store: await open(), options: { secureCookies: true } });
        await t.createStaff('clerk', 'sato');
        const first = await t.request('/login');
        const login = cookieFrom(first, '__Host-fa_office_login');
        expect(login?.attributes).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict']));
        const res = await t.request('/login', {
          cookie: `__Host-fa_office_login=${login?.value ?? ''}`,
          form: { _csrf: csrfIn(await first.text()), username: 'sato', password: TEST_PASSWORD },
        });
        expect(cookieFrom(res, '__Host-fa_office_session')?.attributes).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']));
        expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      });

      it('refuses a login form without its CSRF cookie or from another origin', async () => {
        await t.createStaff('clerk', 'sato');
        const form = await loginForm();
        expect((await t.request('/login', { form: { _csrf: form.csrf, username: 'sato', password: TEST_PASSWORD } })).status).toBe(403);
        expect((await t.request('/login', { cookie: form.cookie, origin: 'http://evil.example', form: { _csrf: form.csrf, username: 'sato', password: TEST_PASSWORD } })).status).toBe(403);
        expect(await t.db.all('SELECT * FROM staff_sessions')).toEqual([]);
      });

      it('is refused for 15 minutes after 5 failures for one account, with a message saying until when, even with the right password', async () => {
        await t.createStaff('clerk', 'sato');
        for (let i = 0; i < 5; i += 1) {
          const res = await tryLogin('sato', 'wrong password!');
          expect(res.status).toBe(401);
          expect(await res.text()).toContain('ユーザー名またはパスワードが違います');
          t.advance(60_000);
        }
        const limited = await tryLogin('sato', TEST_PASSWORD);
        expect(limited.status).toBe(429);
        const text = await limited.text();
        expect(text).toContain('一時的に停止');
        expect(text).toContain('以降にもう一度お試しください');
        expect(cookieFrom(limited, 'fa_office_session')).toBeUndefined();
        expect((await t.core.staff.audit.list({ action: 'login' }))[0]).toMatchObject({ outcome: 'refused', detail: { reason: 'rate-limited', by: 'account' } });
        t.advance(11 * 60_000);
        expect((await tryLogin('sato', TEST_PASSWORD)).status).toBe(303);
      });

      it('limits one address trying many accounts', async () => {
        await t.createStaff('clerk', 'sato');
        for (let i = 0; i < 20; i += 1) expect((await tryLogin(`nobody${i}`, 'wrong password!')).status).toBe(401);
        expect((await tryLogin('sato', TEST_PASSWORD)).status).toBe(429);
        t.setIp('192.0.2.99');
        expect((await tryLogin('sato', TEST_PASSWORD)).status).toBe(303);
      });

      it('does not sign in a deactivated account', async () => {
        const account = await t.createStaff('clerk', 'sato');
        await t.core.staff.accounts.setActive(account.id, false);
        expect((await tryLogin('sato', TEST_PASSWORD)).status).toBe(401);
      });

      it('redirects only to paths of this office after login', async () => {
        await t.createStaff('clerk', 'sato');
        const form = await loginForm();
        for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
          const res = await t.request('/login', { cookie: form.cookie, form: { _csrf: form.csrf, username: 'sato', password: TEST_PASSWORD, next } });
          expect(res.headers.get('location')).toBe('/');
        }
      });
    });

    describe('sessions', () => {
      it('end after 30 idle minutes', async () => {
        const s = await t.signIn('clerk');
        t.advance(29 * 60_000);
        expect((await t.request('/terminals', { cookie: s.cookie })).status).toBe(200);
        t.advance(29 * 60_000);
        expect((await t.request('/terminals', { cookie: s.cookie })).status).toBe(200);
        t.advance(31 * 60_000);
        expect((await t.request('/terminals', { cookie: s.cookie })).status).toBe(303);
      });

      it('end 12 hours after login however busy', async () => {
        const s = await t.signIn('clerk');
        for (let i = 0; i < 12 * 3; i += 1) {
          t.advance(20 * 60_000);
          const res = await t.request('/terminals', { cookie: s.cookie });
          expect(res.status).toBe(i < 35 ? 200 : 303);
        }
      });

      it('end at logout: the old cookie no longer opens a page', async () => {
        const s = await t.signIn('clerk');
        const res = await t.request('/logout', { cookie: s.cookie, form: { _csrf: s.csrf } });
        expect(res.status).toBe(303);
        expect(cookieFrom(res, 'fa_office_session')?.value).toBe('');
        expect((await t.request('/terminals', { cookie: s.cookie })).status).toBe(303);
        expect((await t.core.staff.audit.list())[0]).toMatchObject({ action: 'logout', actor: s.account.username });
      });

      it('of the account end when its password changes, except the one that changed it, which gets a new ID', async () => {
        const s = await t.signIn('clerk', 'sato');
        const other = await t.core.staff.sessions.create(s.account.id, { ip: '192.0.2.20', userAgent: 'other' }, t.now());
        const res = await t.request('/account/password', { cookie: s.cookie, form: { _csrf: s.csrf, current: TEST_PASSWORD, password: 'a new long passphrase', again: 'a new long passphrase' } });
        expect(res.status).toBe(200);
        const renewed = cookieFrom(res, 'fa_office_session');
        expect(renewed?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect((await t.request('/terminals', { cookie: `fa_office_session=${other.id}` })).status).toBe(303);
        expect((await t.request('/terminals', { cookie: s.cookie })).status).toBe(303);
        expect((await t.request('/terminals', { cookie: `fa_office_session=${renewed?.value ?? ''}` })).status).toBe(200);
        expect(await t.core.staff.accounts.authenticate('sato', 'a new long passphrase')).toMatchObject({ username: 'sato' });
      });

      it('end when the account is deactivated', async () => {
        const admin = await t.signIn('admin');
        const s = await t.signIn('clerk');
        const res = await t.request(`/accounts/${s.account.id}/deactivate`, { cookie: admin.cookie, form: { _csrf: admin.csrf } });
        expect(res.status).toBe(303);
        expect((await t.request('/terminals', { cookie: s.cookie })).status).toBe(303);
      });
    });

    describe('passwords', () => {
      it('are stored as salted scrypt hashes, never in the clear', async () => {
        await t.createStaff('clerk', 'a');
        await t.createStaff('clerk', 'b');
        const rows = await t.db.all('SELECT password_hash FROM staff_accounts ORDER BY username');
        const hashes = rows.map((r) => String(r.password_hash));
        for (const hash of hashes) {
          expect(hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
          expect(hash).not.toContain(TEST_PASSWORD);
        }
        expect(hashes[0]).not.toBe(hashes[1]);
      });
    });

  });
}
