import type { Command } from '../command.js';
import { cardInspectCommand, cardIssueCommand, cardReadersCommand } from './card.js';
import { cardServeVpcdCommand } from './card-vpcd.js';
import { demoCommand } from './demo.js';
import { officeCreateAdminCommand, officeServeCommand } from './office.js';
import { simCommand } from './sim.js';
import { terminalCommand } from './terminal.js';
import { versionCommand } from './version.js';

export const commands: readonly Command[] = [demoCommand, terminalCommand, cardReadersCommand, cardInspectCommand, cardIssueCommand, cardServeVpcdCommand, officeServeCommand, officeCreateAdminCommand, simCommand, versionCommand];
