/**
 * Anomaly rules as functions of projected rows (docs/office.md, "Anomalies"). Each finding
 * carries a fingerprint, so a detection pass that finds it again stores nothing new.
 */
import type { NewAnomaly } from './anomaly-queries.js';

export interface AnomalyRules {
  /** A terminal not heard from for this long is flagged (default 24 h). */
  readonly silentAfterMs: number;
  /** An intent with neither commit nor abort for this long is flagged (default 24 h). */
  readonly unresolvedAfterMs: number;
  /** One card accepted by two different taxis within this time is flagged (default 5 min). */
  readonly severalTaxisWithinMs: number;
  /** Terminal clocks may disagree by this much before time order counts (default 5 min). */
  readonly clockToleranceMs: number;
}

export const DEFAULT_ANOMALY_RULES: AnomalyRules = {
  silentAfterMs: 24 * 3_600_000,
  unresolvedAfterMs: 24 * 3_600_000,
  severalTaxisWithinMs: 5 * 60_000,
  clockToleranceMs: 5 * 60_000,
};

export interface CardWrite {
  readonly terminal: string;
  readonly intentSeq: number;
  readonly org: string;
  readonly cardId: string;
  readonly programmeId: string;
  readonly grantSerial: number | null;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly units: number;
  readonly usedAfter: number | null;
  readonly at: number;
}

export interface CardUse {
  readonly terminal: string;
  readonly seq: number;
  readonly org: string;
  readonly cardId: string;
  readonly at: number;
}

type Reason = 'same-seq-written-twice' | 'seq-went-back' | 'used-went-down';

/**
 * A card's value state went back (a rewound or restored card image): within one grant, the
 * same slot seq written twice, a write starting below a seq already reached earlier in time,
 * or a write whose starting `used` is below what the previous seq had used.
 */
