/**
 * Fault injection for the emulated card. APDU indexes count the APDUs that reach the card
 * since the plan was set, from 0: `garbleAt: 0` garbles the very next answer, and
 * `tearAfterApdus: 2` lets two APDUs through and tears on the third. Every tear and every
 * indexed fault fires once; `delayMs` applies to every APDU while the plan is set.
 */
export interface FaultPlan {
  /** Process this many more APDUs normally; the next one finds the card gone (nothing executed). */
  tearAfterApdus?: number;
  /** The next UPDATE BINARY that passes its checks writes only its first N data bytes, then the card is gone. */
  tearAfterBytes?: number;
  /** The next command executes fully but its response is lost: the card is gone. */
  tearBeforeResponse?: boolean;
  /** Index of the APDU whose response is replaced by random bytes of the same length (the command executes). */
  garbleAt?: number;
  /** Index of the APDU whose response is cut to `truncateTo` bytes (the command executes). */
  truncateAt?: number;
  /** Length of a truncated response: 0 or 1 (default 1), so that it has no status word. */
  truncateTo?: 0 | 1;
  /** Answer this status word at this APDU index instead of executing the command. */
  statusWordAt?: { apdu: number; sw: number };
  /** Milliseconds to wait before answering each APDU. */
  delayMs?: number;
}

/** A plan being played: what is still armed, and how many APDUs it has seen. */
export interface FaultState {
  readonly plan: FaultPlan;
  index: number;
}

/** What to do with the APDU that just arrived, before it executes. */
export interface ApduFaults {
  readonly index: number;
  readonly delayMs: number;
  /** The card is gone before this APDU: execute nothing. */
  readonly tear: boolean;
  /** Answer this instead of executing, or null. */
  readonly statusWord: number | null;
}

export function armFaults(plan: FaultPlan | null): FaultState | null {
  if (plan === null) return null;
  const counts = ['tearAfterApdus', 'tearAfterBytes', 'garbleAt', 'truncateAt', 'delayMs'] as const;
  for (const key of counts) {
    const v = plan[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`fault ${key} must be a non-negative integer, got ${v}`);
  }
  const sw = plan.statusWordAt;
  if (sw && (!Number.isInteger(sw.apdu) || sw.apdu < 0 || !Number.isInteger(sw.sw) || sw.sw < 0 || sw.sw > 0xffff)) {
    throw new RangeError(`fault statusWordAt must name an APDU index and a 16-bit status word`);
  }
  return { plan: structuredClone(plan), index: 0 };
}

export function beginApdu(state: FaultState): ApduFaults {
  const index = state.index++;
  const { plan } = state;
  const tear = plan.tearAfterApdus !== undefined && index >= plan.tearAfterApdus;
  if (tear) delete plan.tearAfterApdus;
  const statusWord = plan.statusWordAt?.apdu === index ? plan.statusWordAt.sw : null;
  return { index, delayMs: plan.delayMs ?? 0, tear, statusWord };
}

/** Consumes `tearAfterBytes`: how many bytes the write now in progress may land, or null for all. */
export function takeWriteLimit(state: FaultState | null): number | null {
  const limit = state?.plan.tearAfterBytes;
  if (state === null || limit === undefined) return null;
  delete state.plan.tearAfterBytes;
  return limit;
}

export function takeTearBeforeResponse(state: FaultState | null): boolean {
  if (!state?.plan.tearBeforeResponse) return false;
  delete state.plan.tearBeforeResponse;
  return true;
}

/** Applies `garbleAt` and `truncateAt` to the answer of APDU `index`. */
export function distortResponse(
  state: FaultState | null,
  index: number,
  response: Uint8Array,
  random: (n: number) => Uint8Array,
): Uint8Array {
  if (state === null) return response;
  let out = response;
  if (state.plan.garbleAt === index) out = random(out.length).slice(0, out.length);
  if (state.plan.truncateAt === index) out = out.slice(0, Math.min(out.length, state.plan.truncateTo ?? 1));
  return out;
}
