import type { MqttClient } from 'mqtt';
import { buildBatch } from './batch.js';
import { decodePayload } from './decode.js';
import type { JournalEvent, UplinkJournal } from './journal-port.js';
import { silentLogger, systemClock } from './logger.js';
import type { Clock, SyncLogger } from './logger.js';
import { ackSchema, MAX_BATCH_BYTES, MAX_BATCH_SPAN } from './schemas.js';
import type { TerminalTopics } from './topics.js';

export interface UplinkOptions {
  readonly client: MqttClient;
  readonly journal: UplinkJournal;
  readonly org: string;
  readonly terminal: string;
  readonly topics: Pick<TerminalTopics, 'events' | 'ack'>;
  /** Events per batch (default 500). */
  readonly batchSize?: number;
  /** Batches sent and not yet acknowledged by the office (default 8). */
  readonly window?: number;
  /** Drain rate cap in events per second (default: none). */
  readonly maxEventsPerSecond?: number;
  /** Without an office ack for this long, everything unacknowledged is sent again (default 10 s). */
  readonly ackTimeoutMs?: number;
  /** How often the outbox is looked at when nobody calls `kick()` (default 1 s). */
  readonly pollIntervalMs?: number;
  readonly maxBatchBytes?: number;
  readonly clock?: Clock;
  readonly logger?: SyncLogger;
  /** Called after an ack moved the synced mark, so the status can show the new backlog. */
  readonly onAcked?: (upToSeq: number) => void;
  /**
   * Called when the office acknowledges less than this terminal already had acknowledged: an
   * ack overtaken by a newer one, or an office that lost events (restored from a backup). The
   * terminal's status tells the office its mark, and an office that lacks events asks for them.
   */
  readonly onAckBelowMark?: (upToSeq: number) => void;
}

export interface UplinkStats {
  readonly batchesSent: number;
  readonly eventsSent: number;
  readonly acks: number;
  readonly resends: number;
  readonly refusedAcks: number;
  /** Times the office asked again for events it had acknowledged. */
  readonly replays: number;
  readonly inFlight: number;
  readonly lastAckedSeq: number;
}

export interface Uplink {
  /** Attaches to the client; drains whenever it is connected. */
  start(): void;
  /** New events were appended: look at the outbox now rather than at the next poll. */
  kick(): void;
  stop(): void;
  stats(): UplinkStats;
}

interface InFlight {
  readonly lastSeq: number;
  readonly sentAt: number;
}

/**
 * Drains the journal's outbox. Batches go out in seq order on one connection at QoS 1, up
 * to `window` of them awaiting the office's ack. Only that ack (sent after the office's
 * commit) calls `markSynced`; a PUBACK only means the broker has it. Go-back-N on trouble:
 * after a reconnect or an ack timeout, everything after the last ack is sent again, which
 * the office recognises as repeats. An office that lost events it had acknowledged (its
 * database restored from a backup) says so in its ack (`resendFrom`), and they are sent again
 * from the journal, which keeps acknowledged events until retention prunes them.
 */
