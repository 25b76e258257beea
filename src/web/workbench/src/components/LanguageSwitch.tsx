import { Radio } from 'antd';
import type { ReactNode } from 'react';
import { useLocale } from '../locale-context';
import type { Locale } from '../messages';

// Each language is named in itself and marked with its own `lang` (WCAG 3.1.2), so it reads right
// to someone who does not understand the current interface language.
const OPTIONS: { value: Locale; label: ReactNode }[] = [
  { value: 'zh-CN', label: <span lang="zh-CN">中文</span> },
  { value: 'en', label: <span lang="en">English</span> },
];

export function LanguageSwitch() {
  const { locale, setLocale, t } = useLocale();
  return (
    // antd's group is a plain div; the radiogroup role is what lets its label be announced.
    <div role="radiogroup" aria-label={t('app.language')}>
      <Radio.Group
        name="workbench-locale"
        optionType="button"
        buttonStyle="solid"
        size="small"
        options={OPTIONS}
        value={locale}
        onChange={(event) => setLocale(event.target.value as Locale)}
      />
    </div>
  );
}
