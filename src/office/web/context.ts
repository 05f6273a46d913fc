/**
 * What every handler of the office web can reach: the staff services, the signed-in staff
 * member (when there is one), and small helpers for the client address and the audit log.
 */
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { AuditLog, AuditOutcome } from './audit.js';
import type { AccountStore, StaffAccount } from './staff/accounts.js';
import type { LoginLimiter } from './staff/login-limit.js';
import type { ScryptParams } from './staff/passwords.js';
import type { Session, SessionStore } from './staff/sessions.js';

export interface StaffServices {
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly limiter: LoginLimiter;
  readonly audit: AuditLog;
  readonly scrypt?: ScryptParams;
}

export interface WebOptions {
  /** The city or organisation shown in the header. */
  readonly orgName: string;
  /** Cookies with `Secure` and the `__Host-` prefix: on when served over HTTPS or behind a TLS proxy. */
  readonly secureCookies: boolean;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy: boolean;
  /** The origin browsers use (`https://office.example.jp`); by default the request's own. */
  readonly publicOrigin?: string | undefined;
}

export interface WebVariables {
  staff: StaffAccount | undefined;
  session: Session | undefined;
  sessionId: string | undefined;
  /** Set once the request wrote its audit row, so the guard knows not to write a generic one. */
  audited: boolean;
}

export type WebEnv = { Variables: WebVariables };
export type WebContext = Context<WebEnv>;

export interface WebCore {
  readonly staff: StaffServices;
  readonly options: WebOptions;
  readonly now: () => number;
  readonly logger: Logger;
  /** The client address; tests inject one, the server reads the socket (or the proxy header). */
  readonly clientIp?: ((c: Context) => string) | undefined;
}

export function sessionCookieName(options: WebOptions): string {
  return options.secureCookies ? '__Host-fa_office_session' : 'fa_office_session';
}

export function loginCookieName(options: WebOptions): string {
  return options.secureCookies ? '__Host-fa_office_login' : 'fa_office_login';
}

export function clientIp(core: WebCore, c: Context): string {
  if (core.clientIp) return core.clientIp(c);
  if (core.options.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Writes one audit row for what the signed-in staff member just did (or tried). */
export async function audit(
  core: WebCore,
  c: WebContext,
  action: string,
  target: string,
  detail: Readonly<Record<string, unknown>> = {},
  outcome: AuditOutcome = 'ok',
): Promise<void> {
  const staff = c.get('staff');
  c.set('audited', true);
  await core.staff.audit.append({
    at: core.now(),
    actor: staff?.username ?? '-',
    role: staff?.role ?? '-',
    action,
    target,
    outcome,
    detail,
    ip: clientIp(core, c),
  });
}
