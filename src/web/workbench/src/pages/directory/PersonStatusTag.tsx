import { Tag } from 'antd';
import type { PersonStatus } from '../../api-types';
import { useLocale } from '../../locale-context';

const COLOURS: Record<PersonStatus, string> = { active: 'success', suspended: 'warning', left: 'default' };

/** A person's status in words; the colour repeats the word, never replaces it (WCAG 1.4.1). */
export function PersonStatusTag({ status }: { status: PersonStatus }) {
  const { t } = useLocale();
  return <Tag color={COLOURS[status]}>{t(`person.status.${status}`)}</Tag>;
}
