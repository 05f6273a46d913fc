/**
 * Clearing per taxi company and month: the run's figures with a chart per day, a printable
 * statement per company, the company's rides, and the payment and detail CSVs (UTF-8 with
 * a BOM, built by the domain). Downloads and statements are audited.
 */
import type { ClearingService, DayFigures, Statement } from '../../domain/clearing.js';
import type { Totals } from '../../domain/clearing-queries.js';
import { dailyChart } from '../charts.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { WebError } from '../errors.js';
import { daysOfMonth, formatMonth, formatTime, isMonth, thisMonth, today } from '../format.js';
import type { Router } from '../guard.js';
import { count, h, yen } from '../html.js';
import type { Html } from '../html.js';
import { LINE_KIND_LABELS } from '../labels.js';
import { bi } from '../layout.js';
import { respond } from '../respond.js';
import { fillDays } from './overview.js';

const RIDES_PAGE = 200;
const COMPANY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$|^\(unregistered\)$/;

export function monthOf(c: WebContext, now: number): string {
  const m = c.req.query('month');
  if (m === undefined || m === '') return thisMonth(now);
  if (!isMonth(m)) throw new WebError(400, { ja: `対象月「${m}」が正しくありません(例: 2025-04)。`, en: 'The month must look like 2025-04.' });
  return m;
}

function companyOf(c: WebContext): string {
  const company = c.req.param('company') ?? '';
  if (!COMPANY.test(company)) throw new WebError(404, { ja: 'その事業者は見つかりません。', en: 'No such company.' });
  return company;
}

function statusBadge(status: 'open' | 'closed'): Html {
  return status === 'closed' ? h`<span class="badge ok">確定</span>` : h`<span class="badge warn">未確定(集計中)</span>`;
}

function figureCells(t: Totals): Html {
  return h`<td class="num">${count(t.rides)}</td><td class="num">${count(t.riders)}</td><td class="num">${yen(t.subsidyYen)}</td>
<td class="num">${count(t.couponUnits)}</td><td class="num">${yen(t.yenUnits)}</td><td class="num">${yen(t.fareYen)}</td>
<td class="num">${t.lateItems ? h`${count(t.lateItems)}件 / ${yen(t.lateSubsidyYen)}` : '—'}</td>`;
}

const FIGURE_HEADS = h`<th class="num">乗車回数</th><th class="num">利用者数</th><th class="num">助成額</th><th class="num">利用券</th><th class="num">円単位利用</th><th class="num">運賃合計</th><th class="num">遅延計上</th>`;

function monthPicker(path: string, month: string): Html {
  return h`<form method="get" action="${path}" class="inline no-print"><label>${bi('対象月', 'Month')}<input type="month" name="month" value="${month}" required></label><button type="submit">表示</button></form>`;
}

