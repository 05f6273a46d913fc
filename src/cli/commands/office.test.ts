import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOfficeConfig } from '../../office/config.js';
import { openOfficeStore } from '../../office/start.js';
import { createStaffServices } from '../../office/web/build.js';
import { TEST_SCRYPT } from '../../office/web/test-web.js';
import { main } from '../run.js';
import { createAdminCommand } from './office.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'fa-office-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function accounts(data: string) {
  const store = await openOfficeStore(parseOfficeConfig({ dataDir: data }));
  try {
    const staff = createStaffServices(store, { scrypt: TEST_SCRYPT });
    return { list: await staff.accounts.list(), audit: await staff.audit.list(), login: (u: string, p: string) => staff.accounts.authenticate(u, p) };
  } finally {
    await store.close();
  }
}

describe('fa office create-admin', () => {
  it('generates a password, prints it once and creates an active administrator, audited', async () => {
    const data = join(dir, 'generated');
    const c = capture();
    const cmd = createAdminCommand({ readStdin: async () => '', scrypt: TEST_SCRYPT });
    expect(await cmd.run({ user: 'Admin', data }, [], c.io)).toBe(0);
    const password = /password \(shown only now\): (\S+)/.exec(c.out.join('\n'))?.[1] ?? '';
    expect(password).toHaveLength(20);
    const found = await accounts(data);
    expect(found.list).toMatchObject([{ username: 'admin', role: 'admin', active: true }]);
    expect(found.audit[0]).toMatchObject({ actor: 'cli', action: 'account.create', target: 'admin', detail: { role: 'admin' } });
  });

  it('takes the password from standard input and never prints it', async () => {
    const data = join(dir, 'stdin');
    const c = capture();
    const cmd = createAdminCommand({ readStdin: async () => 'a long enough secret\n', scrypt: TEST_SCRYPT });
    expect(await cmd.run({ user: 'root', 'password-stdin': true, data }, [], c.io)).toBe(0);
    expect(c.out.join('\n')).not.toContain('a long enough secret');
    const store = await openOfficeStore(parseOfficeConfig({ dataDir: data }));
    const staff = createStaffServices(store);
    expect(await staff.accounts.authenticate('root', 'a long enough secret')).toMatchObject({ role: 'admin' });
    await store.close();
    const again = capture();
    expect(await cmd.run({ user: 'root', 'password-stdin': true, data }, [], again.io)).toBe(1);
    expect(again.err.join('')).toContain('exists already');
  });

  it('refuses a short password and a bad user name with exit code 2', async () => {
    const short = capture();
    expect(await main(['office', 'create-admin', '--user', 'x', '--data', join(dir, 'bad')], short.io)).toBe(2);
    expect(short.err.join('')).toContain('--user');
    const cmd = createAdminCommand({ readStdin: async () => 'short\n' });
    await expect(cmd.run({ user: 'root', 'password-stdin': true, data: join(dir, 'bad') }, [], capture().io)).rejects.toThrow(/12 characters/);
  });

  it('has help for serve and create-admin', async () => {
    for (const path of [['office', 'serve'], ['office', 'create-admin']]) {
      const c = capture();
      expect(await main([...path, '--help'], c.io)).toBe(0);
      expect(c.out.join('\n')).toContain('--config');
    }
  });
});
