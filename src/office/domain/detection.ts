/**
 * The detection pass: run after ingest and periodically. It reads the activity projection
 * (cards touched since the last pass, uses of revoked cards, open intents) and the terminal
 * table, applies the pure rules and stores what is new; a finding already stored is skipped.
 */
import { all, lock, num, numOrNull, run, str } from '../store/index.js';
import type { AnomalyKind, Program, Raw } from '../store/index.js';
import { ANOMALY_SQL } from '../store/sql-activity.js';
import { recordAnomalies } from './anomaly-queries.js';
import type { NewAnomaly } from './anomaly-queries.js';
import { findRevokedUse, findRewinds, findSeveralTaxis, silentTerminal, unresolvedIntent } from './anomaly-rules.js';
import type { AnomalyRules, CardUse, CardWrite, RevokedUse } from './anomaly-rules.js';
import { ACTIVITY_LOCK } from './projection-activity.js';

const DIRTY_CARDS_PER_PASS = 5_000;
/** Uses this long before a revocation are not checked against it: no terminal can have applied it then. */
const REVOKED_USE_LOOKBACK_MS = 24 * 3_600_000;

export function* detectionPass(rules: AnomalyRules, now: number): Program<Partial<Record<AnomalyKind, number>>> {
  yield* lock(ACTIVITY_LOCK);
  const found: NewAnomaly[] = [];
  for (const row of yield* all(ANOMALY_SQL.dirtyCards, [DIRTY_CARDS_PER_PASS])) {
    const cardId = str(row.card_id);
    found.push(...findRewinds((yield* all(ANOMALY_SQL.writesOfCard, [cardId])).map(toWrite), rules, now));
    found.push(...findSeveralTaxis((yield* all(ANOMALY_SQL.taxiUsesOfCard, [cardId])).map(toUse), rules, now));
    yield* run(ANOMALY_SQL.cleanCard, [cardId]);
  }
  found.push(...findRevokedUse(yield* revokedUses(), now));
  for (const w of yield* all(ANOMALY_SQL.unresolvedIntents, [now - rules.unresolvedAfterMs])) {
    found.push(unresolvedIntent({ terminal: str(w.terminal), intentSeq: num(w.intent_seq), org: str(w.org), cardId: str(w.card_id), programmeId: str(w.programme_id), units: num(w.units), at: num(w.at) }, now));
  }
  for (const t of yield* all(ANOMALY_SQL.silentTerminals, [now - rules.silentAfterMs])) {
    found.push(silentTerminal({ terminal: str(t.terminal), org: str(t.org), lastHeardAt: num(t.last_heard_at), online: t.online === null ? null : num(t.online) === 1 }, now));
  }
  const added: Partial<Record<AnomalyKind, number>> = {};
  for (const a of found) {
    const n = yield* recordAnomalies([a]);
    if (n > 0) added[a.kind] = (added[a.kind] ?? 0) + n;
  }
  return added;
}

function* revokedUses(): Program<RevokedUse[]> {
  const out: RevokedUse[] = [];
  for (const r of yield* all(ANOMALY_SQL.usesOfRevokedCards, [REVOKED_USE_LOOKBACK_MS])) {
    const applied = yield* all(ANOMALY_SQL.appliedVersionAt, [str(r.terminal), num(r.seq)]);
    out.push({ ...toUse(r), kind: str(r.kind), revokedVersion: num(r.revoked_version), reason: str(r.reason), appliedVersion: numOrNull(applied[0]?.version) });
  }
  return out;
}

function toWrite(r: Raw): CardWrite {
  return {
    terminal: str(r.terminal),
    intentSeq: num(r.intent_seq),
    org: str(r.org),
    cardId: str(r.card_id),
    programmeId: str(r.programme_id),
    grantSerial: numOrNull(r.grant_serial),
    fromSeq: num(r.from_seq),
    toSeq: num(r.to_seq),
    units: num(r.units),
    usedAfter: numOrNull(r.used_after),
    at: num(r.at),
  };
}

function toUse(r: Raw): CardUse {
  return { terminal: str(r.terminal), seq: num(r.seq), org: str(r.org), cardId: str(r.card_id), at: num(r.at) };
}
