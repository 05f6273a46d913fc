import type { MqttClient } from 'mqtt';
import {
  decodePayload,
  DEFAULT_PREFIX,
  eventBatchSchema,
  MAX_BATCH_BYTES,
  officeSubscriptions,
  parseTerminalTopic,
  reportSchema,
  SCHEMA_VERSION,
  silentLogger,
  statusSchema,
  systemClock,
  terminalTopics,
  verifyBatch,
} from '../../sync/index.js';
import type { Ack, Clock, Decoded, EventBatch, RefusalReason, Status, SyncLogger } from '../../sync/index.js';
import type { IngestOutcome, OfficeStore } from '../store/index.js';

export interface IngestHooks {
  /** Runs after the batch's commit and before its ack: where a fault test kills the office. */
  readonly afterCommit?: (batch: EventBatch, outcome: IngestOutcome) => void | Promise<void>;
}

export interface IngestOptions {
  readonly client: MqttClient;
  readonly store: OfficeStore;
  readonly prefix?: string;
  /** MQTT 5 shared-subscription group, so several workers share the load; omit on aedes. */
  readonly group?: string;
  readonly clock?: Clock;
  readonly logger?: SyncLogger;
  readonly hooks?: IngestHooks;
}

export interface IngestStats {
  readonly batches: number;
  readonly inserted: number;
  readonly duplicates: number;
  readonly anomalies: number;
  readonly acks: number;
  readonly statuses: number;
  readonly reports: number;
  readonly refused: Readonly<Record<RefusalReason, number>>;
  /** Batches the store could not take (the terminal sends them again). */
  readonly storeErrors: number;
  /** Acks that asked a terminal again for events this office had acknowledged and lost. */
  readonly resendRequests: number;
}

export interface Ingest {
  /** Subscribes (again on every reconnect) and handles messages until `stop()`. */
  start(): Promise<void>;
  /** Stops taking messages and waits for the ones in hand. */
  stop(): Promise<void>;
  stats(): IngestStats;
}

const STATUS_MAX_BYTES = 16 * 1024;

/**
 * The office's side of the uplink: validate, verify the chain, store in one transaction,
 * then publish the retained ack. Whatever a message holds, the ingest keeps running: a bad
 * one becomes a dead letter with its reason and a count.
 */
