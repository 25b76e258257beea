import { Button, Descriptions, Drawer, Space, Tag } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { HistoryEntry, PersonView, PostView } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { EndPostModal } from './EndPostModal';
import { PersonFormModal } from './PersonFormModal';
import { PersonStatusTag } from './PersonStatusTag';
import { PostFormModal } from './PostFormModal';

/**
 * One person: details, current posts (give, end, make primary) and change history. Names, mobiles and
 * e-mails arrive masked when the reader does not manage the person's units; editing needs them whole.
 */
export function PersonDrawer({
  personId,
  onClose,
  onChanged,
}: {
  personId: string;
  onClose(): void;
  onChanged(message: string): void;
}) {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['directory.manage']);
  const person = useLoad(
    (signal) => apiFetch<PersonView>(`/api/directory/v1/people/${personId}`, { signal }),
    [personId],
  );
  const history = useLoad(
    (signal) => apiFetch<{ items: HistoryEntry[] }>(`/api/directory/v1/people/${personId}/history`, { signal }),
    [personId],
  );
  const [editing, setEditing] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const [ending, setEnding] = useState<PostView | undefined>();
  const [actionError, setActionError] = useState<unknown>();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  const changed = (message: string) => {
    person.reload();
    history.reload();
    onChanged(message);
  };

  const makePrimary = async (post: PostView) => {
    setActionError(undefined);
    try {
      await apiFetch(`/api/directory/v1/people/${personId}/posts/${post.id}/primary`, { method: 'POST' });
      changed(t('person.post_made_primary', { title: post.title }));
    } catch (error) {
      setActionError(error);
    }
  };

  const shown = person.data;
  const editable = mayManage && shown !== undefined && !shown.masked && shown.status !== 'left';

  return (
    <Drawer open width={720} onClose={onClose} title={shown ? `${shown.name} · ${shown.staffNo}` : t('person.loading')}>
      <ProblemAlert error={person.error} className="block-alert" />
      <ProblemAlert error={actionError} className="block-alert" />
      {shown ? (
        <>
          <section aria-labelledby="person-details-title">
            <div className="section-head">
              <h2 id="person-details-title" className="section-title">
                {t('person.details')}
              </h2>
              {editable ? <Button onClick={() => setEditing(true)}>{t('person.edit')}</Button> : null}
            </div>
            <Descriptions
              bordered
              size="small"
              column={1}
              items={[
                { key: 'staffNo', label: t('person.staff_no'), children: shown.staffNo },
                { key: 'name', label: t('person.name'), children: shown.name },
                { key: 'mobile', label: t('person.mobile'), children: shown.mobile ?? '—' },
                { key: 'email', label: t('person.email'), children: shown.email ?? '—' },
                {
                  key: 'status',
                  label: t('person.status'),
                  children: (
                    <>
                      <PersonStatusTag status={shown.status} /> {t('person.status_from', { date: shown.statusFrom })}
                    </>
                  ),
                },
              ]}
            />
            {shown.masked ? <p className="hint-text">{t('person.masked_hint')}</p> : null}
          </section>
          <section aria-labelledby="person-posts-title" className="drawer-section">
            <div className="section-head">
              <h2 id="person-posts-title" className="section-title">
                {t('person.posts')}
              </h2>
              {editable ? <Button onClick={() => setAssigning(true)}>{t('person.assign_post')}</Button> : null}
            </div>
            <CaptionedTable<PostView>
              caption={t('person.posts_caption')}
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={shown.posts}
              columns={[
                {
                  key: 'unit',
                  title: t('post.unit'),
                  render: (_, post) => `${post.orgUnitNameZh} (${post.orgUnitCode})`,
                },
                {
                  key: 'title',
                  title: t('post.title'),
                  render: (_, post) => (
                    <>
                      {post.title} {post.isPrimary ? <Tag color="blue">{t('post.primary')}</Tag> : null}
                    </>
                  ),
                },
                { key: 'from', title: t('post.valid_from'), dataIndex: 'validFrom' },
                ...(editable
                  ? [
                      {
                        key: 'actions',
                        title: t('common.actions'),
                        render: (_: unknown, post: PostView) => (
                          <Space wrap>
                            {post.isPrimary ? null : (
                              <Button size="small" onClick={() => makePrimary(post)}>
                                {t('post.make_primary')}
                              </Button>
                            )}
                            <Button size="small" danger onClick={() => setEnding(post)}>
                              {t('post.end')}
                            </Button>
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </section>
        </>
      ) : null}
      <section aria-labelledby="person-history-title" className="drawer-section">
        <h2 id="person-history-title" className="section-title">
          {t('person.history')}
        </h2>
        <ProblemAlert error={history.error} className="block-alert" />
        <CaptionedTable<HistoryEntry>
          caption={t('person.history_caption')}
          rowKey="id"
          size="small"
          loading={history.loading}
          pagination={false}
          dataSource={history.data?.items ?? []}
          columns={[
            { key: 'at', title: t('history.at'), render: (_, entry) => dateTime.format(new Date(entry.at)) },
            { key: 'change', title: t('history.change'), render: (_, entry) => changeName(entry.change) },
            {
              key: 'changes',
              title: t('history.fields'),
              render: (_, entry) => (
                <ul className="plain-list">
                  {entry.changes.map((change) => (
                    <li key={change.field}>
                      {change.field}: {display(change.from)} → {display(change.to)}
                    </li>
                  ))}
                </ul>
              ),
            },
            { key: 'actor', title: t('history.actor'), render: (_, entry) => `${entry.actor.type}:${entry.actor.id}` },
          ]}
        />
      </section>
      {editing && shown ? (
        <PersonFormModal
          mode={{ kind: 'edit', person: shown }}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            changed(t('person.saved'));
          }}
        />
      ) : null}
      {assigning ? (
        <PostFormModal
          personId={personId}
          onClose={() => setAssigning(false)}
          onSaved={(post) => {
            setAssigning(false);
            changed(t('person.post_assigned', { title: post.title }));
          }}
        />
      ) : null}
      {ending ? (
        <EndPostModal
          personId={personId}
          post={ending}
          onClose={() => setEnding(undefined)}
          onEnded={() => {
            setEnding(undefined);
            changed(t('person.post_ended', { title: ending.title }));
          }}
        />
      ) : null}
    </Drawer>
  );

  function changeName(change: string): string {
    switch (change) {
      case 'created':
      case 'updated':
      case 'post_assigned':
      case 'post_primary_set':
      case 'post_ended':
        return t(`history.change.${change}`);
      default:
        return change;
    }
  }
}

function display(value: string | boolean | null): string {
  return value === null ? '—' : String(value);
}
