import { relative } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_PORT_BASE, startDemo, type RunningDemo } from '../../demo/index.js';
import { UsageError } from '../command.js';
import type { Command, CommandIo } from '../command.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : `./${rel}`;
}

/** What a newcomer needs: where each part is, how to sign in, how long it took. */
function report(demo: RunningDemo, io: CommandIo): void {
  const width = Math.max(...demo.parts.map((p) => p.url.length)) + 1;
  io.out(`The demo city is ready in ${(demo.startupMs / 1000).toFixed(1)} s:`);
  for (const p of demo.parts) {
    const moved = p.movedFrom ? `  (port ${p.movedFrom} was taken)` : '';
    io.out(`  ${`${p.url}/`.padEnd(width)}  ${p.kind.padEnd(7)} ${p.label}${moved}`);
  }
  io.out('');
  io.out(`Office sign-in: user ${demo.login.username}, password ${demo.login.password}  (${demo.login.role}; kept in ${shown(demo.login.file)})`);
  io.out(`Every terminal page holds the virtual cards of ${shown(demo.walletDir)} to its reader; the rides reach the office`);
  io.out(`through the MQTT broker at ${demo.office.brokerUrl} and show on the dashboard's overview.`);
  if (demo.seeded.length > 0) io.out(`First start: ${demo.seeded.length} cards issued into the wallet; data under ${shown(demo.dataDir)} (delete it to start afresh).`);
  io.out('Ctrl-C stops everything.');
}

export const demoCommand: Command = {
  path: ['demo'],
  summary: 'run a whole demo city in one process: office, two taxis, a gate and a counter station',
  details: `The office (SQLite, embedded MQTT broker) on http://127.0.0.1:8090/, taxi terminals of two
companies on :8081 and :8082, a gate with In and Out readers on :8083 and a counter station on
:8084; a port that is taken is replaced by a free one. All readers are emulated and share one
wallet of virtual cards, issued on first start: taxi-subsidy cards of the residents the office
registers, the gate's staff passes and a visitor pass. Prints the URLs and the demo sign-in.
Stops gracefully on SIGINT or SIGTERM.`,
  options: {
    data: { type: 'string', help: 'data directory', placeholder: 'dir', default: './data/demo' },
    'port-base': { type: 'string', help: `taxis on base+1 and base+2, gate base+3, counter base+4, office base+10; 0: any free ports`, placeholder: 'N', default: String(DEFAULT_PORT_BASE) },
    'log-level': { type: 'string', help: `log level on standard error (${LEVELS.join(', ')})`, placeholder: 'level', default: 'warn' },
  },
  async run(values, _positionals, io) {
    const portBase = Number(values['port-base']);
    if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65_525) throw new UsageError('--port-base must be a whole number from 0 to 65525');
    const level = String(values['log-level']);
    if (!LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
    const demo = await startDemo({ dataDir: String(values['data']), portBase, logger: pino({ level }, pino.destination(2)) });
    report(demo, io);
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        io.err(`${signal}: stopping the terminals after any tap in progress, then the office`);
        demo.close().then(done, done);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
