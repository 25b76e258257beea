import { Button, Form, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import { EXCHANGE_ZONES, type ExchangeMember, type ExchangeMemberWithSecret, type Page } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SecretModal } from '../../components/SecretModal';
import { useLocale } from '../../locale-context';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { EmptyText, nameIn, StateTag } from './exchange-tags';
import { MemberFormModal } from './MemberFormModal';

const PAGE_SIZE = 20;

/**
 * The exchange members (departmental systems) of the units the reader reads the exchange of: register
 * one (its client secret is shown once), change its names, zone or contacts, disable and enable it,
 * rotate its secret, and open its mappings.
 */
export function MembersPanel({ onOpenMappings }: { onOpenMappings(memberId: string): void }) {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['exchange.manage']);
  const [page, setPage] = useState(1);
  const [zone, setZone] = useState<string | undefined>();
  const [form, setForm] = useState<{ kind: 'create' } | { kind: 'edit'; member: ExchangeMember } | undefined>();
  const [secret, setSecret] = useState<ExchangeMemberWithSecret | undefined>();
  const [rotating, setRotating] = useState<ExchangeMember | undefined>();
  const [actionError, setActionError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState<string>();
  const members = useLoad(
    (signal) =>
      apiFetch<Page<ExchangeMember>>('/api/exchange/v1/members', {
        query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, zone },
        signal,
      }),
    [page, zone],
  );
  const name = (member: ExchangeMember) => nameIn(locale, member);

  const act = async (member: ExchangeMember, action: 'disable' | 'enable') => {
    setActionError(undefined);
    try {
      await apiFetch(`/api/exchange/v1/members/${encodeURIComponent(member.id)}/${action}`, { method: 'POST' });
      setAnnouncement(t(`exchange.member.${action}d_done`, { name: name(member) }));
      members.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  const rotate = async (member: ExchangeMember) => {
    setActionError(undefined);
    setRotating(undefined);
    try {
      setSecret(
        await apiFetch<ExchangeMemberWithSecret>(
          `/api/exchange/v1/members/${encodeURIComponent(member.id)}/rotate-secret`,
          { method: 'POST' },
        ),
      );
    } catch (error) {
      setActionError(error);
    }
  };

  return (
    <section aria-labelledby="exchange-members-title" className="panel">
      <div className="section-head">
        <h2 id="exchange-members-title" className="section-title">
          {t('exchange.members.title')}
        </h2>
        {mayManage ? (
          <Button type="primary" onClick={() => setForm({ kind: 'create' })}>
            {t('exchange.members.register')}
          </Button>
        ) : null}
      </div>
      <Form layout="inline" className="filter-form">
        <Form.Item label={t('exchange.zone')} htmlFor="exchange-member-zone">
          <Select
            id="exchange-member-zone"
            allowClear
            value={zone}
            placeholder={t('exchange.all')}
            style={{ minWidth: 200 }}
            onChange={(value: string | undefined) => {
              setZone(value);
              setPage(1);
            }}
            options={EXCHANGE_ZONES.map((value) => ({ value, label: t(`exchange.zone.${value}`) }))}
          />
        </Form.Item>
      </Form>
      <ProblemAlert error={members.error} className="block-alert" />
      <ProblemAlert error={actionError} className="block-alert" />
      <LiveStatus message={announcement} />
      <CaptionedTable<ExchangeMember>
        caption={t('exchange.members.caption')}
        rowKey="id"
        loading={members.loading}
        dataSource={members.error ? [] : (members.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('exchange.members.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: members.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
        }}
        columns={[
          { key: 'name', title: t('exchange.member.name'), render: (_, member) => name(member) },
          { key: 'id', title: t('exchange.member.id'), render: (_, member) => <code>{member.id}</code> },
          {
            key: 'owner',
            title: t('exchange.owner'),
            render: (_, member) => <code>{member.ownerOrgUnitCode}</code>,
          },
          {
            key: 'zone',
            title: t('exchange.zone'),
            render: (_, member) => <StateTag kind="zone" value={member.zone} />,
          },
          {
            key: 'status',
            title: t('exchange.status'),
            render: (_, member) => <StateTag kind="member_status" value={member.status} />,
          },
          {
            key: 'contacts',
            title: t('exchange.member.contacts'),
            render: (_, member) =>
              member.contacts.length === 0
                ? '—'
                : member.contacts
                    .map((contact) => [contact.name, contact.phone, contact.email].filter(Boolean).join(' '))
                    .join('；'),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, member) => (
              <Space wrap>
                <Button size="small" onClick={() => onOpenMappings(member.id)}>
                  {t('exchange.member.mappings')}
                </Button>
                {mayManage ? (
                  <>
                    <Button size="small" onClick={() => setForm({ kind: 'edit', member })}>
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="small"
                      onClick={() => act(member, member.status === 'enabled' ? 'disable' : 'enable')}
                    >
                      {member.status === 'enabled' ? t('exchange.member.disable') : t('exchange.member.enable')}
                    </Button>
                    <Button size="small" danger onClick={() => setRotating(member)}>
                      {t('exchange.member.rotate')}
                    </Button>
                  </>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      {form ? (
        <MemberFormModal
          member={form.kind === 'edit' ? form.member : undefined}
          onClose={() => setForm(undefined)}
          onRegistered={(registered) => {
            setForm(undefined);
            setSecret(registered);
            members.reload();
          }}
          onSaved={(saved) => {
            setForm(undefined);
            setAnnouncement(t('exchange.member.saved', { name: name(saved) }));
            members.reload();
          }}
        />
      ) : null}
      <Modal
        open={rotating !== undefined}
        title={t('exchange.member.rotate_title', { name: rotating ? name(rotating) : '' })}
        okText={t('exchange.member.rotate')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        onOk={() => rotating && rotate(rotating)}
        onCancel={() => setRotating(undefined)}
      >
        <p>{t('exchange.member.rotate_warning')}</p>
      </Modal>
      {secret ? (
        <SecretModal
          clientId={secret.member.id}
          clientSecret={secret.clientSecret}
          detail="exchange.member.secret_detail"
          onClose={() => {
            setAnnouncement(t('exchange.member.secret_closed', { name: name(secret.member) }));
            setSecret(undefined);
          }}
        />
      ) : null}
    </section>
  );
}
