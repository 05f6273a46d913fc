import { getHeapStatistics } from 'node:v8';

/**
 * How Node runs a terminal. A terminal's live JavaScript heap is about 20 MB whatever it has
 * done (rides are settled and dropped, the journal is on disk); left to its defaults V8 lets a
 * busy process grow a 16 MiB young generation and an old generation several times the live
 * size before it collects, and keeps four helper threads with their own malloc arenas. On a
 * 1 GiB Raspberry Pi that is memory the reader stack, the display browser and the page cache
 * of the journal want. With these options a terminal stays under 100 MB resident after any
 * number of taps (`npm run bench -- taxi`), at the cost of more, shorter scavenges on the main
 * thread (counted in the bench's per-tap time) and one background thread for concurrent
 * marking and compilation. The systemd unit, `npm start` and the benchmarks use this list;
 * src/terminal/node-options.test.ts holds them to it.
 */
export const TERMINAL_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=1', '--max-old-space-size=64', '--v8-pool-size=1'];

/** The V8 heap limit this process runs with, in MB (10^6 bytes): for the start-up log. */
export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1e6);
}
