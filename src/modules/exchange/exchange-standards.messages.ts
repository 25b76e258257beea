/** The data standards' messages: errors, and the compatibility report's sentences. Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'exchange.standard_invalid': { zh: '数据标准不符合要求', en: 'The data standard is not valid' },
  'exchange.standard_invalid.detail': FIELDS_DETAIL,
  'exchange.standard_not_found': { zh: '数据标准不存在', en: 'Data standard not found' },
  'exchange.standard_not_found.detail': {
    zh: '没有代码为 {code} 的数据标准。',
    en: 'There is no data standard with code {code}.',
  },
  'exchange.version_not_found': { zh: '数据标准版本不存在', en: 'Standard version not found' },
  'exchange.version_not_found.detail': {
    zh: '数据标准 {code} 没有第 {version} 版。',
    en: 'Data standard {code} has no version {version}.',
  },
  'exchange.version_invalid': { zh: '数据标准版本不符合要求', en: 'The standard version is not valid' },
  'exchange.version_invalid.detail': FIELDS_DETAIL,
  'exchange.version_immutable': { zh: '该版本已发布，不能修改', en: 'This version is published and cannot change' },
  'exchange.version_immutable.detail': {
    zh: '数据标准 {code} 第 {version} 版的状态为 {status}。已发布的版本不可修改，请新建草稿版本。',
    en: 'Version {version} of data standard {code} is {status}. Published versions never change: create a new draft.',
  },
  'exchange.version_not_published': { zh: '该版本尚未发布', en: 'This version is not published' },
  'exchange.version_not_published.detail': {
    zh: '数据标准 {code} 第 {version} 版的状态为 {status}，只有已发布的版本可以弃用。',
    en: 'Version {version} of data standard {code} is {status}; only a published version can be deprecated.',
  },
  'exchange.draft_exists': { zh: '已有草稿版本', en: 'A draft version exists already' },
  'exchange.draft_exists.detail': {
    zh: '数据标准 {code} 已有草稿第 {version} 版：请修改或发布它。',
    en: 'Data standard {code} already has draft version {version}: change or publish it.',
  },
  'exchange.breaking_change': { zh: '新版本与上一版本不兼容', en: 'The new version breaks the previous one' },
  'exchange.breaking_change.detail': {
    zh: '第 {version} 版与已发布的第 {previousVersion} 版相比有 {count} 处不兼容的变更，见 report。确认后以 acknowledgeBreaking: true 重新发布。',
    en: 'Version {version} has {count} breaking change(s) against published version {previousVersion}; see report. Publish again with acknowledgeBreaking: true to confirm.',
  },
  'exchange.code_list_invalid': { zh: '代码表不符合要求', en: 'The code list is not valid' },
  'exchange.code_list_invalid.detail': FIELDS_DETAIL,
  'exchange.code_list_not_found': { zh: '代码表不存在', en: 'Code list not found' },
  'exchange.code_list_not_found.detail': {
    zh: '没有标识为 {id} 的代码表。',
    en: 'There is no code list with id {id}.',
  },
  'exchange.data_element_invalid': { zh: '数据元不符合要求', en: 'The data element is not valid' },
  'exchange.data_element_invalid.detail': FIELDS_DETAIL,
  'exchange.data_element_not_found': { zh: '数据元不存在', en: 'Data element not found' },
  'exchange.data_element_not_found.detail': {
    zh: '没有标识为 {id} 的数据元。',
    en: 'There is no data element with id {id}.',
  },
  'exchange.catalogue_denied': { zh: '无权查看数据标准目录', en: 'Not permitted to read the standards catalogue' },
  'exchange.catalogue_denied.detail': {
    zh: '查看数据标准需要在任一部门拥有 exchange.read 权限，或以接入系统身份调用。',
    en: 'Reading the standards needs exchange.read over some unit, or a registered system’s access token.',
  },

  'exchange.compatibility.property_removed': { zh: '删除了字段 {path}', en: 'Property {path} was removed' },
  'exchange.compatibility.property_added': { zh: '新增了可选字段 {path}', en: 'Optional property {path} was added' },
  'exchange.compatibility.property_required': { zh: '字段 {path} 改为必填', en: 'Property {path} is now required' },
  'exchange.compatibility.property_optional': {
    zh: '字段 {path} 改为可选，订阅方可能收不到它',
    en: 'Property {path} is now optional: subscribers may no longer receive it',
  },
  'exchange.compatibility.type_changed': {
    zh: '{path} 的类型由 {previous} 改为 {next}',
    en: 'The type of {path} changed from {previous} to {next}',
  },
  'exchange.compatibility.type_narrowed': {
    zh: '{path} 的类型由 {previous} 收窄为 {next}',
    en: 'The type of {path} narrowed from {previous} to {next}',
  },
  'exchange.compatibility.type_widened': {
    zh: '{path} 的类型由 {previous} 放宽为 {next}',
    en: 'The type of {path} widened from {previous} to {next}',
  },
  'exchange.compatibility.enum_values_removed': {
    zh: '{path} 删除了可选值 {values}',
    en: 'Values {values} of {path} were removed',
  },
  'exchange.compatibility.enum_values_added': {
    zh: '{path} 新增了可选值 {values}',
    en: 'Values {values} were added to {path}',
  },
  'exchange.compatibility.enum_added': { zh: '{path} 限定为枚举值', en: '{path} is now limited to listed values' },
  'exchange.compatibility.enum_removed': {
    zh: '{path} 不再限定枚举值',
    en: '{path} is no longer limited to listed values',
  },
  'exchange.compatibility.code_list_added': {
    zh: '{path} 的值须取自代码表 {list}',
    en: 'The values of {path} must now come from code list {list}',
  },
  'exchange.compatibility.code_list_changed': {
    zh: '{path} 的代码表由 {previous} 改为 {next}',
    en: 'The code list of {path} changed from {previous} to {next}',
  },
  'exchange.compatibility.code_list_removed': {
    zh: '{path} 不再限定代码表 {list}',
    en: '{path} is no longer limited to code list {list}',
  },
  'exchange.compatibility.limit_tightened': {
    zh: '{path} 的 {keyword} 由 {previous} 收紧为 {next}',
    en: '{keyword} of {path} tightened from {previous} to {next}',
  },
  'exchange.compatibility.limit_loosened': {
    zh: '{path} 的 {keyword} 由 {previous} 放宽为 {next}',
    en: '{keyword} of {path} loosened from {previous} to {next}',
  },
  'exchange.compatibility.pattern_changed': {
    zh: '{path} 的格式规则（pattern）已改变',
    en: 'The pattern of {path} changed',
  },
  'exchange.compatibility.pattern_removed': {
    zh: '{path} 不再要求格式规则（pattern）',
    en: '{path} no longer has a pattern',
  },
  'exchange.compatibility.format_changed': {
    zh: '{path} 的格式由 {previous} 改为 {next}',
    en: 'The format of {path} changed from {previous} to {next}',
  },
  'exchange.compatibility.format_removed': {
    zh: '{path} 不再要求格式 {previous}',
    en: '{path} no longer has format {previous}',
  },
  'exchange.compatibility.const_changed': { zh: '{path} 的固定值已改变', en: 'The constant value of {path} changed' },
  'exchange.compatibility.additional_properties_closed': {
    zh: '{path} 不再接受未列出的字段',
    en: '{path} no longer accepts unlisted properties',
  },
  'exchange.compatibility.additional_properties_opened': {
    zh: '{path} 现在接受未列出的字段',
    en: '{path} now accepts unlisted properties',
  },
  'exchange.compatibility.composition_changed': {
    zh: '{path} 的组合规则已改变，无法证明兼容',
    en: 'The composition of {path} changed and cannot be proved compatible',
  },
});
