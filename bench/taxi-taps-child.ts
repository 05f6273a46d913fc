/**
 * `node <TERMINAL_NODE_OPTIONS> taxi-taps-child.js <journal> <durability> <taps> <warmup>`:
 * runs bench taps (bench/taxi-taps.ts) in a process started with the terminal's own Node
 * options, so a tap's time includes the collections a terminal's small young generation
 * makes, and sends the samples back over IPC.
 */
import { openBenchJournal, runTaps, type Durability, type TapSample } from './taxi-taps.js';

export type TapsChildMessage = { readonly type: 'samples'; readonly samples: TapSample[] } | { readonly type: 'failed'; readonly error: string };

async function main(path: string, durability: Durability, taps: number, warmup: number): Promise<void> {
  const journal = openBenchJournal(path, durability, Date.now);
  try {
    const samples = await runTaps(journal, taps, warmup);
    await send({ type: 'samples', samples });
  } finally {
    journal.close();
  }
}

function send(message: TapsChildMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(message, (error: Error | null) => (error ? reject(error) : resolve())) ?? resolve());
}

const [path, durability, taps, warmup] = process.argv.slice(2);
if (path === undefined || (durability !== 'FULL' && durability !== 'NORMAL' && durability !== 'OFF')) {
  throw new Error('usage: taxi-taps-child.js <journal> FULL|NORMAL|OFF <taps> <warmup>');
}
main(path, durability, Number(taps), Number(warmup)).then(
  () => process.disconnect?.(),
  (error: unknown) => send({ type: 'failed', error: String((error as Error)?.stack ?? error) }).finally(() => process.exit(1)),
);
