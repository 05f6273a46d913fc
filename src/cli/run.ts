import { commands } from './commands/index.js';
import { commandHelp, parseCommandArgs, UsageError, type Command, type CommandIo } from './command.js';

const processIo: CommandIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};

/** Finds the longest command path that prefixes argv. */
function resolve(argv: string[]): { cmd: Command; rest: string[] } | null {
  let best: { cmd: Command; rest: string[] } | null = null;
  for (const cmd of commands) {
    const n = cmd.path.length;
    if (argv.slice(0, n).join(' ') === cmd.path.join(' ') && (!best || n > best.cmd.path.length)) {
      best = { cmd, rest: argv.slice(n) };
    }
  }
  return best;
}

function overview(prefix: string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(...shown.map((c) => c.path.join(' ').length)) + 4;
  return [
    'fa: taxi-subsidy and gate applications in the free area of the My Number Card',
    '',
    'Commands:',
    ...shown.map((c) => `  fa ${c.path.join(' ').padEnd(width)}${c.summary}`),
    '',
    'Run `fa <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return 0;
  }
  const found = resolve(argv);
  if (!found) {
    const group = commands.some((c) => c.path[0] === argv[0]) ? [argv[0] ?? ''] : [];
    io.err(group.length ? overview(group) : `fa: unknown command "${argv.join(' ')}"\n\n${overview()}`);
    return 2;
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(cmd));
    return 0;
  }
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    return await cmd.run(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`fa ${cmd.path.join(' ')}: ${error.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    const e = error as Error;
    io.err(`fa ${cmd.path.join(' ')}: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`);
    return 1;
  }
}

