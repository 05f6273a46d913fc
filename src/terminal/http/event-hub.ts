/**
 * Fan-out of live events (tap outcomes, ride changes) to SSE clients. Keeps the last few
 * so a page that connects late still shows the latest result.
 */
export interface HubEvent {
  readonly type: string;
  readonly data: unknown;
}

export interface EventHub {
  publish(event: HubEvent): void;
  subscribe(listener: (event: HubEvent, id: number) => void): () => void;
  recent(): Array<{ id: number; event: HubEvent }>;
  readonly subscribers: number;
}

export function createEventHub(options: { keep?: number } = {}): EventHub {
  const keep = options.keep ?? 20;
  const listeners = new Set<(event: HubEvent, id: number) => void>();
  const buffer: Array<{ id: number; event: HubEvent }> = [];
  let nextId = 1;
  return {
    publish(event) {
      const id = nextId++;
      buffer.push({ id, event });
      if (buffer.length > keep) buffer.shift();
      for (const listener of listeners) listener(event, id);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    recent: () => [...buffer],
    get subscribers() {
      return listeners.size;
    },
  };
}
