/** Messages of supervision, ratings and statistics: errors, the sweep command, export headers. Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'cases.rating_invalid': { zh: '评价不符合要求', en: 'The rating is not valid' },
  'cases.rating_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'cases.already_rated': { zh: '该办件已评价', en: 'The case has been rated already' },
  'cases.already_rated.detail': {
    zh: '每件办件只能评价一次。',
    en: 'A case is rated once.',
  },
  'cases.follow_up_not_found': { zh: '没有需要整改回访的差评', en: 'No follow-up for this case' },
  'cases.follow_up_not_found.detail': {
    zh: '办件 {caseId} 没有差评，无需答复。',
    en: 'Case {caseId} has no poor rating to answer.',
  },
  'cases.follow_up_answered': { zh: '该差评已答复', en: 'The poor rating has been answered already' },
  'cases.follow_up_answered.detail': {
    zh: '办件 {caseId} 的差评已于 {answeredAt} 答复。',
    en: 'The poor rating of case {caseId} was answered at {answeredAt}.',
  },
  'cases.alert_not_found': { zh: '预警不存在', en: 'Alert not found' },
  'cases.alert_not_found.detail': { zh: '没有编号为 {alertId} 的预警。', en: 'There is no alert {alertId}.' },
  'cases.alert_acknowledged': { zh: '该预警已签收', en: 'The alert has been acknowledged already' },
  'cases.alert_acknowledged.detail': {
    zh: '预警 {alertId} 已于 {acknowledgedAt} 签收。',
    en: 'Alert {alertId} was acknowledged at {acknowledgedAt}.',
  },
  'cases.sweep.done': {
    zh: '时限扫描完成（{today}）：新增黄灯预警 {yellow} 条，红灯预警 {red} 条。',
    en: 'Deadline sweep done ({today}): {yellow} yellow and {red} red alert(s) raised.',
  },
  'cases.statistics.key.centre': { zh: '服务中心', en: 'Centre' },
  'cases.statistics.key.department': { zh: '部门', en: 'Department' },
  'cases.statistics.key.item': { zh: '事项', en: 'Item' },
  'cases.statistics.key.month': { zh: '月份', en: 'Month' },
  'cases.statistics.key.day': { zh: '日期', en: 'Day' },
  'cases.statistics.label': { zh: '名称', en: 'Name' },
  'cases.statistics.total': { zh: '合计', en: 'Total' },
  'cases.statistics.online': { zh: '网上办理', en: 'Online' },
  'cases.statistics.submitted': { zh: '申请数', en: 'Submitted' },
  'cases.statistics.accepted': { zh: '受理数', en: 'Accepted' },
  'cases.statistics.rejected': { zh: '不予受理数', en: 'Rejected' },
  'cases.statistics.completed': { zh: '办结数', en: 'Completed' },
  'cases.statistics.onTime': { zh: '按时办结数', en: 'Completed on time' },
  'cases.statistics.onTimeRate': { zh: '按时办结率', en: 'On-time rate' },
  'cases.statistics.avgWorkingDays': { zh: '平均办理工作日', en: 'Average working days' },
  'cases.statistics.granted': { zh: '准予数', en: 'Granted' },
  'cases.statistics.refused': { zh: '不予许可数', en: 'Refused' },
  'cases.statistics.withdrawn': { zh: '撤回数', en: 'Withdrawn' },
  'cases.statistics.ratings': { zh: '评价数', en: 'Ratings' },
  'cases.statistics.avgRating': { zh: '平均评分', en: 'Average rating' },
  'cases.statistics.poorRatings': { zh: '差评数', en: 'Poor ratings' },
  'cases.statistics.sheet': { zh: '办件统计', en: 'Case statistics' },
});
