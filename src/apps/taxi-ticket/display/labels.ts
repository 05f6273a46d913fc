/**
 * Every fixed text of the driver display, Japanese and English. The page renders the static
 * ones and hands the whole table to the client script, so nothing is worded twice.
 * `{n}` stands for a number the script fills in (already formatted, e.g. "¥2,400").
 */
import type { Message } from '../reasons.js';

export const DISPLAY_TEXT = {
  title: { ja: '乗車端末', en: 'Taxi terminal' },
  ok: { ja: '承認', en: 'OK' },
  ng: { ja: '利用不可', en: 'NG' },
  again: { ja: 'もう一度カードをかざしてください', en: 'Hold the card again' },
  idle: { ja: '運賃を入力して乗車開始', en: 'Enter the fare, then start the ride' },
  waiting: { ja: 'カードをかざしてください', en: 'Hold the card to the reader' },
  enterFare: { ja: '運賃を入力してください', en: 'Type the fare first' },
  refused: { ja: '操作できません', en: 'Not done' },
  unreachable: { ja: '端末に接続できません', en: 'Cannot reach the terminal' },
  collect: { ja: '現金 {n} を受け取ってください', en: 'Collect {n} in cash' },
  cancelled: { ja: '乗車を取り消しました', en: 'The ride was cancelled' },
  fareCorrected: { ja: '運賃を {n} に訂正しました', en: 'Fare corrected to {n}' },
  subsidy: { ja: '助成 {n}', en: 'Subsidy {n}' },
  confirmedEarlier: { ja: '前回の利用を確認しました', en: 'Earlier tap confirmed; nothing new taken' },
  leftCoupons: { ja: '残り {n}回', en: '{n} rides left' },
  leftYen: { ja: '残り {n}', en: '{n} left' },
  leftToday: { ja: '本日あと {n}回', en: '{n} more today' },
  leftMonthCoupons: { ja: '今月あと {n}回', en: '{n} more this month' },
  leftMonthYen: { ja: '今月 残り {n}', en: '{n} left this month' },
  fare: { ja: '運賃', en: 'Fare' },
  riders: { ja: '利用者', en: 'Riders' },
  noRiders: { ja: 'まだ利用者はいません', en: 'No rider has tapped yet' },
  totalSubsidy: { ja: '助成合計', en: 'Total subsidy' },
  cash: { ja: '現金', en: 'Cash' },
  rideNone: { ja: '乗車なし', en: 'No ride' },
  rideOpen: { ja: '乗車中', en: 'Ride open' },
  rideClosed: { ja: '精算済み', en: 'Settled' },
  rideCancelled: { ja: '取消済み', en: 'Cancelled' },
  fareInput: { ja: '運賃入力', en: 'Fare entry' },
  keypad: { ja: 'テンキー', en: 'Keypad' },
  clear: { ja: 'クリア', en: 'Clear' },
  backspace: { ja: '1字消す', en: 'Delete' },
  open: { ja: '乗車開始', en: 'Start ride' },
  close: { ja: '降車・精算', en: 'Drop off' },
  cancel: { ja: '取消', en: 'Cancel ride' },
  correct: { ja: '運賃訂正', en: 'Correct fare' },
  readerReady: { ja: 'リーダー接続', en: 'Reader ready' },
  readerMissing: { ja: 'リーダー未接続', en: 'No reader' },
  backlog: { ja: '未送信 {n}件', en: '{n} unsent' },
  online: { ja: 'オンライン', en: 'Online' },
  offline: { ja: 'オフライン', en: 'Offline' },
  linkLost: { ja: '端末と再接続中', en: 'Reconnecting' },
  tokenPrompt: { ja: '端末のトークンを入力してください', en: 'Enter the terminal token' },
  tokenWrong: { ja: 'トークンが違います。もう一度入力してください', en: 'The token was refused; enter it again' },
  save: { ja: '保存', en: 'Save' },
  emulator: { ja: '仮想カード（エミュレーター）', en: 'Virtual cards (emulator)' },
  holdCard: { ja: 'カードをかざす', en: 'Hold to reader' },
  noCards: { ja: '仮想カードがありません', en: 'No virtual cards' },
} as const satisfies Readonly<Record<string, Message>>;

export type DisplayTextKey = keyof typeof DISPLAY_TEXT;
