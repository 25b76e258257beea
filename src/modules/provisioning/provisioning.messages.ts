/** The provisioning module's messages: its errors, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'provisioning.mailbox_not_found': { zh: '邮箱不存在', en: 'Mailbox not found' },
  'provisioning.mailbox_not_found.detail': {
    zh: '人员 {personId} 还没有邮箱。',
    en: 'Person {personId} has no mailbox yet.',
  },
  'provisioning.mailbox_removed': { zh: '邮箱已删除', en: 'The mailbox has been removed' },
  'provisioning.mailbox_removed.detail': {
    zh: '人员 {personId} 的邮箱已删除（人员已离职），不能启用。',
    en: 'The mailbox of person {personId} was removed (the person has left) and cannot be activated.',
  },
  'provisioning.mailbox_not_activatable': { zh: '邮箱当前不能启用', en: 'The mailbox cannot be activated now' },
  'provisioning.mailbox_not_activatable.detail': {
    zh: '邮箱状态为 {status}，只有待开通（pending）的邮箱可以启用。',
    en: 'The mailbox is {status}; only a pending mailbox can be activated.',
  },
  'provisioning.scim_token_invalid': { zh: 'SCIM 令牌无效', en: 'Invalid SCIM token' },
  'provisioning.scim_token_invalid.detail': {
    zh: '请求缺少有效的 Bearer 令牌，或令牌已吊销。',
    en: 'The request carries no valid bearer token, or the token was revoked.',
  },
  'provisioning.scim_token_read_only': { zh: '令牌只能读取', en: 'The token may only read' },
  'provisioning.scim_token_read_only.detail': {
    zh: '此令牌没有 write 权限范围，不能修改数据。',
    en: 'This token has no write scope and cannot change anything.',
  },
  'provisioning.scim_token_not_found': { zh: 'SCIM 令牌不存在', en: 'SCIM token not found' },
  'provisioning.scim_token_not_found.detail': {
    zh: '没有编号为 {tokenId} 的令牌。',
    en: 'There is no token {tokenId}.',
  },
  'provisioning.scim_token_invalid_input': { zh: 'SCIM 令牌信息不符合要求', en: 'The SCIM token is not valid' },
  'provisioning.scim_token_invalid_input.detail': FIELDS_DETAIL,
  'provisioning.scim_filter_invalid': { zh: '筛选条件无效', en: 'The filter is not valid' },
  'provisioning.scim_filter_invalid.detail': {
    zh: '筛选条件无法解析或不受支持（原因：{reason}）。',
    en: 'The filter could not be parsed or is not supported (reason: {reason}).',
  },
  'provisioning.scim_value_invalid': { zh: '属性值无效', en: 'An attribute value is not valid' },
  'provisioning.scim_value_invalid.detail': {
    zh: '以下属性不符合要求：{fields}。',
    en: 'These attributes are not valid: {fields}.',
  },
  'provisioning.scim_syntax_invalid': { zh: '请求结构无效', en: 'The request is malformed' },
  'provisioning.scim_syntax_invalid.detail': {
    zh: '请求体不是所需的 SCIM 消息（{reason}）。',
    en: 'The request body is not the SCIM message expected ({reason}).',
  },
  'provisioning.scim_path_invalid': { zh: '属性路径无效', en: 'The attribute path is not valid' },
  'provisioning.scim_path_invalid.detail': {
    zh: 'PATCH 路径 {path} 无效或不受支持。',
    en: 'The PATCH path {path} is not valid or not supported.',
  },
  'provisioning.scim_no_target': { zh: '路径没有匹配的值', en: 'The path matched nothing' },
  'provisioning.scim_no_target.detail': {
    zh: 'PATCH 路径 {path} 没有匹配任何值。',
    en: 'The PATCH path {path} matched no value.',
  },
  'provisioning.scim_mutability': { zh: '属性不可修改', en: 'The attribute cannot be changed' },
  'provisioning.scim_mutability.detail': {
    zh: '属性 {attribute} 由平台维护，不能修改。',
    en: 'The attribute {attribute} is kept by the platform and cannot be changed.',
  },
  'provisioning.scim_uniqueness': { zh: '值已被占用', en: 'The value is already taken' },
  'provisioning.scim_uniqueness.detail': {
    zh: '属性 {attribute} 的值已被其他资源使用。',
    en: 'Another resource already has this value of {attribute}.',
  },
  'provisioning.scim_user_not_found': { zh: '用户不存在', en: 'User not found' },
  'provisioning.scim_user_not_found.detail': {
    zh: '没有编号为 {id} 的用户，或它不在此令牌的范围内。',
    en: 'There is no user {id}, or it lies outside this token’s scope.',
  },
  'provisioning.scim_group_not_found': { zh: '用户组不存在', en: 'Group not found' },
  'provisioning.scim_group_not_found.detail': {
    zh: '没有编号为 {id} 的用户组，或它不在此令牌的范围内。',
    en: 'There is no group {id}, or it lies outside this token’s scope.',
  },
  'provisioning.scim_out_of_scope': { zh: '超出令牌范围', en: 'Outside the token’s scope' },
  'provisioning.scim_out_of_scope.detail': {
    zh: '机构 {orgUnitCode} 不在此令牌所属机构 {ownerOrgUnitCode} 之下。',
    en: 'Unit {orgUnitCode} is not under the token’s owner unit {ownerOrgUnitCode}.',
  },
  'provisioning.scim_version_mismatch': { zh: '资源已被修改', en: 'The resource has changed' },
  'provisioning.scim_version_mismatch.detail': {
    zh: 'If-Match 中的版本与资源当前版本不一致，请重新读取后再修改。',
    en: 'The version in If-Match is not the resource’s current version: read it again, then retry.',
  },
  'provisioning.scim_not_implemented': { zh: '不支持此操作', en: 'Not supported' },
  'provisioning.scim_not_implemented.detail': {
    zh: '本服务不支持 {feature}（见 /scim/v2/ServiceProviderConfig）。',
    en: 'This service provider does not support {feature} (see /scim/v2/ServiceProviderConfig).',
  },
  'provisioning.scim_internal': {
    zh: '服务器内部错误，已记录。',
    en: 'Something went wrong on the server and it was logged.',
  },
});
