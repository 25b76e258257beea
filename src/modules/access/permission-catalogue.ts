/**
 * The platform's permissions and its built-in roles: the one list every module's checks name. A
 * permission is held over a subtree of the organisation tree; `platform.*` roles bundle them, and
 * three of those are the duties of 三员分立 (GB/T 22239-2019 8.1.4.2: system, security and audit
 * administrators kept apart), of which one person may hold at most one.
 */
import type { Message } from '../../platform/i18n/messages.js';

export const PERMISSIONS = {
  'directory.read': { zh: '查看机构和人员', en: 'Read the organisation and its people' },
  'directory.manage': { zh: '维护机构、人员和职务', en: 'Manage units, people and posts' },
  'access.grant': { zh: '授予和收回角色', en: 'Grant and revoke roles' },
  'access.role.manage': { zh: '维护应用角色', en: 'Manage application roles' },
  'access.explain': { zh: '解释他人的权限判定', en: 'Explain the decisions for other people' },
  'identity.session.manage': { zh: '查看和注销登录会话', en: 'List and revoke sign-in sessions' },
  'identity.account.manage': { zh: '开设、停用和重置工作人员账号', en: 'Open, disable and reset staff accounts' },
  'identity.client.manage': { zh: '登记和维护接入系统', en: 'Register and maintain connected systems' },
  'audit.read': { zh: '查看审计日志', en: 'Read the audit log' },
  'provisioning.manage': { zh: '管理向下游系统的账号同步', en: 'Manage account provisioning to downstream systems' },
  'exchange.read': {
    zh: '查看数据交换的成员、标准、订阅和消息',
    en: 'Read exchange members, standards, subscriptions and messages',
  },
  'exchange.manage': {
    zh: '登记交换成员、维护数据标准和映射、审批订阅、重投消息',
    en: 'Register exchange members, maintain standards and mappings, approve subscriptions, resubmit messages',
  },
  'services.manage': {
    zh: '维护政务服务事项：起草、发布和撤下',
    en: 'Maintain the service catalogue: draft, publish and withdraw items',
  },
  'cases.intake': {
    zh: '在服务中心收件、受理或不予受理、登记材料、送达',
    en: 'Take in applications at a service centre: accept or refuse them, record materials, hand over results',
  },
  'cases.handle': {
    zh: '办理本部门的办件：审查、补正、特别程序、办结、答复差评',
    en: 'Handle a department’s cases: review, missing materials, special procedures, completion, poor ratings',
  },
  'cases.decide': { zh: '作出办件的准予或不予决定', en: 'Decide cases: grant or refuse' },
  'cases.supervise': {
    zh: '查看办件的时限亮灯、预警和统计（电子监察）',
    en: 'See the deadline lights, alerts and statistics of cases (electronic supervision)',
  },
  'cases.route.manage': {
    zh: '配置政务服务事项的办理环节',
    en: 'Configure the stages a service item’s cases go through',
  },
} as const satisfies Record<string, Message>;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export const DUTIES = ['system_admin', 'security_admin', 'security_auditor'] as const;
export type Duty = (typeof DUTIES)[number];

/** An application role's permissions: free-form, prefixed, never checked by the platform itself. */
export const APP_PERMISSION_PATTERN = /^app:[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * Whether `name` is one of the platform's permissions.
 * @example isPlatformPermission('directory.read'); // true
 */
export function isPlatformPermission(name: string): name is Permission {
  return Object.hasOwn(PERMISSIONS, name);
}

export interface BuiltInRole {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: readonly Permission[];
  duty: Duty | null;
}

/** Seeded by migrations/0006-access.sql and later ones (0016-cases.sql); a test keeps them in step. */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    code: 'platform.system_admin',
    nameZh: '系统管理员',
    nameEn: 'System administrator',
    permissions: [
      'directory.read',
      'directory.manage',
      'identity.account.manage',
      'identity.session.manage',
      'identity.client.manage',
      'provisioning.manage',
      'exchange.read',
      'exchange.manage',
      'services.manage',
      'cases.route.manage',
    ],
    duty: 'system_admin',
  },
  {
    code: 'platform.security_admin',
    nameZh: '安全管理员',
    nameEn: 'Security administrator',
    permissions: ['directory.read', 'access.grant', 'access.role.manage', 'access.explain'],
    duty: 'security_admin',
  },
  {
    code: 'platform.security_auditor',
    nameZh: '安全审计员',
    nameEn: 'Security auditor',
    permissions: ['audit.read', 'access.explain', 'directory.read', 'exchange.read'],
    duty: 'security_auditor',
  },
  {
    code: 'platform.department_admin',
    nameZh: '部门管理员',
    nameEn: 'Department administrator',
    permissions: [
      'directory.read',
      'directory.manage',
      'access.grant',
      'identity.account.manage',
      'identity.session.manage',
      'identity.client.manage',
      'provisioning.manage',
      'exchange.read',
      'exchange.manage',
      'services.manage',
      'cases.route.manage',
    ],
    duty: null,
  },
  { code: 'platform.staff', nameZh: '工作人员', nameEn: 'Staff member', permissions: ['directory.read'], duty: null },
  // Seeded by migrations/0016-cases.sql: who does what on a case (docs/cases.md).
  {
    code: 'platform.window_clerk',
    nameZh: '窗口受理员',
    nameEn: 'Window clerk',
    permissions: ['directory.read', 'cases.intake'],
    duty: null,
  },
  {
    code: 'platform.case_handler',
    nameZh: '承办人员',
    nameEn: 'Case handler',
    permissions: ['directory.read', 'cases.handle'],
    duty: null,
  },
  {
    code: 'platform.case_approver',
    nameZh: '审批负责人',
    nameEn: 'Case approver',
    permissions: ['directory.read', 'cases.handle', 'cases.decide'],
    duty: null,
  },
  {
    code: 'platform.supervisor',
    nameZh: '电子监察员',
    nameEn: 'Supervisor',
    permissions: ['directory.read', 'cases.supervise'],
    duty: null,
  },
];

export const SECURITY_ADMIN_ROLE = 'platform.security_admin';
