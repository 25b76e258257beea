/** The service catalogue's messages: errors, and the names of its kinds. Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'services.item_invalid': { zh: '政务服务事项不符合要求', en: 'The service item is not valid' },
  'services.item_invalid.detail': FIELDS_DETAIL,
  'services.query_invalid': { zh: '查询条件不符合要求', en: 'The query is not valid' },
  'services.query_invalid.detail': FIELDS_DETAIL,
  'services.item_not_found': { zh: '政务服务事项不存在', en: 'Service item not found' },
  'services.item_not_found.detail': {
    zh: '没有实施编码为 {code} 的已发布事项。',
    en: 'There is no published service item with implementation code {code}.',
  },
  'services.version_not_found': { zh: '事项版本不存在', en: 'Item version not found' },
  'services.version_not_found.detail': {
    zh: '事项 {code} 没有第 {version} 版。',
    en: 'Service item {code} has no version {version}.',
  },
  'services.version_immutable': { zh: '该版本已发布，不能修改', en: 'This version was published and cannot change' },
  'services.version_immutable.detail': {
    zh: '事项 {code} 第 {version} 版的状态为 {status}。发布过的版本不可修改，请新建草稿版本。',
    en: 'Version {version} of service item {code} is {status}. Versions that were published never change: create a new draft.',
  },
  'services.draft_exists': { zh: '已有草稿版本', en: 'A draft version exists already' },
  'services.draft_exists.detail': {
    zh: '事项 {code} 已有草稿第 {version} 版：请修改或发布它。',
    en: 'Service item {code} already has draft version {version}: change or publish it.',
  },
  'services.not_published': { zh: '该事项未发布', en: 'This item is not published' },
  'services.not_published.detail': {
    zh: '事项 {code} 当前没有已发布的版本，无需撤下。',
    en: 'Service item {code} has no published version to withdraw.',
  },
  'services.type.administrative_licence': { zh: '行政许可', en: 'Administrative licence' },
  'services.type.administrative_levy': { zh: '行政征收', en: 'Administrative levy' },
  'services.type.administrative_payment': { zh: '行政给付', en: 'Administrative payment' },
  'services.type.administrative_confirmation': { zh: '行政确认', en: 'Administrative confirmation' },
  'services.type.administrative_reward': { zh: '行政奖励', en: 'Administrative reward' },
  'services.type.administrative_ruling': { zh: '行政裁决', en: 'Administrative ruling' },
  'services.type.other_administrative_power': { zh: '其他行政权力', en: 'Other administrative power' },
  'services.type.public_service': { zh: '公共服务', en: 'Public service' },
  'services.material_form.original': { zh: '原件', en: 'Original' },
  'services.material_form.copy': { zh: '复印件', en: 'Copy' },
  'services.result_kind.certificate': { zh: '证照', en: 'Certificate' },
  'services.result_kind.decision': { zh: '决定文书', en: 'Decision' },
});
