import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventHub } from './event-hub.js';

const HEARTBEAT_MS = 15_000;

/**
 * Streams the hub as Server-Sent Events. A client reconnecting with Last-Event-ID gets
 * what it missed from the hub's recent buffer; a heartbeat keeps proxies from closing it.
 */
export function sseHandler(hub: EventHub) {
  return (c: Context) =>
    streamSSE(c, async (stream) => {
      const lastSeen = Number(c.req.header('Last-Event-ID') ?? 0);
      const queue: Array<{ id: number; type: string; data: unknown }> = [];
      let wake: (() => void) | null = null;
      const push = (type: string, data: unknown, id: number) => {
        queue.push({ id, type, data });
        wake?.();
      };
      for (const { id, event } of hub.recent()) if (id > lastSeen) push(event.type, event.data, id);
      const unsubscribe = hub.subscribe((event, id) => push(event.type, event.data, id));
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        while (open) {
          const next = queue.shift();
          if (next) {
            await stream.writeSSE({ id: String(next.id), event: next.type, data: JSON.stringify(next.data) });
            continue;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
          if (open && queue.length === 0) await stream.write(': heartbeat\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
}
