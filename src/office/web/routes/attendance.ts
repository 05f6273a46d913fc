/**
 * Attendance from the gates: first in and last out per holder per day, for a range of days
 * (one day by default), with the same as CSV. A missing entry or exit shows as a dash.
 */
import type { AttendanceService } from '../../domain/index.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { WebError } from '../errors.js';
import { formatClock, isDay, today } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import { bi } from '../layout.js';
import { respond } from '../respond.js';

const MAX_DAYS = 62;

function range(c: WebContext, now: number): { from: string; to: string; holder: string | undefined } {
  const from = c.req.query('from') || today(now);
  const to = c.req.query('to') || from;
  if (!isDay(from) || !isDay(to) || to < from) throw new WebError(400, { ja: '期間を正しく指定してください(例: 2025-04-01)。', en: 'Give a valid range of days.' });
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) throw new WebError(400, { ja: `期間は${MAX_DAYS}日以内にしてください。`, en: `At most ${MAX_DAYS} days.` });
  const holder = (c.req.query('holder') ?? '').trim().slice(0, 64);
  return { from, to, holder: holder === '' ? undefined : holder };
}

export function addAttendanceRoutes(router: Router, core: WebCore, deps: { attendance: AttendanceService }): void {
  router.page('/attendance', 'attendance.view', async (c) => {
    const r = range(c, core.now());
    const rows = await deps.attendance.days(r.from, r.to, r.holder);
    const query = new URLSearchParams({ from: r.from, to: r.to, holder: r.holder ?? '' }).toString();
    return respond(core, c, {
      title: '勤怠(入退館)',
      titleEn: 'Attendance',
      body: h`<form method="get" action="/attendance" class="inline">
  <label>${bi('開始日', 'From')}<input type="date" name="from" value="${r.from}"></label>
  <label>${bi('終了日', 'To')}<input type="date" name="to" value="${r.to}"></label>
  <label>${bi('職員', 'Holder')}<input name="holder" value="${r.holder ?? ''}" size="14"></label>
  <button type="submit">表示</button> <a class="button secondary" href="/attendance.csv?${query}" download>CSV</a>
</form>
<div class="table-wrap"><table><thead><tr><th>日付</th><th>職員</th><th>最初の入館</th><th>最後の退館</th><th class="num">通行回数</th></tr></thead><tbody>${rows.map(
        (a) => h`<tr><td>${a.day}</td><td>${a.holder}</td><td>${a.firstIn === null ? '—' : formatClock(a.firstIn)}</td><td>${a.lastOut === null ? '—' : formatClock(a.lastOut)}</td><td class="num">${a.passages}</td></tr>`,
      )}${rows.length === 0 ? h`<tr><td colspan="5" class="muted">この期間の入退館記録はありません。</td></tr>` : ''}</tbody></table></div>
<p class="muted">入館または退館の記録がない日は「—」で示します(推定はしません)。</p>`,
    });
  });

  router.page('/attendance.csv', 'attendance.view', async (c) => {
    const r = range(c, core.now());
    const csv = await deps.attendance.csv(r.from, r.to, r.holder);
    await audit(core, c, 'attendance.csv', `${r.from}..${r.to}`, r.holder ? { holder: r.holder } : {});
    return new Response(csv, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="attendance-${r.from}-${r.to}.csv"` } });
  });
}
