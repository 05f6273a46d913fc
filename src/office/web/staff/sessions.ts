/**
 * Staff sessions. The browser holds a random 256-bit ID; the database holds only its
 * SHA-256, so a copy of the database cannot be replayed as a cookie. A session ends after
 * `idleMs` without a request or `absoluteMs` after login, whichever comes first, and each
 * carries its own CSRF token (synchroniser token pattern).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Row, SqlRunner } from '../db.js';
import { num, str } from '../db.js';

export interface SessionPolicy {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export interface Session {
  readonly idHash: string;
  readonly accountId: number;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

export interface SessionStore {
  /** A new session; `id` goes into the cookie and is never stored. */
  create(accountId: number, client: { ip: string; userAgent: string }, now: number): Promise<{ id: string; session: Session }>;
  /** The live session for a cookie value, its idle clock restarted; undefined when expired or unknown. */
  resume(id: string, now: number): Promise<Session | undefined>;
  end(id: string): Promise<void>;
  endAllOf(accountId: number): Promise<number>;
  purgeExpired(now: number): Promise<number>;
}

export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Cookie values we issue: 43 base64url characters. Anything else is not looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

function toSession(r: Row): Session {
  return {
    idHash: str(r.id_hash),
    accountId: num(r.account_id),
    csrfToken: str(r.csrf_token),
    createdAt: num(r.created_at),
    lastSeenAt: num(r.last_seen_at),
    expiresAt: num(r.expires_at),
  };
}

/** Requests within this long of the last one do not rewrite the row. */
const TOUCH_EVERY_MS = 15_000;

export function createSessionStore(db: SqlRunner, policy: SessionPolicy = DEFAULT_SESSION_POLICY): SessionStore {
  return {
    async create(accountId, client, now) {
      const id = randomBytes(32).toString('base64url');
      const session: Session = {
        idHash: sessionIdHash(id),
        accountId,
        csrfToken: randomBytes(32).toString('base64url'),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + policy.absoluteMs,
      };
      await db.run(
        `INSERT INTO staff_sessions (id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [session.idHash, accountId, session.csrfToken, now, now, session.expiresAt, client.ip, client.userAgent.slice(0, 256)],
      );
      return { id, session };
    },
    async resume(id, now) {
      if (!SESSION_ID.test(id)) return undefined;
      const idHash = sessionIdHash(id);
      const r = await db.get('SELECT id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at FROM staff_sessions WHERE id_hash = ?', [idHash]);
      if (r === undefined) return undefined;
      const session = toSession(r);
      if (now >= session.expiresAt || now - session.lastSeenAt >= policy.idleMs) {
        await db.run('DELETE FROM staff_sessions WHERE id_hash = ?', [idHash]);
        return undefined;
      }
      if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await db.run('UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?', [now, idHash]);
      return { ...session, lastSeenAt: now };
    },
    end: async (id) => void (await db.run('DELETE FROM staff_sessions WHERE id_hash = ?', [sessionIdHash(id)])),
    endAllOf: (accountId) => db.run('DELETE FROM staff_sessions WHERE account_id = ?', [accountId]),
    purgeExpired: (now) => db.run('DELETE FROM staff_sessions WHERE expires_at <= ? OR last_seen_at <= ?', [now, now - policy.idleMs]),
  };
}
