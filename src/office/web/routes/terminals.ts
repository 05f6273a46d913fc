/**
 * Terminals as the office last heard them: kind and company from the registry, online or
 * not, when, their backlog and the versions they applied (deny-list, configuration, keys,
 * software).
 */
import type { TerminalView } from '../../domain/registry.js';
import type { WebCore } from '../context.js';
import { ago, formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { count, h } from '../html.js';
import type { Html } from '../html.js';
import { TERMINAL_KIND_LABELS } from '../labels.js';
import { bi } from '../layout.js';
import { respond } from '../respond.js';

export interface TerminalHealth {
  readonly online: number;
  readonly offline: number;
  readonly silent: number;
  readonly backlog: number;
}

/** A terminal counts as silent when nothing came from it for `silentAfterMs`, whatever it last said. */
export function isSilent(t: TerminalView, now: number, silentAfterMs: number): boolean {
  return t.lastHeardAt === null || now - t.lastHeardAt > silentAfterMs;
}

export function terminalHealth(rows: readonly TerminalView[], now: number, silentAfterMs: number): TerminalHealth {
  const reporting = rows.filter((t) => t.firstSeenAt !== null);
  const online = reporting.filter((t) => t.online === true && !isSilent(t, now, silentAfterMs)).length;
  return {
    online,
    offline: reporting.length - online,
    silent: reporting.filter((t) => isSilent(t, now, silentAfterMs)).length,
    backlog: rows.reduce((n, t) => n + (t.backlog ?? 0), 0),
  };
}

export function onlineBadge(t: TerminalView, now: number, silentAfterMs: number): Html {
  if (t.firstSeenAt === null) return h`<span class="badge muted">未接続</span>`;
  if (t.online === true && !isSilent(t, now, silentAfterMs)) return h`<span class="badge ok">オンライン</span>`;
  if (t.online === true) return h`<span class="badge warn">応答なし</span>`;
  return h`<span class="badge ng">オフライン</span>`;
}

export function terminalsTable(rows: readonly TerminalView[], now: number, silentAfterMs: number): Html {
  if (rows.length === 0) return h`<p class="muted">まだ端末の登録も受信もありません。<span class="en" lang="en">No terminals yet.</span></p>`;
  const v = (t: TerminalView, key: 'denyList' | 'config' | 'keys') => (t.versions ? `v${t.versions[key]}` : '—');
  return h`<div class="table-wrap"><table>
<thead><tr><th>端末</th><th>種別</th><th>事業者</th><th>状態</th><th>最終受信</th><th class="num">未送信</th><th class="num">確定済み番号</th><th>失効リスト</th><th>設定</th><th>鍵</th><th>ソフトウェア</th></tr></thead>
<tbody>${rows.map(
    (t) => h`<tr>
  <td><strong>${t.terminal}</strong>${t.label ? h`<br><span class="muted">${t.label}</span>` : ''}</td>
  <td>${t.kind ? (TERMINAL_KIND_LABELS[t.kind] ?? t.kind) : h`<span class="badge warn">未登録</span>`}</td><td>${t.company ?? '—'}</td>
  <td>${onlineBadge(t, now, silentAfterMs)}</td>
  <td>${t.lastHeardAt === null ? '—' : h`${formatTime(t.lastHeardAt)} <span class="muted">(${ago(t.lastHeardAt, now)})</span>`}</td>
  <td class="num">${t.backlog === null ? '—' : count(t.backlog)}</td><td class="num">${count(t.ackedSeq)}</td>
  <td>${v(t, 'denyList')}</td><td>${v(t, 'config')}</td><td>${v(t, 'keys')}</td><td>${t.versions?.software ?? '—'}</td>
</tr>`,
  )}</tbody></table></div>`;
}

export function addTerminalRoutes(router: Router, core: WebCore, deps: { terminals: () => Promise<TerminalView[]>; silentAfterMs: number }): void {
  router.page('/terminals', 'terminals.view', async (c) => {
    const rows = await deps.terminals();
    const now = core.now();
    const health = terminalHealth(rows, now, deps.silentAfterMs);
    return respond(core, c, {
      title: '端末',
      titleEn: 'Terminals',
      body: h`<p>${bi(`オンライン ${health.online} 台・オフライン ${health.offline} 台・未送信 合計 ${count(health.backlog)} 件`, `${health.online} online, ${health.offline} offline, backlog ${health.backlog}`)}</p>
${terminalsTable(rows, now, deps.silentAfterMs)}
<p class="muted">「応答なし」は、オンラインと報告したまま ${Math.round(deps.silentAfterMs / 60_000)} 分以上何も届いていない端末です。未送信の件数は端末が最後に報告した値です。</p>`,
    });
  });
}
