/**
 * A case's status and deadline light as tags: words and colour alike, so colour is never the only
 * signal (WCAG 1.4.1). Tag colours are the theme's status colours, tuned for 4.5:1 text contrast.
 */
import { Tag } from 'antd';
import { useLocale } from '../../locale-context';
import { hasMessage } from '../../messages';
import type { CaseStatus, Light } from './case-types';

const LIGHT_COLOURS: Record<Light, string> = { green: 'success', yellow: 'warning', red: 'error' };

const STATUS_COLOURS: Partial<Record<CaseStatus, string>> = {
  submitted: 'blue',
  accepted: 'blue',
  supplement: 'warning',
  special: 'warning',
  decided: 'purple',
  completed: 'success',
  delivered: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

/** The light of a running clock; a case whose clock is not running says so rather than showing none. */
export function LightTag({ light }: { light: Light | null }) {
  const { t } = useLocale();
  if (light === null) return <span className="hint-text">{t('cases.light.none')}</span>;
  return (
    <Tag color={LIGHT_COLOURS[light]}>
      <span aria-hidden="true" className={`light-dot light-dot-${light}`} />
      {t(`cases.light.${light}`)}
    </Tag>
  );
}

export function StatusTag({ status }: { status: CaseStatus }) {
  const { t } = useLocale();
  const key = `cases.status.${status}`;
  return <Tag color={STATUS_COLOURS[status] ?? 'default'}>{hasMessage(key) ? t(key) : status}</Tag>;
}

/** A step's action in words, or as the server named it when the catalogue does not know it. */
export function useActionName(): (action: string) => string {
  const { t } = useLocale();
  return (action) => {
    const key = `cases.step.${action}`;
    return hasMessage(key) ? t(key) : action;
  };
}

/** A score as the catalogue's key: the five levels 1..5 (非常不满意 … 非常满意). */
export function scoreKey(score: number): 1 | 2 | 3 | 4 | 5 {
  return Math.min(5, Math.max(1, Math.round(score))) as 1 | 2 | 3 | 4 | 5;
}
