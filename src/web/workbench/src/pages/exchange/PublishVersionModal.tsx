import { Checkbox, Spin } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { CompatibilityReport, StandardVersionView, StandardView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { CompatibilityReportView } from './CompatibilityReportView';
import { nameIn } from './exchange-tags';

/**
 * Publishes a draft after showing how it differs from the previous published version. A breaking
 * version needs the operator to say so (the server refuses it otherwise); once published a version
 * never changes.
 */
export function PublishVersionModal({
  standard,
  version,
  onClose,
  onPublished,
}: {
  standard: StandardView;
  version: number;
  onClose(): void;
  onPublished(published: StandardVersionView): void;
}) {
  const { t, locale } = useLocale();
  const [acknowledged, setAcknowledged] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [publishError, setPublishError] = useState<unknown>();
  const url = `/api/exchange/v1/standards/${encodeURIComponent(standard.code)}/versions/${version}`;
  const report = useLoad((signal) => apiFetch<CompatibilityReport>(`${url}/compatibility`, { signal }), [url]);
  const breaking = report.data?.breaking === true;

  const publish = async () => {
    setPublishError(undefined);
    setPublishing(true);
    try {
      const result = await apiFetch<{ version: StandardVersionView }>(`${url}/publish`, {
        method: 'POST',
        json: breaking ? { acknowledgeBreaking: acknowledged } : {},
      });
      onPublished(result.version);
    } catch (error) {
      setPublishError(error);
      // Someone may have published a version in between: the report to confirm is the server's now.
      report.reload();
    } finally {
      setPublishing(false);
    }
  };

  return (
    <ActionModal
      open
      title={t('exchange.publish.title', { name: nameIn(locale, standard), version })}
      okText={t('exchange.publish.submit', { version })}
      cancelText={t('common.cancel')}
      onOk={publish}
      onCancel={onClose}
      confirmLoading={publishing}
      okButtonProps={{ disabled: !report.data || (breaking && !acknowledged) }}
      width={760}
      destroyOnHidden
    >
      <p className="hint-text">{t('exchange.publish.lead')}</p>
      <h3 className="section-subtitle">{t('exchange.compatibility.title')}</h3>
      <ProblemAlert error={report.error} className="block-alert" />
      {report.loading && !report.data ? <Spin /> : null}
      {report.data ? <CompatibilityReportView report={report.data} /> : null}
      {breaking ? (
        <Checkbox checked={acknowledged} onChange={(event) => setAcknowledged(event.target.checked)} autoFocus>
          {t('exchange.publish.acknowledge_breaking')}
        </Checkbox>
      ) : null}
      <ProblemAlert error={publishError} className="block-alert" />
    </ActionModal>
  );
}
