/**
 * The audit log: one row per staff action (who, in which role, what, on what, with which
 * outcome, when, from where). Append and read only: there is no update or delete here, and
 * no route that edits it; auditors and administrators read it on /audit.
 */
import type { Row, SqlRunner } from './db.js';
import { num, str } from './db.js';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditEntry {
  readonly at: number;
  /** User name, or the name tried at a failed login; `-` when nobody is known. */
  readonly actor: string;
  /** The role acted in; `-` for anonymous actions such as a failed login. */
  readonly role: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: AuditOutcome;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly ip: string;
}

export interface AuditRow extends AuditEntry {
  readonly id: number;
}

export interface AuditQuery {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly limit?: number | undefined;
  readonly beforeId?: number | undefined;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  list(query?: AuditQuery): Promise<AuditRow[]>;
  count(): Promise<number>;
}

function toRow(r: Row): AuditRow {
  const detail = typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : ((r.detail ?? {}) as Record<string, unknown>);
  return {
    id: num(r.id),
    at: num(r.at),
    actor: str(r.actor),
    role: str(r.role),
    action: str(r.action),
    target: str(r.target),
    outcome: str(r.outcome) as AuditOutcome,
    detail,
    ip: str(r.ip),
  };
}

export function createAuditLog(db: SqlRunner): AuditLog {
  return {
    append: async (e) =>
      void (await db.run('INSERT INTO audit_log (at, actor, role, action, target, outcome, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        e.at,
        e.actor.slice(0, 64),
        e.role,
        e.action,
        e.target.slice(0, 256),
        e.outcome,
        JSON.stringify(e.detail),
        e.ip,
      ])),
    async list(q = {}) {
      const rows = await db.all(
        `SELECT id, at, actor, role, action, target, outcome, detail, ip FROM audit_log
         WHERE (CAST(? AS TEXT) IS NULL OR actor = ?)
           AND (CAST(? AS TEXT) IS NULL OR action = ?)
           AND at >= ? AND at < ? AND id < ?
         ORDER BY id DESC LIMIT ?`,
        [q.actor ?? null, q.actor ?? null, q.action ?? null, q.action ?? null, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.beforeId ?? Number.MAX_SAFE_INTEGER, q.limit ?? 100],
      );
      return rows.map(toRow);
    },
    count: async () => num((await db.get('SELECT count(*) AS n FROM audit_log'))?.n),
  };
}
