import type { CardChannel } from './channel.js';
import { contractCardImage, describeCardChannelContract } from './contract.js';
import { createEmulatedCard } from './emulator/index.js';
import { createEmulatorBackend } from './emulator/backend.js';

const READER = 'emulator:contract';

describeCardChannelContract('in-process emulator', async () => {
  const backend = createEmulatorBackend({ readers: [READER] });
  const card = createEmulatedCard(contractCardImage());
  let channel: CardChannel | undefined;
  backend.on('card-present', (event) => {
    channel = event.channel;
  });
  await backend.start();
  backend.insert(READER, card);
  if (channel === undefined) throw new Error('the emulator backend did not report the inserted card');
  return {
    channel,
    card,
    removeCard: async () => backend.remove(READER),
    teardown: () => backend.stop(),
  };
});
