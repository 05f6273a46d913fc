/**
 * The worker side of `vpcd-card-thread.ts`: a vpcd bridge and its emulated card on a thread of
 * their own, driven by messages from the thread that started them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEmulatedCard, type CardBehaviour, type CardImage, type EmulatedCard, type FaultPlan } from './emulator/index.js';
import { createVpcdBridge } from './vpcd-bridge.js';
import type { VpcdCardRequest, VpcdCardThreadData, VpcdCardThreadMessage } from './vpcd-card-thread.js';

const port = parentPort;
if (port === null) throw new Error('vpcd-card-worker runs as a worker thread');
const data = workerData as VpcdCardThreadData;
const post = (message: VpcdCardThreadMessage) => port.postMessage(message);

let card: EmulatedCard | null = createEmulatedCard(data.image);
let inField: EmulatedCard | null = card;
const bridge = createVpcdBridge({ port: data.port, card: () => inField, backoff: data.backoff });
bridge.on('disconnected', ({ reason }) => post({ event: 'disconnected', reason }));

const ops: Record<VpcdCardRequest['op'], (arg: unknown) => unknown> = {
  start: () => bridge.start(),
  stop: () => bridge.stop(),
  insert: (next) => {
    if (next !== undefined) card = createEmulatedCard(next as CardImage);
    if (card === null) throw new Error('no card to insert');
    inField = card;
    bridge.insert(card);
  },
  remove: () => bridge.remove(),
  empty: () => {
    inField = null;
  },
  connected: () => bridge.connected,
  stats: () => bridge.stats(),
  image: () => card?.image() ?? null,
  setFaults: (plan) => card?.setFaults(plan as FaultPlan | null),
  setBehaviour: (behaviour) => card?.setBehaviour(behaviour as CardBehaviour),
};

port.on('message', (request: VpcdCardRequest) => {
  void (async () => {
    try {
      post({ id: request.id, result: await ops[request.op](request.arg) });
    } catch (error) {
      post({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
