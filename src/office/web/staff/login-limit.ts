/**
 * Login rate limiting from the attempts table: after `maxPerAccount` failures for one user
 * name, or `maxPerIp` from one address, within the window, further logins are refused
 * without checking the password until the oldest failure leaves the window. A success
 * clears nothing: the window simply moves on.
 */
import type { SqlRunner } from '../db.js';
import { num } from '../db.js';

export interface LoginLimits {
  readonly maxPerAccount: number;
  readonly maxPerIp: number;
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxPerAccount: 5, maxPerIp: 20, windowMs: 15 * 60_000 };

export type LimitCheck = { readonly limited: false } | { readonly limited: true; readonly by: 'account' | 'ip'; readonly retryAt: number };

export interface LoginLimiter {
  check(username: string, ip: string, now: number): Promise<LimitCheck>;
  record(username: string, ip: string, ok: boolean, now: number): Promise<void>;
  purge(now: number): Promise<number>;
}

export function createLoginLimiter(db: SqlRunner, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): LoginLimiter {
  const failures = async (column: 'username' | 'ip', value: string, since: number) => {
    const r = await db.get(`SELECT count(*) AS n, min(at) AS oldest FROM staff_login_attempts WHERE ${column} = ? AND ok = 0 AND at > ?`, [value, since]);
    return { n: num(r?.n), oldest: num(r?.oldest) };
  };
  return {
    async check(username, ip, now) {
      const since = now - limits.windowMs;
      const account = await failures('username', username, since);
      if (account.n >= limits.maxPerAccount) return { limited: true, by: 'account', retryAt: account.oldest + limits.windowMs };
      const byIp = await failures('ip', ip, since);
      if (byIp.n >= limits.maxPerIp) return { limited: true, by: 'ip', retryAt: byIp.oldest + limits.windowMs };
      return { limited: false };
    },
    record: async (username, ip, ok, now) =>
      void (await db.run('INSERT INTO staff_login_attempts (username, ip, ok, at) VALUES (?, ?, ?, ?)', [username.slice(0, 64), ip, ok ? 1 : 0, now])),
    purge: (now) => db.run('DELETE FROM staff_login_attempts WHERE at <= ?', [now - limits.windowMs]),
  };
}
