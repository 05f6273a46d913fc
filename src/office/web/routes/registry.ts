/**
 * The registry: taxi companies, and which terminal is what (taxi of a company, gate,
 * counter). A terminal that reports before it is registered clears under "(unregistered)"
 * until it is; registering it moves its rides of months not yet closed to its company.
 * Also the issuer key (administrators): its versions, whether terminals got them, rotation.
 */
import type { OfficeDomain } from '../../domain/index.js';
import { companyInputSchema, terminalInputSchema } from '../../domain/index.js';
import { audit } from '../context.js';
import type { WebContext, WebCore } from '../context.js';
import { formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { TERMINAL_KIND_LABELS } from '../labels.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, respond } from '../respond.js';

type Domain = Pick<OfficeDomain, 'registry' | 'issuance'>;

async function fields(c: WebContext, names: readonly string[]): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(names.map((n) => [n, typeof body[n] === 'string' ? (body[n] as string).trim() : '']));
}

function issuesNotice(issues: readonly string[]): Html {
  return h`<div class="notice ng" role="alert">入力内容を確認してください:<ul>${issues.map((i) => h`<li>${i}</li>`)}</ul></div>`;
}

async function registryPage(core: WebCore, domain: Domain, c: WebContext, notice?: Html, status: 200 | 400 = 200): Promise<Response> {
  const [companies, terminals] = await Promise.all([domain.registry.companies(), domain.registry.terminals()]);
  const csrf = csrfOf(c);
  const done = c.req.query('done');
  return respond(core, c, {
    title: '事業者・端末の登録',
    titleEn: 'Registry',
    status,
    body: h`${notice ?? (done ? h`<div class="notice ok" role="status">登録しました。</div>` : '')}
<h2>${bi('タクシー事業者', 'Taxi companies')}</h2>
<div class="table-wrap"><table><thead><tr><th>コード</th><th>名称</th><th>登録日時</th></tr></thead><tbody>${companies.map(
      (co) => h`<tr><td>${co.company}</td><td>${co.name}</td><td>${formatTime(co.createdAt)}</td></tr>`,
    )}${companies.length === 0 ? h`<tr><td colspan="3" class="muted">まだ登録がありません。</td></tr>` : ''}</tbody></table></div>
<form method="post" action="/registry/companies" class="inline">${csrfField(csrf)}
  <label>${bi('コード', 'Code')}<input name="company" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" placeholder="akagi-kotsu"></label>
  <label>${bi('名称', 'Name')}<input name="name" required maxlength="200"></label>
  <button type="submit">登録・名称変更</button>
</form>
<h2>${bi('端末', 'Terminals')}</h2>
<div class="table-wrap"><table><thead><tr><th>端末</th><th>種別</th><th>事業者</th><th>表示名</th></tr></thead><tbody>${terminals.map(
      (t) => h`<tr><td>${t.terminal}</td><td>${t.kind ? (TERMINAL_KIND_LABELS[t.kind] ?? t.kind) : h`<span class="badge warn">未登録</span>`}</td><td>${t.company ?? '—'}</td><td>${t.label}</td></tr>`,
    )}</tbody></table></div>
<form method="post" action="/registry/terminals" class="inline">${csrfField(csrf)}
  <label>${bi('端末ID', 'Terminal ID')}<input name="terminal" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}"></label>
  <label>${bi('種別', 'Kind')}<select name="kind">${Object.entries(TERMINAL_KIND_LABELS).map(([k, v]) => h`<option value="${k}">${v}</option>`)}</select></label>
  <label>${bi('事業者(タクシー)', 'Company')}<select name="company"><option value="">—</option>${companies.map((co) => h`<option value="${co.company}">${co.name}</option>`)}</select></label>
  <label>${bi('表示名', 'Label')}<input name="label" maxlength="200"></label>
  <button type="submit">登録・変更</button>
</form>`,
  });
}

