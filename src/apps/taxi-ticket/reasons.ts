/**
 * Why a tap or a ride operation was refused, as codes for machines and messages for people:
 * Japanese first (the driver display shows it large), English beside it.
 */

/** Why a tap took nothing from the card. */
export type TapRejection =
  | 'no-ride'
  | 'disk-full'
  | 'unreadable'
  | 'forged'
  | 'revoked'
  | 'unknown-programme'
  | 'already-in-ride'
  | 'not-yet-valid'
  | 'expired'
  | 'exhausted'
  | 'daily-limit'
  | 'monthly-limit'
  | 'fare-too-low';

/** Why a ride operation (open, tap, close, cancel, correct, void) was refused. */
export type RideRefusal =
  | 'invalid-fare'
  | 'ride-not-open'
  | 'ride-cancelled'
  | 'ride-has-taps'
  | 'already-in-ride'
  | 'not-in-ride'
  | 'fare-unchanged';

export type ReasonCode = TapRejection | RideRefusal;

export interface Message {
  readonly ja: string;
  readonly en: string;
}

const MESSAGES: Readonly<Record<ReasonCode, Message>> = {
  'no-ride': { ja: '乗車が開始されていません', en: 'No ride is open' },
  'disk-full': {
    ja: '記録を保存できないため受け付けできません',
    en: 'The terminal cannot save a record; no tap is taken',
  },
  unreadable: { ja: 'カードを読み取れませんでした。もう一度かざしてください', en: 'The card could not be read; hold it again' },
  forged: { ja: 'このカードは利用できません（不正なデータ）', en: 'This card cannot be used (data failed verification)' },
  revoked: { ja: 'このカードは利用停止されています', en: 'This card has been revoked' },
  'unknown-programme': { ja: 'この車両では利用できない制度です', en: 'This programme is not accepted in this taxi' },
  'already-in-ride': { ja: 'このカードはこの乗車で利用済みです', en: 'This card has already been used for this ride' },
  'not-yet-valid': { ja: '利用期間の開始前です', en: 'The grant is not valid yet' },
  expired: { ja: '利用期間が終了しています', en: 'The grant has expired' },
  exhausted: { ja: '利用できる残りがありません', en: 'The allowance is used up' },
  'daily-limit': { ja: '本日の利用回数の上限に達しています', en: "Today's limit of rides has been reached" },
  'monthly-limit': { ja: '今月の利用上限に達しています', en: "This month's limit has been reached" },
  'fare-too-low': { ja: 'この運賃では助成額がありません', en: 'The fare leaves no subsidy to give' },
  'invalid-fare': { ja: '運賃は1円以上の整数で入力してください', en: 'The fare must be a whole number of yen, at least ¥1' },
  'ride-not-open': { ja: 'この乗車は既に終了しています', en: 'This ride is no longer open' },
  'ride-cancelled': { ja: 'この乗車は取り消されています', en: 'This ride has been cancelled' },
  'ride-has-taps': {
    ja: '利用済みのカードがあるため取り消せません',
    en: 'A ride with accepted taps cannot be cancelled',
  },
  'not-in-ride': { ja: 'このカードはこの乗車で利用されていません', en: 'This card has not been used for this ride' },
  'fare-unchanged': { ja: '運賃が変わっていません', en: 'The fare is unchanged' },
};

/** The messages for a reason code. */
export function reasonMessage(code: ReasonCode): Message {
  return MESSAGES[code];
}

/** Every reason code, for tables and tests. */
export const REASON_CODES: readonly ReasonCode[] = Object.keys(MESSAGES) as ReasonCode[];
