/**
 * An emulated card behind a vpcd bridge, both on a worker thread of their own.
 *
 * For a process that also runs the PC/SC binding (tests, benchmarks): the binding blocks its
 * JavaScript thread on pcscd at times (it opens contexts there, takes a reader's lock there
 * for each status event while a transmit holds it, joins its status threads there on close),
 * and pcscd with the vpcd driver waits for the bridge. A bridge on that thread could not
 * answer, and the three would wait on one another for good. `fa card vpcd` needs none of this:
 * it is a process of its own.
 */
import { Worker } from 'node:worker_threads';
import { createEmulatedCard, type CardBehaviour, type CardImage, type FaultPlan } from './emulator/index.js';
import type { BackoffOptions } from './pcsc-backoff.js';
import type { VpcdBridgeStats, VpcdDisconnectReason } from './vpcd-bridge.js';

export interface VpcdCardThreadOptions {
  /** vpcd's port: 35963 is `Virtual PCD 00 00`, 35964 `Virtual PCD 00 01`. */
  port: number;
  backoff?: BackoffOptions;
  /** The compiled `vpcd-card-worker.js`. Default: next to this module (right when it runs from `dist/`). */
  workerUrl?: URL;
}

/** The card on the worker thread: what it is, what it holds, and how it misbehaves. */
export interface RemoteCard {
  readonly atr: Uint8Array;
  image(): Promise<CardImage>;
  setFaults(plan: FaultPlan | null): Promise<void>;
  setBehaviour(behaviour: CardBehaviour): Promise<void>;
}

export interface VpcdCardThread {
  readonly card: RemoteCard;
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

/** @internal What the worker is started with. */
export interface VpcdCardThreadData {
  port: number;
  image: CardImage;
  backoff: BackoffOptions;
}

/** @internal A request to the worker. */
export interface VpcdCardRequest {
  id: number;
  op: 'start' | 'stop' | 'insert' | 'remove' | 'empty' | 'connected' | 'stats' | 'image' | 'setFaults' | 'setBehaviour';
  arg?: unknown;
}

/** @internal What the worker sends back: an answer to a request, or an event of the bridge. */
export type VpcdCardThreadMessage =
  | { id: number; result?: unknown; error?: string }
  | { event: 'disconnected'; reason: VpcdDisconnectReason };

/** Starts a worker holding a bridge to vpcd on `options.port` and a card made from `image`. */
export function startVpcdCardThread(image: CardImage, options: VpcdCardThreadOptions): VpcdCardThread {
  let atr = createEmulatedCard(image).atr;
  const data: VpcdCardThreadData = { port: options.port, image, backoff: options.backoff ?? { initialMs: 50, maxMs: 500 } };
  const worker = new Worker(options.workerUrl ?? new URL('./vpcd-card-worker.js', import.meta.url), { workerData: data });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const disconnected: ((reason: VpcdDisconnectReason) => void)[] = [];
  let nextId = 0;
  let ended: Error | undefined;
  const failAll = (error: Error) => {
    ended ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (message: VpcdCardThreadMessage) => {
    if ('event' in message) {
      for (const listener of disconnected) listener(message.reason);
      return;
    }
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(`vpcd card thread: ${message.error}`));
    else call?.resolve(message.result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the vpcd card thread exited (code ${code})`)));

  const call = <T>(op: VpcdCardRequest['op'], arg?: unknown): Promise<T> => {
    if (ended !== undefined) return Promise.reject(ended);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const request: VpcdCardRequest = arg === undefined ? { id, op } : { id, op, arg };
      worker.postMessage(request);
    });
  };

  return {
    card: {
      get atr() {
        return atr;
      },
      image: async () => {
        const current = await call<CardImage | null>('image');
        if (current === null) throw new Error('the vpcd card thread holds no card');
        return current;
      },
      setFaults: (plan) => call<void>('setFaults', plan),
      setBehaviour: (behaviour) => call<void>('setBehaviour', behaviour),
    },
    start: () => call<void>('start'),
    async stop() {
      if (ended !== undefined) return;
      await call<void>('stop');
      await worker.terminate();
    },
    insert: (next) => {
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
