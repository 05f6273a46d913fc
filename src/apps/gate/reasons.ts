/**
 * Why the gate refused a card, as a stable code (journal, office, API) and as a message for the
 * person at the door, in Japanese and English.
 */

export const REFUSAL_REASONS = [
  'unreadable',
  'forged',
  'unknown-programme',
  'revoked',
  'not-yet-valid',
  'expired',
  'wrong-zone',
  'outside-schedule',
  'entries-used-up',
  'anti-passback',
  'disk-full',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface Message {
  readonly ja: string;
  readonly en: string;
}

export const REFUSAL_MESSAGES: Readonly<Record<RefusalReason, Message>> = {
  unreadable: {
    ja: 'カードを読み取れませんでした。もう一度タッチしてください。',
    en: 'The card could not be read. Please touch it again.',
  },
  forged: {
    ja: 'このカードは使用できません。受付にお越しください。',
    en: 'This card cannot be used. Please go to the reception desk.',
  },
  'unknown-programme': {
    ja: 'このカードにはこの建物の入館証がありません。',
    en: 'This card carries no pass for this building.',
  },
  revoked: {
    ja: 'このカードは無効になっています。受付にお越しください。',
    en: 'This card has been revoked. Please go to the reception desk.',
  },
  'not-yet-valid': {
    ja: '入館証の有効期間はまだ始まっていません。',
    en: 'The pass is not valid yet.',
  },
  expired: {
    ja: '入館証の有効期限が切れています。',
    en: 'The pass has expired.',
  },
  'wrong-zone': {
    ja: 'この扉を通行する権限がありません。',
    en: 'The pass does not open this door.',
  },
  'outside-schedule': {
    ja: '現在は通行できない時間帯です。',
    en: 'The pass does not open this door at this time.',
  },
  'entries-used-up': {
    ja: '入館回数の上限に達しました。受付にお越しください。',
    en: 'All entries on this visitor pass have been used. Please go to the reception desk.',
  },
  'anti-passback': {
    ja: '入館・退館の記録が一致しません。前回の通行を確認してください。',
    en: 'Entry and exit records do not match. Please check your last passage.',
  },
  'disk-full': {
    ja: '現在この端末は通行を記録できません。係員にお知らせください。',
    en: 'This terminal cannot record passages right now. Please tell a member of staff.',
  },
};

export function refusalMessage(reason: RefusalReason): Message {
  return REFUSAL_MESSAGES[reason];
}

/** Shown when a visitor's card write may not have landed: the next tap settles it and never takes twice. */
export const TAP_AGAIN_MESSAGE: Message = { ja: 'もう一度カードをかざしてください。', en: 'Please touch the card to the reader again.' };
