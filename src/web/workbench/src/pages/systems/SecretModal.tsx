import { Alert, Button, Modal } from 'antd';
import type { ClientWithSecret } from '../../api-types';
import { CopyButton } from '../../components/CopyButton';
import { useLocale } from '../../locale-context';

/**
 * The client secret, the one time it is shown: the platform keeps only its hash, so closing this
 * loses it for good (a new one needs a rotation). Closes only by the explicit button or Escape, never
 * by a stray click beside it.
 */
export function SecretModal({ secret, onClose }: { secret: ClientWithSecret; onClose(): void }) {
  const { t } = useLocale();
  return (
    <Modal
      open
      title={t('secret.title', { clientId: secret.client.clientId })}
      maskClosable={false}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('secret.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon message={t('secret.once')} description={t('secret.once_detail')} />
      <p className="secret-label">{t('secret.label')}</p>
      <p className="secret-value">
        <code>{secret.clientSecret}</code>
      </p>
      <CopyButton text={secret.clientSecret} label={t('secret.copy')} />
    </Modal>
  );
}
