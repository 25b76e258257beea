/**
 * The workbench's message catalogue, Chinese first, English second, in the same shape as the
 * server's (`src/platform/i18n/messages.ts`). Keys are typed, so a missing message is a compile error.
 * Placeholders are `{name}`. Each page's messages live in messages/<page>.messages.ts.
 */

import { accessMessages } from './messages/access.messages';
import { accountMessages } from './messages/account.messages';
import { auditMessages } from './messages/audit.messages';
import { casesMessages } from './messages/cases.messages';
import { casesSupervisionMessages } from './messages/cases-supervision.messages';
import { directoryMessages } from './messages/directory.messages';
import { exchangeMessages } from './messages/exchange.messages';
import { sessionsMessages } from './messages/sessions.messages';
import { fieldReasonMessages, shellMessages } from './messages/shell.messages';
import { systemsMessages } from './messages/systems.messages';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

interface Message {
  zh: string;
  en: string;
}

const pageMessages = {
  'dashboard.title': { zh: '工作台首页', en: 'Dashboard' },
  'dashboard.empty': {
    zh: '业务模块启用后将显示在这里。',
    en: 'Modules will appear here as they are enabled.',
  },
  'status.title': { zh: '平台状态', en: 'Platform status' },
  'status.refresh': { zh: '刷新', en: 'Refresh' },
  'status.loading': { zh: '正在检查…', en: 'Checking…' },
  'status.database': { zh: '数据库', en: 'Database' },
  'status.engine': { zh: '数据库引擎', en: 'Database engine' },
  'status.migrations': { zh: '数据库迁移', en: 'Database migrations' },
  'status.version': { zh: '版本', en: 'Version' },
  'status.ok': { zh: '正常', en: 'OK' },
  'status.unavailable': { zh: '不可用', en: 'Unavailable' },
  'status.unknown': { zh: '未知', en: 'Unknown' },
  'status.engine.pglite': { zh: 'PGlite（内嵌）', en: 'PGlite (embedded)' },
  'status.engine.postgres': { zh: 'PostgreSQL', en: 'PostgreSQL' },
  'status.checked_at': { zh: '检查于 {time}', en: 'Checked at {time}' },
  'not_found.title': { zh: '页面不存在', en: 'Page not found' },
  'not_found.detail': { zh: '地址 {path} 没有对应的页面。', en: 'There is no page at {path}.' },
  'not_found.back': { zh: '返回工作台首页', en: 'Back to the dashboard' },
} as const;

const messages = {
  ...shellMessages,
  ...fieldReasonMessages,
  ...pageMessages,
  ...directoryMessages,
  ...accessMessages,
  ...systemsMessages,
  ...exchangeMessages,
  ...casesMessages,
  ...casesSupervisionMessages,
  ...sessionsMessages,
  ...auditMessages,
  ...accountMessages,
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof messages;

/** The text of `key` in `locale`, with `{param}` placeholders filled. */
export function translate(key: MessageKey, locale: Locale, params: Record<string, string | number> = {}): string {
  const message: Message = messages[key];
  const template = locale === 'en' ? message.en : message.zh;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Whether `key` is in the catalogue: for keys built from what the server sends (reason codes). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(messages, key);
}
