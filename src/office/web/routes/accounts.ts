/**
 * Account management (administrators) and one's own password (everyone). A new or reset
 * account gets a generated password that is shown once, on the response to the form, and
 * never stored in the clear. Resetting, deactivating or changing a role ends the account's
 * sessions. The last active administrator cannot be removed or demoted.
 */
import type { WebContext, WebCore } from '../context.js';
import { audit, clientIp } from '../context.js';
import { WebError } from '../errors.js';
import { formatTime } from '../format.js';
import type { Router } from '../guard.js';
import { h } from '../html.js';
import type { Html } from '../html.js';
import { bi, csrfField } from '../layout.js';
import { csrfOf, formField, respond } from '../respond.js';
import { setSessionCookie } from './login.js';
import { USERNAME_PATTERN } from '../staff/accounts.js';
import type { StaffAccount } from '../staff/accounts.js';
import { generatePassword, passwordProblem } from '../staff/passwords.js';
import { isRole, ROLE_NAMES, ROLES } from '../staff/roles.js';
import type { Role } from '../staff/roles.js';

const DONE: Record<string, string> = {
  role: '役割を変更しました。',
  deactivate: 'アカウントを停止しました。',
  activate: 'アカウントを再開しました。',
  password: 'パスワードを変更しました。',
};

function roleSelect(name: string, selected?: Role): Html {
  return h`<select name="${name}">${ROLES.map((r) => h`<option value="${r}"${r === selected ? h` selected` : ''}>${ROLE_NAMES[r].ja} (${ROLE_NAMES[r].en})</option>`)}</select>`;
}

function accountRow(a: StaffAccount, csrf: string, self: boolean): Html {
  return h`<tr>
  <td><strong>${a.username}</strong>${self ? h` <span class="badge muted">自分</span>` : ''}</td><td>${a.displayName}</td>
  <td><form method="post" action="/accounts/${a.id}/role" class="inline">${csrfField(csrf)}${roleSelect('role', a.role)}<button type="submit" class="secondary">変更</button></form></td>
  <td>${a.active ? h`<span class="badge ok">有効</span>` : h`<span class="badge ng">停止</span>`}</td>
  <td>${formatTime(a.passwordChangedAt)}</td>
  <td><form method="post" action="/accounts/${a.id}/${a.active ? 'deactivate' : 'activate'}" class="inline" ${a.active ? h`data-confirm="${a.username} を停止しますか?"` : ''}>${csrfField(csrf)}
    <button type="submit" class="${a.active ? 'danger' : 'secondary'}">${a.active ? '停止' : '再開'}</button></form>
    <form method="post" action="/accounts/${a.id}/reset-password" class="inline" data-confirm="${a.username} のパスワードを再発行しますか?">${csrfField(csrf)}<button type="submit" class="secondary">パスワード再発行</button></form></td>
</tr>`;
}

async function accountsPage(core: WebCore, c: WebContext, notice?: Html): Promise<Response> {
  const accounts = await core.staff.accounts.list();
  const csrf = csrfOf(c);
  const me = c.get('staff')?.id;
  const done = DONE[c.req.query('done') ?? ''];
  return respond(core, c, {
    title: 'アカウント',
    titleEn: 'Accounts',
    body: h`${notice ?? (done ? h`<div class="notice ok" role="status">${done}</div>` : '')}
<div class="table-wrap"><table>
<thead><tr><th>ユーザー名</th><th>氏名</th><th>役割</th><th>状態</th><th>パスワード変更日時</th><th>操作</th></tr></thead>
<tbody>${accounts.map((a) => accountRow(a, csrf, a.id === me))}</tbody></table></div>
<h2>${bi('アカウントの追加', 'Add an account')}</h2>
<form method="post" action="/accounts" class="stack">${csrfField(csrf)}
  <label>${bi('ユーザー名', 'User name')}<input name="username" required pattern="[a-z0-9][a-z0-9._\\-]{1,31}" placeholder="tanaka.h"></label>
  <label>${bi('氏名', 'Name')}<input name="displayName" required maxlength="64"></label>
  <label>${bi('役割', 'Role')}${roleSelect('role', 'clerk')}</label>
  <button type="submit">追加して初期パスワードを発行 <span class="en" lang="en">Add</span></button>
</form>`,
  });
}

function passwordNotice(username: string, password: string): Html {
  return h`<div class="notice warn" role="status"><p><strong>${username}</strong> の初期パスワード(この画面でのみ表示されます):</p>
<p><code class="secret">${password}</code></p><p class="muted">本人に安全な方法で渡し、ログイン後に「アカウント」画面で変更するよう伝えてください。</p></div>`;
}

async function target(core: WebCore, c: WebContext): Promise<StaffAccount> {
  const id = Number(c.req.param('id'));
  const account = Number.isSafeInteger(id) ? await core.staff.accounts.byId(id) : undefined;
  if (account === undefined) throw new WebError(404, { ja: 'そのアカウントはありません。', en: 'No such account.' });
  return account;
}

/** Refuses to leave the office with no active administrator. */
async function keepAnAdmin(core: WebCore, account: StaffAccount, after: { role?: Role; active?: boolean }): Promise<void> {
  const stillAdmin = (after.role ?? account.role) === 'admin' && (after.active ?? account.active);
  if (account.role === 'admin' && account.active && !stillAdmin && (await core.staff.accounts.countActive('admin')) <= 1) {
    throw new WebError(409, { ja: '有効な管理者が1人もいなくなるため、この変更はできません。', en: 'This would leave no active administrator.', todo: '先に別の管理者アカウントを作成してください。' });
  }
}

