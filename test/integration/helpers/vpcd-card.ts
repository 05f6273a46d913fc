/**
 * A virtual card in a vpcd reader for the PC/SC integration tests, its bridge on a worker
 * thread (see `src/reader/vpcd-card-thread.ts` for why). The worker runs the built code.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CardImage } from '../../../src/reader/emulator/index.js';
import { startVpcdCardThread, type VpcdCardThread, type VpcdCardThreadOptions } from '../../../src/reader/vpcd-card-thread.js';
import { ensureBuilt, ROOT } from './terminal-process.js';

let built = false;

export function createWorkerVpcdBridge(image: CardImage, options: Omit<VpcdCardThreadOptions, 'workerUrl'>): VpcdCardThread {
  if (!built) {
    ensureBuilt();
    built = true;
  }
  const workerUrl = pathToFileURL(join(ROOT, 'dist', 'src', 'reader', 'vpcd-card-worker.js'));
  return startVpcdCardThread(image, { ...options, workerUrl });
}
