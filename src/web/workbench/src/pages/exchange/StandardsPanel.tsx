import { Alert, Button, Descriptions, Select, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '../../api-client';
import type {
  CodeListView,
  CodeListWithEntries,
  CompatibilityReport,
  DataElementView,
  StandardVersionSummary,
  StandardVersionView,
  StandardView,
} from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { CodeBlock } from './CodeBlock';
import { CompatibilityReportView } from './CompatibilityReportView';
import { DeprecateVersionModal } from './DeprecateVersionModal';
import { DraftVersionModal } from './DraftVersionModal';
import { EmptyText, nameIn, StateTag } from './exchange-tags';
import { PublishersPanel } from './PublishersPanel';
import { PublishVersionModal } from './PublishVersionModal';
import { StandardFormModal } from './StandardFormModal';

/**
 * The data standards: the catalogue, one standard's versions with the chosen version's JSON Schema
 * and compatibility report, who may publish under it, the code lists (with their entries) and the
 * data-element dictionary. Who manages the exchange also creates standards, drafts a version in a
 * schema editor, publishes it after reading its compatibility report, and grants and takes away the
 * right to publish; the server checks each of these against the standard's owner unit.
 */
export function StandardsPanel() {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['exchange.manage']);
  const [chosenCode, setChosenCode] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string>();
  const [announcement, setAnnouncement] = useState<string>();
  const [codeList, setCodeList] = useState<string | undefined>();
  const standards = useLoad(
    (signal) => apiFetch<{ items: StandardView[] }>('/api/exchange/v1/standards', { signal }),
    [],
  );
  const codeLists = useLoad(
    (signal) => apiFetch<{ items: CodeListView[] }>('/api/exchange/v1/code-lists', { signal }),
    [],
  );
  const elements = useLoad(
    (signal) => apiFetch<{ items: DataElementView[] }>('/api/exchange/v1/data-elements', { signal }),
    [],
  );

  // The chosen standard as last loaded, so a new draft or a publish shows at once in its versions.
  const chosen = standards.data?.items.find((standard) => standard.code === chosenCode);

  return (
    <>
      <section aria-labelledby="exchange-standards-title" className="panel">
        <div className="section-head">
          <h2 id="exchange-standards-title" className="section-title">
            {t('exchange.standards.title')}
          </h2>
          {mayManage ? (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('exchange.standard.create')}
            </Button>
          ) : null}
        </div>
        <ProblemAlert error={standards.error} className="block-alert" />
        <LiveStatus message={announcement} />
        <CaptionedTable<StandardView>
          caption={t('exchange.standards.caption')}
          rowKey="code"
          size="small"
          pagination={false}
          loading={standards.loading}
          dataSource={standards.error ? [] : (standards.data?.items ?? [])}
          locale={{ emptyText: <EmptyText>{t('exchange.standards.empty')}</EmptyText> }}
          columns={[
            { key: 'name', title: t('exchange.standard'), render: (_, standard) => nameIn(locale, standard) },
            { key: 'code', title: t('exchange.standard.code'), render: (_, standard) => <code>{standard.code}</code> },
            {
              key: 'classification',
              title: t('exchange.classification'),
              render: (_, standard) => <StateTag kind="classification" value={standard.classification} />,
            },
            {
              key: 'owner',
              title: t('exchange.owner'),
              render: (_, standard) => <code>{standard.ownerOrgUnitCode}</code>,
            },
            {
              key: 'latest',
              title: t('exchange.standard.latest'),
              render: (_, standard) =>
                standard.latestPublishedVersion === null ? (
                  // Deprecating every published version leaves none to recommend, which is not "never published".
                  standard.versions.some((row) => row.status === 'deprecated') ? (
                    t('exchange.standard.all_deprecated')
                  ) : (
                    t('exchange.standard.unpublished')
                  )
                ) : (
                  <code>{`huitong.${standard.code}.v${standard.latestPublishedVersion}`}</code>
                ),
            },
            {
              key: 'actions',
              title: t('common.actions'),
              render: (_, standard) => (
                <Button
                  size="small"
                  aria-pressed={chosenCode === standard.code}
                  onClick={() => setChosenCode(standard.code)}
                >
                  {t('exchange.standard.versions_of', { name: nameIn(locale, standard) })}
                </Button>
              ),
            },
          ]}
        />
      </section>
      {creating ? (
        <StandardFormModal
          onClose={() => setCreating(false)}
          onCreated={(standard) => {
            setCreating(false);
            setAnnouncement(t('exchange.standard.created', { name: nameIn(locale, standard), code: standard.code }));
            setChosenCode(standard.code);
            setCreated(standard.code);
            standards.reload();
          }}
        />
      ) : null}
      {chosen ? (
        <>
          <StandardVersions
            key={chosen.code}
            standard={chosen}
            mayManage={mayManage}
            focusHeading={created === chosen.code}
            onChanged={standards.reload}
          />
          <PublishersPanel key={`publishers-${chosen.code}`} standard={chosen} mayManage={mayManage} />
        </>
      ) : null}
      <section aria-labelledby="exchange-code-lists-title" className="panel">
        <h2 id="exchange-code-lists-title" className="section-title">
          {t('exchange.code_lists.title')}
        </h2>
        <ProblemAlert error={codeLists.error} className="block-alert" />
        <CaptionedTable<CodeListView>
          caption={t('exchange.code_lists.caption')}
          rowKey="id"
          size="small"
          pagination={false}
          loading={codeLists.loading}
          dataSource={codeLists.error ? [] : (codeLists.data?.items ?? [])}
          locale={{ emptyText: <EmptyText>{t('exchange.code_lists.empty')}</EmptyText> }}
          columns={[
            { key: 'name', title: t('exchange.code_list.name'), render: (_, list) => nameIn(locale, list) },
            { key: 'id', title: t('exchange.code_list.id'), render: (_, list) => <code>{list.id}</code> },
            { key: 'source', title: t('exchange.code_list.source'), render: (_, list) => list.source ?? '—' },
            { key: 'count', title: t('exchange.code_list.entries'), dataIndex: 'entryCount', align: 'right' },
            {
              key: 'actions',
              title: t('common.actions'),
              render: (_, list) => (
                <Button size="small" aria-pressed={codeList === list.id} onClick={() => setCodeList(list.id)}>
                  {t('exchange.code_list.show', { name: nameIn(locale, list) })}
                </Button>
              ),
            },
          ]}
        />
        {codeList ? <CodeListEntries key={codeList} id={codeList} /> : null}
      </section>
      <section aria-labelledby="exchange-elements-title" className="panel">
        <h2 id="exchange-elements-title" className="section-title">
          {t('exchange.data_elements.title')}
        </h2>
        <ProblemAlert error={elements.error} className="block-alert" />
        <CaptionedTable<DataElementView>
          caption={t('exchange.data_elements.caption')}
          rowKey="id"
          size="small"
          loading={elements.loading}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          dataSource={elements.error ? [] : (elements.data?.items ?? [])}
          locale={{ emptyText: <EmptyText>{t('exchange.data_elements.empty')}</EmptyText> }}
          columns={[
            { key: 'id', title: t('exchange.data_element.id'), render: (_, element) => <code>{element.id}</code> },
            { key: 'name', title: t('exchange.data_element.name'), render: (_, element) => nameIn(locale, element) },
            {
              key: 'definition',
              title: t('exchange.data_element.definition'),
              render: (_, element) => (locale === 'en' ? element.definitionEn : element.definitionZh) ?? '—',
            },
            {
              key: 'type',
              title: t('exchange.data_element.type'),
              render: (_, element) => <code>{element.dataType}</code>,
            },
            { key: 'format', title: t('exchange.data_element.format'), render: (_, element) => element.format ?? '—' },
            {
              key: 'codeList',
              title: t('exchange.data_element.code_list'),
              render: (_, element) => (element.codeListId ? <code>{element.codeListId}</code> : '—'),
            },
          ]}
        />
      </section>
    </>
  );
}

