/**
 * Anomalies: the list (by kind, by state, by terminal), one anomaly with what was found, and
 * a supervisor's acknowledgement with a comment, recorded by the domain and in the audit log.
 */
import type { AnomalyService, AnomalyView } from '../../domain/anomalies.js';
import type { AnomalyKind } from '../../store/index.js';
import { audit } from '../context.js';
import type { WebCore } from '../context.js';
import { WebError } from '../errors.js';
import { ago, formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { ANOMALY_LABELS, anomalyLabel } from '../labels.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, formField, respond } from '../respond.js';
import { can } from '../staff/roles.js';

const PAGE = 100;
const STATES = { open: { ja: '未確認', value: false }, acknowledged: { ja: '確認済み', value: true }, all: { ja: 'すべて', value: undefined } } as const;

function summary(detail: Readonly<Record<string, unknown>>): string {
  const text = Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join(', ');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function state(a: AnomalyView): Html {
  return a.acknowledgement
    ? h`<span class="badge ok">確認済み</span> <span class="muted">${a.acknowledgement.by} ${formatTime(a.acknowledgement.at)}</span>`
    : h`<span class="badge ng">未確認</span>`;
}

function table(rows: readonly AnomalyView[], now: number): Html {
  if (rows.length === 0) return h`<p class="muted">該当する異常はありません。<span class="en" lang="en">No anomalies.</span></p>`;
  return h`<div class="table-wrap"><table>
<thead><tr><th>検知</th><th>種類</th><th>端末</th><th class="num">番号</th><th>内容</th><th>状態</th></tr></thead>
<tbody>${rows.map(
    (a) => h`<tr><td>${formatTime(a.detectedAt)}<br><span class="muted">${ago(a.detectedAt, now)}</span></td>
<td><a href="/anomalies/${a.id}">${anomalyLabel(a.kind).ja}</a><br><span class="en" lang="en">${anomalyLabel(a.kind).en}</span></td>
<td>${a.terminal}</td><td class="num">${a.seq || '—'}</td><td>${summary(a.detail)}</td><td>${state(a)}</td></tr>`,
  )}</tbody></table></div>`;
}

function isKind(v: string | undefined): v is AnomalyKind {
  return v !== undefined && v in ANOMALY_LABELS;
}

export function addAnomalyRoutes(router: Router, core: WebCore, deps: { anomalies: AnomalyService }): void {
  router.page('/anomalies', 'anomalies.view', async (c) => {
    const q = c.req.query();
    const stateKey = (q.state && q.state in STATES ? q.state : 'open') as keyof typeof STATES;
    const page = Math.max(0, Math.min(1000, Number.parseInt(q.page ?? '0', 10) || 0));
    const kind = isKind(q.kind) ? q.kind : undefined;
    const acknowledged = STATES[stateKey].value;
    const rows = await deps.anomalies.list({
      ...(kind ? { kind } : {}),
      ...(q.terminal ? { terminal: q.terminal } : {}),
      ...(acknowledged === undefined ? {} : { acknowledged }),
      limit: PAGE,
      offset: page * PAGE,
    });
    const counts = await deps.anomalies.counts();
    const link = (p: number) => `/anomalies?${new URLSearchParams({ state: stateKey, kind: kind ?? '', terminal: q.terminal ?? '', page: String(p) }).toString()}`;
    return respond(core, c, {
      title: '異常',
      titleEn: 'Anomalies',
      body: h`<form method="get" action="/anomalies" class="inline">
  <label>${bi('状態', 'State')}<select name="state">${Object.entries(STATES).map(([k, v]) => h`<option value="${k}"${k === stateKey ? h` selected` : ''}>${v.ja}</option>`)}</select></label>
  <label>${bi('種類', 'Kind')}<select name="kind"><option value="">すべて</option>${Object.entries(ANOMALY_LABELS).map(
    ([k, v]) => h`<option value="${k}"${k === kind ? h` selected` : ''}>${v.ja}${(() => {
      const n = counts.find((x) => x.kind === k);
      return n ? ` (未確認 ${n.open} / ${n.total})` : '';
    })()}</option>`,
  )}</select></label>
  <label>${bi('端末', 'Terminal')}<input name="terminal" value="${q.terminal ?? ''}" size="14"></label>
  <button type="submit">絞り込み <span class="en" lang="en">Filter</span></button>
</form>
${table(rows, core.now())}
<p>${page > 0 ? h`<a href="${link(page - 1)}">← 新しい${PAGE}件</a> ` : ''}${rows.length === PAGE ? h`<a href="${link(page + 1)}">古い${PAGE}件 →</a>` : ''}</p>`,
    });
  });

  router.page('/anomalies/:id', 'anomalies.view', async (c) => {
    const anomaly = await find(deps.anomalies, c.req.param('id'));
    const staff = c.get('staff');
    const label = anomalyLabel(anomaly.kind);
    const mayAck = staff !== undefined && can(staff.role, 'anomalies.acknowledge') && anomaly.acknowledgement === null;
    return respond(core, c, {
      title: `異常 #${anomaly.id}: ${label.ja}`,
      titleEn: label.en,
      body: h`${label.hint ? h`<p class="notice warn">${label.hint}</p>` : ''}
<dl class="facts"><dt>検知日時</dt><dd>${formatTime(anomaly.detectedAt)}</dd><dt>端末</dt><dd><a href="/anomalies?state=all&amp;terminal=${encodeURIComponent(anomaly.terminal)}">${anomaly.terminal}</a> (${anomaly.org})</dd>
<dt>イベント番号</dt><dd>${anomaly.seq || '—'}</dd><dt>状態</dt><dd>${state(anomaly)}</dd>
${anomaly.acknowledgement ? h`<dt>確認コメント</dt><dd>${anomaly.acknowledgement.comment}</dd>` : ''}</dl>
<h2>${bi('検知内容', 'Detail')}</h2>
<pre class="panel">${JSON.stringify(anomaly.detail, null, 2)}</pre>
${mayAck ? h`<h2>${bi('確認して閉じる', 'Acknowledge')}</h2>
<form method="post" action="/anomalies/${anomaly.id}/acknowledge" class="stack">${csrfField(csrfOf(c))}
  <label>${bi('コメント(対応内容・判断理由)', 'Comment')}<textarea name="comment" required maxlength="2000"></textarea></label>
  <button type="submit">確認済みにする <span class="en" lang="en">Acknowledge</span></button>
</form>` : ''}
<p><a href="/anomalies">一覧へ戻る</a></p>`,
    });
  });

  router.action('/anomalies/:id/acknowledge', 'anomalies.acknowledge', async (c) => {
    const comment = await formField(c, 'comment');
    if (comment === '' || comment.length > 2000) throw new WebError(400, { ja: 'コメントを入力してください(2000文字まで)。', en: 'A comment is required (up to 2000 characters).', todo: '対応した内容や、対応不要と判断した理由を書いてください。' });
    const id = anomalyId(c.req.param('id'));
    const outcome = await deps.anomalies.acknowledge(id, c.get('staff')?.username ?? '-', comment);
    if (outcome.kind === 'not-found') throw new WebError(404, { ja: 'その異常は見つかりません。', en: 'No such anomaly.' });
    await audit(core, c, 'anomaly.acknowledge', `anomaly ${id}`, { kind: outcome.anomaly.kind, comment, already: outcome.kind === 'already-acknowledged' }, outcome.kind === 'acknowledged' ? 'ok' : 'failed');
    return c.redirect(`/anomalies/${id}`, 303);
  });
}

function anomalyId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new WebError(404, { ja: 'その異常は見つかりません。', en: 'No such anomaly.' });
  return id;
}

async function find(service: AnomalyService, raw: string | undefined): Promise<AnomalyView> {
  const anomaly = await service.get(anomalyId(raw));
  if (anomaly === null) throw new WebError(404, { ja: 'その異常は見つかりません。', en: 'No such anomaly.' });
  return anomaly;
}
