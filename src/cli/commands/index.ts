import type { Command } from '../command.js';
import { versionCommand } from './version.js';

export const commands: readonly Command[] = [versionCommand];
