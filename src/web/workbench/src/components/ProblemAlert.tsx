import { Alert } from 'antd';
import { ApiProblem, NETWORK_FAILURE, type ProblemField } from '../api-client';
import { fieldPathOf, reasonText } from '../field-errors';
import { useLocale } from '../locale-context';

/**
 * A failed request as the reader should see it: the server's title and detail (already in the
 * interface language), the field errors no form field shows, and the request id to quote. Announced
 * at once (antd's error Alert is role="alert"). A refusal (403) also says what to do about it.
 */
export function ProblemAlert({
  error,
  fields,
  className,
}: {
  error: unknown;
  /** The field errors to list; all of the problem's when absent. */
  fields?: ProblemField[];
  className?: string;
}) {
  const { t } = useLocale();
  if (!error) return null;
  if (!(error instanceof ApiProblem)) {
    return <Alert className={className} type="error" showIcon message={t('problem.unexpected')} />;
  }
  if (error.code === NETWORK_FAILURE) {
    return (
      <Alert
        className={className}
        type="error"
        showIcon
        message={t('problem.network')}
        description={t('problem.network.detail')}
      />
    );
  }
  const listed = fields ?? error.errors;
  return (
    <Alert
      className={className}
      type="error"
      showIcon
      message={error.title || t('problem.status', { status: error.status })}
      description={
        <>
          {error.detail ? <p className="problem-detail">{error.detail}</p> : null}
          {listed.length > 0 ? (
            <ul className="problem-fields">
              {listed.map((field) => (
                <li key={`${field.pointer}:${field.reason}`}>
                  <code>{fieldPathOf(field.pointer).join('.') || '—'}</code> {reasonText(t, field)}
                </li>
              ))}
            </ul>
          ) : null}
          {error.status === 403 ? <p className="problem-detail">{t('problem.forbidden.advice')}</p> : null}
          {error.requestId ? (
            <p className="problem-request-id">{t('problem.request_id', { id: error.requestId })}</p>
          ) : null}
        </>
      }
    />
  );
}
