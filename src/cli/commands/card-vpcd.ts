import { openWallet } from '../../reader/emulator/index.js';
import { VPCD_DEFAULT_PORT, createVpcdBridge } from '../../reader/vpcd-bridge.js';
import { UsageError, type Command } from '../command.js';

export const cardServeVpcdCommand: Command = {
  path: ['card', 'serve-vpcd'],
  summary: 'put an emulated card from a wallet behind pcscd through the vsmartcard-vpcd driver',
  details: `pcscd's vpcd driver listens on 127.0.0.1:35963 (reader "Virtual PCD 00 00") and 35964
("Virtual PCD 00 01"). This command connects the card to it, so every PC/SC program, ours
included, talks to the emulated card through the real pcscd. Writes are saved to the wallet.
Reconnects by itself when pcscd restarts. Stops on SIGINT or SIGTERM.`,
  options: {
    wallet: { type: 'string', help: 'wallet directory of emulated cards', default: './data/wallet', placeholder: 'dir' },
    card: { type: 'string', help: 'card name in the wallet (default: the first)', placeholder: 'name' },
    host: { type: 'string', help: 'vpcd host', default: '127.0.0.1', placeholder: 'host' },
    port: { type: 'string', help: 'vpcd port', default: String(VPCD_DEFAULT_PORT), placeholder: 'port' },
  },
  async run(values, _positionals, io) {
    const wallet = openWallet(String(values['wallet']));
    const name = (values['card'] as string | undefined) ?? wallet.list()[0];
    if (!name) throw new UsageError(`the wallet ${wallet.dir} has no cards`);
    const card = wallet.loadCard(name);
    const bridge = createVpcdBridge({ host: String(values['host']), port: Number(values['port']), card: () => card });
    bridge.on('connected', ({ host, port }) => io.out(`card ${name} is in the field of vpcd at ${host}:${port}`));
    bridge.on('disconnected', ({ reason, error }) => io.err(`vpcd connection ended (${reason}${error ? `: ${error.message}` : ''}); reconnecting`));
    await bridge.start();
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await bridge.stop();
    return 0;
  },
};
