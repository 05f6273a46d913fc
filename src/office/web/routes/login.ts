/**
 * Signing in and out. The login form has its own CSRF token (a random value in a short-lived
 * cookie and in the form; both must match, and the Origin must be ours), because there is
 * no session yet to hold one. Failed logins are counted per user name and per address;
 * past the limit the password is not even checked, and the page says when to try again.
 */
import { randomBytes } from 'node:crypto';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Hono } from 'hono';
import { audit, clientIp, loginCookieName, sessionCookieName } from '../context.js';
import type { WebContext, WebCore, WebEnv } from '../context.js';
import { ERROR_TEXT } from '../errors.js';
import { safeEqual, sameOrigin } from '../guard.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { bi, csrfField, renderPage } from '../layout.js';
import { formatTime } from '../format.js';

const LOGIN_COOKIE_MAX_AGE = 60 * 60;

/** Only a path of this office: never `//host` or a full URL, so login cannot redirect away. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

function loginForm(core: WebCore, token: string, input: { username?: string; next: string; message?: Html; status?: 'ng' | 'warn' }): string {
  return renderPage({
    title: 'ログイン',
    titleEn: 'Sign in',
    orgName: core.options.orgName,
    body: h`<div class="login panel">
  ${input.message ? h`<div class="notice ${input.status ?? 'ng'}" role="alert">${input.message}</div>` : ''}
  <form method="post" action="/login" class="stack">
    ${csrfField(token)}
    <input type="hidden" name="next" value="${input.next}">
    <label>${bi('ユーザー名', 'User name')}<input name="username" autocomplete="username" required value="${input.username ?? ''}" autofocus></label>
    <label>${bi('パスワード', 'Password')}<input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">ログイン <span class="en" lang="en">Sign in</span></button>
  </form>
  <p class="muted">アカウントがない場合やパスワードを忘れた場合は、管理者に連絡してください。</p>
</div>`,
  });
}

function newLoginToken(core: WebCore, c: WebContext): string {
  const token = randomBytes(32).toString('base64url');
  setCookie(c, loginCookieName(core.options), token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: core.options.secureCookies,
    path: '/',
    maxAge: LOGIN_COOKIE_MAX_AGE,
  });
  return token;
}

export function setSessionCookie(core: WebCore, c: WebContext, id: string): void {
  setCookie(c, sessionCookieName(core.options), id, { httpOnly: true, sameSite: 'Strict', secure: core.options.secureCookies, path: '/' });
}

export function addLoginRoutes(app: Hono<WebEnv>, router: Router, core: WebCore): void {
  app.get('/login', (c) => {
    if (c.get('staff') !== undefined) return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(loginForm(core, newLoginToken(core, c), { next: safeNext(c.req.query('next')) }));
  });

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const username = field('username').trim().toLowerCase();
    const next = safeNext(field('next'));
    const ip = clientIp(core, c);
    const now = core.now();
    const cookie = getCookie(c, loginCookieName(core.options)) ?? '';
    if (!sameOrigin(core, c) || !safeEqual(cookie, field('_csrf'))) {
      const message = h`${ERROR_TEXT[403].title}: フォームの有効期限が切れたか、別のサイトから送信されました。もう一度入力してください。`;
      return c.html(loginForm(core, newLoginToken(core, c), { username, next, message }), 403);
    }
    const entry = { at: now, actor: username || '-', role: '-', action: 'login', target: username || '-', ip };
    const limit = await core.staff.limiter.check(username, ip, now);
    if (limit.limited) {
      await core.staff.audit.append({ ...entry, outcome: 'refused', detail: { reason: 'rate-limited', by: limit.by } });
      const message = h`ログインの失敗が続いたため、${limit.by === 'account' ? 'このアカウントへの' : 'この端末からの'}ログインを一時的に停止しています。
        ${formatTime(limit.retryAt)} 以降にもう一度お試しください。<br><span class="en" lang="en">Too many failed sign-ins. Try again after ${new Date(limit.retryAt).toISOString()}.</span>`;
      return c.html(loginForm(core, newLoginToken(core, c), { username, next, message }), 429);
    }
    const account = username === '' ? undefined : await core.staff.accounts.authenticate(username, field('password'));
    await core.staff.limiter.record(username, ip, account !== undefined, now);
    if (account === undefined) {
      await core.staff.audit.append({ ...entry, outcome: 'failed', detail: { reason: 'bad-credentials' } });
      const message = h`ユーザー名またはパスワードが違います。<span class="en" lang="en">Wrong user name or password.</span>`;
      return c.html(loginForm(core, newLoginToken(core, c), { username, next, message }), 401);
    }
    const { id } = await core.staff.sessions.create(account.id, { ip, userAgent: c.req.header('user-agent') ?? '' }, now);
    setSessionCookie(core, c, id);
    deleteCookie(c, loginCookieName(core.options), { path: '/', secure: core.options.secureCookies });
    await core.staff.audit.append({ ...entry, actor: account.username, role: account.role, outcome: 'ok', detail: {} });
    return c.redirect(next, 303);
  });

  router.action('/logout', 'any-staff', async (c) => {
    await audit(core, c, 'logout', c.get('staff')?.username ?? '-');
    const id = c.get('sessionId');
    if (id !== undefined) await core.staff.sessions.end(id);
    deleteCookie(c, sessionCookieName(core.options), { path: '/', secure: core.options.secureCookies });
    return c.redirect('/login', 303);
  });
}
