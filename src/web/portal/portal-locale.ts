/**
 * The portal's language: the reader's explicit choice (`?lang=en`, remembered in a cookie), else the
 * remembered choice, else the browser's Accept-Language, else Chinese.
 */
import { type Locale, negotiateLocale } from '../../platform/i18n/messages.js';

const LANG_COOKIE = 'huitong_lang';
/** A year: a language choice is not something to ask again every visit. */
const LANG_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

export interface LocaleChoice {
  locale: Locale;
  /** Set when the reader chose just now, so the response remembers it. */
  chosen: boolean;
}

/**
 * Decides the page language from the `lang` query parameter, the cookie and Accept-Language.
 * @example portalLocale('en', undefined, 'zh-CN') // { locale: 'en', chosen: true }
 */
export function portalLocale(
  langParameter: string | undefined,
  cookieHeader: string | undefined,
  acceptLanguage: string | undefined,
): LocaleChoice {
  const asked = localeOf(langParameter);
  if (asked) return { locale: asked, chosen: true };
  const remembered = localeOf(cookieValue(cookieHeader, LANG_COOKIE));
  return { locale: remembered ?? negotiateLocale(acceptLanguage), chosen: false };
}

/**
 * The Set-Cookie value that remembers a choice. Not HttpOnly: it holds no secret. SameSite=Lax, so
 * it comes along when a reader follows a link to the portal from another site.
 * @example langCookie('en') // 'huitong_lang=en; Path=/; Max-Age=31536000; SameSite=Lax'
 */
export function langCookie(locale: Locale): string {
  return `${LANG_COOKIE}=${locale}; Path=/; Max-Age=${LANG_COOKIE_MAX_AGE_S}; SameSite=Lax`;
}

/** The query parameter value that selects a locale: what the language switch links to. */
export function langParameterOf(locale: Locale): string {
  return locale === 'en' ? 'en' : 'zh';
}

function localeOf(value: string | undefined): Locale | undefined {
  if (value === 'en') return 'en';
  if (value === 'zh' || value === 'zh-CN') return 'zh-CN';
  return undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
