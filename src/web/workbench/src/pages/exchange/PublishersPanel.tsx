import { Button, Form, Modal } from 'antd';
import { useRef, useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { ExchangeMember, ExchangePublisher, Page, StandardView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { CaptionedTable } from '../../components/CaptionedTable';
import { FormSelect } from '../../components/FormSelect';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { EmptyText, nameIn } from './exchange-tags';

/** The API's largest page of members: a district has a few hundred systems at most. */
const MEMBER_LIMIT = 500;

/**
 * Who may publish under one standard: the members holding its publication right, and, for who
 * manages the exchange, granting the right to another member and taking it away (after asking).
 */
export function PublishersPanel({ standard, mayManage }: { standard: StandardView; mayManage: boolean }) {
  const { t, locale } = useLocale();
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<ExchangePublisher>();
  const [actionError, setActionError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState<string>();
  // After a dialog, focus goes back where the reader was (the revoked row's button is gone with it).
  const heading = useRef<HTMLHeadingElement>(null);
  const grantButton = useRef<HTMLButtonElement>(null);
  const url = `/api/exchange/v1/standards/${encodeURIComponent(standard.code)}/publishers`;
  const publishers = useLoad((signal) => apiFetch<{ items: ExchangePublisher[] }>(url, { signal }), [url]);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const standardName = nameIn(locale, standard);

  const revoke = async (publisher: ExchangePublisher) => {
    setActionError(undefined);
    setRevoking(undefined);
    try {
      await apiFetch(`${url}/${encodeURIComponent(publisher.memberId)}`, { method: 'DELETE' });
      setAnnouncement(
        t('exchange.publishers.revoked', { member: nameIn(locale, publisher.member), standard: standardName }),
      );
      heading.current?.focus();
      publishers.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  return (
    <section aria-labelledby="exchange-publishers-title" className="panel">
      <div className="section-head">
        <h2 id="exchange-publishers-title" className="section-title" tabIndex={-1} ref={heading}>
          {t('exchange.publishers.title', { name: standardName })}
        </h2>
        {mayManage ? (
          <Button ref={grantButton} onClick={() => setGranting(true)}>
            {t('exchange.publishers.grant')}
          </Button>
        ) : null}
      </div>
      <ProblemAlert error={publishers.error} className="block-alert" />
      <ProblemAlert error={actionError} className="block-alert" />
      <LiveStatus message={announcement} />
      <CaptionedTable<ExchangePublisher>
        caption={t('exchange.publishers.caption', { name: standardName })}
        rowKey="memberId"
        size="small"
        pagination={false}
        loading={publishers.loading}
        dataSource={publishers.error ? [] : (publishers.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('exchange.publishers.empty')}</EmptyText> }}
        columns={[
          { key: 'name', title: t('exchange.member.name'), render: (_, row) => nameIn(locale, row.member) },
          { key: 'id', title: t('exchange.member.id'), render: (_, row) => <code>{row.memberId}</code> },
          { key: 'by', title: t('exchange.publishers.granted_by'), render: (_, row) => row.grantedBy ?? '—' },
          {
            key: 'at',
            title: t('exchange.publishers.granted_at'),
            render: (_, row) => dateTime.format(new Date(row.grantedAt)),
          },
          ...(mayManage
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, row: ExchangePublisher) => (
                    <Button size="small" danger onClick={() => setRevoking(row)}>
                      {t('exchange.publishers.revoke', { member: nameIn(locale, row.member) })}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {granting ? (
        <GrantPublisherModal
          standard={standard}
          url={url}
          onClose={() => {
            setGranting(false);
            grantButton.current?.focus();
          }}
          onGranted={(publisher) => {
            setGranting(false);
            grantButton.current?.focus();
            setAnnouncement(
              t('exchange.publishers.granted', { member: nameIn(locale, publisher.member), standard: standardName }),
            );
            publishers.reload();
          }}
        />
      ) : null}
      <Modal
        open={revoking !== undefined}
        title={t('exchange.publishers.revoke_title', {
          member: revoking ? nameIn(locale, revoking.member) : '',
          standard: standardName,
        })}
        okText={t('exchange.publishers.revoke_submit')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        onOk={() => revoking && revoke(revoking)}
        onCancel={() => setRevoking(undefined)}
      >
        <p>{t('exchange.publishers.revoke_warning')}</p>
      </Modal>
    </section>
  );
}

/** Lets a member publish under the standard: the member chosen from those the reader may see. */
function GrantPublisherModal({
  standard,
  url,
  onClose,
  onGranted,
}: {
  standard: StandardView;
  url: string;
  onClose(): void;
  onGranted(publisher: ExchangePublisher): void;
}) {
  const { t, locale } = useLocale();
  const [form] = Form.useForm<{ memberId?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const members = useLoad(
    (signal) =>
      apiFetch<Page<ExchangeMember>>('/api/exchange/v1/members', {
        query: { limit: MEMBER_LIMIT, status: 'enabled' },
        signal,
      }),
    [],
  );

  const grant = async ({ memberId }: { memberId?: string }) => {
    setSaving(true);
    setProblem(undefined);
    try {
      onGranted(await apiFetch<ExchangePublisher>(url, { method: 'POST', json: { memberId: memberId ?? '' } }));
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, ['memberId']) : undefined;
      setProblem({ error, rest });
      if (form.getFieldError('memberId').length > 0) form.focusField('memberId');
    } finally {
      setSaving(false);
    }
  };

  return (
    <ActionModal
      open
      title={t('exchange.publishers.grant_title', { name: nameIn(locale, standard) })}
      okText={t('exchange.publishers.grant_submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (open) form.focusField('memberId');
      }}
    >
      <p className="hint-text">{t('exchange.publishers.grant_lead')}</p>
      <ProblemAlert error={members.error} className="block-alert" />
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form
        form={form}
        name="exchange-publisher"
        layout="vertical"
        onFinish={grant}
        scrollToFirstError={{ focus: true }}
      >
        <Form.Item
          name="memberId"
          label={t('exchange.publishers.member')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <FormSelect
            showSearch
            loading={members.loading}
            optionFilterProp="label"
            options={(members.data?.items ?? []).map((member) => ({
              value: member.id,
              label: `${nameIn(locale, member)} (${member.id})`,
            }))}
          />
        </Form.Item>
      </Form>
    </ActionModal>
  );
}