export function addCompanyRoutes(router: Router, core: WebCore, deps: { clearing: ClearingService }): void {
  const { clearing } = deps;

  router.page('/companies', 'companies.view', async (c) => {
    const month = monthOf(c, core.now());
    const run = await clearing.run(month);
    const days = daysOfMonth(month);
    const figures: DayFigures[] = await clearing.daily(days[0] as string, days.at(-1) as string);
    return respond(core, c, {
      title: `事業者別精算 ${formatMonth(month)}`,
      titleEn: `Clearing by company, ${month}`,
      body: h`${monthPicker('/companies', month)}
<p>${statusBadge(run.status)} ${run.closedAt !== null ? h`${formatTime(run.closedAt)} に ${run.closedBy} が確定` : h`<span class="muted">月締め前の数値です。締めると確定し、以後に届いた記録は翌月分として計上されます。</span>`}</p>
<p class="no-print"><a class="button" href="/payments.csv?month=${month}" download>支払CSVをダウンロード <span class="en" lang="en">Payment CSV</span></a></p>
<div class="table-wrap"><table>
<thead><tr><th>事業者</th>${FIGURE_HEADS}<th class="no-print">明細</th></tr></thead>
<tbody>${run.companies.map(
        (co) => h`<tr><td><strong>${co.name}</strong><br><span class="muted">${co.company}</span></td>${figureCells(co)}
<td class="no-print"><a href="/companies/${encodeURIComponent(co.company)}/statement?month=${month}">明細書</a> · <a href="/companies/${encodeURIComponent(co.company)}/rides?month=${month}">乗車一覧</a></td></tr>`,
      )}
${run.companies.length === 0 ? h`<tr><td colspan="9" class="muted">この月の乗車はまだありません。</td></tr>` : ''}</tbody>
<tfoot><tr><th>合計</th>${figureCells(run.total)}<th class="no-print"></th></tr></tfoot></table></div>
<h2>${bi('日別の乗車回数と助成額', 'Rides and subsidy per day')}</h2>
${dailyChart(fillDays(days, figures), { title: `${formatMonth(month)} 日別の乗車回数と助成額`, until: today(core.now()) })}`,
    });
  });

  router.page('/payments.csv', 'payments.export', async (c) => {
    const month = monthOf(c, core.now());
    const csv = await clearing.paymentCsv(month);
    await audit(core, c, 'payments.csv', month);
    return csvResponse(csv, `payment-${month}.csv`);
  });

  router.page('/companies/:company/detail.csv', 'payments.export', async (c) => {
    const month = monthOf(c, core.now());
    const company = companyOf(c);
    const csv = await clearing.detailCsv(month, company);
    await audit(core, c, 'payments.detail-csv', `${company} ${month}`);
    return csvResponse(csv, `rides-${company}-${month}.csv`);
  });

  router.page('/companies/:company/statement', 'companies.view', async (c) => {
    const month = monthOf(c, core.now());
    const statement = await clearing.statement(month, companyOf(c));
    await audit(core, c, 'statement.view', `${statement.company} ${month}`);
    return respond(core, c, { title: '精算明細書', titleEn: 'Statement', body: statementBody(statement) });
  });

  router.page('/companies/:company/rides', 'companies.view', async (c) => {
    const month = monthOf(c, core.now());
    const company = companyOf(c);
    const page = Math.max(0, Number.parseInt(c.req.query('page') ?? '0', 10) || 0);
    const items = await clearing.rides(month, company, { limit: RIDES_PAGE, offset: page * RIDES_PAGE });
    const link = (p: number) => `/companies/${encodeURIComponent(company)}/rides?month=${month}&page=${p}`;
    return respond(core, c, {
      title: `乗車一覧 ${company} ${formatMonth(month)}`,
      titleEn: 'Rides',
      body: h`<p><a href="/companies/${encodeURIComponent(company)}/detail.csv?month=${month}" download>明細CSVをダウンロード</a> · <a href="/companies?month=${month}">事業者一覧へ</a></p>
<div class="table-wrap"><table><thead><tr><th>利用日時</th><th>区分</th><th>乗車ID</th><th>端末</th><th class="num">利用者数</th><th class="num">運賃</th><th class="num">助成額</th><th class="num">利用券</th><th>備考</th></tr></thead>
<tbody>${items.map(
        (i) => h`<tr><td>${formatTime(i.at)}</td><td>${LINE_KIND_LABELS[i.kind] ?? i.kind}</td><td><code>${i.rideId}</code></td><td>${i.terminal} #${i.seq}</td>
<td class="num">${count(i.riders)}</td><td class="num">${yen(i.fareYen)}</td><td class="num">${yen(i.subsidyYen)}</td><td class="num">${count(i.couponUnits)}</td>
<td>${i.late ? h`<span class="badge warn">遅延計上(${i.serviceMonth}分)</span>` : ''}</td></tr>`,
      )}${items.length === 0 ? h`<tr><td colspan="9" class="muted">この月の乗車はありません。</td></tr>` : ''}</tbody></table></div>
<p>${page > 0 ? h`<a href="${link(page - 1)}">← 前へ</a> ` : ''}${items.length === RIDES_PAGE ? h`<a href="${link(page + 1)}">次へ →</a>` : ''}</p>`,
    });
  });
}

function statementBody(s: Statement): Html {
  return h`<div class="no-print"><button type="button" data-print>印刷 <span class="en" lang="en">Print</span></button>
<a href="/companies?month=${s.month}">事業者一覧へ</a> · <a href="/companies/${encodeURIComponent(s.company)}/detail.csv?month=${s.month}" download>明細CSV</a></div>
<article class="statement">
<h2>タクシー運賃助成事業 精算明細書(${formatMonth(s.month)}分)</h2>
<dl class="facts"><dt>事業者</dt><dd><strong>${s.companyName}</strong>(${s.company})</dd><dt>対象月</dt><dd>${formatMonth(s.month)}</dd>
<dt>状態</dt><dd>${statusBadge(s.status)}${s.closedAt !== null ? ` ${formatTime(s.closedAt)} 確定(${s.closedBy ?? ''})` : ''}</dd><dt>作成日時</dt><dd>${formatTime(s.generatedAt)}</dd></dl>
<h3>合計</h3>
<div class="table-wrap"><table><thead><tr>${FIGURE_HEADS}</tr></thead><tbody><tr>${figureCells(s.totals)}</tr></tbody></table></div>
<h3>助成事業別</h3>
<div class="table-wrap"><table><thead><tr><th>事業</th>${FIGURE_HEADS}</tr></thead><tbody>${s.byProgramme.map(
    (p) => h`<tr><td>${p.programmeName}<br><span class="muted">${p.programmeId}</span></td>${figureCells(p)}</tr>`,
  )}</tbody></table></div>
<h3>日別</h3>
<div class="table-wrap"><table><thead><tr><th>利用日</th>${FIGURE_HEADS}</tr></thead><tbody>${s.byDay.map((d) => h`<tr><td>${d.day}</td>${figureCells(d)}</tr>`)}</tbody></table></div>
<p class="muted">数値はすべて端末から届いた乗車記録から再計算できます。遅延計上は、締め済みの月の記録が締め後に届いたため当月分として計上したものです。</p>
</article>`;
}

function csvResponse(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' },
  });
}
