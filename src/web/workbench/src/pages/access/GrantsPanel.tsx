import { Button, Checkbox, Form, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { ActorView, GrantView, Page } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { PersonPicker } from '../../components/PersonPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { usePersonNames } from '../../person-names';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { GrantDialog } from './GrantDialog';
import { RevokeDialog } from './RevokeDialog';
import { fetchRoles, roleName } from './roles';

const PAGE_SIZE = 20;

interface Filter {
  personId?: string;
  role?: string;
  scope?: string;
  includeRevoked?: boolean;
}

/** Grants by person, role and unit, newest first; granting, and revoking with a reason. */
export function GrantsPanel() {
  const { t, locale } = useLocale();
  const mayGrant = useMayUse(['access.grant']);
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<GrantView | undefined>();
  const [announcement, setAnnouncement] = useState<string>();
  const roles = useLoad(fetchRoles, []);
  const grants = useLoad(
    (signal) =>
      apiFetch<Page<GrantView>>('/api/access/v1/grants', {
        query: { ...filter, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [filter, page],
  );
  const items = grants.data?.items ?? [];
  const names = usePersonNames(
    items.flatMap((grant) => [
      ...(grant.grantee.kind === 'person' ? [grant.grantee.personId] : []),
      ...(grant.grantedBy.type === 'user' ? [grant.grantedBy.id] : []),
    ]),
  );
  const roleLabel = (code: string) => {
    const role = roles.data?.find((candidate) => candidate.code === code);
    return role ? roleName(role, locale) : code;
  };
  const actorLabel = (actor: ActorView) =>
    actor.type === 'user' ? (names.get(actor.id) ?? actor.id) : t(`actor.${actor.type}`);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <section aria-labelledby="grants-title">
      <div className="section-head">
        <h2 id="grants-title" className="section-title">
          {t('access.grants')}
        </h2>
        {mayGrant ? (
          <Button type="primary" onClick={() => setGranting(true)}>
            {t('grant.new')}
          </Button>
        ) : null}
      </div>
      <Form<Filter>
        name="grant-filter"
        layout="inline"
        className="filter-form"
        onFinish={(values) => {
          setFilter({
            personId: values.personId,
            role: values.role,
            scope: values.scope,
            includeRevoked: values.includeRevoked || undefined,
          });
          setPage(1);
        }}
      >
        <Form.Item name="personId" label={t('grant.filter.person')} className="filter-wide">
          <PersonPicker />
        </Form.Item>
        <Form.Item name="role" label={t('grant.role')} className="filter-wide">
          <Select
            allowClear
            options={(roles.data ?? []).map((role) => ({ value: role.code, label: roleName(role, locale) }))}
          />
        </Form.Item>
        <Form.Item name="scope" label={t('grant.filter.scope')} className="filter-wide">
          <OrgUnitPicker />
        </Form.Item>
        <Form.Item name="includeRevoked" valuePropName="checked">
          <Checkbox>{t('grant.filter.include_revoked')}</Checkbox>
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit">{t('common.filter')}</Button>
        </Form.Item>
      </Form>
      <ProblemAlert error={grants.error} className="block-alert" />
      <LiveStatus message={announcement} />
      <CaptionedTable<GrantView>
        caption={t('access.grants_caption')}
        rowKey="id"
        loading={grants.loading}
        dataSource={grants.error ? [] : items}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: grants.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
        }}
        columns={[
          { key: 'role', title: t('grant.role'), render: (_, grant) => roleLabel(grant.roleCode) },
          {
            key: 'grantee',
            title: t('grant.grantee'),
            render: (_, grant) =>
              grant.grantee.kind === 'person'
                ? t('grant.grantee.person_value', {
                    person: names.get(grant.grantee.personId) ?? grant.grantee.personId,
                  })
                : t('grant.grantee.post_value', { unit: grant.grantee.orgUnitCode, title: grant.grantee.title }),
          },
          { key: 'scope', title: t('grant.scope'), render: (_, grant) => <code>{grant.scopeOrgUnitCode}</code> },
          {
            key: 'granted',
            title: t('grant.granted'),
            render: (_, grant) => `${dateTime.format(new Date(grant.grantedAt))} · ${actorLabel(grant.grantedBy)}`,
          },
          {
            key: 'state',
            title: t('grant.state'),
            render: (_, grant) =>
              grant.revokedAt ? (
                <span>
                  <Tag>{t('grant.revoked')}</Tag>
                  {grant.revokeReason ? t('grant.revoked_reason', { reason: grant.revokeReason }) : null}
                </span>
              ) : (
                <Tag color="success">{t('grant.live')}</Tag>
              ),
          },
          ...(mayGrant
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, grant: GrantView) =>
                    grant.revokedAt ? null : (
                      <Space>
                        <Button size="small" danger onClick={() => setRevoking(grant)}>
                          {t('grant.revoke')}
                        </Button>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      {granting ? (
        <GrantDialog
          roles={roles.data ?? []}
          onClose={() => setGranting(false)}
          onGranted={(grant) => {
            setGranting(false);
            setAnnouncement(t('grant.created', { role: roleLabel(grant.roleCode), scope: grant.scopeOrgUnitCode }));
            grants.reload();
          }}
        />
      ) : null}
      {revoking ? (
        <RevokeDialog
          grant={revoking}
          roleLabel={roleLabel(revoking.roleCode)}
          onClose={() => setRevoking(undefined)}
          onRevoked={() => {
            setRevoking(undefined);
            setAnnouncement(t('grant.revoked_done', { role: roleLabel(revoking.roleCode) }));
            grants.reload();
          }}
        />
      ) : null}
    </section>
  );
}
