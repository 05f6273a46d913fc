import { loadOfficeConfig, parseOfficeConfig } from '../../office/config.js';
import type { OfficeConfig } from '../../office/config.js';
import { USERNAME_PATTERN } from '../../office/web/staff/accounts.js';
import { generatePassword, passwordProblem } from '../../office/web/staff/passwords.js';
import type { ScryptParams } from '../../office/web/staff/passwords.js';
import { UsageError } from '../command.js';
import type { Command } from '../command.js';

/** Command-line overrides win over the file; they go through the same schema. */
function withOverrides(config: OfficeConfig, values: Record<string, unknown>): OfficeConfig {
  const http = { ...config.http, ...(values['host'] ? { host: values['host'] } : {}), ...(values['port'] ? { port: Number(values['port']) } : {}) };
  return parseOfficeConfig({ ...config, http, ...(values['data'] ? { dataDir: values['data'] } : {}) }, 'the configuration with command-line options');
}

const configOption = { config: { type: 'string', short: 'c', help: 'configuration file (JSON)', placeholder: 'file' } } as const;

export const officeServeCommand: Command = {
  path: ['office', 'serve'],
  summary: 'run the city office: ingest, clearing, anomalies, issuance, revocation and the staff dashboard',
  details: `With no --config: SQLite under ./data/office, an embedded MQTT broker on a free port
(printed; point terminals' sync.url at it) and the dashboard on http://127.0.0.1:8090/.
Create the first administrator with \`fa office create-admin --user NAME\` before signing in.
Stops gracefully on SIGINT or SIGTERM.`,
  options: {
    ...configOption,
    host: { type: 'string', help: 'address to listen on', placeholder: 'address' },
    port: { type: 'string', short: 'p', help: 'port to listen on', placeholder: 'port' },
    data: { type: 'string', help: 'data directory', placeholder: 'dir' },
  },
  async run(values, _positionals, io) {
    const config = withOverrides(loadOfficeConfig(values['config'] as string | undefined), values);
    // Loaded on use, so that `fa terminal` does not pay for the office's modules at start-up.
    const { startOffice } = await import('../../office/start.js');
    const office = await startOffice(config);
    io.out(`office ready at ${office.url}/ (store: ${office.store.dialect}, broker: ${office.brokerUrl})`);
    if (config.broker.embedded === true) {
      io.out(`embedded broker for the demo: terminals use "sync": { "url": "${office.brokerUrl}", "protocolVersion": 4 } and the keys in ${office.keysDir}`);
    }
    if ((await office.staff.accounts.countActive('admin')) === 0) io.out('no administrator yet: run `fa office create-admin --user NAME`');
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        io.err(`${signal}: stopping the office`);
        office.close().then(done, done);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};

export interface CreateAdminDeps {
  /** The whole of standard input, for --password-stdin. */
  readonly readStdin: () => Promise<string>;
  readonly scrypt?: ScryptParams;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function createAdminCommand(deps: CreateAdminDeps = { readStdin: readProcessStdin }): Command {
  return {
    path: ['office', 'create-admin'],
    summary: 'create an administrator account for the office dashboard',
    details: `Without --password-stdin a password is generated and printed once; give it to the
administrator, who changes it after signing in. With --password-stdin the first line of
standard input is the password (at least 12 characters), e.g.
  printf '%s\\n' "$PASSWORD" | fa office create-admin --user admin --password-stdin
The account is written to the store of the configuration (the same --config as serve).`,
    options: {
      ...configOption,
      user: { type: 'string', short: 'u', help: 'user name: lowercase letters, digits, . _ - (2–32)', placeholder: 'name' },
      name: { type: 'string', help: 'display name (default: the user name)', placeholder: 'text' },
      'password-stdin': { type: 'boolean', help: 'read the password from standard input instead of generating one' },
      data: { type: 'string', help: 'data directory', placeholder: 'dir' },
    },
    async run(values, _positionals, io) {
      const username = String(values['user'] ?? '').toLowerCase();
      if (!USERNAME_PATTERN.test(username)) throw new UsageError('--user is required: lowercase letters, digits, . _ - (2–32 characters)');
      const fromStdin = values['password-stdin'] === true;
      const password = fromStdin ? ((await deps.readStdin()).split(/\r?\n/)[0] ?? '') : generatePassword();
      const problem = passwordProblem(password, username);
      if (problem) throw new UsageError(`the password is refused: ${problem.en}`);
      const base = loadOfficeConfig(values['config'] as string | undefined);
      const config = values['data'] ? parseOfficeConfig({ ...base, dataDir: values['data'] }) : base;
      const { openOfficeStore } = await import('../../office/start.js');
      const { createStaffServices } = await import('../../office/web/build.js');
      const store = await openOfficeStore(config);
      try {
        const staff = createStaffServices(store, deps.scrypt ? { scrypt: deps.scrypt } : {});
        if (await staff.accounts.byUsername(username)) {
          io.err(`fa office create-admin: an account "${username}" exists already; reset its password from the dashboard`);
          return 1;
        }
        const now = Date.now();
        await staff.accounts.create({ username, displayName: String(values['name'] ?? username), role: 'admin', password }, now);
        await staff.audit.append({ at: now, actor: 'cli', role: '-', action: 'account.create', target: username, outcome: 'ok', detail: { role: 'admin', via: 'fa office create-admin' }, ip: 'local' });
      } finally {
        await store.close();
      }
      io.out(`administrator "${username}" created in the ${config.store.kind} store`);
      if (!fromStdin) io.out(`password (shown only now): ${password}`);
      return 0;
    },
  };
}

export const officeCreateAdminCommand = createAdminCommand();
