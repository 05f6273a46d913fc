/**
 * The one way routes are added: `page` for reading, `action` for changing. Every action
 * passes three checks before its handler runs, in this order: a live session (else back to
 * the login page), the session's CSRF token and a same-origin Origin (else 403), and the
 * route's permission for the staff member's role (else 403). Refusals of signed-in staff
 * are audited. `guarded()` lists the actions, so the security test covers every one.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Handler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Hono } from 'hono';
import { audit, sessionCookieName } from './context.js';
import type { WebContext, WebCore, WebEnv } from './context.js';
import { renderErrorPage, WebError } from './errors.js';
import { can } from './staff/roles.js';
import type { Permission } from './staff/roles.js';

/** A permission, or any signed-in staff member (logout, one's own password). */
export type Access = Permission | 'any-staff';

export interface GuardedRoute {
  readonly method: 'POST';
  readonly path: string;
  readonly access: Access;
}

export type WebHandler = (c: WebContext) => Response | Promise<Response>;

export interface Router {
  page(path: string, permission: Access, handler: WebHandler): void;
  action(path: string, access: Access, handler: WebHandler): void;
  guarded(): readonly GuardedRoute[];
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The origin browsers address this office by. */
export function expectedOrigin(core: WebCore, c: Context): string {
  if (core.options.publicOrigin) return core.options.publicOrigin.replace(/\/$/, '');
  const url = new URL(c.req.url);
  if (core.options.trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
    return `${proto ? `${proto}:` : url.protocol}//${host ?? url.host}`;
  }
  return url.origin;
}

/** Origin, or failing that Referer, must be this office: a form posted from elsewhere is refused. */
export function sameOrigin(core: WebCore, c: Context): boolean {
  const expected = expectedOrigin(core, c);
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin === expected;
  const referer = c.req.header('referer');
  if (referer === undefined) return false;
  try {
    return new URL(referer).origin === expected;
  } catch {
    return false;
  }
}

/** The CSRF token sent with a request: the X-CSRF-Token header or the form's `_csrf` field. */
export async function sentCsrfToken(c: Context): Promise<string> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return '';
  const body = await c.req.parseBody();
  const field = body['_csrf'];
  return typeof field === 'string' ? field : '';
}

function allowed(c: WebContext, access: Access): boolean {
  const staff = c.get('staff');
  return staff !== undefined && (access === 'any-staff' || can(staff.role, access));
}

export function forbidden(core: WebCore, c: WebContext, text?: { ja: string; en: string; todo?: string }): Response {
  const body = renderErrorPage(403, { orgName: core.options.orgName, staff: c.get('staff'), csrf: c.get('session')?.csrfToken, ...(text ? { text } : {}) });
  return c.html(body, 403);
}

function toLogin(c: WebContext): Response {
  if ((c.req.header('accept') ?? '').includes('application/json')) return c.json({ error: 'unauthenticated' }, 401);
  const url = new URL(c.req.url);
  const next = c.req.method === 'GET' ? `?next=${encodeURIComponent(url.pathname + url.search)}` : '';
  return c.redirect(`/login${next}`, 303);
}

export function createRouter(app: Hono<WebEnv>, core: WebCore): Router {
  const actions: GuardedRoute[] = [];
  const wrap = (fn: WebHandler): Handler<WebEnv> => (c) => fn(c);
  return {
    page(path, permission, handler) {
      app.get(
        path,
        wrap(async (c) => {
          if (c.get('staff') === undefined) return toLogin(c);
          if (!allowed(c, permission)) return forbidden(core, c);
          return handler(c);
        }),
      );
    },
    action(path, access, handler) {
      actions.push({ method: 'POST', path, access });
      app.post(
        path,
        wrap(async (c) => {
          const staff = c.get('staff');
          const session = c.get('session');
          if (staff === undefined || session === undefined) return toLogin(c);
          const token = await sentCsrfToken(c);
          if (!sameOrigin(core, c) || !safeEqual(token, session.csrfToken)) {
            await audit(core, c, 'refused.csrf', `${c.req.method} ${new URL(c.req.url).pathname}`, {}, 'refused');
            return forbidden(core, c, {
              ja: 'フォームの有効期限が切れたか、別のサイトから送信されたため受け付けませんでした。',
              en: 'The form had expired or came from another site.',
              todo: 'ページを再読み込みしてから、もう一度操作してください。',
            });
          }
          if (!allowed(c, access)) {
            await audit(core, c, 'refused.role', `${c.req.method} ${new URL(c.req.url).pathname}`, { needs: access }, 'refused');
            return forbidden(core, c);
          }
          return auditedAction(core, c, handler);
        }),
      );
    },
    guarded: () => [...actions],
  };
}

/**
 * Runs an action's handler and makes sure it leaves an audit row: a handler that wrote none
 * (an early refusal of bad input, an error) gets one naming the route and its status.
 */
async function auditedAction(core: WebCore, c: WebContext, handler: WebHandler): Promise<Response> {
  c.set('audited', false);
  const route = `${c.req.method} ${new URL(c.req.url).pathname}`;
  try {
    const res = await handler(c);
    if (!c.get('audited')) await audit(core, c, route, route, { status: res.status }, res.status < 400 ? 'ok' : 'failed');
    return res;
  } catch (error) {
    const status = error instanceof WebError ? error.status : 500;
    if (!c.get('audited')) await audit(core, c, route, route, { status, error: (error as Error).message }, 'failed');
    throw error;
  }
}

/** The session, if the request carries a live one, with its staff member. */
export function sessionLoader(core: WebCore) {
  return async (c: WebContext, next: () => Promise<void>): Promise<void> => {
    c.set('staff', undefined);
    c.set('session', undefined);
    c.set('sessionId', undefined);
    c.set('audited', false);
    const id = getCookie(c, sessionCookieName(core.options));
    if (id !== undefined) {
      const session = await core.staff.sessions.resume(id, core.now());
      const staff = session ? await core.staff.accounts.byId(session.accountId) : undefined;
      if (session && staff?.active) {
        c.set('staff', staff);
        c.set('session', session);
        c.set('sessionId', id);
      } else if (session) {
        await core.staff.sessions.end(id);
      }
    }
    await next();
  };
}
