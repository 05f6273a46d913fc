/**
 * The page shell: header with the office's name, the navigation the staff member's role
 * allows, who is signed in and a logout button; then the page. Japanese first, English
 * second and smaller. One stylesheet and one small script, both served by the office itself.
 */
import { h } from './html.js';
import type { Html, HtmlValue } from './html.js';
import type { StaffAccount } from './staff/accounts.js';
import { can, ROLE_NAMES } from './staff/roles.js';
import type { Permission } from './staff/roles.js';

export interface NavItem {
  readonly href: string;
  readonly ja: string;
  readonly en: string;
  readonly permission: Permission;
}

export const NAV: readonly NavItem[] = [
  { href: '/', ja: '概要', en: 'Overview', permission: 'dashboard.view' },
  { href: '/companies', ja: '事業者・精算', en: 'Companies', permission: 'companies.view' },
  { href: '/anomalies', ja: '異常', en: 'Anomalies', permission: 'anomalies.view' },
  { href: '/cards', ja: '検索', en: 'Search', permission: 'cards.search' },
  { href: '/issue', ja: '発行', en: 'Issue', permission: 'cards.issue' },
  { href: '/revoke', ja: '失効', en: 'Revoke', permission: 'cards.revoke' },
  { href: '/months', ja: '月締め', en: 'Months', permission: 'months.view' },
  { href: '/attendance', ja: '勤怠', en: 'Attendance', permission: 'attendance.view' },
  { href: '/terminals', ja: '端末', en: 'Terminals', permission: 'terminals.view' },
  { href: '/registry', ja: '登録', en: 'Registry', permission: 'registry.manage' },
  { href: '/keys', ja: '鍵', en: 'Keys', permission: 'keys.manage' },
  { href: '/audit', ja: '監査ログ', en: 'Audit log', permission: 'audit.view' },
  { href: '/accounts', ja: 'アカウント', en: 'Accounts', permission: 'accounts.manage' },
];

export interface PageInput {
  readonly title: string;
  readonly titleEn?: string;
  readonly orgName: string;
  readonly staff?: StaffAccount | undefined;
  readonly csrf?: string | undefined;
  /** The path of the current page, to mark its navigation entry. */
  readonly path?: string;
  readonly body: HtmlValue;
}

/** Japanese text with its English counterpart beside it, smaller. */
export function bi(ja: HtmlValue, en: HtmlValue): Html {
  return h`<span>${ja} <span class="en" lang="en">${en}</span></span>`;
}

/** A hidden CSRF field for a form. */
export function csrfField(token: string | undefined): Html {
  return h`<input type="hidden" name="_csrf" value="${token ?? ''}">`;
}

function nav(staff: StaffAccount, path: string): Html {
  const items = NAV.filter((n) => can(staff.role, n.permission));
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return h`<nav aria-label="メインメニュー"><ul>${items.map(
    (n) => h`<li><a href="${n.href}"${current(n.href) ? h` aria-current="page"` : ''}>${n.ja}<span class="en" lang="en">${n.en}</span></a></li>`,
  )}</ul></nav>`;
}

function who(staff: StaffAccount, csrf: string | undefined): Html {
  const role = ROLE_NAMES[staff.role];
  return h`<div class="who">
    <a href="/account" class="me">${staff.displayName}</a>
    <span class="role" title="${role.en}">${role.ja}</span>
    <form method="post" action="/logout">${csrfField(csrf)}<button type="submit" class="link">ログアウト <span class="en" lang="en">Log out</span></button></form>
  </div>`;
}

export function renderPage(input: PageInput): string {
  const { staff } = input;
  return h`<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} — ${input.orgName} 事務システム</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/office.css">
<script src="/assets/office.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">${input.orgName} <small>タクシー助成・入退館 事務システム</small></a>
  ${staff ? who(staff, input.csrf) : ''}
</header>
${staff ? nav(staff, input.path ?? '') : ''}
<main id="main">
<h1>${input.title}${input.titleEn ? h` <span class="en" lang="en">${input.titleEn}</span>` : ''}</h1>
${input.body}
</main>
</body>
</html>`.value;
}
