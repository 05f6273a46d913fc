/** Entry of a district's worker thread (see `startDistricts`). */
import { parentPort, workerData } from 'node:worker_threads';
import { planCity } from './city.js';
import { createDistrict, type DistrictWork } from './district.js';
import type { DistrictMessage, DistrictRequest, DistrictWorkerData } from './districts.js';
import { cityKeys } from './keys.js';
import { seededRandom } from './random.js';

const data = workerData as DistrictWorkerData;
const post = (m: DistrictMessage): void => parentPort?.postMessage(m);
const message = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

async function main(): Promise<void> {
  // The same city and keys as the run's (forks of the seed are independent of draw order).
  const random = seededRandom(data.o.seed);
  const city = planCity(data.o, random.fork('city'));
  const keys = cityKeys(random);
  const work: DistrictWork = await createDistrict({ o: data.o, index: data.index, districts: data.districts, city, keys, random, dir: data.dir, brokerUrl: data.brokerUrl, time: data.time });
  parentPort?.on('message', (m: DistrictRequest) => {
    const call = work[m.method] as (...args: readonly unknown[]) => Promise<unknown>;
    call(...m.args).then(
      (value) => post({ type: 'reply', id: m.id, value: value ?? null, error: null }),
      (error: unknown) => post({ type: 'reply', id: m.id, value: null, error: message(error) }),
    );
  });
  post({ type: 'ready' });
}

main().catch((error: unknown) => post({ type: 'failed', error: message(error) }));
