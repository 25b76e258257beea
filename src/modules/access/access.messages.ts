/** The access module's messages: its errors, the reasons of a decision and the CLI's output, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'access.denied': { zh: '没有执行此操作的权限', en: 'Permission denied' },
  'access.denied.detail': {
    zh: '缺少权限 {permission}（机构：{orgUnitCode}；原因：{reason}）。',
    en: 'Permission {permission} is not held (unit: {orgUnitCode}; reason: {reason}).',
  },
  'access.self_grant': { zh: '不能给自己授权', en: 'You cannot grant or revoke your own rights' },
  'access.self_grant.detail': {
    zh: '授权对象是您本人或您现任的职务；请由其他管理员办理。',
    en: 'The grantee is you or a post you hold; another administrator must do it.',
  },
  'access.role_not_grantable': { zh: '不能授予本人未拥有的权限', en: 'The role carries rights you do not hold' },
  'access.role_not_grantable.detail': {
    zh: '角色 {roleCode} 含有您在该范围内没有的权限：{missing}。',
    en: 'Role {roleCode} carries permissions you do not hold over that scope: {missing}.',
  },
  'access.duty_granter': { zh: '三员角色只能由安全管理员授予', en: 'Only a security administrator grants duty roles' },
  'access.duty_granter.detail': {
    zh: '角色 {roleCode} 属于三员分立的职责，只能由安全管理员授予或收回。',
    en: 'Role {roleCode} is one of the separated duties: only a security administrator grants or revokes it.',
  },
  'access.separation_of_duties': { zh: '违反三员分立', en: 'Separation of duties violated' },
  'access.separation_of_duties.detail': {
    zh: '授予 {roleCode} 将使同一人兼任两种三员职责（已有：{heldDuty}）。',
    en: 'Granting {roleCode} would give one person a second duty (already held: {heldDuty}).',
  },
  'access.grant_invalid': { zh: '授权信息不符合要求', en: 'The grant is not valid' },
  'access.grant_invalid.detail': FIELDS_DETAIL,
  'access.grant_exists': { zh: '该授权已存在', en: 'This grant exists already' },
  'access.grant_exists.detail': {
    zh: '同一角色已在同一范围授予同一对象（授权 {grantId}）。',
    en: 'The same role is granted to the same grantee over the same scope already (grant {grantId}).',
  },
  'access.grant_not_found': { zh: '授权不存在', en: 'Grant not found' },
  'access.grant_not_found.detail': { zh: '没有编号为 {grantId} 的授权。', en: 'There is no grant {grantId}.' },
  'access.grant_revoked': { zh: '授权已收回', en: 'The grant is revoked already' },
  'access.grant_revoked.detail': { zh: '授权 {grantId} 已被收回。', en: 'Grant {grantId} was revoked already.' },
  'access.grants_query_invalid': { zh: '授权查询条件不符合要求', en: 'The grants query is not valid' },
  'access.grants_query_invalid.detail': FIELDS_DETAIL,
  'access.role_invalid': { zh: '角色信息不符合要求', en: 'The role is not valid' },
  'access.role_invalid.detail': FIELDS_DETAIL,
  'access.role_not_found': { zh: '角色不存在', en: 'Role not found' },
  'access.role_not_found.detail': { zh: '没有代码为 {roleCode} 的角色。', en: 'There is no role {roleCode}.' },
  'access.role_exists': { zh: '角色已存在', en: 'The role exists already' },
  'access.role_exists.detail': { zh: '代码 {roleCode} 已被使用。', en: 'The code {roleCode} is taken.' },
  'access.role_built_in': { zh: '平台内置角色不能修改', en: 'Built-in platform roles cannot be changed' },
  'access.role_built_in.detail': {
    zh: '角色 {roleCode} 是平台角色，只能随版本升级改变。',
    en: 'Role {roleCode} is a platform role; it changes only with a release.',
  },
  'access.role_in_use': { zh: '角色仍在授权中', en: 'The role is still granted' },
  'access.role_in_use.detail': {
    zh: '角色 {roleCode} 仍有 {grants} 项有效授权，请先收回。',
    en: 'Role {roleCode} still has {grants} live grant(s); revoke them first.',
  },
  'access.decision_query_invalid': { zh: '权限判定查询不符合要求', en: 'The decision query is not valid' },
  'access.decision_query_invalid.detail': FIELDS_DETAIL,
  'access.no_root_unit': { zh: '机构树还没有根', en: 'The organisation tree has no root yet' },
  'access.no_root_unit.detail': {
    zh: '请先载入机构（例如 huitong seed --demo），再指定安全管理员。',
    en: 'Load the organisation first (e.g. huitong seed --demo), then name the security administrator.',
  },
  'access.bootstrap_person_not_found': { zh: '没有这个工号的人员', en: 'No person has this staff number' },
  'access.bootstrap_person_not_found.detail': {
    zh: '目录中没有工号为 {staffNo} 的在职人员。',
    en: 'The directory has no active person with staff number {staffNo}.',
  },
  'access.bootstrap.granted': {
    zh: '已将安全管理员角色授予工号 {staffNo}（授权 {grantId}）。',
    en: 'Security administrator granted to staff number {staffNo} (grant {grantId}).',
  },
  'access.bootstrap.already': {
    zh: '工号 {staffNo} 已是安全管理员（授权 {grantId}），未作改动。',
    en: 'Staff number {staffNo} is security administrator already (grant {grantId}); nothing changed.',
  },
  'access.reason.system_actor': {
    zh: '平台自身的操作，总是允许。',
    en: 'The platform acting on its own: always allowed.',
  },
  'access.reason.granted': { zh: '由下列授权允许。', en: 'Allowed by the grants listed.' },
  'access.reason.no_grant': { zh: '没有任何授权含有此权限。', en: 'No grant carries this permission.' },
  'access.reason.out_of_scope': {
    zh: '持有此权限，但授权范围不含该机构（见所列授权）。',
    en: 'The permission is held, but over other units (see the grants listed).',
  },
  'access.reason.unknown_permission': { zh: '平台没有这项权限。', en: 'The platform has no such permission.' },
  'access.reason.actor_inactive': {
    zh: '该人员不存在、已停用或已离职。',
    en: 'The person does not exist, is suspended or has left.',
  },
  'access.reason.machine_not_granted': {
    zh: '接入系统未被授予平台权限。',
    en: 'Registered systems hold no platform permissions.',
  },
  'access.reason.unknown_org_unit': { zh: '没有这个机构。', en: 'There is no such unit.' },
});
