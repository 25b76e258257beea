import { Button, Modal, Space, Tag } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { ClientView, ClientWithSecret, Page } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SecretModal } from '../../components/SecretModal';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { ClientFormModal } from './ClientFormModal';

const PAGE_SIZE = 20;

/**
 * 接入系统: the registered systems (OpenID Connect clients) of the departments the reader manages
 * systems for; register, change, disable and enable, rotate the secret. A secret is shown once, at
 * registration or rotation, and never again.
 */
export function SystemsPage() {
  const { t, locale } = useLocale();
  const [page, setPage] = useState(1);
  const [form, setForm] = useState<{ kind: 'create' } | { kind: 'edit'; client: ClientView } | undefined>();
  const [secret, setSecret] = useState<ClientWithSecret | undefined>();
  const [rotating, setRotating] = useState<ClientView | undefined>();
  const [actionError, setActionError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState<string>();
  const clients = useLoad(
    (signal) =>
      apiFetch<Page<ClientView>>('/api/identity/v1/clients', {
        query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [page],
  );
  const name = (client: ClientView) => (locale === 'en' ? client.nameEn : client.nameZh);

  const toggle = async (client: ClientView) => {
    setActionError(undefined);
    try {
      const action = client.enabled ? 'disable' : 'enable';
      await apiFetch(`/api/identity/v1/clients/${encodeURIComponent(client.clientId)}/${action}`, { method: 'POST' });
      setAnnouncement(t(client.enabled ? 'client.disabled_done' : 'client.enabled_done', { name: name(client) }));
      clients.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  const rotate = async (client: ClientView) => {
    setActionError(undefined);
    try {
      const rotated = await apiFetch<ClientWithSecret>(
        `/api/identity/v1/clients/${encodeURIComponent(client.clientId)}/rotate-secret`,
        { method: 'POST' },
      );
      setRotating(undefined);
      setSecret(rotated);
    } catch (error) {
      setRotating(undefined);
      setActionError(error);
    }
  };

  return (
    <>
      <PageTitle>{t('systems.title')}</PageTitle>
      <section aria-labelledby="systems-list-title" className="panel">
        <div className="section-head">
          <h2 id="systems-list-title" className="section-title">
            {t('systems.list')}
          </h2>
          <Button type="primary" onClick={() => setForm({ kind: 'create' })}>
            {t('systems.register')}
          </Button>
        </div>
        <ProblemAlert error={clients.error} className="block-alert" />
        <ProblemAlert error={actionError} className="block-alert" />
        <LiveStatus message={announcement} />
        <CaptionedTable<ClientView>
          caption={t('systems.caption')}
          rowKey="clientId"
          loading={clients.loading}
          dataSource={clients.error ? [] : (clients.data?.items ?? [])}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: clients.data?.total ?? 0,
            showSizeChanger: false,
            onChange: setPage,
          }}
          columns={[
            { key: 'name', title: t('client.name'), render: (_, client) => name(client) },
            { key: 'id', title: t('client.id'), render: (_, client) => <code>{client.clientId}</code> },
            { key: 'owner', title: t('client.owner'), render: (_, client) => <code>{client.ownerOrgUnitCode}</code> },
            { key: 'grants', title: t('client.grant_types'), render: (_, client) => client.grantTypes.join(', ') },
            {
              key: 'state',
              title: t('client.state'),
              render: (_, client) => (
                <>
                  {client.enabled ? (
                    <Tag color="success">{t('client.enabled')}</Tag>
                  ) : (
                    <Tag color="error">{t('client.disabled')}</Tag>
                  )}
                  {client.firstParty ? <Tag>{t('client.first_party')}</Tag> : null}
                </>
              ),
            },
            {
              key: 'actions',
              title: t('common.actions'),
              render: (_, client) => (
                <Space wrap>
                  <Button size="small" onClick={() => setForm({ kind: 'edit', client })}>
                    {t('common.edit')}
                  </Button>
                  <Button size="small" onClick={() => toggle(client)}>
                    {client.enabled ? t('client.disable') : t('client.enable')}
                  </Button>
                  <Button size="small" danger onClick={() => setRotating(client)}>
                    {t('client.rotate')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </section>
      {form ? (
        <ClientFormModal
          client={form.kind === 'edit' ? form.client : undefined}
          onClose={() => setForm(undefined)}
          onRegistered={(registered) => {
            setForm(undefined);
            setSecret(registered);
            clients.reload();
          }}
          onSaved={(saved) => {
            setForm(undefined);
            setAnnouncement(t('client.saved', { name: name(saved) }));
            clients.reload();
          }}
        />
      ) : null}
      <Modal
        open={rotating !== undefined}
        title={t('client.rotate_title', { name: rotating ? name(rotating) : '' })}
        okText={t('client.rotate')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        onOk={() => rotating && rotate(rotating)}
        onCancel={() => setRotating(undefined)}
      >
        <p>{t('client.rotate_warning')}</p>
      </Modal>
      {secret ? (
        <SecretModal
          clientId={secret.client.clientId}
          clientSecret={secret.clientSecret}
          detail="secret.once_detail"
          onClose={() => {
            setAnnouncement(t('client.secret_closed', { name: name(secret.client) }));
            setSecret(undefined);
          }}
        />
      ) : null}
    </>
  );
}