export function createUplink(options: UplinkOptions): Uplink {
  const { client, journal, topics } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 500;
  const window = options.window ?? 8;
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const bucket = createTokenBucket(options.maxEventsPerSecond, batchSize, clock);

  let ready = false;
  let stopped = true;
  let acked = journal.syncState().lastSyncedSeq;
  let cursor = acked;
  let inflight: InFlight[] = [];
  let wake: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let stuckAt: number | undefined;
  /** Up to here the events were acknowledged once and are being sent again: read past the outbox. */
  let replayUpTo = 0;
  /** A resend the office asked for that this journal cannot answer (pruned too far): not tried again. */
  let unanswerable = 0;
  const stats = { batchesSent: 0, eventsSent: 0, acks: 0, resends: 0, refusedAcks: 0, replays: 0 };

  const rewind = (): void => {
    inflight = [];
    cursor = acked;
  };

  const sendOne = (): boolean => {
    if (journal.lastSeqHint() <= cursor) return false;
    const events = cursor < replayUpTo ? replayEvents() : journal.pending(batchSize, cursor);
    if (events.length === 0) return false;
    const built = buildBatch(options, cursor + 1, events, options.maxBatchBytes ?? MAX_BATCH_BYTES);
    if (built === undefined) {
      if (stuckAt !== events[0]?.seq) logger.error({ seq: events[0]?.seq }, 'journal event larger than a batch may be; the outbox is stuck');
      stuckAt = events[0]?.seq;
      return false;
    }
    const { batch, json } = built;
    client.publish(topics.events, json, { qos: 1 }, (err) => {
      if (err) logger.debug({ err: err.message, firstSeq: batch.firstSeq }, 'batch not delivered to the broker; it will be sent again');
    });
    inflight.push({ lastSeq: batch.lastSeq, sentAt: clock.now() });
    cursor = batch.lastSeq;
    bucket.take(batch.events.length);
    stats.batchesSent += 1;
    stats.eventsSent += batch.events.length;
    return true;
  };

  /**
   * Events to send again, from the cursor on. Those the journal has pruned (acknowledged and
   * older than its retention) are gone: a batch whose range starts over the hole lets the office
   * record it as a gap and move its mark past it, as long as one batch may span it.
   */
  const replayEvents = (): readonly JournalEvent[] => {
    const events = journal.events({ fromSeq: cursor + 1, limit: batchSize });
    const first = events[0]?.seq ?? cursor + 1;
    if (first === cursor + 1) return events;
    const spanned = events.filter((e) => e.seq - (cursor + 1) < MAX_BATCH_SPAN);
    if (spanned.length > 0) {
      logger.error({ fromSeq: cursor + 1, toSeq: first - 1 }, 'the office asks for events this journal has pruned; they are gone, and the office will record them as a gap');
      return spanned;
    }
    logger.error({ fromSeq: cursor + 1, toSeq: first - 1, maxSpan: MAX_BATCH_SPAN }, 'the office asks for events this journal has pruned, more than one batch may span; they cannot be sent again and the office stays behind');
    unanswerable = cursor + 1;
    replayUpTo = 0;
    acked = journal.syncState().lastSyncedSeq;
    rewind();
    return journal.pending(batchSize, cursor);
  };

  const pump = (): void => {
    if (!ready || stopped || wake !== undefined) return;
    try {
      fill();
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'outbox could not be read; trying again at the next poll');
    }
  };
  const fill = (): void => {
    while (inflight.length < window && client.connected) {
      const waitMs = bucket.waitMs();
      if (waitMs > 0) {
        wake = setTimeout(() => {
          wake = undefined;
          pump();
        }, waitMs);
        return;
      }
      if (!sendOne()) return;
    }
  };

  const onAck = (payload: Buffer): void => {
    const decoded = decodePayload(ackSchema, payload, 4096);
    if (!decoded.ok || decoded.value.terminal !== options.terminal) {
      stats.refusedAcks += 1;
      logger.warn({ reason: decoded.ok ? 'wrong-terminal' : decoded.reason, detail: decoded.ok ? undefined : decoded.detail }, 'ack refused');
      return;
    }
    const { upToSeq: upTo, resendFrom } = decoded.value;
    if (resendFrom !== undefined && resendFrom <= acked && resendFrom !== unanswerable) {
      stats.replays += 1;
      logger.warn({ fromSeq: resendFrom, acknowledgedUpTo: acked }, 'the office lost events it had acknowledged; sending them again');
      replayUpTo = Math.max(replayUpTo, acked);
      acked = resendFrom - 1;
      rewind();
      pump();
      return;
    }
    if (upTo < acked && replayUpTo <= acked) options.onAckBelowMark?.(upTo);
    if (upTo <= acked) return;
    if (upTo > journal.syncState().lastSeq) {
      stats.refusedAcks += 1;
      logger.error({ upToSeq: upTo }, 'office acknowledged events this journal never wrote; ack ignored');
      return;
    }
    journal.markSynced(upTo);
    acked = upTo;
    stats.acks += 1;
    cursor = Math.max(cursor, acked);
    inflight = inflight.filter((b) => b.lastSeq > upTo);
    options.onAcked?.(upTo);
    pump();
  };

  const checkAckTimeout = (): void => {
    const oldest = inflight[0];
    if (oldest !== undefined && clock.now() - oldest.sentAt > ackTimeoutMs) {
      stats.resends += 1;
      logger.info({ fromSeq: acked + 1 }, 'no ack from the office in time; sending again from the last ack');
      rewind();
    }
    pump();
  };

  const onConnect = (): void => {
    ready = false;
    rewind();
    client
      .subscribeAsync(topics.ack, { qos: 1 })
      .then(() => {
        ready = true;
        pump();
      })
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'ack subscription failed'));
  };
  const onClose = (): void => {
    ready = false;
    rewind();
  };
  const onMessage = (topic: string, payload: Buffer): void => {
    if (topic !== topics.ack) return;
    try {
      onAck(payload);
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'ack could not be recorded; it will come again');
    }
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      client.on('connect', onConnect);
      client.on('close', onClose);
      client.on('message', onMessage);
      poll = setInterval(checkAckTimeout, options.pollIntervalMs ?? 1_000);
      if (client.connected) onConnect();
    },
    kick: pump,
    stop() {
      stopped = true;
      ready = false;
      client.off('connect', onConnect);
      client.off('close', onClose);
      client.off('message', onMessage);
      clearInterval(poll);
      clearTimeout(wake);
      wake = undefined;
    },
    stats: () => ({ ...stats, inFlight: inflight.length, lastAckedSeq: acked }),
  };
}

interface TokenBucket {
  take(n: number): void;
  /** Milliseconds until a batch may go; 0 when it may go now. */
  waitMs(): number;
}

/** A drain-rate cap that still lets one whole batch through at a time. */
function createTokenBucket(perSecond: number | undefined, batchSize: number, clock: Clock): TokenBucket {
  if (perSecond === undefined) return { take: () => undefined, waitMs: () => 0 };
  const capacity = Math.max(perSecond, 1);
  let tokens = capacity;
  let at = clock.now();
  const refill = (): void => {
    const now = clock.now();
    tokens = Math.min(capacity, tokens + ((now - at) / 1000) * perSecond);
    at = now;
  };
  const needed = Math.min(batchSize, capacity);
  return {
    take(n) {
      refill();
      tokens -= n;
    },
    waitMs() {
      refill();
      return tokens >= needed ? 0 : Math.ceil(((needed - tokens) / perSecond) * 1000);
    },
  };
}
