import { Alert, Button, Form, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { AuditEntry, AuditPage as AuditEntryPage, AuditVerification } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';

const PAGE_SIZE = 50;

interface Filter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

/** A `datetime-local` value (the reader's local time) as the instant the API wants. */
function instantOf(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function trimmed(value: string | undefined): string | undefined {
  return value?.trim() || undefined;
}

/**
 * 审计日志, for the security auditor: entries by actor, action, target and time, newest first, a page
 * at a time towards older ones; and a check of the whole hash chain. Each read is itself audited.
 */
export function AuditPage() {
  const { t, locale } = useLocale();
  const [filter, setFilter] = useState<Filter>({});
  const [beforeSeq, setBeforeSeq] = useState<number | undefined>();
  const [verification, setVerification] = useState<AuditVerification | undefined>();
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>();
  const entries = useLoad(
    (signal) =>
      apiFetch<AuditEntryPage>('/api/audit/v1/entries', {
        query: {
          actorId: trimmed(filter.actorId),
          action: trimmed(filter.action),
          targetType: trimmed(filter.targetType),
          targetId: trimmed(filter.targetId),
          from: instantOf(filter.from),
          to: instantOf(filter.to),
          limit: PAGE_SIZE,
          beforeSeq,
        },
        signal,
      }),
    [filter, beforeSeq],
  );
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });

  const verify = async () => {
    setVerifying(true);
    setVerifyError(undefined);
    setVerification(undefined);
    try {
      setVerification(await apiFetch<AuditVerification>('/api/audit/v1/verification'));
    } catch (error) {
      setVerifyError(error);
    } finally {
      setVerifying(false);
    }
  };

  const next = entries.data?.nextBeforeSeq ?? null;

  return (
    <>
      <PageTitle>{t('audit.title')}</PageTitle>
      <section aria-labelledby="audit-verify-title" className="panel">
        <div className="section-head">
          <h2 id="audit-verify-title" className="section-title">
            {t('audit.verify_title')}
          </h2>
          <Button onClick={verify} loading={verifying}>
            {t('audit.verify')}
          </Button>
        </div>
        <p className="hint-text">{t('audit.verify_lead')}</p>
        <ProblemAlert error={verifyError} className="block-alert" />
        <div role="status">
          {verification?.ok === true ? (
            <Alert
              type="success"
              showIcon
              message={t('audit.chain_ok', { checked: verification.checked })}
              description={
                <>
                  {t('audit.chain_head', { seq: verification.head.seq })}{' '}
                  <code className="hash">{verification.head.hash}</code>
                </>
              }
            />
          ) : null}
          {verification?.ok === false ? (
            <Alert
              type="error"
              showIcon
              message={t('audit.chain_broken', { checked: verification.checked })}
              description={t('audit.chain_first_bad', {
                seq: verification.firstBad.seq,
                reason: verification.firstBad.reason,
              })}
            />
          ) : null}
        </div>
      </section>
      <section aria-labelledby="audit-entries-title" className="panel">
        <h2 id="audit-entries-title" className="section-title">
          {t('audit.entries')}
        </h2>
        <Form<Filter>
          name="audit-filter"
          layout="inline"
          className="filter-form"
          onFinish={(values) => {
            setFilter(values);
            setBeforeSeq(undefined);
          }}
        >
          <Form.Item name="actorId" label={t('audit.actor')}>
            <Input allowClear spellCheck={false} />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Input allowClear spellCheck={false} placeholder="access.grant.created" />
          </Form.Item>
          <Form.Item name="targetType" label={t('audit.target_type')}>
            <Input allowClear spellCheck={false} />
          </Form.Item>
          <Form.Item name="targetId" label={t('audit.target_id')}>
            <Input allowClear spellCheck={false} />
          </Form.Item>
          <Form.Item name="from" label={t('audit.from')}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item name="to" label={t('audit.to')}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item>
            <Button htmlType="submit">{t('common.filter')}</Button>
          </Form.Item>
        </Form>
        <ProblemAlert error={entries.error} className="block-alert" />
        <p role="status" className="live-status">
          {entries.loading || !entries.data
            ? ''
            : t(beforeSeq ? 'audit.showing_older' : 'audit.showing_newest', { count: entries.data.entries.length })}
        </p>
        <CaptionedTable<AuditEntry>
          caption={t('audit.caption')}
          rowKey="seq"
          size="small"
          loading={entries.loading}
          pagination={false}
          dataSource={entries.error ? [] : (entries.data?.entries ?? [])}
          expandable={{
            expandedRowRender: (entry) => <pre className="audit-details">{JSON.stringify(entry.details, null, 2)}</pre>,
          }}
          columns={[
            { key: 'seq', title: t('audit.seq'), dataIndex: 'seq' },
            { key: 'at', title: t('audit.at'), render: (_, entry) => dateTime.format(new Date(entry.at)) },
            {
              key: 'actor',
              title: t('audit.actor'),
              render: (_, entry) => (
                <>
                  {entry.actorName ?? entry.actorId ?? '—'} <span className="hint-text">({entry.actorType})</span>
                </>
              ),
            },
            { key: 'action', title: t('audit.action'), render: (_, entry) => <code>{entry.action}</code> },
            {
              key: 'target',
              title: t('audit.target'),
              render: (_, entry) => (entry.targetType ? `${entry.targetType}:${entry.targetId ?? ''}` : '—'),
            },
            {
              key: 'outcome',
              title: t('audit.outcome'),
              render: (_, entry) => (
                <Tag color={entry.outcome === 'success' ? 'success' : 'error'}>
                  {entry.outcome === 'success' || entry.outcome === 'failure' || entry.outcome === 'denied'
                    ? t(`audit.outcome.${entry.outcome}`)
                    : entry.outcome}
                </Tag>
              ),
            },
          ]}
        />
        <Space className="pager">
          <Button disabled={beforeSeq === undefined} onClick={() => setBeforeSeq(undefined)}>
            {t('audit.newest')}
          </Button>
          <Button disabled={next === null} onClick={() => next !== null && setBeforeSeq(next)}>
            {t('audit.older')}
          </Button>
        </Space>
      </section>
    </>
  );
}
