/**
 * The office's web service: staff sign-in, the dashboard pages and the forms that change
 * things, /healthz and /metrics. Server-rendered HTML; every form carries a CSRF token and
 * every change passes the guard (session, CSRF and origin, role) and lands in the audit log.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { OFFICE_CSS, OFFICE_ICON, OFFICE_JS } from './assets.js';
import type { WebContext, WebCore, WebEnv } from './context.js';
import { renderErrorPage, WebError } from './errors.js';
import type { ErrorStatus } from './errors.js';
import { createRouter, sessionLoader } from './guard.js';
import type { GuardedRoute, Router } from './guard.js';
import { addAccountRoutes } from './routes/accounts.js';
import { addAuditRoutes } from './routes/audit-log.js';
import { addLoginRoutes } from './routes/login.js';

/** Forms are small; anything bigger is refused before it is read. */
export const MAX_FORM_BYTES = 64 * 1024;

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, unknown>>;
}

export interface WebServices {
  readonly health: () => Promise<HealthReport>;
  /** Prometheus text exposition. */
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  /** Adds the dashboard's pages and forms. */
  readonly pages: ReadonlyArray<(router: Router, core: WebCore) => void>;
  /** Machine APIs with their own (bearer-token) authentication, e.g. the counter stations' API. */
  readonly mounts?: ReadonlyArray<MountedApi>;
}

/** A machine API mounted under `path` (a Hono app fits): requests reach it with the prefix taken off. */
export interface MountedApi {
  readonly path: string;
  readonly app: { fetch(request: Request): Response | Promise<Response>; readonly routes: ReadonlyArray<{ readonly method: string; readonly path: string }> };
}

export interface OfficeWeb {
  readonly app: Hono<WebEnv>;
  /** Every route that changes something, with the permission it needs. */
  readonly guarded: readonly GuardedRoute[];
  /** Mutating routes that need no session: only the login form (it has its own CSRF check). */
  readonly publicMutations: readonly string[];
  /** Mounted machine APIs: no cookies, so no CSRF; they refuse a request without their token. */
  readonly tokenApis: readonly MountedApi[];
}

export function createOfficeWeb(core: WebCore, services: WebServices): OfficeWeb {
  const app = new Hono<WebEnv>();
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Changes at info, pages at debug; who did a change is in the audit log as well.
    const entry = { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), staff: c.get('staff')?.username };
    if (c.req.method === 'GET' && c.res.status < 500) core.logger.debug(entry, 'request');
    else core.logger.info(entry, 'request');
  });
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    if (core.options.secureCookies) c.header('Strict-Transport-Security', 'max-age=31536000');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  app.post('*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => c.html(renderErrorPage(413, { orgName: core.options.orgName }), 413) }));

  app.get('/healthz', async (c) => {
    const report = await services.health();
    return c.json(report, report.ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { contentType, body } = await services.metrics();
    return c.body(body, 200, { 'Content-Type': contentType });
  });
  app.get('/assets/office.css', (c) => c.body(OFFICE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=3600' }));
  app.get('/assets/icon.svg', (c) => c.body(OFFICE_ICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=86400' }));
  app.get('/favicon.ico', (c) => c.redirect('/assets/icon.svg', 301));
  app.get('/assets/office.js', (c) => c.body(OFFICE_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' }));

  const mounts = services.mounts ?? [];
  for (const m of mounts) app.mount(m.path, (request) => m.app.fetch(request));
  app.use('*', sessionLoader(core));
  const router = createRouter(app, core);
  addLoginRoutes(app, router, core);
  for (const add of services.pages) add(router, core);
  addAuditRoutes(router, core);
  addAccountRoutes(router, core);

  app.notFound((c) => c.html(errorPage(core, c as WebContext, 404), 404));
  app.onError((error, c) => {
    const wc = c as WebContext;
    if (error instanceof WebError) return c.html(errorPage(core, wc, error.status, error.text), error.status);
    core.logger.error({ err: error, path: c.req.path }, 'office web request failed');
    return c.html(errorPage(core, wc, 500), 500);
  });
  return { app, guarded: router.guarded(), publicMutations: ['/login'], tokenApis: mounts };
}

function errorPage(core: WebCore, c: WebContext, status: ErrorStatus, text?: WebError['text']): string {
  return renderErrorPage(status, { orgName: core.options.orgName, staff: c.get('staff'), csrf: c.get('session')?.csrfToken, ...(text ? { text } : {}) });
}
