// The worker side of vpcd-card.ts: a VpcdBridge and its emulated card on a thread of their own,
// driven by messages. Loads the built code (dist/), as the worker cannot load TypeScript.
import { parentPort, workerData } from 'node:worker_threads';

const { dist, port, image, backoff } = workerData;
const { createVpcdBridge } = await import(`${dist}/src/reader/vpcd-bridge.js`);
const { createEmulatedCard } = await import(`${dist}/src/reader/emulator/index.js`);

let card = image === null ? null : createEmulatedCard(image);
let inField = card;
const bridge = createVpcdBridge({ port, card: () => inField, backoff });
bridge.on('disconnected', ({ reason }) => parentPort.postMessage({ event: 'disconnected', reason }));
bridge.on('connected', () => parentPort.postMessage({ event: 'connected' }));

const ops = {
  start: () => bridge.start(),
  stop: () => bridge.stop(),
  insert: (next) => {
    if (next !== undefined) card = createEmulatedCard(next);
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
  setFaults: (plan) => card?.setFaults(plan),
  setBehaviour: (behaviour) => card?.setBehaviour(behaviour),
};

parentPort.on('message', async ({ id, op, arg }) => {
  try {
    parentPort.postMessage({ id, result: await ops[op](arg) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
