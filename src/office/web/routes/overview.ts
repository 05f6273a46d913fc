/**
 * The overview: today's rides and subsidy, terminals online and offline, the backlog
 * terminals still hold, open anomalies, and rides and subsidy per day for 30 days.
 */
import type { AnomalyService, AnomalyView, DayFigures, Overview, TerminalView } from '../../domain/index.js';
import { dailyChart } from '../charts.js';
import type { DayPoint } from '../charts.js';
import type { WebCore } from '../context.js';
import { ago, daysEnding, formatTime, today } from '../format.js';
import type { Router } from '../guard.js';
import { count, h, yen } from '../html.js';
import type { Html } from '../html.js';
import { anomalyLabel } from '../labels.js';
import { bi } from '../layout.js';
import { respond } from '../respond.js';
import { can } from '../staff/roles.js';
import { isSilent, onlineBadge } from './terminals.js';

export interface OverviewDeps {
  readonly overview: (now: number) => Promise<Overview>;
  readonly anomalies: Pick<AnomalyService, 'list'>;
  readonly terminals: () => Promise<TerminalView[]>;
  readonly silentAfterMs: number;
}

const CHART_DAYS = 30;

/** Every day of the range, with zeros for days without rides. */
export function fillDays(days: readonly string[], figures: readonly DayFigures[]): DayPoint[] {
  const byDay = new Map(figures.map((f) => [f.day, f]));
  return days.map((day) => ({ day, rides: byDay.get(day)?.rides ?? 0, subsidyYen: byDay.get(day)?.subsidyYen ?? 0 }));
}

function stat(label: Html, value: string, sub: Html | string, tone = ''): Html {
  return h`<div class="panel stat ${tone}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

function anomalyList(rows: readonly AnomalyView[], now: number): Html {
  if (rows.length === 0) return h`<p class="muted">未確認の異常はありません。<span class="en" lang="en">No open anomalies.</span></p>`;
  return h`<div class="table-wrap"><table><thead><tr><th>検知</th><th>種類</th><th>端末</th></tr></thead><tbody>${rows.map(
    (a) => h`<tr><td>${formatTime(a.detectedAt)} <span class="muted">(${ago(a.detectedAt, now)})</span></td>
<td><a href="/anomalies/${a.id}">${anomalyLabel(a.kind).ja}</a></td><td>${a.terminal}</td></tr>`,
  )}</tbody></table></div>`;
}

function troubled(rows: readonly TerminalView[], now: number, silentAfterMs: number): Html {
  const list = rows.filter((t) => t.online !== true || isSilent(t, now, silentAfterMs));
  if (list.length === 0) return h`<p class="muted">すべての端末がオンラインです。</p>`;
  return h`<ul>${list.slice(0, 8).map((t) => h`<li>${t.terminal} ${onlineBadge(t, now, silentAfterMs)} <span class="muted">${t.lastHeardAt === null ? '' : `最終受信 ${ago(t.lastHeardAt, now)}`}</span></li>`)}</ul>`;
}

export function addOverviewRoutes(router: Router, core: WebCore, deps: OverviewDeps): void {
  router.page('/', 'dashboard.view', async (c) => {
    const now = core.now();
    const days = daysEnding(today(now), CHART_DAYS);
    const staff = c.get('staff');
    const seesAnomalies = staff !== undefined && can(staff.role, 'anomalies.view');
    const [overview, terminals, recent] = await Promise.all([
      deps.overview(now),
      deps.terminals(),
      seesAnomalies ? deps.anomalies.list({ acknowledged: false, limit: 5 }) : Promise.resolve([]),
    ]);
    const points = fillDays(days, overview.last30Days);
    const todays = points.at(-1) as DayPoint;
    const t = overview.terminals;
    const open = overview.openAnomalies;
    return respond(core, c, {
      title: '概要',
      titleEn: 'Overview',
      body: h`<p class="muted">${formatTime(now)} 現在 <span class="en" lang="en">as of now</span></p>
<section class="grid" aria-label="今日の状況">
  ${stat(bi('本日の乗車', 'Rides today'), `${count(todays.rides)} 回`, '受信済みの乗車のみ')}
  ${stat(bi('本日の助成額', 'Subsidy today'), yen(todays.subsidyYen), '運賃訂正・取消を反映')}
  ${stat(bi('オンラインの端末', 'Terminals online'), `${t.online} / ${t.total}`, h`オフライン ${t.offline} 台・応答なし ${t.silent} 台${t.unregistered ? `・未登録 ${t.unregistered} 台` : ''}`, t.offline > 0 || t.silent > 0 ? 'bad' : 'good')}
  ${stat(bi('未送信', 'Backlog'), `${count(overview.backlog)} 件`, '端末に残る未送信の記録(各端末の最終報告)', overview.backlog > 0 ? '' : 'good')}
  ${stat(bi('未確認の異常', 'Open anomalies'), `${count(open)} 件`, h`<a href="/anomalies">一覧を見る</a>`, open > 0 ? 'bad' : 'good')}
</section>
<h2>${bi('日別の乗車回数と助成額(30日間)', 'Rides and subsidy per day, 30 days')}</h2>
${dailyChart(points, { title: '日別の乗車回数と助成額', today: todays.day })}
<div class="grid">
  <section class="panel"><h2>${bi('最近の未確認の異常', 'Recent open anomalies')}</h2>${seesAnomalies ? anomalyList(recent, now) : h`<p class="muted">異常の一覧は責任者・監査担当が確認します。</p>`}</section>
  <section class="panel"><h2>${bi('注意が必要な端末', 'Terminals needing attention')}</h2>${troubled(terminals, now, deps.silentAfterMs)}<p><a href="/terminals">端末一覧</a></p></section>
</div>`,
    });
  });
}
