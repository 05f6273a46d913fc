/**
 * The audit log, newest first, filtered by who, what and when; 100 rows a page. Read only.
 */
import type { AuditRow } from '../audit.js';
import type { WebCore } from '../context.js';
import { formatTime, isDay } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { bi } from '../layout.js';
import { respond } from '../respond.js';

const PAGE = 100;
const DAY_MS = 86_400_000;

export const ACTION_NAMES: Readonly<Record<string, string>> = {
  login: 'ログイン',
  logout: 'ログアウト',
  'refused.csrf': '拒否(CSRF)',
  'refused.role': '拒否(権限)',
  'account.create': 'アカウント作成',
  'account.role': '役割の変更',
  'account.deactivate': 'アカウント停止',
  'account.activate': 'アカウント再開',
  'account.reset-password': 'パスワード再発行',
  'account.password': 'パスワード変更',
  'card.issue-order': '交付の依頼',
  'card.issue-cancel': '交付の取消',
  'resident.create': '住民の登録',
  'card.revoke': 'カード失効',
  'card.search': 'カード・住民検索',
  'resident.view': '住民情報の閲覧',
  'anomaly.acknowledge': '異常の確認',
  'month.close': '月締め',
  'payments.csv': '支払CSV出力',
  'payments.detail-csv': '明細CSV出力',
  'statement.view': '明細書の表示',
  'attendance.csv': '勤怠CSV出力',
  'resident.update': '住民情報の変更',
  'registry.company': '事業者の登録',
  'registry.terminal': '端末の登録',
  'keys.rotate': '署名鍵の切替',
  'keys.publish': '公開鍵の配信',
};

const OUTCOME: Record<string, Html> = {
  ok: h`<span class="badge ok">成功</span>`,
  refused: h`<span class="badge ng">拒否</span>`,
  failed: h`<span class="badge warn">失敗</span>`,
};

function detailText(detail: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(detail);
  return entries.length === 0 ? '' : entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

function rowsTable(rows: readonly AuditRow[]): Html {
  if (rows.length === 0) return h`<p class="muted">該当する記録はありません。<span class="en" lang="en">No entries.</span></p>`;
  return h`<div class="table-wrap"><table>
<thead><tr><th>日時</th><th>職員</th><th>役割</th><th>操作</th><th>対象</th><th>結果</th><th>詳細</th><th>接続元</th></tr></thead>
<tbody>${rows.map(
    (r) => h`<tr><td>${formatTime(r.at)}</td><td>${r.actor}</td><td>${r.role}</td>
<td>${ACTION_NAMES[r.action] ?? r.action} <span class="muted">${r.action}</span></td><td>${r.target}</td><td>${OUTCOME[r.outcome] ?? r.outcome}</td>
<td>${detailText(r.detail)}</td><td>${r.ip}</td></tr>`,
  )}</tbody></table></div>`;
}

export function addAuditRoutes(router: Router, core: WebCore): void {
  router.page('/audit', 'audit.view', async (c) => {
    const q = c.req.query();
    const from = isDay(q.from) ? Date.parse(`${q.from}T00:00:00+09:00`) : undefined;
    const to = isDay(q.to) ? Date.parse(`${q.to}T00:00:00+09:00`) + DAY_MS : undefined;
    const before = q.before !== undefined && /^\d{1,15}$/.test(q.before) ? Number(q.before) : undefined;
    const rows = await core.staff.audit.list({ actor: q.actor || undefined, action: q.action || undefined, from, to, beforeId: before, limit: PAGE });
    const last = rows.at(-1);
    const params = new URLSearchParams({ actor: q.actor ?? '', action: q.action ?? '', from: q.from ?? '', to: q.to ?? '' });
    if (last) params.set('before', String(last.id));
    return respond(core, c, {
      title: '監査ログ',
      titleEn: 'Audit log',
      body: h`<p class="muted">職員が行ったすべての操作の記録です。記録は追記のみで、誰も変更・削除できません。</p>
<form method="get" action="/audit" class="inline">
  <label>${bi('職員', 'User')}<input name="actor" value="${q.actor ?? ''}" size="12"></label>
  <label>${bi('操作', 'Action')}<select name="action"><option value="">すべて</option>${Object.entries(ACTION_NAMES).map(
    ([k, v]) => h`<option value="${k}"${q.action === k ? h` selected` : ''}>${v}</option>`,
  )}</select></label>
  <label>${bi('開始日', 'From')}<input type="date" name="from" value="${q.from ?? ''}"></label>
  <label>${bi('終了日', 'To')}<input type="date" name="to" value="${q.to ?? ''}"></label>
  <button type="submit">絞り込み <span class="en" lang="en">Filter</span></button>
</form>
${rowsTable(rows)}
${rows.length === PAGE ? h`<p><a href="/audit?${params.toString()}">さらに古い記録 <span class="en" lang="en">Older</span></a></p>` : ''}`,
    });
  });
}
