/**
 * Terminals as the office last heard them: online or not, when, the versions they applied
 * (deny-list, configuration, keys, software), their backlog and what the office acknowledged.
 */
import type { OfficeStore, TerminalRow } from '../../store/index.js';
import type { WebCore } from '../context.js';
import { ago, formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { count, h } from '../html.js';
import type { Html } from '../html.js';
import { bi } from '../layout.js';
import { respond } from '../respond.js';

export interface TerminalHealth {
  readonly online: number;
  readonly offline: number;
  readonly silent: number;
  readonly backlog: number;
}

/** A terminal counts as silent when nothing came from it for `silentAfterMs`, online or not. */
export function terminalHealth(rows: readonly TerminalRow[], now: number, silentAfterMs: number): TerminalHealth {
  let online = 0;
  let silent = 0;
  let backlog = 0;
  for (const t of rows) {
    if (t.online === true) online += 1;
    if (t.lastHeardAt === null || now - t.lastHeardAt > silentAfterMs) silent += 1;
    backlog += t.status?.backlog ?? 0;
  }
  return { online, offline: rows.length - online, silent, backlog };
}

export function onlineBadge(t: TerminalRow, now: number, silentAfterMs: number): Html {
  if (t.online === true && t.lastHeardAt !== null && now - t.lastHeardAt <= silentAfterMs) return h`<span class="badge ok">オンライン</span>`;
  if (t.online === true) return h`<span class="badge warn">応答なし</span>`;
  if (t.online === false) return h`<span class="badge ng">オフライン</span>`;
  return h`<span class="badge muted">不明</span>`;
}

export function terminalsTable(rows: readonly TerminalRow[], now: number, silentAfterMs: number): Html {
  if (rows.length === 0) return h`<p class="muted">まだ端末から何も届いていません。<span class="en" lang="en">No terminal has reported yet.</span></p>`;
  return h`<div class="table-wrap"><table>
<thead><tr><th>端末</th><th>組織</th><th>状態</th><th>最終受信</th><th class="num">未送信</th><th class="num">確定済み seq</th><th>失効リスト</th><th>設定</th><th>鍵</th><th>ソフトウェア</th></tr></thead>
<tbody>${rows.map(
    (t) => h`<tr>
  <td><strong>${t.terminal}</strong></td><td>${t.org}</td><td>${onlineBadge(t, now, silentAfterMs)}</td>
  <td>${t.lastHeardAt === null ? '—' : h`${formatTime(t.lastHeardAt)} <span class="muted">(${ago(t.lastHeardAt, now)})</span>`}</td>
  <td class="num">${t.status ? count(t.status.backlog) : '—'}</td><td class="num">${count(t.ackedSeq)}</td>
  <td>${t.status ? `v${t.status.versions.denyList}` : '—'}</td><td>${t.status ? `v${t.status.versions.config}` : '—'}</td>
  <td>${t.status ? `v${t.status.versions.keys}` : '—'}</td><td>${t.status?.versions.software ?? '—'}</td>
</tr>`,
  )}</tbody></table></div>`;
}

export function addTerminalRoutes(router: Router, core: WebCore, deps: { store: OfficeStore; silentAfterMs: number }): void {
  router.page('/terminals', 'terminals.view', async (c) => {
    const rows = await deps.store.terminals();
    const now = core.now();
    const health = terminalHealth(rows, now, deps.silentAfterMs);
    return respond(core, c, {
      title: '端末',
      titleEn: 'Terminals',
      body: h`<p>${bi(`オンライン ${health.online} 台・オフライン ${health.offline} 台・未送信 合計 ${count(health.backlog)} 件`, `${health.online} online, ${health.offline} offline, backlog ${health.backlog}`)}</p>
${terminalsTable(rows, now, deps.silentAfterMs)}
<p class="muted">「応答なし」は、オンラインと報告したまま ${Math.round(deps.silentAfterMs / 60_000)} 分以上何も届いていない端末です。</p>`,
    });
  });
}
