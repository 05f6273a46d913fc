import type { Database, Statement } from 'better-sqlite3';

import { JournalOwnerError } from './errors.js';
import { canonicalJson, GENESIS_HASH, hashWithPayloadText, verifyChain } from './hash.js';
import type { AppendResult, ChainCheck, EventQuery, JournalEvent, JsonObject } from './types.js';

/** The single row that carries the chain across appends, prunes and restarts. */
export interface ChainRow {
  readonly terminal_id: string;
  readonly last_seq: number;
  readonly last_hash: string;
  readonly synced_seq: number;
  readonly synced_at: number | null;
  readonly anchor_seq: number;
  readonly anchor_hash: string;
}

interface EventRow {
  readonly seq: number;
  readonly type: string;
  readonly at: number;
  readonly payload: string;
  readonly prev_hash: string;
  readonly hash: string;
}

export interface WrittenEvent extends AppendResult {
  readonly at: number;
}

export interface EventLog {
  /** Appends one event. Call only inside a write transaction: seq and hash come from the row it reads. */
  write(type: string, payload: Readonly<Record<string, unknown>>): WrittenEvent;
  chain(): ChainRow;
  events(query: EventQuery): JournalEvent[];
  /** Events after `afterSeq`, oldest first. */
  after(afterSeq: number, limit: number): JournalEvent[];
  /** The highest seq written through this log (or found at its creation); see Journal.lastSeqHint. */
  lastSeqHint(): number;
  verify(): ChainCheck;
}

const EVENT_TYPE = /^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*$/;
const COLUMNS = 'e.seq, e.type, e.at, e.payload, e.prev_hash, e.hash';

/** Claims an empty file for `terminalId`, or checks that the file is that terminal's. */
export function claimJournal(db: Database, terminalId: string, path: string): void {
  const row = db.prepare('SELECT terminal_id FROM chain_state WHERE id = 1').get() as { terminal_id: string } | undefined;
  if (row === undefined) {
    db.prepare('INSERT INTO chain_state (id, terminal_id, last_seq, last_hash, anchor_hash) VALUES (1, ?, 0, ?, ?)')
      .run(terminalId, GENESIS_HASH, GENESIS_HASH);
  } else if (row.terminal_id !== terminalId) {
    throw new JournalOwnerError(path, row.terminal_id, terminalId);
  }
}

export function createEventLog(db: Database, terminalId: string, now: () => number): EventLog {
  const chainStmt = db.prepare('SELECT * FROM chain_state WHERE id = 1');
  const insertEvent = db.prepare('INSERT INTO events (seq, type, at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)');
  const insertCard = db.prepare('INSERT OR IGNORE INTO event_cards (card_id, seq) VALUES (?, ?)');
  const advance = db.prepare('UPDATE chain_state SET last_seq = ?, last_hash = ? WHERE id = 1');
  const afterStmt = db.prepare(`SELECT ${COLUMNS} FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`);
  const queries = new Map<string, Statement>();
  const toEvent = (row: EventRow): JournalEvent => ({
    terminal: terminalId,
    seq: row.seq,
    type: row.type,
    at: row.at,
    payload: JSON.parse(row.payload) as JsonObject,
    prevHash: row.prev_hash,
    hash: row.hash,
  });
  const chain = (): ChainRow => chainStmt.get() as ChainRow;
  // Only ever raised: a write whose transaction rolls back leaves it above the real last seq.
  let seqHint = chain().last_seq;

  return {
    chain,
    write(type, payload) {
      checkEventType(type);
      const payloadText = canonicalPayload(payload);
      const { last_seq: lastSeq, last_hash: prevHash } = chain();
      const seq = lastSeq + 1;
      const at = now();
      const hash = hashWithPayloadText(prevHash, { terminal: terminalId, seq, type, at }, payloadText);
      insertEvent.run(seq, type, at, payloadText, prevHash, hash);
      for (const cardId of cardsNamed(payload)) insertCard.run(cardId, seq);
      advance.run(seq, hash);
      if (seq > seqHint) seqHint = seq;
      return { seq, hash, at };
    },
    events: (query) => (selectEvents(db, queries, query).all(queryParams(query)) as EventRow[]).map(toEvent),
    lastSeqHint: () => seqHint,
    after: (afterSeq, limit) => (afterStmt.all(afterSeq, checkLimit(limit)) as EventRow[]).map(toEvent),
    verify() {
      const { anchor_seq: seq, anchor_hash: hash } = chain();
      const rows = db.prepare(`SELECT ${COLUMNS} FROM events e WHERE e.seq > ? ORDER BY e.seq`).iterate(seq) as IterableIterator<EventRow>;
      return verifyChain(mapRows(rows, toEvent), { seq, hash });
    },
  };
}

function* mapRows(rows: Iterable<EventRow>, toEvent: (row: EventRow) => JournalEvent): Generator<JournalEvent> {
  for (const row of rows) yield toEvent(row);
}

function checkEventType(type: string): void {
  if (type.length > 64 || !EVENT_TYPE.test(type)) {
    throw new TypeError(`event type ${JSON.stringify(type)} must be lower-case words joined by '-' or '.', at most 64 characters`);
  }
}

function canonicalPayload(payload: Readonly<Record<string, unknown>>): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('an event payload must be a JSON object');
  }
  return canonicalJson(payload);
}

function cardsNamed(payload: Readonly<Record<string, unknown>>): Set<string> {
  const cards = new Set<string>();
  if (typeof payload.cardId === 'string') cards.add(payload.cardId);
  if (Array.isArray(payload.cardIds)) {
    for (const id of payload.cardIds) if (typeof id === 'string') cards.add(id);
  }
  return cards;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
  return limit;
}

function selectEvents(db: Database, cache: Map<string, Statement>, query: EventQuery): Statement {
  const byCard = query.cardId !== undefined;
  const byType = query.type !== undefined;
  const order = query.order === 'desc' ? 'DESC' : 'ASC';
  const key = `${byCard}/${byType}/${order}`;
  let stmt = cache.get(key);
  if (stmt === undefined) {
    const from = byCard ? 'event_cards c JOIN events e ON e.seq = c.seq' : 'events e';
    const seq = byCard ? 'c.seq' : 'e.seq';
    const where = [
      ...(byCard ? ['c.card_id = @cardId'] : []),
      `${seq} BETWEEN @fromSeq AND @toSeq`,
      ...(byType ? ['e.type = @type'] : []),
    ].join(' AND ');
    stmt = db.prepare(`SELECT ${COLUMNS} FROM ${from} WHERE ${where} ORDER BY ${seq} ${order} LIMIT @limit`);
    cache.set(key, stmt);
  }
  return stmt;
}

function queryParams(query: EventQuery): Record<string, string | number> {
  return {
    fromSeq: query.fromSeq ?? 0,
    toSeq: query.toSeq ?? Number.MAX_SAFE_INTEGER,
    limit: checkLimit(query.limit),
    ...(query.cardId === undefined ? {} : { cardId: query.cardId }),
    ...(query.type === undefined ? {} : { type: query.type }),
  };
}
