import type { ReaderLogger } from './pcsc-types.js';

type Listener<T> = (event: T) => void;

/** A typed event hub: an event can only be emitted under its own name with its own payload. */
export interface TypedEmitter<E> {
  on<K extends keyof E>(name: K, listener: Listener<E[K]>): void;
  off<K extends keyof E>(name: K, listener: Listener<E[K]>): void;
  emit<K extends keyof E>(name: K, event: E[K]): void;
  /** Number of listeners for `name`, so a caller can tell whether anyone hears an error. */
  count(name: keyof E): number;
}

/**
 * Unlike node's EventEmitter, an `error` event with no listener does not throw, and a listener
 * that throws is logged instead of unwinding into the PC/SC or socket callback that emitted.
 */
export function createTypedEmitter<E>(logger: ReaderLogger): TypedEmitter<E> {
  const listeners = new Map<keyof E, Set<Listener<never>>>();
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (set === undefined) listeners.set(name, (set = new Set()));
      set.add(listener as Listener<never>);
    },
    off(name, listener) {
      listeners.get(name)?.delete(listener as Listener<never>);
    },
    emit(name, event) {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          (listener as Listener<typeof event>)(event);
        } catch (error) {
          logger.error({ err: error, event: String(name) }, 'a reader event listener threw');
        }
      }
    },
    count(name) {
      return listeners.get(name)?.size ?? 0;
    },
  };
}
