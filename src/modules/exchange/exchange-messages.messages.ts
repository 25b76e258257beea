/** The exchange's publish, delivery and log messages: errors and command output, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'exchange.event_invalid': { zh: '消息不符合要求', en: 'The message is not valid' },
  'exchange.event_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors；整批消息均未接收。',
    en: '{count} problem(s), listed in errors; nothing of this request was accepted.',
  },
  'exchange.source_mismatch': { zh: '消息来源与调用方不符', en: 'The message source is not the caller' },
  'exchange.source_mismatch.detail': {
    zh: '消息的 source 必须是调用方自己的成员标识。',
    en: 'A message’s source must be the calling member’s own id.',
  },
  'exchange.publish_not_permitted': { zh: '无权发布该标准的数据', en: 'Not permitted to publish this standard' },
  'exchange.publish_not_permitted.detail': {
    zh: '标准 {standard} 的所有部门尚未允许本成员发布。',
    en: 'The owner of standard {standard} has not allowed this member to publish it.',
  },
  'exchange.batch_too_large': { zh: '批量消息过多', en: 'Too many messages in one batch' },
  'exchange.batch_too_large.detail': {
    zh: '一批最多 {limit} 条消息。',
    en: 'A batch holds at most {limit} messages.',
  },
  'exchange.data_too_large': { zh: '消息数据过大', en: 'The message data is too large' },
  'exchange.data_too_large.detail': {
    zh: '映射后的数据最多 {limit} 字节；更大的内容请先作为附件上传，再以 dataref 引用。',
    en: 'Mapped data may be at most {limit} bytes; upload larger content as an attachment and reference it with dataref.',
  },
  'exchange.log_missing': { zh: '消息日志未初始化', en: 'The message log is not initialised' },
  'exchange.log_missing.detail': { zh: '请先执行数据库迁移。', en: 'Run the database migrations first.' },
  'exchange.message_not_found': { zh: '消息不存在', en: 'Message not found' },
  'exchange.message_not_found.detail': { zh: '没有标识为 {id} 的消息。', en: 'There is no message with id {id}.' },
  'exchange.attachment_not_found': { zh: '附件不存在', en: 'Attachment not found' },
  'exchange.attachment_not_found.detail': {
    zh: '没有该附件，或调用方无权读取。',
    en: 'No such attachment, or the caller may not read it.',
  },
  'exchange.subscription_not_pull': { zh: '该订阅不是拉取方式', en: 'This subscription is not a pull subscription' },
  'exchange.subscription_not_pull.detail': {
    zh: '只有拉取方式的订阅可以 fetch、ack 和 nack。',
    en: 'Only pull subscriptions fetch, ack and nack.',
  },
  'exchange.query_invalid': { zh: '查询条件不符合要求', en: 'The query is not valid' },
  'exchange.query_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'exchange.verify.ok': {
    zh: '消息日志完好：第 {firstSeq}–{lastSeq} 条，共 {checked} 条，{checkpoints} 个签名检查点均已核验。',
    en: 'The message log is intact: entries {firstSeq}–{lastSeq}, {checked} in all, and {checkpoints} signed checkpoints verified.',
  },
  'exchange.verify.failed': {
    zh: '消息日志校验失败：第 {seq} 条（{reason}）。已核验 {checked} 条。',
    en: 'The message log failed verification at entry {seq} ({reason}) after {checked} entries.',
  },
  'exchange.prune.done': {
    zh: '已清理 {removed} 条；日志现从第 {prunedSeq} 条之后开始。',
    en: '{removed} entries removed; the log now starts after entry {prunedSeq}.',
  },
  'exchange.verify.empty': { zh: '消息日志为空。', en: 'The message log is empty.' },
});
