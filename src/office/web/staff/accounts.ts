/**
 * Staff accounts in the office database. The password hash never leaves this module except
 * to be verified; what the rest of the web sees is `StaffAccount`.
 */
import type { Row, SqlRunner } from '../db.js';
import { num, str } from '../db.js';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import type { ScryptParams } from './passwords.js';
import { isRole } from './roles.js';
import type { Role } from './roles.js';

export interface StaffAccount {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly active: boolean;
  readonly createdAt: number;
  readonly passwordChangedAt: number;
}

export interface NewAccount {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string;
}

export interface AccountStore {
  create(account: NewAccount, now: number): Promise<StaffAccount>;
  byId(id: number): Promise<StaffAccount | undefined>;
  byUsername(username: string): Promise<StaffAccount | undefined>;
  list(): Promise<StaffAccount[]>;
  /** The account when the password is right and the account active; undefined otherwise. */
  authenticate(username: string, password: string): Promise<StaffAccount | undefined>;
  setPassword(id: number, password: string, now: number): Promise<void>;
  setRole(id: number, role: Role): Promise<void>;
  setActive(id: number, active: boolean): Promise<void>;
  countActive(role?: Role): Promise<number>;
}

/** Letters, digits, dot, dash, underscore: a user name fits a log line and a URL unchanged. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;

const COLUMNS = 'id, username, display_name, role, active, created_at, password_changed_at';

function toAccount(r: Row): StaffAccount {
  const role = str(r.role);
  if (!isRole(role)) throw new Error(`staff account ${str(r.username)} has an unknown role "${role}"`);
  return {
    id: num(r.id),
    username: str(r.username),
    displayName: str(r.display_name),
    role,
    active: num(r.active) === 1,
    createdAt: num(r.created_at),
    passwordChangedAt: num(r.password_changed_at),
  };
}

export function createAccountStore(db: SqlRunner, options: { scrypt?: ScryptParams } = {}): AccountStore {
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  // Compared against when the user name is unknown, so a miss costs as long as a hit.
  const decoy = hashPassword('decoy password for unknown user names', params);
  const setPassword = async (id: number, password: string, now: number): Promise<void> => {
    await db.run('UPDATE staff_accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?', [await hashPassword(password, params), now, id]);
  };
  const byUsername = async (username: string) => {
    const r = await db.get(`SELECT ${COLUMNS} FROM staff_accounts WHERE username = ?`, [username]);
    return r === undefined ? undefined : toAccount(r);
  };
  return {
    async create(a, now) {
      const hash = await hashPassword(a.password, params);
      await db.run(
        `INSERT INTO staff_accounts (username, display_name, role, password_hash, active, created_at, password_changed_at)
         VALUES (?, ?, ?, ?, 1, ?, ?)`,
        [a.username, a.displayName, a.role, hash, now, now],
      );
      const created = await byUsername(a.username);
      if (created === undefined) throw new Error(`staff account ${a.username} was not stored`);
      return created;
    },
    async byId(id) {
      const r = await db.get(`SELECT ${COLUMNS} FROM staff_accounts WHERE id = ?`, [id]);
      return r === undefined ? undefined : toAccount(r);
    },
    byUsername,
    list: async () => (await db.all(`SELECT ${COLUMNS} FROM staff_accounts ORDER BY username`)).map(toAccount),
    async authenticate(username, password) {
      const r = await db.get(`SELECT ${COLUMNS}, password_hash FROM staff_accounts WHERE username = ?`, [username]);
      if (r === undefined) {
        await verifyPassword(password, await decoy);
        return undefined;
      }
      const hash = str(r.password_hash);
      if (!(await verifyPassword(password, hash))) return undefined;
      const account = toAccount(r);
      if (!account.active) return undefined;
      if (needsRehash(hash, params)) await db.run('UPDATE staff_accounts SET password_hash = ? WHERE id = ?', [await hashPassword(password, params), account.id]);
      return account;
    },
    setPassword,
    setRole: async (id, role) => void (await db.run('UPDATE staff_accounts SET role = ? WHERE id = ?', [role, id])),
    setActive: async (id, active) => void (await db.run('UPDATE staff_accounts SET active = ? WHERE id = ?', [active ? 1 : 0, id])),
    async countActive(role) {
      const r = role === undefined
        ? await db.get('SELECT count(*) AS n FROM staff_accounts WHERE active = 1')
        : await db.get('SELECT count(*) AS n FROM staff_accounts WHERE active = 1 AND role = ?', [role]);
      return num(r?.n);
    },
  };
}
