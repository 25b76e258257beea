import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { StandardVersionView, StandardView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { nameIn } from './exchange-tags';

/**
 * Asks before deprecating a published version, and says what that does: members are told to move to
 * a newer version, while the deprecated one stays valid and never changes, so messages under way and
 * systems not yet moved keep working. There is no way back, hence the question.
 */
export function DeprecateVersionModal({
  standard,
  version,
  onClose,
  onDeprecated,
}: {
  standard: StandardView;
  version: number;
  onClose(): void;
  onDeprecated(deprecated: StandardVersionView): void;
}) {
  const { t, locale } = useLocale();
  const [deprecating, setDeprecating] = useState(false);
  const [deprecateError, setDeprecateError] = useState<unknown>();
  const url = `/api/exchange/v1/standards/${encodeURIComponent(standard.code)}/versions/${version}/deprecate`;
  // The newest published version other than this one, to point the reader (and the members) to.
  const successor = standard.versions
    .filter((row) => row.status === 'published' && row.version !== version)
    .at(-1)?.version;

  const deprecate = async () => {
    setDeprecateError(undefined);
    setDeprecating(true);
    try {
      onDeprecated(await apiFetch<StandardVersionView>(url, { method: 'POST' }));
    } catch (error) {
      setDeprecateError(error);
    } finally {
      setDeprecating(false);
    }
  };

  return (
    <ActionModal
      open
      title={t('exchange.deprecate.title', { name: nameIn(locale, standard), version })}
      okText={t('exchange.deprecate.submit', { version })}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onOk={deprecate}
      onCancel={onClose}
      confirmLoading={deprecating}
      destroyOnHidden
    >
      <p>{t('exchange.deprecate.lead')}</p>
      <p>
        {successor === undefined
          ? t('exchange.deprecate.no_successor')
          : t('exchange.deprecate.successor', { version: successor })}
      </p>
      <ProblemAlert error={deprecateError} className="block-alert" />
    </ActionModal>
  );
}
