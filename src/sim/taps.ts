/**
 * A card held to a terminal's reader, with the tap's injected fault, and the holder's answer to
 * the outcome: after a tear or an unreadable card, or a terminal that died under the card, the
 * holder taps again (the display asks for it), up to three times.
 */
import type { GateTapOutcome } from '../apps/gate/index.js';
import type { TapOutcome } from '../apps/taxi-ticket/service-types.js';
import type { CardChannel } from '../reader/channel.js';
import { createEmulatorChannel, type EmulatedCard } from '../reader/emulator/index.js';
import type { TapFault } from './activities.js';
import type { SimTerminal } from './terminal.js';

export interface TapStats {
  taps: number;
  tears: number;
  kills: number;
  inDoubt: number;
  retaps: number;
  resolvedCommitted: number;
  resolvedAborted: number;
  resolvedUnverifiable: number;
  confirmedEarlier: number;
}

export function emptyTapStats(): TapStats {
  return { taps: 0, tears: 0, kills: 0, inDoubt: 0, retaps: 0, resolvedCommitted: 0, resolvedAborted: 0, resolvedUnverifiable: 0, confirmedEarlier: 0 };
}

/** Kills and restarts a terminal: the process, its journal handle and its sync. */
export type Restart = (terminal: SimTerminal) => void;

const MAX_TAPS = 4;
const KILLED: unique symbol = Symbol('killed');

type Outcome = TapOutcome | GateTapOutcome;

export async function tapTaxi(terminal: SimTerminal, card: EmulatedCard, fault: TapFault | null, stats: TapStats, restart: Restart): Promise<TapOutcome> {
  return (await tapUntilSettled(terminal, card, fault, stats, restart, terminal.reader(), (ch) => terminal.tapTaxi(ch))) as TapOutcome;
}

export async function tapGate(
  terminal: SimTerminal,
  card: EmulatedCard,
  direction: 'in' | 'out',
  fault: TapFault | null,
  stats: TapStats,
  restart: Restart,
): Promise<GateTapOutcome> {
  return (await tapUntilSettled(terminal, card, fault, stats, restart, terminal.reader(direction), (ch) => terminal.tapGate(ch))) as GateTapOutcome;
}

async function tapUntilSettled(
  terminal: SimTerminal,
  card: EmulatedCard,
  fault: TapFault | null,
  stats: TapStats,
  restart: Restart,
  reader: string,
  handle: (channel: CardChannel) => Promise<Outcome>,
): Promise<Outcome> {
  let pending = fault;
  for (let attempt = 1; ; attempt += 1) {
    stats.taps += 1;
    if (attempt > 1) stats.retaps += 1;
    const outcome = await oneTap(terminal, card, pending, stats, restart, reader, handle);
    const faulted = pending !== null;
    pending = null;
    if (outcome !== KILLED) count(outcome, stats);
    const again = outcome === KILLED || outcome.kind === 'in-doubt' || (faulted && isUnreadable(outcome));
    if (!again || attempt >= MAX_TAPS) {
      if (outcome === KILLED) throw new Error(`${terminal.plan.id}: the tap after a restart was killed again`);
      return outcome;
    }
  }
}

async function oneTap(
  terminal: SimTerminal,
  card: EmulatedCard,
  fault: TapFault | null,
  stats: TapStats,
  restart: Restart,
  reader: string,
  handle: (channel: CardChannel) => Promise<Outcome>,
): Promise<Outcome | typeof KILLED> {
  const channel = createEmulatorChannel(card, reader);
  if (fault?.kind === 'tear') {
    stats.tears += 1;
    card.setFaults(fault.plan);
    try {
      return await handle(channel);
    } finally {
      card.setFaults(null);
    }
  }
  if (fault?.kind !== 'kill') return handle(channel);
  stats.kills += 1;
  const killer = killingChannel(channel, fault.apdu, fault.land);
  const result = await Promise.race([handle(killer.channel), killer.killed.then((): typeof KILLED => KILLED)]);
  // Killed under the card, or (the tap ended before that APDU) killed right after it: either way the process restarts.
  restart(terminal);
  return result;
}

/**
 * The channel of a terminal process that dies at APDU `apdu`: that APDU reaches the card or
 * not, and nothing of the process runs after it (its promise never settles).
 */
function killingChannel(inner: CardChannel, apdu: number, land: boolean): { channel: CardChannel; killed: Promise<void> } {
  let n = 0;
  let fire: () => void = () => undefined;
  const killed = new Promise<void>((resolve) => {
    fire = resolve;
  });
  const channel: CardChannel = {
    readerName: inner.readerName,
    atr: inner.atr,
    async transmit(command) {
      const index = n;
      n += 1;
      if (index !== apdu) return inner.transmit(command);
      if (land) await inner.transmit(command).catch(() => undefined);
      fire();
      return new Promise<Uint8Array>(() => undefined);
    },
  };
  return { channel, killed };
}

function isUnreadable(outcome: Outcome): boolean {
  if (outcome.kind === 'rejected') return outcome.reason === 'unreadable';
  if (outcome.kind === 'refused') return outcome.decision.reason === 'unreadable';
  return false;
}

function count(outcome: Outcome, stats: TapStats): void {
  if (outcome.kind === 'ignored') return;
  if (outcome.kind === 'in-doubt') stats.inDoubt += 1;
  for (const r of outcome.resolved) {
    if (r.resolution === 'committed') stats.resolvedCommitted += 1;
    else if (r.resolution === 'aborted') stats.resolvedAborted += 1;
    else stats.resolvedUnverifiable += 1;
  }
  if ((outcome.kind === 'accepted' || outcome.kind === 'granted') && outcome.confirmedEarlierWrite) stats.confirmedEarlier += 1;
}
