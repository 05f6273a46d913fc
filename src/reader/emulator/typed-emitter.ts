/** A minimal typed event emitter: an event can only be emitted under its own name with its own payload. */
export interface TypedEmitter<E> {
  on<K extends keyof E>(name: K, listener: (event: E[K]) => void): void;
  off<K extends keyof E>(name: K, listener: (event: E[K]) => void): void;
  emit<K extends keyof E>(name: K, event: E[K]): void;
}

export function createTypedEmitter<E>(): TypedEmitter<E> {
  const listeners = new Map<keyof E, Set<(event: never) => void>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
    },
    off(name, listener) {
      listeners.get(name)?.delete(listener);
    },
    emit(name, event) {
      for (const listener of [...(listeners.get(name) ?? [])]) (listener as (e: typeof event) => void)(event);
    },
  };
}
