/**
 * The activity projection: card writes (intent → commit or abort), card uses, the deny-list
 * versions terminals applied, and gate passages, read from acknowledged events in each
 * terminal's seq order. Anomaly detection and attendance work on these tables; every row
 * keeps the (terminal, seq) of the event it came from.
 */
import { decodeSlot, jstDay } from '../../free-area/index.js';
import { all, get, insertRows, json, lock, num, run, str } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { ACTIVITY_SQL, CARD_USE_COLUMNS, CARD_WRITE_COLUMNS, PASSAGE_COLUMNS } from '../store/sql-activity.js';
import { PROJECTION_SQL } from '../store/sql-domain.js';
import { recordAnomalies } from './anomaly-queries.js';
import { denylistAppliedSchema, firstIssue, intentSchema, passageSchema, resolutionSchema } from './event-payloads.js';
import type { ProjectionStep } from './projection-clearing.js';

export const ACTIVITY_LOCK = 'office-activity';

interface Ev {
  readonly terminal: string;
  readonly org: string;
  readonly seq: number;
  readonly type: string;
  readonly at: number;
  readonly payload: unknown;
}

export function* projectActivity(budget: number, now: number): Program<ProjectionStep> {
  yield* lock(ACTIVITY_LOCK);
  const pending = yield* all(PROJECTION_SQL.pendingTerminals, ['activity']);
  let left = budget;
  const totals = { events: 0, lines: 0, malformed: 0 };
  for (const t of pending) {
    if (left <= 0) return { ...totals, done: false };
    const want = left;
    const rows = yield* all(PROJECTION_SQL.activityEvents, [str(t.terminal), num(t.mark), num(t.acked_seq), want]);
    left -= rows.length;
    for (const r of rows) {
      const problem = yield* projectEvent(toEv(t, r));
      if (problem !== null) {
        totals.malformed += 1;
        yield* recordAnomalies([{ terminal: str(t.terminal), org: str(t.org), kind: 'malformed-event', seq: num(r.seq), fingerprint: 'activity', detail: { type: str(r.type), issue: problem }, detectedAt: now }]);
      }
    }
    yield* run(PROJECTION_SQL.setMark, ['activity', str(t.terminal), rows.length < want ? num(t.acked_seq) : num(rows.at(-1)?.seq)]);
    totals.events += rows.length;
  }
  return { ...totals, done: true };
}

function toEv(t: Raw, r: Raw): Ev {
  return { terminal: str(t.terminal), org: str(t.org), seq: num(r.seq), type: str(r.type), at: num(r.at), payload: json(r.payload) };
}

/** One event into its tables; the parse problem of a malformed payload, or null. */
function* projectEvent(e: Ev): Program<string | null> {
  switch (e.type) {
    case 'intent':
      return yield* onIntent(e);
    case 'commit':
    case 'abort':
      return yield* onResolution(e);
    case 'denylist-applied': {
      const p = denylistAppliedSchema.safeParse(e.payload);
      if (!p.success) return firstIssue(p.error);
      yield* insertRows({ table: 'denylist_applied', columns: ['terminal', 'seq', 'version', 'at'], rows: [[e.terminal, e.seq, p.data.version, e.at]], onConflict: '(terminal, seq) DO NOTHING' });
      return null;
    }
    default:
      return yield* onPassage(e);
  }
}

function* onIntent(e: Ev): Program<string | null> {
  const p = intentSchema.safeParse(e.payload);
  if (!p.success) return firstIssue(p.error);
  const i = p.data;
  const serial = i.context?.['grantSerial'];
  const rideId = i.context?.['rideId'];
  const row = [
    e.terminal, e.seq, e.org, i.cardId, i.programmeId, typeof serial === 'number' ? serial : null, i.fromSeq, i.toSeq, i.units,
    usedIn(i.slotImage), e.at, typeof rideId === 'string' ? rideId : null, 'open',
  ];
  yield* insertRows({ table: 'card_writes', columns: CARD_WRITE_COLUMNS, rows: [row], onConflict: '(terminal, intent_seq) DO NOTHING' });
  yield* run(ACTIVITY_SQL.markDirty, [i.cardId]);
  return null;
}

function* onResolution(e: Ev): Program<string | null> {
  const p = resolutionSchema.safeParse(e.payload);
  if (!p.success) return firstIssue(p.error);
  const status = e.type === 'commit' ? 'committed' : 'aborted';
  yield* run(ACTIVITY_SQL.resolveWrite, [status, e.seq, e.at, e.terminal, p.data.intentId, 'open']);
  if (status === 'aborted') return null;
  const write = yield* get(ACTIVITY_SQL.writeOfIntent, [e.terminal, p.data.intentId]);
  const kind = typeof write?.ride_id === 'string' ? 'taxi' : 'value';
  yield* insertRows({ table: 'card_uses', columns: CARD_USE_COLUMNS, rows: [[e.terminal, e.seq, e.org, p.data.cardId, kind, e.at]], onConflict: '(terminal, seq) DO NOTHING' });
  yield* run(ACTIVITY_SQL.markDirty, [p.data.cardId]);
  return null;
}

function* onPassage(e: Ev): Program<string | null> {
  const p = passageSchema.safeParse(e.payload);
  if (!p.success) return firstIssue(p.error);
  const g = p.data;
  yield* insertRows({ table: 'gate_passages', columns: PASSAGE_COLUMNS, rows: [[e.terminal, e.seq, g.door, g.direction, g.holder, g.cardId, g.at, jstDay(g.at)]], onConflict: '(terminal, seq) DO NOTHING' });
  // A passage that took no value wrote nothing to the card: its use is the passage itself.
  if (g.intentId === null || g.intentId === undefined) {
    yield* insertRows({ table: 'card_uses', columns: CARD_USE_COLUMNS, rows: [[e.terminal, e.seq, e.org, g.cardId, 'gate', g.at]], onConflict: '(terminal, seq) DO NOTHING' });
  }
  return null;
}

/** Units used after the write, from the slot image the intent carries; null when it cannot be read. */
function usedIn(slotImage: string | undefined): number | null {
  if (slotImage === undefined || slotImage.length === 0) return null;
  try {
    const slot = decodeSlot(Uint8Array.from(Buffer.from(slotImage, 'hex')));
    return slot.kind === 'written' ? slot.state.used : null;
  } catch {
    return null;
  }
}
