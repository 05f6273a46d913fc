/**
 * Japanese (and English) names for the domain's codes, as staff read them.
 */
import type { AnomalyKind } from '../store/index.js';

type Label = { readonly ja: string; readonly en: string; readonly hint?: string };

export const ANOMALY_LABELS: Readonly<Record<AnomalyKind, Label>> = {
  'conflicting-duplicate': { ja: '内容の異なる重複', en: 'Conflicting duplicate', hint: '同じ端末・同じ番号で内容が違うイベントが届きました。端末の記録が改変された可能性があります。' },
  'chain-break': { ja: '記録の連鎖切れ', en: 'Chain break', hint: '端末の記録のハッシュ連鎖が途切れています。記録の改変や端末の入れ替えを確認してください。' },
  gap: { ja: '記録の欠落', en: 'Gap', hint: '端末の記録に抜けがあります。端末が後から送ってくるか確認してください。' },
  'org-mismatch': { ja: '所属の不一致', en: 'Organisation mismatch', hint: '登録と異なる組織名で端末から送信されました。' },
  'config-refused': { ja: '設定の受信拒否', en: 'Configuration refused', hint: '端末が配信した設定を受け付けませんでした。' },
  'denylist-refused': { ja: '失効リストの受信拒否', en: 'Deny-list refused', hint: '端末が失効リストを受け付けませんでした。' },
  'keys-refused': { ja: '鍵の受信拒否', en: 'Keys refused', hint: '端末が発行者の公開鍵を受け付けませんでした。' },
  'card-rewound': { ja: 'カード残量の巻き戻し', en: 'Card rewound', hint: 'カードの利用回数が減りました。カードの複製や書き戻しの疑いがあります。' },
  'revoked-card-used': { ja: '失効カードの利用', en: 'Revoked card used', hint: '失効リストを適用済みの端末で、失効したカードが使われました。' },
  'intent-unresolved': { ja: '書き込み未確定', en: 'Card write unresolved', hint: '端末でカードへの書き込みが確定しないまま残っています。' },
  'terminal-silent': { ja: '端末の無応答', en: 'Terminal silent', hint: '一定時間、端末から何も届いていません。電源や通信を確認してください。' },
  'card-in-several-taxis': { ja: '短時間に複数台で利用', en: 'One card in several taxis', hint: '同じカードが数分のうちに複数の車両で使われました。' },
  'malformed-event': { ja: '読めないイベント', en: 'Malformed event', hint: '端末から届いたイベントの内容を解釈できませんでした。' },
};

export function anomalyLabel(kind: string): Label {
  return (ANOMALY_LABELS as Record<string, Label>)[kind] ?? { ja: kind, en: kind };
}

export const ISSUE_KIND_LABELS: Readonly<Record<string, Label>> = {
  new: { ja: '新規交付', en: 'New grant' },
  renewal: { ja: '年度更新', en: 'Yearly renewal' },
  'top-up': { ja: '追加交付', en: 'Top-up' },
  reissue: { ja: '再交付(カード交換)', en: 'Reissue to a new card' },
};

export const REVOKE_REASON_LABELS: Readonly<Record<string, Label>> = {
  lost: { ja: '紛失', en: 'Lost' },
  deceased: { ja: '死亡', en: 'Deceased' },
  'moved-away': { ja: '転出', en: 'Moved away' },
  'details-changed': { ja: '記載事項の変更', en: 'Details changed' },
  suspended: { ja: '一時停止', en: 'Suspended' },
  other: { ja: 'その他', en: 'Other' },
};

export const ORDER_STATUS_LABELS: Readonly<Record<string, Label & { badge: string }>> = {
  waiting: { ja: 'カード待ち', en: 'Waiting for the card', badge: 'warn' },
  signed: { ja: '署名済み・書き込み中', en: 'Signed, writing', badge: 'warn' },
  written: { ja: '書き込み完了', en: 'Written', badge: 'ok' },
  cancelled: { ja: '取消', en: 'Cancelled', badge: 'muted' },
};

export const TERMINAL_KIND_LABELS: Readonly<Record<string, string>> = { taxi: 'タクシー', gate: 'ゲート', counter: '窓口' };

export const LINE_KIND_LABELS: Readonly<Record<string, string>> = { ride: '乗車', correction: '運賃訂正', void: '取消' };
