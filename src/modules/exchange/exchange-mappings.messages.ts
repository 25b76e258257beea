/** The exchange mappings' messages (native formats, JSONata expressions, mappings): Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'exchange.payload_malformed': { zh: '报文格式有误', en: 'The payload is malformed' },
  'exchange.payload_malformed.detail': {
    zh: '{format} 报文无法读取（原因：{reason}），见 errors 中的位置。',
    en: 'The {format} payload could not be read (reason: {reason}); see errors for where.',
  },
  'exchange.payload_too_large': { zh: '报文过大', en: 'The payload is too large' },
  'exchange.payload_too_large.detail': {
    zh: '{format} 报文不能超过 {limit} 个字符。',
    en: 'A {format} payload must not exceed {limit} characters.',
  },
  'exchange.expression_invalid': { zh: 'JSONata 表达式无效', en: 'The JSONata expression is not valid' },
  'exchange.expression_invalid.detail': {
    zh: '表达式在第 {position} 个字符处有误（JSONata 错误码 {jsonataCode}）。',
    en: 'The expression is wrong at character {position} (JSONata error {jsonataCode}).',
  },
  'exchange.mapping_failed': { zh: '映射执行失败', en: 'The mapping failed' },
  'exchange.mapping_failed.detail': {
    zh: '映射无法完成（原因：{reason}），见 errors。',
    en: 'The mapping could not be completed (reason: {reason}); see errors.',
  },
  'exchange.mapping_empty': { zh: '映射没有结果', en: 'The mapping produced nothing' },
  'exchange.mapping_empty.detail': {
    zh: '映射表达式对此报文没有产生任何结果，请检查表达式中的路径是否与报文一致。',
    en: 'The mapping expression yielded nothing for this payload; check that its paths match the payload.',
  },
  'exchange.mapping_invalid': { zh: '映射不符合要求', en: 'The mapping is not valid' },
  'exchange.mapping_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'exchange.mapping_not_found': { zh: '映射不存在', en: 'Mapping not found' },
  'exchange.mapping_not_found.detail': {
    zh: '成员 {memberId} 没有 {standard} 第 {version} 版的{direction}映射。',
    en: 'Member {memberId} has no {direction} mapping for {standard} version {version}.',
  },
  'exchange.mapping_member_unknown': { zh: '成员不存在', en: 'Member not found' },
  'exchange.mapping_member_unknown.detail': {
    zh: '没有编号为 {memberId} 的交换成员。',
    en: 'There is no exchange member {memberId}.',
  },
  'exchange.mapping_standard_unknown': { zh: '数据标准版本不存在', en: 'Standard version not found' },
  'exchange.mapping_standard_unknown.detail': {
    zh: '没有数据标准 {standard} 的第 {version} 版。',
    en: 'There is no version {version} of the standard {standard}.',
  },
  'exchange.mapping_client_read_only': { zh: '成员系统只能查看映射', en: 'A member system may only read mappings' },
  'exchange.mapping_client_read_only.detail': {
    zh: '成员系统只能查看和试运行自己的映射，不能修改。',
    en: 'A member system may read and dry-run its own mappings, not change them.',
  },
  'exchange.mapping_other_member': { zh: '不能访问其他成员的映射', en: 'Another member’s mappings' },
  'exchange.mapping_other_member.detail': {
    zh: '成员系统只能访问自己的映射。',
    en: 'A member system may reach its own mappings only.',
  },
});
