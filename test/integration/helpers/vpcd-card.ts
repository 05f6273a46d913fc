/**
 * A virtual card in a vpcd reader, its bridge running on a worker thread of its own.
 *
 * Not on the test's own thread, because the PC/SC binding under test blocks that thread on
 * pcscd at times: it takes a reader's lock there for every status event while a transmit holds
 * it, joins its status threads there on close, and opens contexts there. pcscd in turn waits on
 * vpcd, and vpcd on the bridge. A bridge on the blocked thread cannot answer, and the three wait
 * on one another for good (a deployment runs the bridge as a process of its own, `fa card vpcd`).
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { createEmulatedCard, type CardBehaviour, type CardImage, type FaultPlan } from '../../../src/reader/emulator/index.js';
import type { VpcdBridgeStats, VpcdDisconnectReason } from '../../../src/reader/index.js';
import type { CardUnderTest } from '../../../src/reader/contract.js';
import { ensureBuilt, ROOT } from './terminal-process.js';

export interface VpcdCardOptions {
  /** vpcd's port: 35963 is `Virtual PCD 00 00`, 35964 `Virtual PCD 00 01`. */
  port: number;
  backoff?: { initialMs: number; maxMs: number };
}

export interface WorkerVpcdBridge {
  /** The card the bridge holds: its ATR, content, faults and behaviour. */
  readonly card: CardUnderTest;
  start(): Promise<void>;
  /** Stops the bridge and its thread; the card leaves the field. Again: nothing. */
  stop(): Promise<void>;
  /** Puts the card back in the field, or a new card made from `image`. */
  insert(image?: CardImage): Promise<void>;
  /** Takes the card out of the field now. */
  remove(): Promise<void>;
  /** The card source turns empty: the bridge hangs up at vpcd's next ATR poll. */
  empty(): Promise<void>;
  /** Whether vpcd holds the card now; false once stopped. */
  connected(): Promise<boolean>;
  stats(): Promise<VpcdBridgeStats>;
  onDisconnected(listener: (reason: VpcdDisconnectReason) => void): void;
}

let built = false;

/** Starts a worker holding a bridge to vpcd on `port` and a card made from `image`. */
export function createWorkerVpcdBridge(image: CardImage, options: VpcdCardOptions): WorkerVpcdBridge {
  if (!built) {
    ensureBuilt();
    built = true;
  }
  let atr = createEmulatedCard(image).atr;
  const worker = new Worker(join(ROOT, 'test', 'integration', 'helpers', 'vpcd-card-worker.mjs'), {
    workerData: { dist: join(ROOT, 'dist'), port: options.port, image, backoff: options.backoff ?? { initialMs: 50, maxMs: 500 } },
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const disconnected: ((reason: VpcdDisconnectReason) => void)[] = [];
  let nextId = 0;
  let ended: Error | undefined;
  const failAll = (error: Error) => {
    ended = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (message: { id?: number; result?: unknown; error?: string; event?: string; reason?: VpcdDisconnectReason }) => {
    if (message.event === 'disconnected' && message.reason !== undefined) {
      for (const listener of disconnected) listener(message.reason);
      return;
    }
    if (message.id === undefined) return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(`vpcd card worker: ${message.error}`));
    else call?.resolve(message.result);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the vpcd card worker exited (code ${code})`)));

  const call = <T>(op: string, arg?: unknown): Promise<T> => {
    if (ended !== undefined) return Promise.reject(ended);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, op, arg });
    });
  };

  return {
    card: {
      get atr() {
        return atr;
      },
      image: async () => {
        const current = await call<CardImage | null>('image');
        if (current === null) throw new Error('the vpcd card worker holds no card');
        return current;
      },
      setFaults: (plan: FaultPlan | null) => call<void>('setFaults', plan),
      setBehaviour: (behaviour: CardBehaviour) => call<void>('setBehaviour', behaviour),
    },
    start: () => call<void>('start'),
    async stop() {
      if (ended !== undefined) return;
      await call<void>('stop');
      await worker.terminate();
    },
    insert: (next?: CardImage) => {
      if (next !== undefined) atr = createEmulatedCard(next).atr;
      return call<void>('insert', next);
    },
    remove: () => call<void>('remove'),
    empty: () => call<void>('empty'),
    connected: () => (ended === undefined ? call<boolean>('connected') : Promise.resolve(false)),
    stats: () => call<VpcdBridgeStats>('stats'),
    onDisconnected(listener) {
      disconnected.push(listener);
    },
  };
}
