/**
 * Revocation (supervisors): a card ID, a reason and a note. The domain adds the card to a
 * new deny-list version and publishes it on the downlink; the page says which version and
 * whether it went out. Recent versions are listed below the form.
 */
import type { OfficeDomain, RevokeOutcome } from '../../domain/index.js';
import { JLIS_REASONS, REVOKE_REASONS, revokeInputSchema } from '../../domain/index.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { REVOKE_REASON_LABELS } from '../labels.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, respond } from '../respond.js';

type Domain = Pick<OfficeDomain, 'residents' | 'revocation'>;

async function revokePage(core: WebCore, domain: Domain, c: WebContext, input: { cardId: string; notice?: Html; status?: 200 | 400 | 409 }): Promise<Response> {
  const card = /^[0-9A-Fa-f]{16}$/.test(input.cardId) ? await domain.residents.card(input.cardId) : null;
  const owner = card ? await domain.residents.get(card.residentId) : null;
  const versions = await domain.revocation.versions(10);
  return respond(core, c, {
    title: 'カードの失効',
    titleEn: 'Revoke a card',
    status: input.status ?? 200,
    body: h`${input.notice ?? ''}
${card ? h`<p>${bi('カード', 'Card')} <code>${card.cardId}</code>: ${owner ? h`<a href="/residents/${owner.id}">${owner.name}</a>(${owner.residentNo})` : ''} ${card.status === 'revoked' ? h`<span class="badge ng">失効済み</span>` : h`<span class="badge ok">有効</span>`}</p>` : ''}
<form method="post" action="/revoke" class="stack" data-confirm="このカードを失効させます。端末は次の失効リストから利用を拒否します。よろしいですか?">${csrfField(csrfOf(c))}
  <label>${bi('カードID(16桁)', 'Card ID (16 hex digits)')}<input name="cardId" required pattern="[0-9A-Fa-f]{16}" value="${input.cardId}"></label>
  <label>${bi('理由', 'Reason')}<select name="reason">${REVOKE_REASONS.map((r) => h`<option value="${r}">${REVOKE_REASON_LABELS[r]?.ja ?? r} — ${JLIS_REASONS[r]}</option>`)}</select></label>
  <label>${bi('メモ', 'Note')}<textarea name="note" maxlength="1000"></textarea></label>
  <button type="submit" class="danger">失効させる <span class="en" lang="en">Revoke</span></button>
</form>
<p class="muted">紛失による再交付では、旧カードは交付の画面から自動で失効します。</p>
<h2>${bi('失効リストの版', 'Deny-list versions')}</h2>
${versions.length === 0 ? h`<p class="muted">まだ失効リストはありません。</p>` : h`<div class="table-wrap"><table><thead><tr><th class="num">版</th><th>作成</th><th>追加</th><th class="num">件数</th><th>配信</th></tr></thead><tbody>${versions.map(
      (v) => h`<tr><td class="num">${v.version}</td><td>${formatTime(v.createdAt)} ${v.createdBy}</td><td>${v.added.map((e) => h`<code>${e.cardId}</code>(${REVOKE_REASON_LABELS[e.reason]?.ja ?? e.reason}) `)}</td>
<td class="num">${v.entries}</td><td>${v.publishedAt === null ? h`<span class="badge warn">未配信</span>` : formatTime(v.publishedAt)}</td></tr>`,
    )}</tbody></table></div>`}`,
  });
}

function outcomeNotice(outcome: RevokeOutcome): Html {
  if (outcome.kind === 'already-revoked') {
    return h`<div class="notice warn" role="status">カード ${outcome.entry.cardId} は失効リスト第${outcome.entry.version}版で失効済みです。</div>`;
  }
  return h`<div class="notice ok" role="status">失効リスト第${outcome.version.version}版に追加しました。${outcome.published ? '端末へ配信しました。' : h`<strong>まだ配信されていません</strong>(ブローカーに接続できないため。接続が戻ると配信されます)。`}</div>`;
}

export function addRevokeRoutes(router: Router, core: WebCore, domain: Domain): void {
  router.page('/revoke', 'cards.revoke', (c) => revokePage(core, domain, c, { cardId: (c.req.query('card') ?? '').trim() }));

  router.action('/revoke', 'cards.revoke', async (c) => {
    const body = await c.req.parseBody();
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
    const parsed = revokeInputSchema.safeParse({ cardId: field('cardId'), reason: field('reason'), note: field('note'), by: c.get('staff')?.username ?? '-' });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      await audit(core, c, 'card.revoke', field('cardId') || '-', { issues }, 'failed');
      return revokePage(core, domain, c, { cardId: field('cardId'), status: 400, notice: h`<div class="notice ng" role="alert">入力内容を確認してください:<ul>${issues.map((i) => h`<li>${i}</li>`)}</ul></div>` });
    }
    const card = await domain.residents.card(parsed.data.cardId);
    const outcome = await domain.revocation.revoke(parsed.data);
    await audit(
      core,
      c,
      'card.revoke',
      parsed.data.cardId,
      { reason: parsed.data.reason, known: card !== null, ...(outcome.kind === 'revoked' ? { version: outcome.version.version, published: outcome.published } : { already: outcome.entry.version }) },
      outcome.kind === 'revoked' ? 'ok' : 'failed',
    );
    return revokePage(core, domain, c, { cardId: parsed.data.cardId, notice: outcomeNotice(outcome), status: outcome.kind === 'revoked' ? 200 : 409 });
  });
}
