/**
 * Month close: the runs per month with their totals; a supervisor closes a month after a
 * confirmation page (the figures to be frozen, and a check that they are reproducible from
 * the raw events). A closed month is locked; what arrives later counts in the next run.
 */
import type { ClearingService } from '../../domain/clearing.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { WebError } from '../errors.js';
import { formatMonth, formatTime, isMonth, thisMonth } from '../format.js';
import type { Router } from '../guard.js';
import { count, h, yen } from '../html.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, formField, respond } from '../respond.js';
import { can } from '../staff/roles.js';

function monthParam(c: WebContext): string {
  const month = c.req.param('month');
  if (!isMonth(month)) throw new WebError(404, { ja: 'その月は見つかりません。', en: 'No such month.' });
  return month;
}

export function addMonthRoutes(router: Router, core: WebCore, deps: { clearing: ClearingService }): void {
  const { clearing } = deps;

  router.page('/months', 'months.view', async (c) => {
    const months = await clearing.months();
    const staff = c.get('staff');
    const mayClose = staff !== undefined && can(staff.role, 'months.close');
    const current = thisMonth(core.now());
    const done = c.req.query('closed');
    return respond(core, c, {
      title: '月締め',
      titleEn: 'Month close',
      body: h`${done && isMonth(done) ? h`<div class="notice ok" role="status">${formatMonth(done)}を締めました。</div>` : ''}
<p class="muted">月締めをすると、その月の精算額が確定し変更できなくなります。締めた後に届いた記録は翌月分(遅延計上)になります。古い月から順に締めてください。</p>
<div class="table-wrap"><table><thead><tr><th>対象月</th><th>状態</th><th class="num">事業者数</th><th class="num">乗車回数</th><th class="num">助成額</th><th class="num">遅延計上</th><th>操作</th></tr></thead>
<tbody>${months.map(
        (m) => h`<tr><td><a href="/companies?month=${m.month}">${formatMonth(m.month)}</a></td>
<td>${m.status === 'closed' ? h`<span class="badge ok">確定</span>` : h`<span class="badge warn">未確定</span>`}</td>
<td class="num">${count(m.companies)}</td><td class="num">${count(m.total.rides)}</td><td class="num">${yen(m.total.subsidyYen)}</td>
<td class="num">${m.total.lateItems ? `${count(m.total.lateItems)}件` : '—'}</td>
<td>${m.status === 'open' && mayClose && m.month < current ? h`<a class="button" href="/months/${m.month}/close">締める…</a>` : m.status === 'closed' ? h`<a href="/months/${m.month}/verify">再計算で確認</a>` : ''}</td></tr>`,
      )}${months.length === 0 ? h`<tr><td colspan="7" class="muted">まだ精算対象の記録がありません。</td></tr>` : ''}</tbody></table></div>`,
    });
  });

  router.page('/months/:month/close', 'months.close', async (c) => {
    const month = monthParam(c);
    const [run, check] = await Promise.all([clearing.run(month), clearing.verify(month)]);
    if (run.status === 'closed') throw new WebError(409, { ja: `${formatMonth(month)}は締め済みです。`, en: 'This month is closed already.' });
    return respond(core, c, {
      title: `${formatMonth(month)}の月締め`,
      titleEn: `Close ${month}`,
      body: h`<div class="notice warn" role="alert">締めると${formatMonth(month)}の精算額(${run.companies.length}事業者、乗車 ${count(run.total.rides)}回、助成 ${yen(run.total.subsidyYen)})が確定し、取り消せません。</div>
<p>${check.ok ? h`<span class="badge ok">再計算一致</span> 生の記録から再計算した値と一致しています。` : h`<span class="badge ng">不一致</span> 再計算した値と ${check.differences.length} か所異なります。締める前にシステム担当へ連絡してください。`}</p>
<form method="post" action="/months/${month}/close" class="stack" data-confirm="${formatMonth(month)}を締めます。よろしいですか?">${csrfField(csrfOf(c))}
  <label><span><input type="checkbox" name="confirm" value="yes" required> ${formatMonth(month)}の精算額を確定します</span></label>
  <button type="submit" class="danger">月締めを実行 <span class="en" lang="en">Close the month</span></button>
</form>
<p><a href="/months">戻る</a></p>`,
    });
  });

  router.action('/months/:month/close', 'months.close', async (c) => {
    const month = monthParam(c);
    if ((await formField(c, 'confirm')) !== 'yes') throw new WebError(400, { ja: '確認欄にチェックを入れてください。', en: 'Tick the confirmation box.' });
    const outcome = await clearing.close(month, c.get('staff')?.username ?? '-');
    await audit(core, c, 'month.close', month, { outcome: outcome.kind, ...(outcome.kind === 'closed' ? { digest: outcome.digest, lines: outcome.lines } : {}) }, outcome.kind === 'closed' ? 'ok' : 'failed');
    switch (outcome.kind) {
      case 'closed':
        return c.redirect(`/months?closed=${month}`, 303);
      case 'already-closed':
        throw new WebError(409, { ja: `${formatMonth(month)}は ${formatTime(outcome.closedAt)} に ${outcome.closedBy} が締めています。`, en: 'Closed already.' });
      case 'not-ended':
        throw new WebError(409, { ja: `${formatMonth(month)}はまだ終わっていません(${formatTime(outcome.endsAt)} 以降に締められます)。`, en: 'The month has not ended.' });
      case 'earlier-month-open':
        throw new WebError(409, { ja: `先に ${outcome.open.map(formatMonth).join('、')} を締めてください。`, en: 'Close the earlier months first.' });
    }
  });

  router.page('/months/:month/verify', 'months.view', async (c) => {
    const month = monthParam(c);
    const check = await clearing.verify(month);
    return respond(core, c, {
      title: `${formatMonth(month)}の再計算`,
      titleEn: `Verify ${month}`,
      body: h`<p>${check.ok ? h`<span class="badge ok">一致</span> 生の記録から再計算した値が保存済みの値と一致しました。` : h`<span class="badge ng">不一致</span>`}</p>
${check.digestMatches === null ? '' : h`<p>締め時の記録ダイジェスト: ${check.digestMatches ? h`<span class="badge ok">一致</span>` : h`<span class="badge ng">不一致(記録が変更されています)</span>`}</p>`}
${check.differences.length > 0 ? h`<div class="table-wrap"><table><thead><tr><th>事業者</th><th>項目</th><th class="num">再計算</th><th class="num">保存値</th></tr></thead><tbody>${check.differences.map(
        (d) => h`<tr><td>${d.company}</td><td>${d.field}</td><td class="num">${count(d.expected)}</td><td class="num">${count(d.found)}</td></tr>`,
      )}</tbody></table></div>` : ''}
<p>${bi('再計算した事業者数', 'Companies recomputed')}: ${check.recomputed.length}</p><p><a href="/months">戻る</a></p>`,
    });
  });
}
