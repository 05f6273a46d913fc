/** Entry of the counter's worker thread (see `startCounter`). */
import { parentPort, workerData } from 'node:worker_threads';
import { defaultLayout } from '../free-area/index.js';
import { jstMidnight } from './activities.js';
import { planCity } from './city.js';
import type { CounterMessage, CounterRequest, CounterWorkerData } from './counter.js';
import { cityKeys } from './keys.js';
import { seededRandom } from './random.js';
import { grantFor, issueWith, validity } from './wallet.js';

const { options: o } = workerData as CounterWorkerData;
const post = (m: CounterMessage): void => parentPort?.postMessage(m);

// The same city and keys as the run's (forks of the seed are independent of draw order).
const root = seededRandom(o.seed);
const city = planCity(o, root.fork('city'));
const keys = cityKeys(root);
const valid = validity(jstMidnight(o.startDay), o.days);
const layout = defaultLayout();
const challenges = root.fork('wallet').fork('counter-challenges');
const cardOptions = { random: (n: number) => challenges.bytes(n) };

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: CounterRequest) => {
  if (m.type === 'close') {
    void queue.then(() => post({ type: 'closed' }));
    return;
  }
  queue = queue.then(async () => {
    for (const index of m.indices) {
      const plan = city.cards[index];
      try {
        if (plan === undefined) throw new RangeError(`no card ${index}`);
        const card = await issueWith(layout, cardOptions, plan.cardId, keys, grantFor(city, plan, valid));
        post({ type: 'issued', index, image: card.image() });
      } catch (error) {
        post({ type: 'failed', index, error: error instanceof Error ? error.message : String(error) });
      }
    }
  });
});
