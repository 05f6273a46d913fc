import type { ReaderBackend, ReaderEventName, ReaderEvents } from '../../../src/reader/index.js';

/**
 * Resolves with the next `name` event of `backend` that satisfies `where`, or rejects after
 * `timeoutMs` naming what was awaited (so a hung recovery fails with a reason, not a timeout).
 */
export function nextEvent<K extends ReaderEventName>(
  backend: ReaderBackend,
  name: K,
  options: { timeoutMs?: number; where?: (event: ReaderEvents[K]) => boolean } = {},
): Promise<ReaderEvents[K]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const listener = (event: ReaderEvents[K]) => {
      if (options.where !== undefined && !options.where(event)) return;
      clearTimeout(timer);
      backend.off(name, listener);
      resolve(event);
    };
    const timer = setTimeout(() => {
      backend.off(name, listener);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    backend.on(name, listener);
  });
}

/** Every event of `backend` in order, as `name` or `name:reader`, for asserting sequences. */
export function recordEvents(backend: ReaderBackend): string[] {
  const log: string[] = [];
  const names: ReaderEventName[] = [
    'reader-attached',
    'reader-detached',
    'card-present',
    'card-removed',
    'backend-down',
    'backend-up',
    'error',
  ];
  for (const name of names) {
    backend.on(name, (event) => {
      const reader = 'reader' in event && typeof event.reader === 'string' ? `:${event.reader}` : '';
      log.push(`${name}${reader}`);
    });
  }
  return log;
}
