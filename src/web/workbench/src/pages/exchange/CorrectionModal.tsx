import { Alert, Input } from 'antd';
import { useEffect, useId, useState } from 'react';
import { ApiProblem, apiFetch } from '../../api-client';
import type { DeliveryView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { reasonText } from '../../field-errors';
import { useLocale } from '../../locale-context';

interface Draft {
  data: unknown;
  eventId: string;
  standard: string;
  version: number;
  lastError: string | null;
}

/**
 * Correct and resubmit one dead delivery: the original standard payload in a JSON editor; the server
 * logs the corrected payload as a new message for this subscriber only and says which fields its
 * schema refused. The logged original never changes.
 */
export function CorrectionModal({
  delivery,
  onClose,
  onCorrected,
}: {
  delivery: DeliveryView;
  onClose(): void;
  onCorrected(eventId: string): void;
}) {
  const { t } = useLocale();
  const ids = { payload: useId(), reason: useId(), payloadError: useId(), reasonError: useId() };
  const [draft, setDraft] = useState<Draft>();
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [jsonError, setJsonError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const url = `/api/exchange/v1/deliveries/${delivery.subscriptionId}/${delivery.messageSeq}/correction`;

  useEffect(() => {
    const controller = new AbortController();
    apiFetch<Draft>(url, { signal: controller.signal }).then((loaded) => {
      setDraft(loaded);
      setText(JSON.stringify(loaded.data, null, 2));
    }, setLoadError);
    return () => controller.abort();
  }, [url]);

  const fieldErrors = saveError instanceof ApiProblem ? saveError.errors : [];
  const payloadErrors = fieldErrors.filter((field) => !field.pointer.endsWith('/reason'));
  const reasonErrors = fieldErrors.filter((field) => field.pointer.endsWith('/reason'));

  const submit = async () => {
    setSaveError(undefined);
    let data: unknown;
    try {
      data = JSON.parse(text);
      setJsonError(undefined);
    } catch {
      setJsonError(t('exchange.correct.json_invalid'));
      document.getElementById(ids.payload)?.focus();
      return;
    }
    setSaving(true);
    try {
      const result = await apiFetch<{ eventId: string }>(url, { method: 'POST', json: { data, reason } });
      onCorrected(result.eventId);
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <ActionModal
      open
      title={t('exchange.correct.title', { seq: delivery.messageSeq, member: delivery.memberId })}
      okText={t('exchange.correct.submit')}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={saving}
      okButtonProps={{ disabled: !draft }}
      width={760}
      destroyOnHidden
    >
      <p className="hint-text">{t('exchange.correct.lead')}</p>
      <ProblemAlert error={loadError} className="block-alert" />
      {draft ? (
        <>
          <p>
            <code>
              {draft.standard} v{draft.version} · {draft.eventId}
            </code>
          </p>
          {draft.lastError ? (
            <Alert type="warning" showIcon message={t('exchange.correct.failed_because', { error: draft.lastError })} />
          ) : null}
          <label htmlFor={ids.payload} className="field-label">
            {t('exchange.correct.payload')}
          </label>
          <Input.TextArea
            id={ids.payload}
            value={text}
            onChange={(event) => setText(event.target.value)}
            autoSize={{ minRows: 10, maxRows: 24 }}
            spellCheck={false}
            className="code-input"
            aria-invalid={jsonError !== undefined || payloadErrors.length > 0}
            aria-describedby={ids.payloadError}
          />
          <div id={ids.payloadError} role="alert" className="field-error-list">
            {jsonError ? <p>{jsonError}</p> : null}
            {payloadErrors.length > 0 ? (
              <ul>
                {payloadErrors.map((field) => (
                  <li key={`${field.pointer}:${field.reason}`}>
                    <code>{field.pointer}</code> {reasonText(t, field)}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          <label htmlFor={ids.reason} className="field-label">
            {t('exchange.correct.reason')}
          </label>
          <Input
            id={ids.reason}
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
            aria-required
            aria-invalid={reasonErrors.length > 0}
            aria-describedby={ids.reasonError}
          />
          <div id={ids.reasonError} role="alert" className="field-error-list">
            {reasonErrors.map((field) => (
              <p key={field.reason}>{reasonText(t, field)}</p>
            ))}
          </div>
          {saveError && fieldErrors.length === 0 ? <ProblemAlert error={saveError} className="block-alert" /> : null}
        </>
      ) : null}
    </ActionModal>
  );
}
