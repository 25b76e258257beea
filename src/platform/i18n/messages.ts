/**
 * Message catalogues, Chinese first, English second. Every user-facing string lives in a catalogue:
 * the platform's own below, and each module registers its own at start with `registerMessages`.
 * Placeholders are `{name}`, filled from the params of the error or page.
 */

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface Message {
  zh: string;
  en: string;
}

export type Catalogue = Record<string, Message>;

const catalogue = new Map<string, Message>();

/**
 * Adds messages to the catalogue. A key registered twice with different text is a programming error.
 * @example registerMessages({ 'case.not_found': { zh: '办件不存在', en: 'Case not found' } })
 */
export function registerMessages(messages: Catalogue): void {
  for (const [key, message] of Object.entries(messages)) {
    const existing = catalogue.get(key);
    if (existing && (existing.zh !== message.zh || existing.en !== message.en)) {
      throw new Error(`message ${key} registered twice with different text`);
    }
    catalogue.set(key, message);
  }
}

export function hasMessage(key: string): boolean {
  return catalogue.has(key);
}

/** Both languages of a message, or undefined when the key is unknown. */
export function messageOf(key: string): Message | undefined {
  return catalogue.get(key);
}

/** The text of `key` in `locale` with `{param}` placeholders filled; the key itself when it is unknown. */
export function translate(key: string, locale: Locale, params: Record<string, unknown> = {}): string {
  const message = catalogue.get(key);
  if (!message) return key;
  const template = locale === 'en' ? message.en : message.zh;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * A message in both languages, Chinese first, for the CLI and logs an operator of either language reads.
 * @example bilingual('audit.verify.intact', { checked: 3 }) // '审计日志完好… / audit log intact…'
 */
export function bilingual(key: string, params: Record<string, unknown> = {}, separator = ' / '): string {
  return `${translate(key, 'zh-CN', params)}${separator}${translate(key, 'en', params)}`;
}

/**
 * Picks the locale from an Accept-Language header (RFC 9110 §12.5.4): the first supported language by
 * weight; Chinese when nothing matches.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number.parseFloat(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}
