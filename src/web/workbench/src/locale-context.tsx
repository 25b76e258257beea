/**
 * The interface language: chosen by the user, remembered in localStorage, and mirrored to
 * `<html lang>` so screen readers pronounce the page in the right language (WCAG 3.1.1).
 */
import { createContext, type ReactNode, useCallback, useContext, useLayoutEffect, useMemo, useState } from 'react';
import { setRequestLocale } from './api-client';
import { LOCALES, type Locale, type MessageKey, translate } from './messages';

const STORAGE_KEY = 'huitong.workbench.locale';

interface LocaleContextValue {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const LocaleContext = createContext<LocaleContextValue | null>(null);

function storedLocale(): Locale {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return LOCALES.find((locale) => locale === stored) ?? 'zh-CN';
  } catch {
    // Storage can be switched off by policy; the workbench then simply starts in Chinese.
    return 'zh-CN';
  }
}

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);

  // A layout effect, so the first paint already carries the right `lang`, and the first request asks
  // for problems in the interface language.
  useLayoutEffect(() => {
    document.documentElement.lang = locale;
    setRequestLocale(locale);
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered across visits when storage is off; the switch still works for this one.
    }
  }, []);

  const value = useMemo<LocaleContextValue>(
    () => ({ locale, setLocale, t: (key, params) => translate(key, locale, params) }),
    [locale, setLocale],
  );
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleContextValue {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useLocale must be used inside <LocaleProvider>');
  return value;
}