export function findRewinds(writes: readonly CardWrite[], rules: AnomalyRules, detectedAt: number): NewAnomaly[] {
  const groups = new Map<string, CardWrite[]>();
  for (const w of writes) {
    const key = `${w.programmeId}|${w.grantSerial ?? -1}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const found: NewAnomaly[] = [];
  for (const group of groups.values()) {
    const reasons = new Map<CardWrite, { reasons: Set<Reason>; earlier: CardWrite }>();
    const flag = (w: CardWrite, reason: Reason, earlier: CardWrite): void => {
      const entry = reasons.get(w) ?? { reasons: new Set<Reason>(), earlier };
      entry.reasons.add(reason);
      reasons.set(w, entry);
    };
    const byTime = [...group].sort((a, b) => a.at - b.at || a.terminal.localeCompare(b.terminal) || a.intentSeq - b.intentSeq);
    sameSeqTwice(byTime, flag);
    seqWentBack(byTime, rules.clockToleranceMs, flag);
    usedWentDown(byTime, flag);
    for (const [w, r] of reasons) found.push(rewound(w, [...r.reasons].sort(), r.earlier, detectedAt));
  }
  return found;
}

type Flag = (w: CardWrite, reason: Reason, earlier: CardWrite) => void;

function sameSeqTwice(byTime: readonly CardWrite[], flag: Flag): void {
  const first = new Map<number, CardWrite>();
  for (const w of byTime) {
    const earlier = first.get(w.toSeq);
    if (earlier === undefined) first.set(w.toSeq, w);
    else flag(w, 'same-seq-written-twice', earlier);
  }
}

function seqWentBack(byTime: readonly CardWrite[], toleranceMs: number, flag: Flag): void {
  let highest: CardWrite | undefined;
  for (const w of byTime) {
    if (highest !== undefined && w.fromSeq < highest.toSeq && w.at - highest.at > toleranceMs) flag(w, 'seq-went-back', highest);
    if (highest === undefined || w.toSeq > highest.toSeq) highest = w;
  }
}

function usedWentDown(byTime: readonly CardWrite[], flag: Flag): void {
  const bySeq = new Map<number, CardWrite>();
  for (const w of byTime) if (!bySeq.has(w.toSeq)) bySeq.set(w.toSeq, w);
  for (const w of byTime) {
    const previous = bySeq.get(w.fromSeq);
    if (previous === undefined || previous === w || previous.usedAfter === null || w.usedAfter === null) continue;
    if (w.usedAfter - w.units < previous.usedAfter) flag(w, 'used-went-down', previous);
  }
}

function rewound(w: CardWrite, reasons: Reason[], earlier: CardWrite, detectedAt: number): NewAnomaly {
  return {
    terminal: w.terminal,
    org: w.org,
    kind: 'card-rewound',
    seq: w.intentSeq,
    fingerprint: `${w.cardId}:${w.programmeId}:${w.grantSerial ?? -1}`,
    detail: {
      cardId: w.cardId, programmeId: w.programmeId, grantSerial: w.grantSerial, fromSeq: w.fromSeq, toSeq: w.toSeq, usedAfter: w.usedAfter, reasons,
      earlier: { terminal: earlier.terminal, intentSeq: earlier.intentSeq, toSeq: earlier.toSeq, usedAfter: earlier.usedAfter, at: earlier.at },
    },
    detectedAt,
  };
}

/** One card accepted by two different taxis closer in time than any real pair of rides. */
export function findSeveralTaxis(uses: readonly CardUse[], rules: AnomalyRules, detectedAt: number): NewAnomaly[] {
  const sorted = [...uses].sort((a, b) => a.at - b.at || a.terminal.localeCompare(b.terminal) || a.seq - b.seq);
  const found: NewAnomaly[] = [];
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1] as CardUse;
    const cur = sorted[i] as CardUse;
    if (prev.terminal === cur.terminal || cur.at - prev.at >= rules.severalTaxisWithinMs) continue;
    found.push({
      terminal: cur.terminal,
      org: cur.org,
      kind: 'card-in-several-taxis',
      seq: cur.seq,
      fingerprint: `${prev.terminal}:${prev.seq}`,
      detail: { cardId: cur.cardId, at: cur.at, previous: { terminal: prev.terminal, seq: prev.seq, at: prev.at }, apartMs: cur.at - prev.at },
      detectedAt,
    });
  }
  return found;
}

export interface RevokedUse extends CardUse {
  readonly kind: string;
  readonly revokedVersion: number;
  readonly reason: string;
  /** The deny-list version the terminal had applied before this event; null if none. */
  readonly appliedVersion: number | null;
}

/** A revoked card used on a terminal that had already applied the deny-list version revoking it. */
export function findRevokedUse(uses: readonly RevokedUse[], detectedAt: number): NewAnomaly[] {
  return uses
    .filter((u) => u.appliedVersion !== null && u.appliedVersion >= u.revokedVersion)
    .map((u) => ({
      terminal: u.terminal,
      org: u.org,
      kind: 'revoked-card-used' as const,
      seq: u.seq,
      fingerprint: `v${u.revokedVersion}`,
      detail: { cardId: u.cardId, use: u.kind, at: u.at, reason: u.reason, revokedInVersion: u.revokedVersion, terminalHadVersion: u.appliedVersion },
      detectedAt,
    }));
}

export function unresolvedIntent(w: { terminal: string; intentSeq: number; org: string; cardId: string; programmeId: string; units: number; at: number }, now: number): NewAnomaly {
  return {
    terminal: w.terminal,
    org: w.org,
    kind: 'intent-unresolved',
    seq: w.intentSeq,
    fingerprint: 'open',
    detail: { cardId: w.cardId, programmeId: w.programmeId, units: w.units, at: w.at, openForMs: now - w.at },
    detectedAt: now,
  };
}

export function silentTerminal(t: { terminal: string; org: string; lastHeardAt: number; online: boolean | null }, now: number): NewAnomaly {
  return {
    terminal: t.terminal,
    org: t.org,
    kind: 'terminal-silent',
    seq: 0,
    fingerprint: `since:${t.lastHeardAt}`,
    detail: { lastHeardAt: t.lastHeardAt, silentForMs: now - t.lastHeardAt, lastStatusOnline: t.online },
    detectedAt: now,
  };
}
