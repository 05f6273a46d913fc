/**
 * One simulated terminal: its SQLite journal (a file, as on the device) and its app, the taxi
 * service or the gate tap handler, wired as the terminal's composition root wires them. A kill
 * drops the app where it stands, so nothing more is written, as `kill -9` does; the restart opens
 * the same file again and builds a fresh app, which restores what it keeps there.
 */
import { join } from 'node:path';
import {
  createAntiPassbackStore,
  createGateTapHandler,
  createSimulatedActuator,
  parseGateConfig,
  type GateConfig,
  type GateTapHandler,
  type GateTapOutcome,
} from '../apps/gate/index.js';
import { MAEBASHI_MYTAKU, terminalProgrammesSchema } from '../apps/taxi-ticket/index.js';
import { createTaxiService, type TaxiService } from '../apps/taxi-ticket/service.js';
import type { TapOutcome } from '../apps/taxi-ticket/service-types.js';
import type { CardContext } from '../free-area/index.js';
import { openJournal, type Journal } from '../journal/index.js';
import type { CardChannel } from '../reader/channel.js';
import type { City, TerminalPlan } from './city.js';
import type { CountingLogger } from './clock.js';

export interface TerminalDeps {
  readonly city: City;
  readonly card: CardContext;
  readonly dir: string;
  readonly durable: boolean;
  /** The terminal's own (possibly skewed) clock. */
  readonly now: () => number;
  readonly logger: CountingLogger;
  /** Gate holidays and schedules are computed for these years. */
  readonly holidays: readonly string[];
}

export interface SimTerminal {
  readonly plan: TerminalPlan;
  readonly now: () => number;
  journal(): Journal;
  /** Reader names: the taxi's one reader, or the gate's entry and exit readers. */
  reader(direction?: 'in' | 'out'): string;
  /** A tampered terminal ignores its deny-list (it still applies it, so the office can tell). */
  tamper(): void;
  readonly tampered: boolean;
  taxi(): TaxiService;
  gate(): GateTapHandler;
  tapTaxi(channel: CardChannel): Promise<TapOutcome>;
  tapGate(channel: CardChannel): Promise<GateTapOutcome>;
  /**
   * The process died and starts again on the same journal file: a new connection to it and a
   * new app, which restores what it keeps there. The dead app is dropped mid-tap; the old
   * connection is returned for the caller to close once the dead process's sync has let go.
   */
  restart(): Journal;
  close(): void;
}

export function createSimTerminal(plan: TerminalPlan, deps: TerminalDeps): SimTerminal {
  const path = join(deps.dir, `${plan.id}.db`);
  const gateConfig = plan.kind === 'gate' ? gateConfigFor(plan, deps) : null;
  let tampered = false;
  let rides = 0;
  let journal = open();
  let app = build();

  function open(): Journal {
    return openJournal({ path, terminalId: plan.id, now: deps.now, synchronous: deps.durable ? 'FULL' : 'NORMAL', logger: deps.logger });
  }

  function build(): { taxi: TaxiService | null; gate: GateTapHandler | null; flush: () => void } {
    const seen = tampered ? { ...journal, denyEntry: () => null } : journal;
    if (gateConfig === null) {
      const taxi = createTaxiService({
        journal: seen,
        card: deps.card,
        programmes: taxiProgrammesFor(plan, deps.city),
        terminalNumber: plan.number,
        now: deps.now,
        newRideId: () => `${plan.id}-ride-${(rides += 1)}`,
        logger: deps.logger,
      });
      return { taxi, gate: null, flush: () => undefined };
    }
    let handler: GateTapHandler | null = null;
    const store = createAntiPassbackStore({ journal, current: () => handler?.antiPassback() ?? new Map(), forgetAfterMs: gateConfig.antiPassback.forgetAfterMs, logger: deps.logger });
    handler = createGateTapHandler({
      journal: seen,
      card: deps.card,
      config: gateConfig,
      actuator: createSimulatedActuator(deps.logger),
      terminalNumber: plan.number,
      now: deps.now,
      logger: deps.logger,
      antiPassback: store.restore(deps.now()),
      onPassage: () => store.changed(),
    });
    return { taxi: null, gate: handler, flush: () => store.flush() };
  }

  const taxi = (): TaxiService => {
    if (app.taxi === null) throw new TypeError(`${plan.id} is not a taxi`);
    return app.taxi;
  };
  const gate = (): GateTapHandler => {
    if (app.gate === null) throw new TypeError(`${plan.id} is not a gate`);
    return app.gate;
  };

  return {
    plan,
    now: deps.now,
    journal: () => journal,
    reader: (direction = 'in') => (plan.kind === 'taxi' ? `${plan.id}/reader` : `${plan.id}/${direction}`),
    tamper() {
      tampered = true;
      app = build();
    },
    get tampered() {
      return tampered;
    },
    taxi,
    gate,
    tapTaxi: (channel) => taxi().handleCard(channel),
    tapGate: (channel) => gate().handleCard(channel),
    restart() {
      const dead = journal;
      journal = open();
      app = build();
      return dead;
    },
    close() {
      app.flush();
      journal.close();
    },
  };
}

function taxiProgrammesFor(plan: TerminalPlan, city: City) {
  const town = city.municipalities[plan.municipality];
  if (town === undefined) throw new RangeError(`no municipality ${plan.municipality}`);
  return terminalProgrammesSchema.parse({ honours: [town.taxiProgramme], programmes: { [town.taxiProgramme]: MAEBASHI_MYTAKU } });
}

/** One door with an entry and an exit reader; staff in office hours, visitors in visitor hours, soft anti-passback. */
function gateConfigFor(plan: TerminalPlan, deps: TerminalDeps): GateConfig {
  const town = deps.city.municipalities[plan.municipality];
  if (town === undefined) throw new RangeError(`no municipality ${plan.municipality}`);
  const weekdays = (from: string, to: string) => {
    const day = [{ from, to }];
    return { mon: day, tue: day, wed: day, thu: day, fri: day };
  };
  return parseGateConfig({
    programmes: [town.gateProgramme],
    holidays: [...deps.holidays],
    schedules: { 'office-hours': { week: weekdays('07:00', '22:00') }, 'visitor-hours': { week: weekdays('08:30', '18:00') } },
    doors: [{ id: 'main', readers: { in: `${plan.id}/in`, out: `${plan.id}/out` }, zones: [0], schedules: { '1': 'office-hours', '2': 'visitor-hours' }, antiPassback: 'soft' }],
  });
}
