/** The event machinery's messages: errors a module author or an operator meets, Chinese first. */
import { registerMessages } from '../i18n/messages.js';

registerMessages({
  'events.event_invalid': { zh: '领域事件不符合要求', en: 'The domain event is not valid' },
  'events.event_invalid.detail': {
    zh: '事件有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) of the event are not valid; see errors.',
  },
  'events.outside_transaction': {
    zh: '领域事件须在事务内记录',
    en: 'A domain event must be recorded in a transaction',
  },
  'events.outside_transaction.detail': {
    zh: '事件 {type} 未在事务内记录：它须与所报告的变更一同提交。',
    en: 'Event {type} was recorded outside a transaction: it must commit with the change it reports.',
  },
  'events.subscriber_invalid': { zh: '事件订阅不符合要求', en: 'The event subscription is not valid' },
  'events.subscriber_invalid.detail': {
    zh: '订阅 {subscriber} 有 {count} 处不符合要求，见 errors。名称须为小写、以点分隔，如 archives.completed-cases；事件类型如 cases.case.completed。',
    en: 'Subscription {subscriber} has {count} field(s) that are not valid; see errors. Names are lower case and dotted, e.g. archives.completed-cases; types look like cases.case.completed.',
  },
  'events.subscriber_exists': { zh: '订阅者重名', en: 'The subscriber is already registered' },
  'events.subscriber_exists.detail': {
    zh: '订阅者 {subscriber} 已经注册过。',
    en: 'Subscriber {subscriber} is registered already.',
  },
  'events.subscribe_after_start': { zh: '事件分发已启动，不能再订阅', en: 'Subscribed after dispatch started' },
  'events.subscribe_after_start.detail': {
    zh: '订阅者 {subscriber} 须在事件分发启动前注册。',
    en: 'Subscriber {subscriber} must be registered before dispatch starts.',
  },
  'events.subscriber_not_found': { zh: '没有这个事件订阅者', en: 'No such event subscriber' },
  'events.subscriber_not_found.detail': {
    zh: '本进程未注册订阅者 {subscriber}。',
    en: 'Subscriber {subscriber} is not registered in this process.',
  },
  'events.parked_not_found': { zh: '没有这个搁置的事件', en: 'No such parked event' },
  'events.parked_not_found.detail': {
    zh: '订阅者 {subscriber} 没有搁置编号为 {eventId} 的事件。',
    en: 'Subscriber {subscriber} has no parked event {eventId}.',
  },
  'events.parked_not_first': {
    zh: '须从同一对象最早的搁置事件重试',
    en: 'Retry from the earliest parked event of the aggregate',
  },
  'events.parked_not_first.detail': {
    zh: '事件 {eventId} 排在同一对象（{aggregateType} {aggregateId}）的搁置事件 {firstEventId} 之后，须从 {firstEventId} 重试。',
    en: 'Event {eventId} waits behind parked event {firstEventId} of the same aggregate ({aggregateType} {aggregateId}); retry from {firstEventId}.',
  },
  'events.drain_timed_out': { zh: '事件未能在时限内投递完毕', en: 'Events were not all delivered in time' },
  'events.drain_timed_out.detail': {
    zh: '{timeoutMs} 毫秒后仍有事件待投递，可能有长事务未结束，或另一进程正在投递。',
    en: 'Events were still pending after {timeoutMs} ms: a long transaction may still be open, or another process is delivering.',
  },
});
