/**
 * The terminals' sync with the office over the broker. With one terminal per connection each
 * terminal runs `createTerminalSync`, exactly as a device does; a killed terminal's sync is
 * stopped (a clean disconnect, where a real kill leaves the broker to publish the last will). With several per connection
 * (the prefecture), the same uplink, downlink and status publisher run per terminal over a
 * shared MQTT connection: each terminal keeps its own topics, outbox, acks and deny-list, but
 * a cut connection takes its whole group offline and there is no per-terminal last will.
 */
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { z } from 'zod';
import {
  brokerConfigSchema,
  connectBroker,
  createDownlink,
  createStatusPublisher,
  createTerminalSync,
  createUplink,
  terminalTopics,
  type BrokerLink,
  type TerminalSync,
} from '../sync/index.js';
import { SIM_BACKOFF, type CountingLogger } from './clock.js';
import type { Random } from './random.js';
import type { SimTerminal } from './terminal.js';

export interface LinkOptions {
  readonly brokerUrl: string;
  readonly prefix: string;
  readonly org: string;
  readonly terminalsPerConnection: number;
  readonly statusIntervalMs: number;
  readonly logger: CountingLogger;
  readonly random: Random;
  /** Prefix of the shared connections' client IDs, unique in the run (each district has its own). */
  readonly clientPrefix: string;
}

export interface Links {
  /** Starts the terminal's sync on its current journal (at start, and after a restart). */
  attach(terminal: SimTerminal): void;
  /** The terminal's process died: its sync stops; true once it has let go of the journal (false: it hung). */
  detach(id: string): Promise<boolean>;
  kick(id: string): void;
  /** The terminal's periodic status is due (on a shared connection; an own connection has its ticker). */
  refreshStatus(id: string): void;
  /** Drops the TCP connection the terminal's sync runs on; it comes back by itself. */
  cut(id: string): void;
  connected(id: string): boolean;
  readonly connectionCount: number;
  close(): Promise<void>;
}

/** Acks are awaited on the simulated clock: 30 simulated minutes pass in well under a real second. */
const UPLINK = { batchSize: 500, window: 8, pollIntervalMs: 1_000, ackTimeoutMs: 30 * 60_000 } as const;
const anyConfig = z.unknown();
/**
 * Thousands of terminals publishing a status every real second would swamp the broker; on a
 * shared connection the simulator asks for each terminal's periodic status itself (`refreshStatus`).
 */
const SHARED_STATUS_INTERVAL_MS = 3_600_000;
/**
 * Sends are kicked once a simulated hour; the outbox poll is what resends a batch whose ack
 * never came (lost while the office's ingest was not yet subscribed after a broker restart), so
 * it must come round within the rest of that day, which takes a few real seconds.
 */
const SHARED_POLL_MS = 5_000;
/** A sync that has not stopped by then is left behind (its journal connection stays open). */
const STOP_GRACE_MS = 5_000;

interface Running {
  readonly client: () => MqttClient | undefined;
  readonly kick: () => void;
  readonly refresh: () => void;
  readonly stop: () => Promise<void>;
}

