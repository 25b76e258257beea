import { Alert, Button } from 'antd';
import { useEffect, useMemo } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { useLocale } from '../../locale-context';

/**
 * Recovery codes, shown the one time the server gives them out (it keeps only their hashes): to copy
 * or to download as a text file, with a clear word that they will not be shown again.
 */
export function RecoveryCodesView({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const { t } = useLocale();
  const text = `${t('recovery.file_heading')}\n\n${codes.join('\n')}\n`;
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);

  return (
    <div className="recovery-codes">
      <Alert type="warning" showIcon message={t('recovery.once')} description={t('recovery.once_detail')} />
      <ol className="recovery-list" aria-label={t('recovery.list_label')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <a className="ant-btn ant-btn-default download-link" href={url} download="huitong-recovery-codes.txt">
          {t('recovery.download')}
        </a>
        <CopyButton text={codes.join('\n')} label={t('recovery.copy')} />
        <Button type="primary" onClick={onDone}>
          {t('recovery.done')}
        </Button>
      </div>
    </div>
  );
}