/**
 * One standard's versions; the chosen one's schema and its compatibility with the one before; for who
 * manages the exchange, drafting the next version (or changing the open draft), publishing it, and
 * deprecating a published version once members should move on.
 */
function StandardVersions({
  standard,
  mayManage,
  focusHeading,
  onChanged,
}: {
  standard: StandardView;
  mayManage: boolean;
  /** Start the reader here: the standard was just created, its versions are what comes next. */
  focusHeading: boolean;
  onChanged(): void;
}) {
  const { t, locale } = useLocale();
  const [version, setVersion] = useState<number | undefined>(
    standard.latestPublishedVersion ?? standard.versions.at(-1)?.version,
  );
  const [editing, setEditing] = useState<'new' | 'draft'>();
  const [publishing, setPublishing] = useState<number>();
  const [deprecating, setDeprecating] = useState<number>();
  // The row's button that opened the deprecate dialog: a cancelled dialog gives the focus back to it.
  const deprecateOpener = useRef<HTMLElement | null>(null);
  const [announcement, setAnnouncement] = useState<string>();
  // A dialog's trigger is gone once it has done its work (the draft button becomes "publish", the
  // publish button goes): focus moves to what comes next instead of falling to the page's body.
  const heading = useRef<HTMLHeadingElement>(null);
  const publishButton = useRef<HTMLButtonElement>(null);
  const [focusNext, setFocusNext] = useState<'heading' | 'publish' | undefined>(focusHeading ? 'heading' : undefined);
  const detail = useLoad(
    version === undefined
      ? undefined
      : (signal) =>
          Promise.all([
            apiFetch<StandardVersionView>(
              `/api/exchange/v1/standards/${encodeURIComponent(standard.code)}/versions/${version}`,
              { signal },
            ),
            apiFetch<CompatibilityReport>(
              `/api/exchange/v1/standards/${encodeURIComponent(standard.code)}/versions/${version}/compatibility`,
              { signal },
            ),
          ]),
    [standard.code, version],
  );
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const when = (at: string | null) => (at ? dateTime.format(new Date(at)) : '—');
  const [view, report] = detail.data ?? [];
  // One draft at a time (the API refuses a second): it is changed or published, not joined by another.
  const draft = standard.versions.find((row) => row.status === 'draft');
  const name = nameIn(locale, standard);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the publish button appears only once the reloaded standard shows its draft.
  useEffect(() => {
    const target = focusNext === 'publish' ? publishButton.current : focusNext === 'heading' ? heading.current : null;
    if (!target) return;
    target.focus();
    setFocusNext(undefined);
  }, [focusNext, standard]);

  const changed = (next: number, message: string, focus: 'heading' | 'publish') => {
    setAnnouncement(message);
    setVersion(next);
    setFocusNext(focus);
    onChanged();
    detail.reload();
  };

  return (
    <section aria-labelledby="exchange-versions-title" className="panel">
      <div className="section-head">
        <h2 id="exchange-versions-title" className="section-title" tabIndex={-1} ref={heading}>
          {t('exchange.versions.title', { name, code: standard.code })}
        </h2>
        {mayManage ? (
          <Space wrap>
            {draft ? (
              <>
                <Button onClick={() => setEditing('draft')}>
                  {t('exchange.draft.edit', { version: draft.version })}
                </Button>
                <Button type="primary" ref={publishButton} onClick={() => setPublishing(draft.version)}>
                  {t('exchange.publish.open', { version: draft.version })}
                </Button>
              </>
            ) : (
              <Button onClick={() => setEditing('new')}>{t('exchange.draft.create')}</Button>
            )}
          </Space>
        ) : null}
      </div>
      {standard.description ? <p className="hint-text">{standard.description}</p> : null}
      <LiveStatus message={announcement} />
      <CaptionedTable
        caption={t('exchange.versions.caption')}
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={standard.versions}
        locale={{ emptyText: <EmptyText>{t('exchange.versions.empty')}</EmptyText> }}
        columns={[
          { key: 'version', title: t('exchange.version'), render: (_, row) => `v${row.version}` },
          {
            key: 'status',
            title: t('exchange.status'),
            render: (_, row) => <StateTag kind="version_status" value={row.status} />,
          },
          { key: 'published', title: t('exchange.version.published_at'), render: (_, row) => when(row.publishedAt) },
          {
            key: 'deprecated',
            title: t('exchange.version.deprecated_at'),
            render: (_, row) => when(row.deprecatedAt),
          },
          {
            key: 'breaking',
            title: t('exchange.version.breaking'),
            render: (_, row) => (row.breaking === null ? '—' : row.breaking ? t('common.yes') : t('common.no')),
          },
          ...(mayManage
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, row: StandardVersionSummary) =>
                    row.status === 'published' ? (
                      <Button
                        size="small"
                        danger
                        onClick={(event) => {
                          deprecateOpener.current = event.currentTarget;
                          setDeprecating(row.version);
                        }}
                      >
                        {t('exchange.deprecate.open', { version: row.version })}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {standard.versions.length > 0 ? (
        <div className="filter-form">
          <label htmlFor="exchange-version-pick">{t('exchange.version.pick')}</label>{' '}
          <Select
            id="exchange-version-pick"
            value={version}
            style={{ minWidth: 160 }}
            onChange={(value: number) => setVersion(value)}
            options={standard.versions.map((row) => ({ value: row.version, label: `v${row.version}` }))}
          />
        </div>
      ) : null}
      <ProblemAlert error={detail.error} className="block-alert" />
      {view && report ? (
        <>
          {view.deprecatedAt ? (
            <Alert
              className="block-alert"
              type="warning"
              showIcon
              message={t('exchange.version.deprecated_notice', { version: view.version, at: when(view.deprecatedAt) })}
            />
          ) : null}
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'type', label: t('exchange.version.event_type'), children: <code>{view.eventType}</code> },
              { key: 'note', label: t('exchange.version.change_note'), children: view.changeNote ?? '—' },
            ]}
          />
          <h3 className="section-subtitle">{t('exchange.compatibility.title')}</h3>
          <CompatibilityReportView report={report} />
          <h3 className="section-subtitle">{t('exchange.schema.title')}</h3>
          <CodeBlock label={t('exchange.schema.title')}>{JSON.stringify(view.schema, null, 2)}</CodeBlock>
        </>
      ) : null}
      {editing ? (
        <DraftVersionModal
          standard={standard}
          draftVersion={editing === 'draft' ? draft?.version : undefined}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined);
            changed(saved.version, t('exchange.draft.saved', { name, version: saved.version }), 'publish');
          }}
        />
      ) : null}
      {publishing !== undefined ? (
        <PublishVersionModal
          standard={standard}
          version={publishing}
          onClose={() => setPublishing(undefined)}
          onPublished={(published) => {
            setPublishing(undefined);
            changed(published.version, t('exchange.publish.done', { name, version: published.version }), 'heading');
          }}
        />
      ) : null}
      {deprecating !== undefined ? (
        <DeprecateVersionModal
          standard={standard}
          version={deprecating}
          onClose={() => {
            setDeprecating(undefined);
            deprecateOpener.current?.focus();
          }}
          onDeprecated={(deprecated) => {
            setDeprecating(undefined);
            // The row's button goes with the published state: the reader is taken back to the heading.
            changed(deprecated.version, t('exchange.deprecate.done', { name, version: deprecated.version }), 'heading');
          }}
        />
      ) : null}
    </section>
  );
}

/** A code list's entries, a page at a time (GB/T 2260 has thousands). */
function CodeListEntries({ id }: { id: string }) {
  const { t, locale } = useLocale();
  const list = useLoad(
    (signal) => apiFetch<CodeListWithEntries>(`/api/exchange/v1/code-lists/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  return (
    <>
      <ProblemAlert error={list.error} className="block-alert" />
      <CaptionedTable
        caption={t('exchange.code_list.entries_caption', { name: list.data ? nameIn(locale, list.data) : id })}
        rowKey="value"
        size="small"
        loading={list.loading}
        pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
        dataSource={list.data?.entries ?? []}
        columns={[
          { key: 'value', title: t('exchange.code_list.value'), render: (_, entry) => <code>{entry.value}</code> },
          {
            key: 'label',
            title: t('exchange.code_list.label'),
            render: (_, entry) => (locale === 'en' ? (entry.labelEn ?? entry.labelZh) : entry.labelZh),
          },
          {
            key: 'parent',
            title: t('exchange.code_list.parent'),
            render: (_, entry) => (entry.parentValue ? <code>{entry.parentValue}</code> : '—'),
          },
        ]}
      />
    </>
  );
}