export function addAccountRoutes(router: Router, core: WebCore): void {
  router.page('/accounts', 'accounts.manage', (c) => accountsPage(core, c));

  router.action('/accounts', 'accounts.manage', async (c) => {
    const username = (await formField(c, 'username')).toLowerCase();
    const displayName = await formField(c, 'displayName');
    const role = await formField(c, 'role');
    if (!USERNAME_PATTERN.test(username) || displayName === '' || displayName.length > 64 || !isRole(role)) {
      throw new WebError(400, { ja: 'ユーザー名(英小文字・数字・._-、2〜32文字)、氏名、役割を確認してください。', en: 'Check the user name, name and role.' });
    }
    if (await core.staff.accounts.byUsername(username)) throw new WebError(409, { ja: `ユーザー名 ${username} は既に使われています。`, en: 'That user name is taken.', todo: '別のユーザー名を選んでください。' });
    const password = generatePassword();
    const account = await core.staff.accounts.create({ username, displayName, role, password }, core.now());
    await audit(core, c, 'account.create', username, { role });
    return accountsPage(core, c, passwordNotice(account.username, password));
  });

  router.action('/accounts/:id/role', 'accounts.manage', async (c) => {
    const account = await target(core, c);
    const role = await formField(c, 'role');
    if (!isRole(role)) throw new WebError(400, { ja: '役割を選んでください。', en: 'Choose a role.' });
    await keepAnAdmin(core, account, { role });
    await core.staff.accounts.setRole(account.id, role);
    await core.staff.sessions.endAllOf(account.id);
    await audit(core, c, 'account.role', account.username, { from: account.role, to: role });
    return c.redirect('/accounts?done=role', 303);
  });

  for (const active of [false, true]) {
    router.action(`/accounts/:id/${active ? 'activate' : 'deactivate'}`, 'accounts.manage', async (c) => {
      const account = await target(core, c);
      await keepAnAdmin(core, account, { active });
      await core.staff.accounts.setActive(account.id, active);
      if (!active) await core.staff.sessions.endAllOf(account.id);
      await audit(core, c, active ? 'account.activate' : 'account.deactivate', account.username);
      return c.redirect(`/accounts?done=${active ? 'activate' : 'deactivate'}`, 303);
    });
  }

  router.action('/accounts/:id/reset-password', 'accounts.manage', async (c) => {
    const account = await target(core, c);
    const password = generatePassword();
    await core.staff.accounts.setPassword(account.id, password, core.now());
    await core.staff.sessions.endAllOf(account.id);
    await audit(core, c, 'account.reset-password', account.username);
    return accountsPage(core, c, passwordNotice(account.username, password));
  });

  router.page('/account', 'self.password', (c) => ownAccountPage(core, c));

  router.action('/account/password', 'self.password', async (c) => {
    const staff = c.get('staff') as StaffAccount;
    const current = await formField(c, 'current');
    const next = await formField(c, 'password');
    const again = await formField(c, 'again');
    const problem = next !== again ? { ja: '新しいパスワードが確認欄と一致しません。', en: 'The two new passwords differ.' } : passwordProblem(next, staff.username);
    if (problem) return ownAccountPage(core, c, h`<div class="notice ng" role="alert">${bi(problem.ja, problem.en)}</div>`, 400);
    if (!(await core.staff.accounts.authenticate(staff.username, current))) {
      await audit(core, c, 'account.password', staff.username, { reason: 'wrong-current-password' }, 'failed');
      return ownAccountPage(core, c, h`<div class="notice ng" role="alert">${bi('現在のパスワードが違います。', 'The current password is wrong.')}</div>`, 400);
    }
    await core.staff.accounts.setPassword(staff.id, next, core.now());
    // Every other session of the account ends (one may be an intruder's); this one starts afresh.
    await core.staff.sessions.endAllOf(staff.id);
    const fresh = await core.staff.sessions.create(staff.id, { ip: clientIp(core, c), userAgent: c.req.header('user-agent') ?? '' }, core.now());
    setSessionCookie(core, c, fresh.id);
    c.set('session', fresh.session);
    await audit(core, c, 'account.password', staff.username);
    return ownAccountPage(core, c, h`<div class="notice ok" role="status">${DONE.password}</div>`);
  });
}

function ownAccountPage(core: WebCore, c: WebContext, notice?: Html, status: 200 | 400 = 200): Response {
  const staff = c.get('staff') as StaffAccount;
  return respond(core, c, {
    title: 'アカウント',
    titleEn: 'My account',
    status,
    body: h`${notice ?? ''}
<dl class="facts"><dt>ユーザー名</dt><dd>${staff.username}</dd><dt>氏名</dt><dd>${staff.displayName}</dd>
<dt>役割</dt><dd>${ROLE_NAMES[staff.role].ja}</dd><dt>パスワード変更日時</dt><dd>${formatTime(staff.passwordChangedAt)}</dd></dl>
<h2>${bi('パスワードの変更', 'Change password')}</h2>
<form method="post" action="/account/password" class="stack">${csrfField(csrfOf(c))}
  <label>${bi('現在のパスワード', 'Current password')}<input type="password" name="current" autocomplete="current-password" required></label>
  <label>${bi('新しいパスワード(12文字以上)', 'New password (12+ characters)')}<input type="password" name="password" autocomplete="new-password" required minlength="12"></label>
  <label>${bi('新しいパスワード(確認)', 'New password again')}<input type="password" name="again" autocomplete="new-password" required minlength="12"></label>
  <button type="submit">変更 <span class="en" lang="en">Change</span></button>
</form>`,
  });
}

