import { packageVersion } from '../../terminal/version.js';
import type { Command } from '../command.js';

export const versionCommand: Command = {
  path: ['version'],
  summary: 'print the software version and the Node.js version',
  options: {},
  async run(_values, _positionals, io) {
    io.out(`fa ${packageVersion()} (node ${process.version})`);
    return 0;
  },
};
