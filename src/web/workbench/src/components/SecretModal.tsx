import { Alert, Button, Modal } from 'antd';
import { useLocale } from '../locale-context';
import type { MessageKey } from '../messages';
import { CopyButton } from './CopyButton';

/**
 * A client secret, the one time it is shown (a registered system or an exchange member, at
 * registration or rotation): the platform keeps only its hash, so closing this loses it for good.
 * Closes only by the explicit button or Escape, never by a stray click beside it.
 */
export function SecretModal({
  clientId,
  clientSecret,
  detail,
  onClose,
}: {
  clientId: string;
  clientSecret: string;
  /** What the warning says beside "shown once": where the secret goes next. */
  detail: MessageKey;
  onClose(): void;
}) {
  const { t } = useLocale();
  return (
    <Modal
      open
      title={t('secret.title', { clientId })}
      maskClosable={false}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('secret.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon message={t('secret.once')} description={t(detail)} />
      <p className="secret-label">{t('secret.label')}</p>
      <p className="secret-value">
        <code>{clientSecret}</code>
      </p>
      <CopyButton text={clientSecret} label={t('secret.copy')} />
    </Modal>
  );
}
