/**
 * The districts of a run: one in the run's own thread, or (for a prefecture) each in a worker
 * thread of its own, so that the terminals of different municipalities tap, journal and sync
 * side by side. A worker derives the city and its keys from the same seed as the run, as the
 * counter does, and answers the run's requests (`DistrictWork`) over its message port.
 */
import { Worker } from 'node:worker_threads';
import { withTimeout } from './clock.js';
import { createDistrict, type DistrictOptions, type DistrictWork } from './district.js';
import type { SimOptions } from './options.js';

/** A district's options, but for which district it is. */
export type DistrictsOptions = Omit<DistrictOptions, 'index'>;

export interface DistrictWorkerData {
  readonly o: SimOptions;
  readonly index: number;
  readonly districts: number;
  readonly dir: string;
  readonly brokerUrl: string;
  readonly time: SharedArrayBuffer;
}

type Method = keyof DistrictWork;

export interface DistrictRequest {
  readonly id: number;
  readonly method: Method;
  readonly args: readonly unknown[];
}

export type DistrictMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown; readonly error: string | null };

/** Longer than a district's own close (its connections, then its terminals' sync). */
const CLOSE_MS = 150_000;

const METHODS: readonly Method[] = ['run', 'drain', 'refreshStatus', 'revoked', 'prepare', 'facts', 'close'];

export async function startDistricts(options: DistrictsOptions): Promise<DistrictWork[]> {
  const { o, districts } = options;
  if (districts === 1) return [await createDistrict({ ...options, index: 0 })];
  const started = await Promise.allSettled(
    Array.from({ length: districts }, (_, index) => startDistrictWorker({ o, index, districts, dir: options.dir, brokerUrl: options.brokerUrl, time: options.time })),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close().catch(() => undefined) : undefined)));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<DistrictWork>).value);
}

function startDistrictWorker(data: DistrictWorkerData): Promise<DistrictWork> {
  const worker = new Worker(new URL('./district-worker.js', import.meta.url), { workerData: data });
  const asked = new Map<number, { method: Method; resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const name = `district ${data.index}`;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const a of asked.values()) a.reject(error);
    asked.clear();
  };
  const ask = (method: Method, args: readonly unknown[]): Promise<unknown> => {
    if (failure !== null) return Promise.reject(failure);
    nextId += 1;
    const id = nextId;
    const answer = new Promise<unknown>((resolve, reject) => asked.set(id, { method, resolve, reject }));
    worker.postMessage({ id, method, args } satisfies DistrictRequest);
    return answer;
  };
  return new Promise<DistrictWork>((resolve, reject) => {
    worker.on('message', (m: DistrictMessage) => {
      if (m.type === 'ready') {
        const work = Object.fromEntries(METHODS.map((method) => [method, (...args: unknown[]) => ask(method, args)])) as unknown as DistrictWork;
        // The thread is terminated after its close, or when the close hangs: nothing of it outlives the run.
        const close = (): ReturnType<DistrictWork['close']> => (withTimeout(ask('close', []), CLOSE_MS, `closing ${name}`) as ReturnType<DistrictWork['close']>).finally(() => void worker.terminate());
        resolve({ ...work, close });
      } else if (m.type === 'failed') {
        const error = new Error(`${name} failed: ${m.error}`);
        fail(error);
        reject(error);
        // Whatever it had started (its counter, its connections) goes with the thread.
        void worker.terminate();
      } else {
        const a = asked.get(m.id);
        asked.delete(m.id);
        if (m.error === null) a?.resolve(m.value);
        else a?.reject(new Error(`${name}: ${a.method} failed: ${m.error}`));
      }
    });
    worker.on('error', (error) => {
      fail(new Error(`${name} failed: ${error.message}`, { cause: error }));
      reject(failure);
      void worker.terminate();
    });
    worker.on('exit', (code) => {
      fail(new Error(`${name}'s thread exited (code ${code})`));
      reject(failure);
    });
  });
}
