import { Button, Form, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { type Page, SUBSCRIPTION_STATUSES, type SubscriptionView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { EmptyText, StateTag } from './exchange-tags';

const PAGE_SIZE = 20;

type Decision = { kind: 'reject' | 'revoke'; subscription: SubscriptionView };

/**
 * Subscriptions of the members and standards of the reader's units, newest first. The standard's
 * owner approves or rejects (with a reason) a pending one and revokes a live one; the server checks
 * the zone rule again at approval and says why when it refuses.
 */
export function SubscriptionsPanel() {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['exchange.manage']);
  const [status, setStatus] = useState<string | undefined>('pending');
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<Decision | undefined>();
  const [actionError, setActionError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState<string>();
  const subscriptions = useLoad(
    (signal) =>
      apiFetch<Page<SubscriptionView>>('/api/exchange/v1/subscriptions', {
        query: { status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [status, page],
  );
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const subject = (subscription: SubscriptionView) => ({
    member: subscription.memberId,
    standard: subscription.standardCode,
  });

  const approve = async (subscription: SubscriptionView) => {
    setActionError(undefined);
    try {
      await apiFetch(`/api/exchange/v1/subscriptions/${encodeURIComponent(subscription.id)}/approve`, {
        method: 'POST',
      });
      setAnnouncement(t('exchange.subscription.approved_done', subject(subscription)));
      subscriptions.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  return (
    <section aria-labelledby="exchange-subscriptions-title" className="panel">
      <h2 id="exchange-subscriptions-title" className="section-title">
        {t('exchange.subscriptions.title')}
      </h2>
      <Form layout="inline" className="filter-form">
        <Form.Item label={t('exchange.status')} htmlFor="exchange-subscription-status">
          <Select
            id="exchange-subscription-status"
            allowClear
            value={status}
            placeholder={t('exchange.all')}
            style={{ minWidth: 200 }}
            onChange={(value: string | undefined) => {
              setStatus(value);
              setPage(1);
            }}
            options={SUBSCRIPTION_STATUSES.map((value) => ({
              value,
              label: t(`exchange.subscription_status.${value}`),
            }))}
          />
        </Form.Item>
      </Form>
      <ProblemAlert error={subscriptions.error} className="block-alert" />
      <ProblemAlert error={actionError} className="block-alert" />
      <LiveStatus message={announcement} />
      <CaptionedTable<SubscriptionView>
        caption={t('exchange.subscriptions.caption')}
        rowKey="id"
        size="small"
        loading={subscriptions.loading}
        dataSource={subscriptions.error ? [] : (subscriptions.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('exchange.subscriptions.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: subscriptions.data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: setPage,
        }}
        columns={[
          { key: 'member', title: t('exchange.subscriber'), render: (_, row) => <code>{row.memberId}</code> },
          { key: 'standard', title: t('exchange.standard'), render: (_, row) => <code>{row.standardCode}</code> },
          {
            key: 'mode',
            title: t('exchange.subscription.mode'),
            render: (_, row) => (
              <>
                {row.mode === 'push' || row.mode === 'pull' ? t(`exchange.mode.${row.mode}`) : row.mode}
                {row.endpoint ? (
                  <>
                    {' '}
                    <code className="endpoint">{row.endpoint}</code>
                  </>
                ) : null}
                {row.pushBatchSize > 1 ? (
                  <span className="hint-text"> {t('exchange.subscription.pushBatch', { n: row.pushBatchSize })}</span>
                ) : null}
              </>
            ),
          },
          {
            key: 'filter',
            title: t('exchange.subscription.filter'),
            render: (_, row) => (row.filter ? <code>{row.filter}</code> : '—'),
          },
          {
            key: 'status',
            title: t('exchange.status'),
            render: (_, row) => (
              <>
                <StateTag kind="subscription_status" value={row.status} />
                {row.reason ? <span className="hint-text subscription-reason">{row.reason}</span> : null}
              </>
            ),
          },
          {
            key: 'created',
            title: t('exchange.subscription.requested_at'),
            render: (_, row) => dateTime.format(new Date(row.createdAt)),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, row) =>
              mayManage && (row.status === 'pending' || row.status === 'approved') ? (
                <Space wrap>
                  {row.status === 'pending' ? (
                    <>
                      <Button size="small" type="primary" onClick={() => approve(row)}>
                        {t('exchange.subscription.approve')}
                      </Button>
                      <Button size="small" onClick={() => setDeciding({ kind: 'reject', subscription: row })}>
                        {t('exchange.subscription.reject')}
                      </Button>
                    </>
                  ) : null}
                  <Button size="small" danger onClick={() => setDeciding({ kind: 'revoke', subscription: row })}>
                    {t('exchange.subscription.revoke')}
                  </Button>
                </Space>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {deciding ? (
        <DecisionModal
          decision={deciding}
          onClose={() => setDeciding(undefined)}
          onDone={() => {
            setAnnouncement(
              t(
                deciding.kind === 'reject'
                  ? 'exchange.subscription.rejected_done'
                  : 'exchange.subscription.revoked_done',
                subject(deciding.subscription),
              ),
            );
            setDeciding(undefined);
            subscriptions.reload();
          }}
        />
      ) : null}
    </section>
  );
}

/** Rejecting needs a reason, which the member is told; revoking takes one if given. */
function DecisionModal({ decision, onClose, onDone }: { decision: Decision; onClose(): void; onDone(): void }) {
  const { t } = useLocale();
  const [form] = Form.useForm<{ reason?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const { kind, subscription } = decision;

  const submit = async ({ reason }: { reason?: string }) => {
    setSaving(true);
    setProblem(undefined);
    try {
      await apiFetch(`/api/exchange/v1/subscriptions/${encodeURIComponent(subscription.id)}/${kind}`, {
        method: 'POST',
        json: { reason: reason?.trim() || (kind === 'reject' ? '' : null) },
      });
      onDone();
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, ['reason']) : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  return (
    <ActionModal
      open
      title={t(`exchange.subscription.${kind}_title`, {
        member: subscription.memberId,
        standard: subscription.standardCode,
      })}
      okText={t(`exchange.subscription.${kind}`)}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form form={form} name={`exchange-${kind}`} layout="vertical" onFinish={submit} requiredMark="optional">
        <Form.Item
          name="reason"
          label={t('exchange.subscription.reason')}
          rules={kind === 'reject' ? [{ required: true, whitespace: true, message: t('field.reason.required') }] : []}
          extra={t(`exchange.subscription.${kind}_hint`)}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </ActionModal>
  );
}
