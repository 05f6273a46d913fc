import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditJournal, tempJournals } from './test-journal.js';
import type { TempJournals } from './test-journal.js';

/**
 * A writer process appends intents, commits, aborts and app events in a loop and is killed with
 * SIGKILL, at a fixed point and then at whatever point it has reached; the journal must reopen
 * with an unbroken chain, every commit after its intent, and every commit the writer saw
 * returned still there. The journal's sources are transpiled to plain JS for the child, since
 * Node runs no TypeScript by itself.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const TERMINAL = 'T-CRASH';

// Card N % 5; every 7th intent from the 4th is left in doubt (card pulled), the 6th of 7 aborted.
const WRITER = `
import { openJournal } from './open.js';
const [path, killAtArg] = process.argv.slice(2);
const killAt = Number(killAtArg);
const journal = openJournal({ path, terminalId: '${TERMINAL}', now: Date.now });
let n = journal.syncState().lastSeq;
const step = () => {
  const cardId = 'C' + (n % 5);
  const { intentId } = journal.recordIntent({
    cardId, programmeIndex: 0, programmeId: '102016-1', fromSeq: n, toSeq: n + 1, slotIndex: (n + 1) % 2,
    slotImage: (n + 1).toString(16).padStart(8, '0'), units: 1, context: { rideId: 'R-' + n },
  });
  if (n === killAt) process.kill(process.pid, 'SIGKILL');
  if (n % 7 === 5) journal.abortIntent(intentId, 'write-not-landed');
  else if (n % 7 !== 3) {
    journal.commitIntent(intentId, { rideId: 'R-' + n });
    process.send({ committed: intentId });
  }
  journal.append('ride-closed', { rideId: 'R-' + n, cardIds: [cardId] });
  n += 1;
  setImmediate(step);
};
setImmediate(step);
`;

let buildDir: string;
let t: TempJournals;

beforeAll(() => {
  buildDir = mkdtempSync(join(tmpdir(), 'journal-crash-build-'));
  for (const file of readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = readFileSync(join(HERE, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    writeFileSync(join(buildDir, file.replace(/\.ts$/, '.js')), outputText);
  }
  writeFileSync(join(buildDir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(buildDir, 'writer.js'), WRITER);
  symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
  t = tempJournals();
  mkdirSync(dirname(t.path), { recursive: true });
});

afterAll(() => {
  t.cleanup();
  rmSync(buildDir, { recursive: true, force: true });
});

/** Runs the writer until it kills itself at `killAt`, or until the parent kills it after `commits` commits. */
function runWriter(stop: { killAt: number } | { commits: number }): Promise<{ committed: number[]; signal: string | null }> {
  const killAt = 'killAt' in stop ? stop.killAt : -1;
  const child = fork(join(buildDir, 'writer.js'), [t.path, String(killAt)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const committed: number[] = [];
  child.on('message', (message: { committed: number }) => {
    committed.push(message.committed);
    if ('commits' in stop && committed.length === stop.commits) child.kill('SIGKILL');
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('exit', (_code, signal) => done({ committed, signal }));
  });
}

function openResult() {
  return t.open({ terminalId: TERMINAL });
}

describe('a journal writer killed with SIGKILL', () => {
  it('leaves the intent it was killed after in doubt, with the chain intact', async () => {
    const run = await runWriter({ killAt: 10 });
    expect(run.signal).toBe('SIGKILL');
    const journal = openResult();
    expect(auditJournal(journal)).toEqual([]);
    const last = journal.events({ limit: 1, order: 'desc' })[0];
    expect(last).toMatchObject({ type: 'intent', payload: { cardId: 'C0', fromSeq: 10 } });
    expect(journal.openIntents('C0').map((i) => i.intentId)).toContain(last!.seq);
    for (const intentId of run.committed) expect(journal.intent(intentId)?.state).toBe('committed');
    journal.close();
  });

  it('keeps every commit it returned, wherever it is killed, and goes on from the same chain', async () => {
    for (let round = 0; round < 2; round += 1) {
      const run = await runWriter({ commits: 20 });
      expect(run.signal).toBe('SIGKILL');
      const journal = openResult();
      expect(auditJournal(journal)).toEqual([]);
      for (const intentId of run.committed) expect(journal.intent(intentId)?.state).toBe('committed');
      journal.close();
    }
  });

  it('lets the next start resolve what was left in doubt', () => {
    const journal = openResult();
    const inDoubt = journal.openIntents();
    expect(inDoubt.length).toBeGreaterThan(0);
    for (const intent of inDoubt) journal.abortIntent(intent.intentId, 'write-not-landed', { atStartUp: true });
    expect(journal.openIntents()).toEqual([]);
    expect(auditJournal(journal)).toEqual([]);
  });
});
