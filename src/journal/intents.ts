import type { Database } from 'better-sqlite3';
import { z } from 'zod';

import { IntentResolvedError, UnknownIntentError } from './errors.js';
import type { EventLog } from './event-log.js';
import { canonicalJson } from './hash.js';
import type { AppendResult, IntentInput, IntentRecord, IntentState, JsonObject } from './types.js';

/**
 * The tap protocol's bookkeeping: an `intent` event before the card write, then a `commit` or
 * an `abort` event. The intents table mirrors the events so that the intents in doubt are
 * found without reading the log; a row and its event are always written in one transaction.
 * An intent's ID is the seq of its intent event, so it is never reused, even after a prune.
 */
export interface Intents {
  record(input: IntentInput): { intentId: number; seq: number };
  resolve(intentId: number, outcome: Resolution): AppendResult;
  open(cardId?: string): IntentRecord[];
  get(intentId: number): IntentRecord | null;
}

export type Resolution =
  | { readonly state: 'committed'; readonly extra?: Readonly<Record<string, unknown>> }
  | { readonly state: 'aborted'; readonly reason: string; readonly extra?: Readonly<Record<string, unknown>> };

const nonNegative = z.number().int().nonnegative();
const intentSchema = z.object({
  cardId: z.string().min(1).max(64),
  programmeIndex: nonNegative,
  programmeId: z.string().min(1).max(64),
  fromSeq: nonNegative,
  toSeq: nonNegative,
  slotIndex: nonNegative,
  slotImage: z.string().regex(/^(?:[0-9a-fA-F]{2})+$/, 'hex of whole bytes'),
  units: z.number().int(),
  context: z.record(z.string(), z.unknown()),
});

/** Keys of commit and abort payloads that the journal fills in; `extra` may not override them. */
const RESOLUTION_KEYS = ['intentId', 'cardId', 'programmeId', 'units', 'toSeq', 'reason'];

interface IntentRow {
  intent_id: number;
  card_id: string;
  programme_index: number;
  programme_id: string;
  from_seq: number;
  to_seq: number;
  slot_index: number;
  slot_image: string;
  units: number;
  context: string;
  at: number;
  state: IntentState;
  resolved_seq: number | null;
  resolved_at: number | null;
  abort_reason: string | null;
}

export function createIntents(db: Database, log: EventLog): Intents {
  const insert = db.prepare(`INSERT INTO intents (intent_id, card_id, programme_index, programme_id, from_seq, to_seq,
    slot_index, slot_image, units, context, at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`);
  const settle = db.prepare(
    'UPDATE intents SET state = ?, resolved_seq = ?, resolved_at = ?, abort_reason = ? WHERE intent_id = ?',
  );
  const byId = db.prepare('SELECT * FROM intents WHERE intent_id = ?');
  const openAll = db.prepare("SELECT * FROM intents WHERE state = 'open' ORDER BY intent_id");
  const openByCard = db.prepare("SELECT * FROM intents WHERE state = 'open' AND card_id = ? ORDER BY intent_id");

  return {
    record(input) {
      const intent = parseIntent(input);
      const { seq, at } = log.write('intent', intent);
      insert.run(seq, intent.cardId, intent.programmeIndex, intent.programmeId, intent.fromSeq, intent.toSeq,
        intent.slotIndex, intent.slotImage, intent.units, canonicalJson(intent.context), at);
      return { intentId: seq, seq };
    },
    resolve(intentId, outcome) {
      const row = byId.get(intentId) as IntentRow | undefined;
      if (row === undefined) throw new UnknownIntentError(intentId);
      if (row.state !== 'open') throw new IntentResolvedError(intentId, row.state);
      if (outcome.state === 'aborted' && (typeof outcome.reason !== 'string' || outcome.reason === '')) {
        throw new TypeError('an abort needs a reason');
      }
      const extra = checkExtra(outcome.extra ?? {});
      const common = { ...extra, intentId, cardId: row.card_id, programmeId: row.programme_id };
      const { seq, hash, at } =
        outcome.state === 'committed'
          ? log.write('commit', { ...common, units: row.units, toSeq: row.to_seq })
          : log.write('abort', { ...common, reason: outcome.reason });
      settle.run(outcome.state, seq, at, outcome.state === 'aborted' ? outcome.reason : null, intentId);
      return { seq, hash };
    },
    open: (cardId) => ((cardId === undefined ? openAll.all() : openByCard.all(cardId)) as IntentRow[]).map(toRecord),
    get(intentId) {
      const row = byId.get(intentId) as IntentRow | undefined;
      return row === undefined ? null : toRecord(row);
    },
  };
}

function parseIntent(input: IntentInput): z.infer<typeof intentSchema> {
  const parsed = intentSchema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`invalid intent: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function checkExtra(extra: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const clash = RESOLUTION_KEYS.filter((key) => key in extra);
  if (clash.length > 0) throw new TypeError(`extra fields may not set ${clash.join(', ')}: the journal fills them in`);
  return extra;
}

function toRecord(row: IntentRow): IntentRecord {
  return {
    intentId: row.intent_id,
    at: row.at,
    cardId: row.card_id,
    programmeIndex: row.programme_index,
    programmeId: row.programme_id,
    fromSeq: row.from_seq,
    toSeq: row.to_seq,
    slotIndex: row.slot_index,
    slotImage: row.slot_image,
    units: row.units,
    context: JSON.parse(row.context) as JsonObject,
    state: row.state,
    resolvedSeq: row.resolved_seq,
    resolvedAt: row.resolved_at,
    abortReason: row.abort_reason,
  };
}
