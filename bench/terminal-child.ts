/**
 * A terminal in a process of its own, for the memory figure:
 * `node terminal-child.js <dataDir> [<broker url> <prefix> <office keys dir>]`.
 * It starts the terminal exactly as `fa terminal` does (emulated reader, demo wallet, HTTP on a
 * free port, pino to stdout; with a broker, syncing to the office behind it with the office's
 * keys, as the demo's terminals do), then on the parent's `{ taps }` message holds issued cards
 * to the reader as the emulator's tap route does, four riders a ride, reporting progress over
 * IPC so the parent can read this process's RSS from /proc. Stops on SIGTERM like the real one.
 */
import { join } from 'node:path';
import { createFileIssuerSigner, createFileKeyStore, defaultLayout, type CardContext } from '../src/free-area/index.js';
import type { EmulatedCard, EmulatorBackend } from '../src/reader/emulator/index.js';
import { parseTerminalConfig } from '../src/terminal/config.js';
import { fiscalYear } from '../src/terminal/demo-wallet.js';
import { startTerminal, type RunningTerminal } from '../src/terminal/start.js';
import { benchGrant, issueWith } from './cards.js';

export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly taps: number; readonly accepted: number }
  /** After a full garbage collection (the parent starts this process with --expose-gc): what the JS heap really holds. */
  | { readonly type: 'collected'; readonly heapUsedMb: number; readonly heapTotalMb: number }
  | { readonly type: 'failed'; readonly error: string };

const RIDERS_PER_RIDE = 4;
const send = (message: ChildMessage) => process.send?.(message);

interface Office {
  readonly brokerUrl: string;
  readonly prefix: string;
  readonly keysDir: string;
}

async function main(dataDir: string, office: Office | undefined): Promise<void> {
  // NORMAL: 10,000 taps at FULL would spend minutes in fsync on this disk, and fsync does not change what the process holds in memory.
  const config = parseTerminalConfig(
    {
      dataDir,
      http: { port: 0 },
      journal: { synchronous: 'NORMAL' },
      ...(office ? { card: { keys: office.keysDir }, sync: { url: office.brokerUrl, prefix: office.prefix, protocolVersion: 4 } } : {}),
    },
    'bench terminal',
  );
  const terminal = await startTerminal(config);
  process.once('SIGTERM', () => void terminal.close().then(() => process.exit(0)));
  const keysDir = office?.keysDir ?? join(dataDir, 'keys');
  const card: CardContext = { layout: defaultLayout(), keys: createFileKeyStore(keysDir) };
  const fy = fiscalYear(Date.now());
  const cards = await Promise.all(
    Array.from({ length: RIDERS_PER_RIDE }, (_, i) => issueWith(card, createFileIssuerSigner(keysDir), [benchGrant(fy.from, fy.until, 9000 + i)])),
  );
  process.on('message', (message: { taps?: number; every?: number; collect?: boolean }) => {
    if (message.collect) return collect();
    if (typeof message.taps !== 'number') return;
    tap(terminal, cards, message.taps, message.every ?? message.taps).catch((error: unknown) => send({ type: 'failed', error: String((error as Error)?.stack ?? error) }));
  });
  send({ type: 'ready' });
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, heapTotal } = process.memoryUsage();
  send({ type: 'collected', heapUsedMb: heapUsed / 1e6, heapTotalMb: heapTotal / 1e6 });
}

async function tap(terminal: RunningTerminal, cards: readonly EmulatedCard[], taps: number, every: number): Promise<void> {
  const taxi = terminal.app.taxi;
  if (!taxi) throw new Error('the bench terminal runs no taxi app');
  const backend = terminal.backend as EmulatorBackend;
  const reader = terminal.config.reader.kind === 'emulator' ? (terminal.config.reader.readers[0] ?? '') : '';
  let done = 0;
  let accepted = 0;
  while (done < taps) {
    const opened = await taxi.openRide({ fareYen: 4000 });
    if (opened.kind !== 'ok') throw new Error(`ride refused: ${opened.reason}`);
    for (const card of cards) {
      // A card arrives as an I/O event (a reader's status change, an HTTP request): let the
      // event loop turn between taps as it does on a device, timers and observers included.
      await new Promise((resolve) => setImmediate(resolve));
      backend.insert(reader, card);
      const outcome = (await terminal.loop.lastTap(reader)) as { kind: string } | undefined;
      backend.remove(reader);
      if (outcome?.kind === 'accepted') accepted += 1;
      done += 1;
      if (done % every === 0) send({ type: 'progress', taps: done, accepted });
    }
    await taxi.closeRide();
  }
}

const [dataDir, brokerUrl, prefix, officeKeys] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: terminal-child.js <dataDir> [<broker url> <prefix> <office keys dir>]');
main(dataDir, brokerUrl && prefix && officeKeys ? { brokerUrl, prefix, keysDir: officeKeys } : undefined).catch((error: unknown) => {
  send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
