import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHILDREN = ['mosquitto-child-terminal.ts', 'mosquitto-child-office.ts'] as const;
export type ChildName = 'terminal' | 'office';

/**
 * The terminal and the office as real processes, so a test can `kill -9` them. Their
 * TypeScript and every relative import it reaches is transpiled (types stripped, no type
 * check: `tsc --noEmit` does that) into .tmp, where node_modules still resolves.
 */
export function compileChildren(): { outDir: string; cleanup(): void } {
  const outDir = join(ROOT, '.tmp', `sync-children-${process.pid}`);
  const here = dirname(fileURLToPath(import.meta.url));
  const todo = CHILDREN.map((c) => join(here, c));
  const done = new Set<string>();
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) todo.push(resolve(dirname(file), `${m[1]}.ts`));
  }
  return { outDir, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface ChildHandle {
  readonly process: ChildProcess;
  /** Lines of JSON the child printed, in order. */
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnChild(outDir: string, name: ChildName, env: Record<string, string>): ChildHandle {
  const here = relative(ROOT, dirname(fileURLToPath(import.meta.url)));
  const script = join(outDir, here, `mosquitto-child-${name}.js`);
  const proc = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ text: line });
    }
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.once('exit', (code, signal) => {
      if (stderr.trim() !== '') lines.push({ stderr });
      done({ code, signal });
    }),
  );
  return {
    process: proc,
    lines,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