export function createIngest(options: IngestOptions): Ingest {
  const { client, store } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const subscriptions = officeSubscriptions(prefix, options.group);
  const counts = { batches: 0, inserted: 0, duplicates: 0, anomalies: 0, acks: 0, statuses: 0, reports: 0, storeErrors: 0, resendRequests: 0 };
  const refused: Record<RefusalReason, number> = { oversized: 0, malformed: 0, invalid: 0, 'wrong-topic': 0, forged: 0 };
  const queues = new Map<string, Promise<void>>();
  let stopped = false;

  const deadLetter = async (topic: string, payload: Buffer, reason: RefusalReason, detail: string): Promise<void> => {
    refused[reason] += 1;
    logger.warn({ topic, reason, detail }, 'message refused');
    await store.recordDeadLetter({ topic, reason, detail, payload, receivedAt: clock.now() });
  };

  const onBatch = async (topic: string, payload: Buffer, origin: { org: string; terminal: string }): Promise<void> => {
    const decoded = decodePayload(eventBatchSchema, payload, MAX_BATCH_BYTES);
    const batch = checkOrigin(decoded, origin);
    if (!batch.ok) return deadLetter(topic, payload, batch.reason, batch.detail);
    const chain = verifyBatch(batch.value);
    if (!chain.ok) return deadLetter(topic, payload, 'forged', `${chain.problem} at seq ${chain.seq}`);
    const outcome = await store.ingestBatch(batch.value, clock.now());
    counts.batches += 1;
    counts.inserted += outcome.inserted;
    counts.duplicates += outcome.duplicates;
    counts.anomalies += outcome.anomalies.length;
    if (outcome.anomalies.length > 0) logger.warn({ ...origin, anomalies: outcome.anomalies }, 'anomalies recorded');
    await options.hooks?.afterCommit?.(batch.value, outcome);
    publishAck(origin, { v: SCHEMA_VERSION, terminal: origin.terminal, upToSeq: outcome.ackSeq, at: clock.now() });
  };

  const publishAck = (origin: { org: string; terminal: string }, ack: Ack): void => {
    client.publish(terminalTopics(prefix, origin.org, origin.terminal).ack, JSON.stringify(ack), { qos: 1, retain: true }, (err) => {
      if (err) logger.warn({ ...origin, err: err.message }, 'ack not published; the terminal will send again');
    });
    counts.acks += 1;
  };

  /**
   * The terminal reports more of its events acknowledged than this office holds in one stretch.
   * An ack only ever leaves after the commit it reports, so that happens only when the office
   * lost events it had acknowledged (its database restored from a backup): ask for them again.
   */
  const askForLost = async (origin: { org: string; terminal: string }, status: Status): Promise<void> => {
    const mark = await store.ackedSeq(origin.terminal);
    if (status.lastSeq - status.backlog <= mark) return;
    logger.warn({ ...origin, upToSeq: mark, terminalSynced: status.lastSeq - status.backlog }, 'the terminal holds acknowledged events this office lacks; asking for them again');
    counts.resendRequests += 1;
    publishAck(origin, { v: SCHEMA_VERSION, terminal: origin.terminal, upToSeq: mark, resendFrom: mark + 1, at: clock.now() });
  };

  const onStatus = async (topic: string, payload: Buffer, origin: { org: string; terminal: string }): Promise<void> => {
    const status = checkOrigin(decodePayload(statusSchema, payload, STATUS_MAX_BYTES), origin);
    if (!status.ok) return deadLetter(topic, payload, status.reason, status.detail);
    await store.recordStatus(origin.org, origin.terminal, status.value, clock.now());
    counts.statuses += 1;
    await askForLost(origin, status.value);
  };

  const onReport = async (topic: string, payload: Buffer, origin: { org: string; terminal: string }): Promise<void> => {
    const report = checkOrigin(decodePayload(reportSchema, payload, STATUS_MAX_BYTES), origin);
    if (!report.ok) return deadLetter(topic, payload, report.reason, report.detail);
    const r = report.value;
    await store.recordAnomaly({ ...origin, kind: r.kind, seq: 0, fingerprint: `${r.version ?? 0}:${r.at}`, detail: { ...r }, detectedAt: clock.now() });
    counts.reports += 1;
  };

  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const parsed = parseTerminalTopic(prefix, topic);
    if (parsed === undefined) return deadLetter(topic, payload, 'wrong-topic', 'not a terminal topic');
    // A zero-length retained message clears a topic; it carries nothing to store.
    if (payload.byteLength === 0) return;
    const origin = { org: parsed.org, terminal: parsed.terminal };
    if (parsed.channel === 'events') return onBatch(topic, payload, origin);
    if (parsed.channel === 'status') return onStatus(topic, payload, origin);
    return onReport(topic, payload, origin);
  };

  const onMessage = (topic: string, payload: Buffer): void => {
    if (stopped) return;
    // One terminal's messages are handled in arrival order; different terminals in parallel.
    const key = parseTerminalTopic(prefix, topic)?.terminal ?? '';
    const run = (queues.get(key) ?? Promise.resolve()).then(() =>
      handle(topic, payload).catch((err: unknown) => {
        counts.storeErrors += 1;
        logger.error({ topic, err: err instanceof Error ? err.message : String(err) }, 'message not stored; no ack sent');
      }),
    );
    queues.set(key, run);
    void run.then(() => {
      if (queues.get(key) === run) queues.delete(key);
    });
  };

  const subscribe = async (): Promise<void> => {
    const granted = await client.subscribeAsync([subscriptions.events, subscriptions.status, subscriptions.report], { qos: 1 });
    // 0x80 and above in a SUBACK is a refusal (ACL, or no shared subscriptions on this broker).
    const refusedTopics = granted.filter((g) => g.qos >= 0x80).map((g) => g.topic);
    if (refusedTopics.length > 0) throw new Error(`broker refused the subscription to ${refusedTopics.join(', ')}`);
  };
  const onConnect = (): void => {
    subscribe().catch((err: unknown) => logger.error({ err: String(err) }, 'ingest subscription failed'));
  };

  return {
    async start() {
      stopped = false;
      client.on('message', onMessage);
      client.on('connect', onConnect);
      if (client.connected) await subscribe();
    },
    async stop() {
      stopped = true;
      client.off('message', onMessage);
      client.off('connect', onConnect);
      await Promise.all([...queues.values()]);
    },
    stats: () => ({ ...counts, refused: { ...refused } }),
  };
}

/** A payload must name the org and terminal of the topic it came on. */
function checkOrigin<T extends { terminal: string; org?: string }>(decoded: Decoded<T>, origin: { org: string; terminal: string }): Decoded<T> {
  if (!decoded.ok) return decoded;
  const v = decoded.value;
  if (v.terminal !== origin.terminal || (v.org !== undefined && v.org !== origin.org)) {
    return { ok: false, reason: 'wrong-topic', detail: `payload of ${v.org ?? '?'}/${v.terminal} on the topic of ${origin.org}/${origin.terminal}` };
  }
  return decoded;
}
