/**
 * The demo's staff account: a supervisor (sees every page, issues and revokes cards) whose
 * password is generated on first start and kept in `<dataDir>/login.json` (mode 0600), so the
 * demo prints the same login every time. An account whose file was lost gets a new password.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { StaffServices } from '../office/web/context.js';
import { generatePassword } from '../office/web/staff/passwords.js';

export const DEMO_USERNAME = 'demo';
const DISPLAY_NAME = 'デモ 責任者';

export interface DemoLogin {
  readonly username: string;
  readonly password: string;
  readonly role: 'supervisor';
  /** Where the login is kept. */
  readonly file: string;
}

const loginFile = z.object({ username: z.string(), password: z.string() });

function readLogin(file: string): z.infer<typeof loginFile> | null {
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null; // unreadable: the account gets a new password and the file is written again
  }
  const parsed = loginFile.safeParse(json);
  return parsed.success && parsed.data.username === DEMO_USERNAME ? parsed.data : null;
}

export async function ensureDemoLogin(staff: StaffServices, dataDir: string, now: number): Promise<DemoLogin> {
  const file = join(dataDir, 'login.json');
  const kept = readLogin(file);
  const account = await staff.accounts.byUsername(DEMO_USERNAME);
  if (account && kept) return { username: DEMO_USERNAME, password: kept.password, role: 'supervisor', file };
  const password = kept?.password ?? generatePassword();
  if (account) await staff.accounts.setPassword(account.id, password, now);
  else await staff.accounts.create({ username: DEMO_USERNAME, displayName: DISPLAY_NAME, role: 'supervisor', password }, now);
  await staff.audit.append({ at: now, actor: 'demo', role: '-', action: account ? 'account.password' : 'account.create', target: DEMO_USERNAME, outcome: 'ok', detail: { role: 'supervisor', via: 'fa demo' }, ip: 'local' });
  writeFileSync(file, `${JSON.stringify({ username: DEMO_USERNAME, password }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { username: DEMO_USERNAME, password, role: 'supervisor', file };
}