export function createLinks(options: LinkOptions): Links {
  const broker = brokerConfigSchema.parse({ url: options.brokerUrl, protocolVersion: 4, keepaliveSec: 30, connectTimeoutMs: 5_000 });
  const running = new Map<string, Running>();
  const groups: Array<{ link: BrokerLink; members: number }> = [];
  const groupOf = new Map<string, number>();
  const stopping: Promise<void>[] = [];
  const random = () => options.random.next();
  const common = { org: options.org, logger: options.logger };

  const own = (terminal: SimTerminal): Running => {
    let client: MqttClient | undefined;
    const sync: TerminalSync<unknown> = createTerminalSync({
      ...common,
      broker: { ...broker, clientId: `sim-${terminal.plan.id}` },
      terminal: terminal.plan.id,
      prefix: options.prefix,
      journal: terminal.journal(),
      configSchema: anyConfig,
      softwareVersion: 'sim',
      uplink: UPLINK,
      statusIntervalMs: options.statusIntervalMs,
      connect: (url, o) => (client = mqttConnect(url, o)),
      backoff: SIM_BACKOFF,
      random,
      clock: { now: terminal.now },
    });
    // Its status ticker runs every `statusIntervalMs` of real time: often enough at a town's scale.
    return { client: () => client, kick: sync.kick, refresh: () => undefined, stop: () => sync.stop() };
  };

  const shared = (terminal: SimTerminal): Running => {
    const id = terminal.plan.id;
    let index = groupOf.get(id);
    if (index === undefined) {
      index = groups.findIndex((g) => g.members < options.terminalsPerConnection);
      if (index === -1) {
        const clientId = `${options.clientPrefix}-${groups.length}`;
        const link = connectBroker({ config: { ...broker, clientId }, clientId, backoff: SIM_BACKOFF, random, logger: options.logger });
        link.client.setMaxListeners(0);
        index = groups.push({ link, members: 0 }) - 1;
      }
      groupOf.set(id, index);
      (groups[index] as { members: number }).members += 1;
    }
    const client = (groups[index] as { link: BrokerLink }).link.client;
    const journal = terminal.journal();
    const clock = { now: terminal.now };
    const topics = terminalTopics(options.prefix, options.org, id);
    const base = { ...common, client, journal, terminal: id, topics, clock };
    const status = createStatusPublisher({
      terminal: id,
      journal,
      versions: () => ({ denyList: journal.denyListVersion(), config: 0, keys: 0, software: 'sim' }),
      clock,
      client,
      topic: topics.status,
      intervalMs: SHARED_STATUS_INTERVAL_MS,
      logger: options.logger,
    });
    // Acks and deny-lists do not refresh the status here: the simulator asks for it once a day.
    const uplink = createUplink({ ...base, ...UPLINK, pollIntervalMs: SHARED_POLL_MS });
    const downlink = createDownlink({ ...base, configSchema: anyConfig });
    downlink.start();
    uplink.start();
    status.start();
    return {
      client: () => client,
      kick: uplink.kick,
      refresh: status.refresh,
      stop: async () => {
        uplink.stop();
        downlink.stop();
        status.stop();
      },
    };
  };

  const get = (id: string): Running => {
    const r = running.get(id);
    if (r === undefined) throw new RangeError(`terminal ${id} has no sync running`);
    return r;
  };

  return {
    attach(terminal) {
      if (running.has(terminal.plan.id)) throw new Error(`terminal ${terminal.plan.id} is already attached`);
      running.set(terminal.plan.id, options.terminalsPerConnection === 1 ? own(terminal) : shared(terminal));
    },
    detach(id) {
      const r = get(id);
      running.delete(id);
      const stopped = Promise.race([
        r.stop().then(() => true, () => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref()),
      ]);
      stopping.push(stopped.then(() => undefined));
      return stopped;
    },
    kick: (id) => get(id).kick(),
    refreshStatus: (id) => get(id).refresh(),
    cut: (id) => get(id).client()?.stream.destroy(),
    connected: (id) => get(id).client()?.connected === true,
    get connectionCount() {
      return options.terminalsPerConnection === 1 ? running.size : groups.length;
    },
    async close() {
      // A terminal restarted shortly before reuses its client ID while its dead predecessor's
      // sync is still letting go; the broker hands the session back and forth between the two
      // for a moment and a stop can wait on it. At the end of the run it is not waited for.
      const stops = [...running.values()].map(async (r) => {
        const stopped = await Promise.race([
          r.stop().then(() => true, () => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref()),
        ]);
        if (!stopped) await r.client()?.endAsync(true).catch(() => undefined);
      });
      await Promise.all(stops);
      running.clear();
      await Promise.all(groups.map((g) => g.link.close()));
      await Promise.all(stopping);
    },
  };
}
