/**
 * The decoded records of our free-area application. Byte layouts are in
 * `docs/card-format.md` and coded in `codec.ts`; these are the shapes the rest of the
 * system works with. Dates are Japan-time calendar days written `YYYY-MM-DD`, months `YYYY-MM`.
 */

/** Unit of a grant's amount. */
export type GrantUnit = 'coupon' | 'yen' | 'entry';

/** Programme identity: 全国地方公共団体コード (6 digits with check digit) and a programme number. */
export interface ProgrammeId {
  readonly municipality: number;
  readonly number: number;
}

/** Card header: written once, when the application is installed on the card. */
export interface CardHeader {
  readonly formatVersion: number;
  /** Random application card ID, hex, upper case. The only identity the system knows. */
  readonly cardId: string;
  /** Number of programme areas laid out after the header. */
  readonly programmeCount: number;
}

/** The issuer-signed statement of what one programme grants this card. */
export interface Grant {
  readonly formatVersion: number;
  readonly cardId: string;
  readonly programme: ProgrammeId;
  readonly unit: GrantUnit;
  /** Total units granted over the validity period. */
  readonly amount: number;
  /** First valid day, inclusive (Japan time). */
  readonly validFrom: string;
  /** Last valid day, inclusive (Japan time). */
  readonly validUntil: string;
  /** Period rules carried by the grant; 0 means no such limit. */
  readonly dailyUses: number;
  readonly monthlyUnits: number;
  /** Version of the issuer's Ed25519 key that signed it. */
  readonly keyVersion: number;
  /** Issuer's serial; a renewal or top-up gets a higher one. */
  readonly serial: number;
  /** App-specific extension (the gate grant puts its access rights here); may be empty. */
  readonly ext: Uint8Array;
}

/** One value-state slot (A or B) as the card holds it, its MAC already checked. */
export interface SlotState {
  readonly seq: number;
  /** Units used under the grant so far. */
  readonly used: number;
  /** Day of the last use and how many uses that day (for daily limits). */
  readonly day: string | null;
  readonly dayUses: number;
  /** Month of the last use and the units used that month (for monthly budgets). */
  readonly month: string | null;
  readonly monthUnits: number;
  /** Terminal number that wrote the slot, and when (Unix seconds). */
  readonly lastTerminal: number;
  readonly time: number;
  /** Version of the MAC key the slot was written under. */
  readonly macKeyVersion: number;
}
