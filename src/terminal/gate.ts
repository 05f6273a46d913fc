/** The gate app as a terminal runs it: the service, its actuator, routes, page, metrics and live events. */
import {
  createGateRoutes,
  createGateService,
  renderGatePage,
  type DoorChange,
  type GateConfig,
  type GateService,
  type GateTapOutcome,
  type TapView,
} from '../apps/gate/index.js';
import type { CardChannel } from '../reader/channel.js';
import { createConfiguredActuator } from './gate-actuator.js';
import { withBackgroundTapCheck } from './gate-journal.js';
import { createGateMetrics, type GateMetrics } from './gate-metrics.js';
import { validationHook } from './http/validation.js';
import type { AppWiring, TerminalApp } from './taxi.js';

export interface GateTerminalApp extends TerminalApp {
  readonly gate: GateService;
}

export function createGateTerminalApp(w: AppWiring): GateTerminalApp {
  if (w.config.app.kind !== 'gate') throw new TypeError('not a gate configuration');
  const gate = w.config.app.gate;
  const gateMetrics = createGateMetrics(w.metrics.registry);
  const tapJournal = withBackgroundTapCheck(w.journal);
  const service = createGateService({
    journal: tapJournal.journal,
    card: w.card,
    config: gate,
    actuator: createConfiguredActuator(w.config.app.actuator, w.logger),
    terminalNumber: w.config.terminal.number,
    now: w.now,
    logger: w.logger,
    onTap: (view, outcome) => {
      record(w, gateMetrics, view, outcome);
      w.hub.publish({ type: 'gate', data: view });
    },
    onDoor: (change) => {
      doorChanged(gateMetrics, change);
      w.hub.publish({ type: 'gate-door', data: change });
    },
  });
  const readers = readerList(gate);
  return {
    kind: 'gate',
    gate: service,
    async handleCard(channel, reader) {
      return (await service.handleCard(onReader(channel, reader))).view;
    },
    idle: () => service.idle(),
    async close() {
      await service.close();
      tapJournal.stop();
    },
    mounts: [{ prefix: '/api/gate', app: createGateRoutes(service, validationHook) }],
    status: () => ({
      kind: 'gate',
      programmes: gate.programmes,
      doors: service.doors().map(({ id, lock, position, antiPassback }) => ({ id, lock, position, antiPassback })),
      readers,
    }),
    page: ({ token, emulator }) => renderGatePage({ terminalId: w.config.terminal.id, token, emulator, readers }),
  };
}

function record(w: AppWiring, gateMetrics: GateMetrics, view: TapView, outcome: GateTapOutcome): void {
  w.metrics.taps.inc({ outcome: view.kind, reason: view.reason ?? '' });
  w.metrics.apdus.inc(view.apdus);
  if (outcome.kind !== 'ignored') {
    const { readMs, toDoorMs, totalMs } = outcome.timings;
    w.metrics.tapSeconds.observe({ phase: 'read' }, readMs / 1000);
    if (toDoorMs !== null) w.metrics.tapSeconds.observe({ phase: 'to-door' }, toDoorMs / 1000);
    w.metrics.tapSeconds.observe({ phase: 'total' }, totalMs / 1000);
  }
  if (outcome.kind === 'granted') {
    const { door, direction, pass } = outcome.decision;
    gateMetrics.passages.inc({ door, direction, pass });
  }
  const fields = { reader: view.reader, door: view.door, direction: view.direction, cardId: view.cardId, outcome: view.kind, reason: view.reason ?? undefined, flags: view.flags.length > 0 ? view.flags : undefined, apdus: view.apdus, ms: view.timings?.totalMs };
  if (view.kind === 'granted') w.logger.info(fields, 'tap');
  else w.logger.warn(fields, 'tap');
}

function doorChanged(gateMetrics: GateMetrics, change: DoorChange): void {
  if (change.kind === 'alarm' && change.alarm !== undefined) gateMetrics.alarms.inc({ door: change.door.id, kind: change.alarm.kind });
  if (change.kind === 'released') gateMetrics.releases.inc({ door: change.door.id });
}

/** The tap handler finds the door by the channel's reader name; a backend that names it otherwise is told here. */
function onReader(channel: CardChannel, reader: string): CardChannel {
  if (channel.readerName === reader) return channel;
  return { readerName: reader, atr: channel.atr, transmit: (command) => channel.transmit(command) };
}

function readerList(gate: GateConfig): Array<{ reader: string; door: string; direction: 'in' | 'out' }> {
  return gate.doors.flatMap((door) => [
    { reader: door.readers.in, door: door.id, direction: 'in' as const },
    ...(door.readers.out === undefined ? [] : [{ reader: door.readers.out, door: door.id, direction: 'out' as const }]),
  ]);
}
