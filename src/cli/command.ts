import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Options of one subcommand, in node:util parseArgs form, each with a line of help. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { help: string; placeholder?: string };

export interface Command {
  /** Words after `fa`, e.g. `['card', 'inspect']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Extra paragraphs for `--help`: examples, what the command prints. */
  readonly details?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments, for the help text only. */
  readonly positionals?: string;
  run(values: Record<string, unknown>, positionals: string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCommandArgs(cmd: Command, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    const { help: _help, placeholder: _placeholder, ...rest } = spec;
    options[name] = rest;
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function commandHelp(cmd: Command): string {
  const lines = [`fa ${cmd.path.join(' ')}${cmd.positionals ? ` ${cmd.positionals}` : ''} [options]`, '', cmd.summary, ''];
  const entries = Object.entries(cmd.options);
  if (entries.length > 0) {
    lines.push('Options:');
    const left = entries.map(([name, spec]) => {
      const short = spec.short ? `-${spec.short}, ` : '    ';
      const arg = spec.type === 'string' ? ` <${spec.placeholder ?? name}>` : '';
      return `  ${short}--${name}${arg}`;
    });
    const width = Math.max(...left.map((l) => l.length)) + 2;
    entries.forEach(([, spec], i) => {
      const dflt = spec.default !== undefined && spec.type === 'string' ? ` (default: ${String(spec.default)})` : '';
      lines.push(`${(left[i] ?? '').padEnd(width)}${spec.help}${dflt}`);
    });
    lines.push('');
  }
  if (cmd.details) lines.push(cmd.details.trim(), '');
  return lines.join('\n');
}
