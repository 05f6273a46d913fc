/**
 * Card and resident search, a resident's page (details, cards, grants) and registering a
 * resident. Resident data is personal: every search and every resident page is audited.
 * No 個人番号 is asked for or shown; residents have the office's own resident number.
 */
import type { OfficeDomain, ResidentWithCards } from '../../domain/index.js';
import { ELIGIBILITY, ELIGIBILITY_LABELS, residentInputSchema, residentUpdateSchema } from '../../domain/index.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { WebError } from '../errors.js';
import { formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { ISSUE_KIND_LABELS, REVOKE_REASON_LABELS } from '../labels.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, respond } from '../respond.js';
import { can } from '../staff/roles.js';

const CARD_ID = /^[0-9A-Fa-f]{16}$/;

type Domain = Pick<OfficeDomain, 'residents' | 'issuance' | 'catalogue'>;

function cardBadge(status: string): Html {
  return status === 'active' ? h`<span class="badge ok">有効</span>` : h`<span class="badge ng">失効</span>`;
}

function resultsTable(rows: readonly ResidentWithCards[]): Html {
  if (rows.length === 0) return h`<p class="muted">該当する住民・カードはありません。<span class="en" lang="en">Nothing found.</span></p>`;
  return h`<div class="table-wrap"><table><thead><tr><th>住民番号</th><th>氏名</th><th>住所</th><th>対象区分</th><th>カード</th></tr></thead>
<tbody>${rows.map(
    (r) => h`<tr><td><a href="/residents/${r.id}">${r.residentNo}</a></td><td><a href="/residents/${r.id}">${r.name}</a><br><span class="muted">${r.nameKana}</span></td>
<td>${r.address}</td><td>${ELIGIBILITY_LABELS[r.eligibility].ja}</td>
<td>${r.cards.map((card) => h`<div><code>${card.cardId}</code> ${cardBadge(card.status)}</div>`)}</td></tr>`,
  )}</tbody></table></div>`;
}

export function residentForm(csrf: string, values: Record<string, string> = {}, editing?: number): Html {
  return h`<form method="post" action="${editing === undefined ? '/residents' : `/residents/${editing}`}" class="stack">${csrfField(csrf)}
  ${editing === undefined ? h`<label>${bi('住民番号(市の管理番号。個人番号は使いません)', 'Resident number (never the My Number)')}<input name="residentNo" required maxlength="20" pattern="[A-Za-z0-9\\-]{1,20}" value="${values.residentNo ?? ''}"></label>` : h`<p>${bi('住民番号', 'Resident number')}: ${values.residentNo ?? ''}</p>`}
  <label>${bi('氏名', 'Name')}<input name="name" required maxlength="100" value="${values.name ?? ''}"></label>
  <label>${bi('ふりがな', 'Name in kana')}<input name="nameKana" maxlength="100" value="${values.nameKana ?? ''}"></label>
  <label>${bi('住所', 'Address')}<input name="address" required maxlength="300" value="${values.address ?? ''}"></label>
  <label>${bi('対象区分', 'Eligibility')}<select name="eligibility">${ELIGIBILITY.map((e) => h`<option value="${e}"${values.eligibility === e ? h` selected` : ''}>${ELIGIBILITY_LABELS[e].ja}</option>`)}</select></label>
  <label>${bi('備考', 'Note')}<textarea name="note" maxlength="1000">${values.note ?? ''}</textarea></label>
  <button type="submit">登録 <span class="en" lang="en">Register</span></button>
</form>`;
}

async function residentOf(domain: Domain, c: WebContext): Promise<ResidentWithCards> {
  const id = Number(c.req.param('id'));
  const resident = Number.isSafeInteger(id) && id > 0 ? await domain.residents.get(id) : null;
  if (resident === null) throw new WebError(404, { ja: 'その住民は見つかりません。', en: 'No such resident.' });
  return resident;
}

export function addResidentRoutes(router: Router, core: WebCore, domain: Domain): void {
  router.page('/cards', 'cards.search', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 100);
    let rows: ResidentWithCards[] = [];
    if (q !== '') {
      const card = CARD_ID.test(q) ? await domain.residents.card(q) : null;
      const owner = card ? await domain.residents.get(card.residentId) : null;
      rows = owner ? [owner] : await domain.residents.search(q);
      await audit(core, c, 'card.search', q, { results: rows.length });
    }
    const staff = c.get('staff');
    return respond(core, c, {
      title: 'カード・住民検索',
      titleEn: 'Card and resident search',
      body: h`<form method="get" action="/cards" class="inline" role="search">
  <label>${bi('カードID・住民番号・氏名・ふりがな', 'Card ID, resident number, name')}<input name="q" value="${q}" size="30" autofocus></label>
  <button type="submit">検索 <span class="en" lang="en">Search</span></button>
  ${staff && can(staff.role, 'cards.issue') ? h`<a class="button secondary" href="/residents/new">住民を登録</a>` : ''}
</form>
${q === '' ? h`<p class="muted">検索語を入力してください。検索は監査ログに記録されます。</p>` : resultsTable(rows)}`,
    });
  });

  router.page('/residents/new', 'cards.issue', (c) =>
    respond(core, c, { title: '住民の登録', titleEn: 'Register a resident', body: residentForm(csrfOf(c)) }),
  );

  router.action('/residents', 'cards.issue', async (c) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(['residentNo', 'name', 'nameKana', 'address', 'eligibility', 'note'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
    const parsed = residentInputSchema.safeParse(values);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      await audit(core, c, 'resident.create', values.residentNo ?? '', { issues }, 'failed');
      return respond(core, c, { title: '住民の登録', titleEn: 'Register a resident', status: 400, body: h`<div class="notice ng" role="alert">入力内容を確認してください:<ul>${issues.map((i) => h`<li>${i}</li>`)}</ul></div>${residentForm(csrfOf(c), values)}` });
    }
    const outcome = await domain.residents.create(parsed.data);
    if (outcome.kind !== 'ok') {
      await audit(core, c, 'resident.create', parsed.data.residentNo, { reason: outcome.kind }, 'failed');
      return respond(core, c, { title: '住民の登録', status: 409, body: h`<div class="notice ng" role="alert">住民番号 ${parsed.data.residentNo} は登録済みです。検索して既存の記録を使ってください。</div>${residentForm(csrfOf(c), values)}` });
    }
    await audit(core, c, 'resident.create', `resident ${outcome.resident.id}`, { residentNo: outcome.resident.residentNo });
    return c.redirect(`/residents/${outcome.resident.id}`, 303);
  });

  router.page('/residents/:id/edit', 'cards.issue', async (c) => {
    const r = await residentOf(domain, c);
    const values = { residentNo: r.residentNo, name: r.name, nameKana: r.nameKana, address: r.address, eligibility: r.eligibility, note: r.note };
    return respond(core, c, { title: '住民の登録内容の変更', titleEn: 'Edit a resident', body: residentForm(csrfOf(c), values, r.id) });
  });

  router.action('/residents/:id', 'cards.issue', async (c) => {
    const r = await residentOf(domain, c);
    const body = await c.req.parseBody();
    const values = Object.fromEntries(['name', 'nameKana', 'address', 'eligibility', 'note'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
    const parsed = residentUpdateSchema.safeParse(values);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      await audit(core, c, 'resident.update', `resident ${r.id}`, { issues }, 'failed');
      return respond(core, c, { title: '住民の登録内容の変更', status: 400, body: h`<div class="notice ng" role="alert">入力内容を確認してください:<ul>${issues.map((i) => h`<li>${i}</li>`)}</ul></div>${residentForm(csrfOf(c), { ...values, residentNo: r.residentNo }, r.id)}` });
    }
    await domain.residents.update(r.id, parsed.data);
    const changed = Object.keys(parsed.data).filter((k) => (parsed.data as Record<string, unknown>)[k] !== (r as unknown as Record<string, unknown>)[k]);
    await audit(core, c, 'resident.update', `resident ${r.id}`, { changed });
    return c.redirect(`/residents/${r.id}`, 303);
  });

  router.page('/residents/:id', 'cards.search', async (c) => {
    const resident = await residentOf(domain, c);
    await audit(core, c, 'resident.view', `resident ${resident.id}`);
    const grants = await Promise.all(resident.cards.map(async (card) => ({ card, grants: await domain.issuance.grants(card.cardId) })));
    const staff = c.get('staff');
    const mayIssue = staff !== undefined && can(staff.role, 'cards.issue');
    const mayRevoke = staff !== undefined && can(staff.role, 'cards.revoke');
    return respond(core, c, {
      title: resident.name,
      titleEn: 'Resident',
      body: h`<dl class="facts"><dt>住民番号</dt><dd>${resident.residentNo}</dd><dt>ふりがな</dt><dd>${resident.nameKana}</dd><dt>住所</dt><dd>${resident.address}</dd>
<dt>対象区分</dt><dd>${ELIGIBILITY_LABELS[resident.eligibility].ja}</dd><dt>備考</dt><dd>${resident.note || '—'}</dd><dt>登録日時</dt><dd>${formatTime(resident.createdAt)}</dd></dl>
${mayIssue ? h`<p><a class="button" href="/issue?resident=${resident.id}">カードへの交付(新規・更新・追加・再交付)</a> <a class="button secondary" href="/residents/${resident.id}/edit">登録内容の変更</a></p>` : ''}
<h2>${bi('カード', 'Cards')}</h2>
${grants.length === 0 ? h`<p class="muted">カードはまだありません。</p>` : grants.map(
        ({ card, grants: list }) => h`<section class="panel"><h3><code>${card.cardId}</code> ${cardBadge(card.status)}</h3>
<p class="muted">登録 ${formatTime(card.linkedAt)}${card.revokedAt !== null ? ` ・失効 ${formatTime(card.revokedAt)}(${REVOKE_REASON_LABELS[card.revokeReason ?? '']?.ja ?? card.revokeReason ?? ''})` : ''}${card.replaces ? ` ・旧カード ${card.replaces}` : ''}${card.replacedBy ? ` ・新カード ${card.replacedBy}` : ''}</p>
${list.length === 0 ? '' : h`<div class="table-wrap"><table><thead><tr><th>事業</th><th>区分</th><th class="num">交付量</th><th class="num">引継ぎ</th><th>有効期間</th><th>交付</th><th>書込み</th></tr></thead><tbody>${list.map(
          (g) => h`<tr><td>${domain.catalogue.find(g.programmeId)?.name.ja ?? g.programmeId}</td><td>${ISSUE_KIND_LABELS[g.kind]?.ja ?? g.kind}</td>
<td class="num">${g.amount}</td><td class="num">${g.carriedOver}</td><td>${g.validFrom} 〜 ${g.validUntil}</td><td>${formatTime(g.issuedAt)} ${g.issuedBy}</td><td>${g.writtenAt === null ? h`<span class="badge warn">未確認</span>` : formatTime(g.writtenAt)}</td></tr>`,
        )}</tbody></table></div>`}
${card.status === 'active' && mayRevoke ? h`<p><a href="/revoke?card=${card.cardId}">このカードを失効させる</a></p>` : ''}</section>`,
      )}`,
    });
  });
}
