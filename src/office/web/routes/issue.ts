/**
 * Issuance at the counter, the clerk's side: choose the resident, what to issue (a new
 * grant, the yearly renewal, a top-up, or a reissue that moves the remaining allowance from
 * a lost card) and the counter station. The order waits at the station until the card is
 * held to its reader; the station asks the office to sign and writes the grant.
 */
import type { IssuanceOrder, OfficeDomain } from '../../domain/index.js';
import { ISSUE_KINDS, orderInputSchema } from '../../domain/index.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { WebError } from '../errors.js';
import { formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { ISSUE_KIND_LABELS, ORDER_STATUS_LABELS, REVOKE_REASON_LABELS } from '../labels.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, respond } from '../respond.js';

type Domain = Pick<OfficeDomain, 'residents' | 'issuance' | 'catalogue' | 'registry'>;

function statusBadge(o: IssuanceOrder): Html {
  const s = ORDER_STATUS_LABELS[o.status];
  return h`<span class="badge ${s?.badge ?? 'muted'}">${s?.ja ?? o.status}</span>`;
}

function ordersTable(orders: readonly IssuanceOrder[], csrf: string): Html {
  if (orders.length === 0) return h`<p class="muted">交付の依頼はまだありません。</p>`;
  return h`<div class="table-wrap"><table><thead><tr><th>#</th><th>受付</th><th>窓口端末</th><th>区分</th><th>事業</th><th>カード</th><th>状態</th><th></th></tr></thead><tbody>${orders.map(
    (o) => h`<tr><td><a href="/issue/orders/${o.id}">${o.id}</a></td><td>${formatTime(o.createdAt)}<br><span class="muted">${o.createdBy}</span></td><td>${o.station}</td>
<td>${ISSUE_KIND_LABELS[o.kind]?.ja ?? o.kind}</td><td>${o.programmeId || '—'}</td><td>${o.cardId ? h`<code>${o.cardId}</code>` : '—'}</td><td>${statusBadge(o)}${o.detail ? h`<br><span class="muted">${o.detail}</span>` : ''}</td>
<td>${o.status === 'waiting' || o.status === 'signed' ? h`<form method="post" action="/issue/orders/${o.id}/cancel" data-confirm="依頼 #${o.id} を取り消しますか?">${csrfField(csrf)}<button type="submit" class="secondary">取消</button></form>` : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

async function issueForm(webCore: WebCore, domain: Domain, c: WebContext, residentId: number | null, notice?: Html): Promise<Response> {
  const resident = residentId === null ? null : await domain.residents.get(residentId);
  const stations = (await domain.registry.terminals()).filter((t) => t.kind === 'counter');
  const orders = await domain.issuance.orders({ limit: 20 });
  const csrf = csrfOf(c);
  const cards = resident?.cards ?? [];
  const form = resident === null
    ? h`<p>交付する住民を<a href="/cards">検索</a>してから、住民のページの「カードへの交付」を選んでください。新しい住民は<a href="/residents/new">登録</a>します。</p>`
    : h`<form method="post" action="/issue" class="stack">${csrfField(csrf)}
  <input type="hidden" name="residentId" value="${resident.id}">
  <p>${bi('住民', 'Resident')}: <strong>${resident.name}</strong>(${resident.residentNo})</p>
  <label>${bi('区分', 'Kind')}<select name="kind">${ISSUE_KINDS.map((k) => h`<option value="${k}">${ISSUE_KIND_LABELS[k]?.ja ?? k}</option>`)}</select></label>
  <label>${bi('助成事業(再交付では不要)', 'Programme')}<select name="programmeId"><option value="">—</option>${domain.catalogue.list.map((p) => h`<option value="${p.id}">${p.name.ja}(${p.id})</option>`)}</select></label>
  <label>${bi('追加量(追加交付のみ)', 'Top-up units')}<input type="number" name="topUp" min="0" value="0"></label>
  <label>${bi('旧カード(再交付のみ)', 'Old card (reissue)')}<select name="oldCardId"><option value="">—</option>${cards.map((card) => h`<option value="${card.cardId}">${card.cardId}(${card.status === 'active' ? '有効' : '失効'})</option>`)}</select></label>
  <label>${bi('再交付の理由', 'Reissue reason')}<select name="reason"><option value="">—</option>${(['lost', 'details-changed'] as const).map((r) => h`<option value="${r}">${REVOKE_REASON_LABELS[r]?.ja ?? r}</option>`)}</select></label>
  <label>${bi('窓口端末', 'Counter station')}${stations.length > 0
    ? h`<select name="station">${stations.map((s) => h`<option value="${s.terminal}">${s.label || s.terminal}</option>`)}</select>`
    : h`<input name="station" required placeholder="counter-1">`}</label>
  <button type="submit">依頼を作成して窓口端末で待つ <span class="en" lang="en">Create the order</span></button>
</form>`;
  return respond(webCore, c, {
    title: 'カードへの交付',
    titleEn: 'Issue',
    body: h`${notice ?? ''}${form}<h2>${bi('最近の依頼', 'Recent orders')}</h2>${ordersTable(orders, csrf)}`,
  });
}

async function findOrder(domain: Domain, c: WebContext): Promise<IssuanceOrder> {
  const id = Number(c.req.param('id'));
  const order = Number.isSafeInteger(id) ? (await domain.issuance.orders({ limit: 1000 })).find((o) => o.id === id) : undefined;
  if (order === undefined) throw new WebError(404, { ja: 'その依頼は見つかりません。', en: 'No such order.' });
  return order;
}

export function addIssueRoutes(router: Router, webCore: WebCore, domain: Domain): void {
  router.page('/issue', 'cards.issue', (c) => {
    const raw = c.req.query('resident');
    const id = raw === undefined ? null : Number(raw);
    return issueForm(webCore, domain, c, id !== null && Number.isSafeInteger(id) && id > 0 ? id : null);
  });

  router.action('/issue', 'cards.issue', async (c) => {
    const body = await c.req.parseBody();
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
    const input = {
      station: field('station'),
      residentId: Number(field('residentId')),
      kind: field('kind'),
      programmeId: field('programmeId'),
      topUp: Number(field('topUp') || '0'),
      ...(field('oldCardId') ? { oldCardId: field('oldCardId') } : {}),
      ...(field('reason') ? { reason: field('reason') } : {}),
      by: c.get('staff')?.username ?? '-',
    };
    const parsed = orderInputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      await audit(webCore, c, 'card.issue-order', `resident ${input.residentId}`, { issues }, 'failed');
      const resident = Number.isSafeInteger(input.residentId) && input.residentId > 0 ? input.residentId : null;
      return issueForm(webCore, domain, c, resident, h`<div class="notice ng" role="alert">入力内容を確認してください:<ul>${issues.map((i) => h`<li>${i}</li>`)}</ul></div>`);
    }
    const order = await domain.issuance.createOrder(parsed.data);
    await audit(webCore, c, 'card.issue-order', `order ${order.id}`, { resident: order.residentId, kind: order.kind, programme: order.programmeId, station: order.station, oldCard: order.oldCardId });
    return c.redirect(`/issue/orders/${order.id}`, 303);
  });

  router.page('/issue/orders/:id', 'cards.issue', async (c) => {
    const order = await findOrder(domain, c);
    const resident = await domain.residents.get(order.residentId);
    const pending = order.status === 'waiting' || order.status === 'signed';
    return respond(webCore, c, {
      title: `交付の依頼 #${order.id}`,
      titleEn: `Order ${order.id}`,
      body: h`${pending ? h`<div class="notice warn" role="status" data-refresh="3">窓口端末 <strong>${order.station}</strong> にカードをかざしてください。書き込みが終わるとこの画面が更新されます。</div>` : ''}
<dl class="facts"><dt>状態</dt><dd>${statusBadge(order)}</dd><dt>住民</dt><dd>${resident ? h`<a href="/residents/${resident.id}">${resident.name}</a>` : order.residentId}</dd>
<dt>区分</dt><dd>${ISSUE_KIND_LABELS[order.kind]?.ja ?? order.kind}</dd><dt>事業</dt><dd>${order.programmeId || '—'}</dd><dt>追加量</dt><dd>${order.topUp}</dd>
<dt>旧カード</dt><dd>${order.oldCardId ?? '—'}</dd><dt>カード</dt><dd>${order.cardId ? h`<code>${order.cardId}</code>` : '—'}</dd><dt>詳細</dt><dd>${order.detail || '—'}</dd>
<dt>受付</dt><dd>${formatTime(order.createdAt)} ${order.createdBy}</dd><dt>更新</dt><dd>${formatTime(order.updatedAt)}</dd></dl>
<p><a href="/issue">交付の画面へ</a></p>`,
    });
  });

  router.action('/issue/orders/:id/cancel', 'cards.issue', async (c) => {
    const order = await findOrder(domain, c);
    const cancelled = await domain.issuance.cancelOrder(order.id, c.get('staff')?.username ?? '-');
    await audit(webCore, c, 'card.issue-cancel', `order ${order.id}`, { status: cancelled?.status ?? null }, cancelled?.status === 'cancelled' ? 'ok' : 'failed');
    return c.redirect(`/issue/orders/${order.id}`, 303);
  });
}
