/**
 * Who may do what. Every route names one permission; a role has a fixed set of them.
 * clerk: issues, renews and searches; supervisor: also revokes, closes months and
 * acknowledges anomalies and registers companies and terminals; auditor: reads everything,
 * changes nothing; admin: accounts, the registry and the issuer key.
 */
export const ROLES = ['clerk', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'dashboard.view',
  'companies.view',
  'payments.export',
  'anomalies.view',
  'anomalies.acknowledge',
  'cards.search',
  'cards.issue',
  'cards.revoke',
  'months.view',
  'months.close',
  'attendance.view',
  'terminals.view',
  'audit.view',
  'registry.manage',
  'keys.manage',
  'accounts.manage',
  'self.password',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: readonly Permission[] = [
  'dashboard.view',
  'companies.view',
  'payments.export',
  'anomalies.view',
  'cards.search',
  'months.view',
  'attendance.view',
  'terminals.view',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  clerk: ['dashboard.view', 'cards.search', 'cards.issue', 'terminals.view', 'self.password'],
  supervisor: [...READ, 'cards.issue', 'cards.revoke', 'months.close', 'anomalies.acknowledge', 'registry.manage', 'self.password'],
  auditor: [...READ, 'audit.view', 'self.password'],
  admin: ['dashboard.view', 'terminals.view', 'audit.view', 'registry.manage', 'keys.manage', 'accounts.manage', 'self.password'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const ROLE_NAMES: Readonly<Record<Role, { ja: string; en: string }>> = {
  clerk: { ja: '窓口担当', en: 'Clerk' },
  supervisor: { ja: '責任者', en: 'Supervisor' },
  auditor: { ja: '監査担当', en: 'Auditor' },
  admin: { ja: '管理者', en: 'Administrator' },
};
