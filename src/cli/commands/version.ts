import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';

/** The package's version, found by walking up from this file (source or compiled). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'free-area' && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

export const versionCommand: Command = {
  path: ['version'],
  summary: 'print the software version and the Node.js version',
  options: {},
  async run(_values, _positionals, io) {
    io.out(`fa ${packageVersion()} (node ${process.version})`);
    return 0;
  },
};
