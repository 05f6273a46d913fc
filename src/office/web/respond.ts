/**
 * Rendering a page for the signed-in staff member: the shell with their navigation and
 * CSRF token, and `Cache-Control: no-store` (pages hold personal data).
 */
import type { WebContext, WebCore } from './context.js';
import type { HtmlValue } from './html.js';
import { renderPage } from './layout.js';

export interface PageContent {
  readonly title: string;
  readonly titleEn?: string;
  readonly body: HtmlValue;
  readonly status?: 200 | 400 | 403 | 404 | 409 | 429 | 503;
}

export function respond(core: WebCore, c: WebContext, content: PageContent): Response {
  const html = renderPage({
    title: content.title,
    ...(content.titleEn ? { titleEn: content.titleEn } : {}),
    orgName: core.options.orgName,
    staff: c.get('staff'),
    csrf: c.get('session')?.csrfToken,
    path: new URL(c.req.url).pathname,
    body: content.body,
  });
  return c.html(html, content.status ?? 200);
}

/** The signed-in staff member's CSRF token, for forms on the page. */
export function csrfOf(c: WebContext): string {
  return c.get('session')?.csrfToken ?? '';
}

/** A form field as a trimmed string ('' when absent or a file). */
export async function formField(c: WebContext, name: string): Promise<string> {
  const body = await c.req.parseBody();
  const v = body[name];
  return typeof v === 'string' ? v.trim() : '';
}
