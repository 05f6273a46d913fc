import type { Command } from '../command.js';
import { terminalCommand } from './terminal.js';
import { versionCommand } from './version.js';

export const commands: readonly Command[] = [terminalCommand, versionCommand];
