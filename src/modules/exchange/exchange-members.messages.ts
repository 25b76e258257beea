/** Messages of exchange members, publication rights, subscriptions and the catalogue: errors, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'exchange.member_invalid': { zh: '交换成员信息不符合要求', en: 'The exchange member is not valid' },
  'exchange.member_invalid.detail': FIELDS_DETAIL,
  'exchange.member_not_found': { zh: '交换成员不存在', en: 'Exchange member not found' },
  'exchange.member_not_found.detail': {
    zh: '没有标识为 {memberId} 的交换成员。',
    en: 'There is no exchange member with id {memberId}.',
  },
  'exchange.not_a_member': { zh: '调用方不是交换成员', en: 'The caller is not an exchange member' },
  'exchange.not_a_member.detail': {
    zh: '接入系统 {clientId} 没有登记为交换成员，请联系其主管部门登记。',
    en: 'System {clientId} is not registered as an exchange member; ask its owner department to register it.',
  },
  'exchange.member_disabled': { zh: '交换成员已停用', en: 'The exchange member is disabled' },
  'exchange.member_disabled.detail': {
    zh: '交换成员 {memberId} 已停用，不能订阅或发布。',
    en: 'Exchange member {memberId} is disabled and can neither subscribe nor publish.',
  },
  'exchange.member_other': { zh: '不能代其他成员操作', en: 'A member acts only for itself' },
  'exchange.member_other.detail': {
    zh: '以接入系统身份调用时只能为自身（{clientId}）订阅或查询。',
    en: 'Calling as a system, a member subscribes and reads only for itself ({clientId}).',
  },
  'exchange.member_query_invalid': { zh: '查询条件不符合要求', en: 'The query is not valid' },
  'exchange.member_query_invalid.detail': FIELDS_DETAIL,
  'exchange.publisher_invalid': { zh: '发布授权不符合要求', en: 'The publication right is not valid' },
  'exchange.publisher_invalid.detail': FIELDS_DETAIL,
  'exchange.publisher_standard_not_found': { zh: '数据标准不存在', en: 'Data standard not found' },
  'exchange.publisher_standard_not_found.detail': {
    zh: '没有代码为 {standardCode} 的数据标准。',
    en: 'There is no data standard with code {standardCode}.',
  },
  'exchange.publisher_not_found': { zh: '发布授权不存在', en: 'Publication right not found' },
  'exchange.publisher_not_found.detail': {
    zh: '交换成员 {memberId} 没有发布 {standardCode} 的授权。',
    en: 'Exchange member {memberId} holds no right to publish {standardCode}.',
  },
  'exchange.subscription_invalid': { zh: '订阅申请不符合要求', en: 'The subscription is not valid' },
  'exchange.subscription_invalid.detail': FIELDS_DETAIL,
  'exchange.subscription_not_found': { zh: '订阅不存在', en: 'Subscription not found' },
  'exchange.subscription_not_found.detail': {
    zh: '没有编号为 {subscriptionId} 的订阅。',
    en: 'There is no subscription {subscriptionId}.',
  },
  'exchange.subscription_exists': { zh: '已有订阅', en: 'A subscription exists already' },
  'exchange.subscription_exists.detail': {
    zh: '交换成员 {memberId} 对 {standardCode} 已有待审批或已批准的订阅（{subscriptionId}）。',
    en: 'Exchange member {memberId} already has a pending or approved subscription to {standardCode} ({subscriptionId}).',
  },
  'exchange.subscription_state': { zh: '订阅当前状态不允许此操作', en: 'Not possible in the subscription’s state' },
  'exchange.subscription_state.detail': {
    zh: '订阅 {subscriptionId} 的状态为 {status}，不能{action}。',
    en: 'Subscription {subscriptionId} is {status}: it cannot be {action}.',
  },
  'exchange.zone_forbidden': {
    zh: '外部区域成员不能接收敏感或涉密数据',
    en: 'An external-zone member may not receive sensitive or classified data',
  },
  'exchange.zone_forbidden.detail': {
    zh: '交换成员 {memberId} 位于外部区域（互联网侧），数据标准 {standardCode} 的密级为 {classification}，不能订阅。',
    en: 'Exchange member {memberId} is in the external (internet-facing) zone and standard {standardCode} is {classification}: it cannot be subscribed to.',
  },
  'exchange.catalogue_member_required': { zh: '请指定交换成员', en: 'Name the exchange member' },
  'exchange.catalogue_member_required.detail': {
    zh: '工作人员查看目录时须用 ?member= 指定交换成员。',
    en: 'Staff reading the catalogue name the member with ?member=.',
  },
});
