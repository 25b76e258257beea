import { Button, Form, Select } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { ExchangeMember, MappingView, Page, StandardView } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { EmptyText, nameIn } from './exchange-tags';
import { MappingEditor } from './MappingEditor';

/** Members offered in the picker: the API's largest page, more than a district registers. */
const MEMBER_PICK_LIMIT = 500;

/**
 * A member's mappings between its native format and the data standards: the list, and an editor
 * with a sample box that dry-runs the expression (given, or saved) and shows the mapped result or
 * every error, before saving.
 */
export function MappingsPanel({
  memberId,
  onMemberChange,
}: {
  memberId: string | undefined;
  onMemberChange(memberId: string | undefined): void;
}) {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['exchange.manage']);
  const [editing, setEditing] = useState<{ mapping: MappingView | undefined } | undefined>();
  const [announcement, setAnnouncement] = useState<string>();
  const members = useLoad(
    (signal) =>
      apiFetch<Page<ExchangeMember>>('/api/exchange/v1/members', { query: { limit: MEMBER_PICK_LIMIT }, signal }),
    [],
  );
  const standards = useLoad(
    (signal) => apiFetch<{ items: StandardView[] }>('/api/exchange/v1/standards', { signal }),
    [],
  );
  const mappings = useLoad(
    memberId === undefined
      ? undefined
      : (signal) =>
          apiFetch<{ items: MappingView[] }>(`/api/exchange/v1/members/${encodeURIComponent(memberId)}/mappings`, {
            signal,
          }),
    [memberId],
  );
  const member = members.data?.items.find((candidate) => candidate.id === memberId);
  const standardName = (code: string) => {
    const standard = standards.data?.items.find((candidate) => candidate.code === code);
    return standard ? nameIn(locale, standard) : code;
  };

  return (
    <>
      <section aria-labelledby="exchange-mappings-title" className="panel">
        <h2 id="exchange-mappings-title" className="section-title">
          {t('exchange.mappings.title')}
        </h2>
        <p className="hint-text">{t('exchange.mappings.lead')}</p>
        <Form layout="inline" className="filter-form">
          <Form.Item label={t('exchange.mappings.member')} htmlFor="exchange-mapping-member">
            <Select
              id="exchange-mapping-member"
              showSearch
              allowClear
              optionFilterProp="label"
              value={memberId}
              placeholder={t('exchange.mappings.pick_member')}
              style={{ minWidth: 320 }}
              loading={members.loading}
              onChange={(value: string | undefined) => {
                setEditing(undefined);
                onMemberChange(value);
              }}
              options={(members.data?.items ?? []).map((candidate) => ({
                value: candidate.id,
                label: `${nameIn(locale, candidate)} (${candidate.id})`,
              }))}
            />
          </Form.Item>
          {memberId && mayManage ? (
            <Form.Item>
              <Button type="primary" onClick={() => setEditing({ mapping: undefined })}>
                {t('exchange.mappings.new')}
              </Button>
            </Form.Item>
          ) : null}
        </Form>
        <ProblemAlert error={members.error} className="block-alert" />
        <ProblemAlert error={mappings.error} className="block-alert" />
        <LiveStatus message={announcement} />
        {memberId ? (
          <CaptionedTable<MappingView>
            caption={t('exchange.mappings.caption', { name: member ? nameIn(locale, member) : memberId })}
            rowKey={(mapping) => `${mapping.standard}/${mapping.version}/${mapping.direction}`}
            size="small"
            pagination={false}
            loading={mappings.loading}
            dataSource={mappings.error ? [] : (mappings.data?.items ?? [])}
            locale={{ emptyText: <EmptyText>{t('exchange.mappings.empty')}</EmptyText> }}
            columns={[
              {
                key: 'standard',
                title: t('exchange.standard'),
                render: (_, mapping) => (
                  <>
                    {standardName(mapping.standard)} <code>{`v${mapping.version}`}</code>
                  </>
                ),
              },
              {
                key: 'direction',
                title: t('exchange.mapping.direction'),
                render: (_, mapping) => t(`exchange.direction.${mapping.direction}`),
              },
              {
                key: 'format',
                title: t('exchange.mapping.format'),
                render: (_, mapping) => t(`exchange.format.${mapping.format}`),
              },
              { key: 'revision', title: t('exchange.mapping.revision'), dataIndex: 'revision', align: 'right' },
              {
                key: 'updated',
                title: t('exchange.mapping.updated'),
                render: (_, mapping) =>
                  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
                    new Date(mapping.updatedAt),
                  ),
              },
              {
                key: 'actions',
                title: t('common.actions'),
                render: (_, mapping) => (
                  <Button size="small" onClick={() => setEditing({ mapping })}>
                    {mayManage ? t('common.edit') : t('exchange.mapping.try')}
                  </Button>
                ),
              },
            ]}
          />
        ) : (
          <p className="hint-text">{t('exchange.mappings.no_member')}</p>
        )}
      </section>
      {memberId && editing ? (
        <MappingEditor
          key={
            editing.mapping
              ? `${editing.mapping.standard}/${editing.mapping.version}/${editing.mapping.direction}`
              : 'new'
          }
          memberId={memberId}
          mapping={editing.mapping}
          standards={standards.data?.items ?? []}
          mayManage={mayManage}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => {
            setAnnouncement(
              t('exchange.mapping.saved', {
                standard: standardName(saved.standard),
                version: saved.version,
                revision: saved.revision,
              }),
            );
            setEditing({ mapping: saved });
            mappings.reload();
          }}
        />
      ) : null}
    </>
  );
}