export function addRegistryRoutes(router: Router, core: WebCore, domain: Domain): void {
  router.page('/registry', 'registry.manage', (c) => registryPage(core, domain, c));

  router.action('/registry/companies', 'registry.manage', async (c) => {
    const parsed = companyInputSchema.safeParse(await fields(c, ['company', 'name']));
    if (!parsed.success) return registryPage(core, domain, c, issuesNotice(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), 400);
    await domain.registry.registerCompany(parsed.data);
    await audit(core, c, 'registry.company', parsed.data.company, { name: parsed.data.name });
    return c.redirect('/registry?done=company', 303);
  });

  router.action('/registry/terminals', 'registry.manage', async (c) => {
    const f = await fields(c, ['terminal', 'kind', 'company', 'label']);
    const parsed = terminalInputSchema.safeParse({ terminal: f.terminal, kind: f.kind, label: f.label, ...(f.company ? { company: f.company } : {}) });
    if (!parsed.success) return registryPage(core, domain, c, issuesNotice(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), 400);
    await domain.registry.registerTerminal(parsed.data);
    await audit(core, c, 'registry.terminal', parsed.data.terminal, { kind: parsed.data.kind, company: parsed.data.company ?? null });
    return c.redirect('/registry?done=terminal', 303);
  });

  router.page('/keys', 'keys.manage', async (c) => {
    const versions = await domain.issuance.keyVersions();
    const csrf = csrfOf(c);
    const done = c.req.query('done');
    return respond(core, c, {
      title: '発行者の署名鍵',
      titleEn: 'Issuer signing key',
      body: h`${done === 'rotated' ? h`<div class="notice ok" role="status">新しい鍵に切り替えました。</div>` : done === 'published' ? h`<div class="notice ok" role="status">公開鍵を端末へ配信しました。</div>` : done === 'unpublished' ? h`<div class="notice warn" role="status">公開鍵を配信できませんでした(ブローカーに接続できません)。</div>` : ''}
<p class="muted">署名鍵(秘密鍵)はこの事務システムの外に出ません。端末には公開鍵だけが配信され、古い版の鍵で署名されたカードも引き続き使えます。</p>
<div class="table-wrap"><table><thead><tr><th class="num">版</th><th>公開鍵</th><th>状態</th><th>配信</th></tr></thead><tbody>${versions.map(
        (k) => h`<tr><td class="num">${k.version}</td><td><code>${k.publicKey.slice(0, 16)}…</code></td><td>${k.current ? h`<span class="badge ok">現在の鍵</span>` : h`<span class="badge muted">以前の鍵</span>`}</td>
<td>${k.publishedAt === null ? h`<span class="badge warn">未配信</span>` : formatTime(k.publishedAt)}</td></tr>`,
      )}</tbody></table></div>
<form method="post" action="/keys/publish" class="inline">${csrfField(csrf)}<button type="submit" class="secondary">公開鍵を再配信</button></form>
<form method="post" action="/keys/rotate" class="inline" data-confirm="新しい署名鍵を作り、以後の交付はその鍵で署名します。よろしいですか?">${csrfField(csrf)}<button type="submit" class="danger">新しい鍵に切り替える <span class="en" lang="en">Rotate</span></button></form>`,
    });
  });

  router.action('/keys/rotate', 'keys.manage', async (c) => {
    const rotated = await domain.issuance.rotateKey();
    await audit(core, c, 'keys.rotate', `issuer key ${rotated.version}`, { published: rotated.published });
    return c.redirect('/keys?done=rotated', 303);
  });

  router.action('/keys/publish', 'keys.manage', async (c) => {
    const published = await domain.issuance.publishKeys();
    await audit(core, c, 'keys.publish', 'issuer keys', { published }, published ? 'ok' : 'failed');
    return c.redirect(`/keys?done=${published ? 'published' : 'unpublished'}`, 303);
  });
}
