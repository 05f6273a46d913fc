/**
 * The counter where cards are issued, in a worker thread of its own: at the start of each day
 * the run hands it the cards whose holders will use them for the first time that day, in the
 * order of their first use, and it issues each the way the counter does (a blank card, then
 * `issueCard` with the office's signer) and sends the card's image back. The run builds the
 * emulated card from that image when its holder first taps, so issuing (a signature, its
 * check, the card's own commands) is done beside the taps instead of among them. The worker
 * derives the city, its keys and the grants from the same seed as the run.
 */
import { Worker } from 'node:worker_threads';
import type { CardImage } from '../reader/emulator/index.js';
import type { SimOptions } from './options.js';
import type { Counter } from './wallet.js';

export interface CounterWorkerData {
  readonly options: SimOptions;
}

export type CounterRequest = { readonly type: 'issue'; readonly indices: readonly number[] } | { readonly type: 'close' };

export type CounterMessage =
  | { readonly type: 'issued'; readonly index: number; readonly image: CardImage }
  | { readonly type: 'failed'; readonly index: number | null; readonly error: string }
  | { readonly type: 'closed' };

export function startCounter(options: SimOptions): Counter {
  const worker = new Worker(new URL('./counter-worker.js', import.meta.url), { workerData: { options } satisfies CounterWorkerData });
  /** Cards asked for and not issued yet, with what settles them. */
  const waiting = new Map<number, { resolve: (image: CardImage) => void; reject: (error: Error) => void }>();
  /** Cards asked for and not taken yet. */
  const asked = new Map<number, Promise<CardImage>>();
  let failure: Error | null = null;
  let closed: (() => void) | null = null;
  const fail = (error: Error): void => {
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (m: CounterMessage) => {
    if (m.type === 'issued') {
      waiting.get(m.index)?.resolve(m.image);
      waiting.delete(m.index);
    } else if (m.type === 'failed') fail(new Error(`the counter could not issue card ${m.index ?? '?'}: ${m.error}`));
    else closed?.();
  });
  worker.on('error', (error) => fail(error));
  return {
    prepare(indices) {
      const fresh = indices.filter((i) => !asked.has(i));
      for (const index of fresh) {
        const promise = new Promise<CardImage>((resolve, reject) => waiting.set(index, { resolve, reject }));
        // Awaited through `take`; a card asked for and never used is not an unhandled rejection.
        promise.catch(() => undefined);
        asked.set(index, promise);
      }
      if (fresh.length > 0) worker.postMessage({ type: 'issue', indices: fresh } satisfies CounterRequest);
    },
    take(index) {
      if (failure !== null) throw failure;
      const promise = asked.get(index);
      if (promise === undefined) return null;
      asked.delete(index);
      return promise;
    },
    async close() {
      const done = new Promise<void>((resolve) => {
        closed = resolve;
      });
      worker.postMessage({ type: 'close' } satisfies CounterRequest);
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await worker.terminate();
    },
  };
}
