/** The console's corrected-resubmit errors, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'exchange.delivery_not_found': { zh: '投递不存在', en: 'Delivery not found' },
  'exchange.delivery_not_found.detail': {
    zh: '订阅 {subscriptionId} 没有序号为 {messageSeq} 的消息投递。',
    en: 'Subscription {subscriptionId} has no delivery of message {messageSeq}.',
  },
  'exchange.delivery_not_correctable': { zh: '该投递不能更正', en: 'This delivery cannot be corrected' },
  'exchange.delivery_not_correctable.detail': {
    zh: '只有订阅已批准、状态为死信或待重试的投递可以更正并重发；当前状态为 {status}。',
    en: 'Only a dead or pending delivery of an approved subscription can be corrected and resubmitted; this one is {status}.',
  },
  'exchange.delivery_already_corrected': { zh: '该投递已被更正', en: 'This delivery was corrected already' },
  'exchange.delivery_already_corrected.detail': {
    zh: '另一次更正已替代订阅 {subscriptionId} 的消息 {messageSeq}，请刷新后查看。',
    en: 'Another correction replaced message {messageSeq} of subscription {subscriptionId}; reload to see it.',
  },
  'exchange.correction_invalid': { zh: '更正内容不符合要求', en: 'The correction is not valid' },
  'exchange.correction_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors；未记录也未发送任何消息。',
    en: '{count} problem(s), listed in errors; nothing was logged or sent.',
  },
});
