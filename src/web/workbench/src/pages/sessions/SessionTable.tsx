import { Button, Tag } from 'antd';
import type { SessionView } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { useLocale } from '../../locale-context';

/** Sessions, newest first, this one marked; each can be ended. */
export function SessionTable({
  caption,
  sessions,
  loading,
  onRevoke,
}: {
  caption: string;
  sessions: SessionView[];
  loading: boolean;
  onRevoke(session: SessionView): void;
}) {
  const { t, locale } = useLocale();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <CaptionedTable<SessionView>
      caption={caption}
      rowKey="id"
      loading={loading}
      pagination={false}
      dataSource={sessions}
      columns={[
        {
          key: 'created',
          title: t('session.created'),
          render: (_, session) => (
            <>
              {dateTime.format(new Date(session.createdAt))}{' '}
              {session.current ? <Tag color="blue">{t('session.current')}</Tag> : null}
            </>
          ),
        },
        {
          key: 'seen',
          title: t('session.last_seen'),
          render: (_, session) => dateTime.format(new Date(session.lastSeenAt)),
        },
        { key: 'ip', title: t('session.ip'), render: (_, session) => session.ip ?? '—' },
        {
          key: 'agent',
          title: t('session.user_agent'),
          render: (_, session) => <span className="user-agent">{session.userAgent ?? '—'}</span>,
        },
        {
          key: 'factor',
          title: t('session.second_factor'),
          render: (_, session) => (session.secondFactor ? t('common.yes') : t('common.no')),
        },
        {
          key: 'actions',
          title: t('common.actions'),
          render: (_, session) => (
            <Button size="small" danger onClick={() => onRevoke(session)}>
              {session.current ? t('session.end_current') : t('session.end')}
            </Button>
          ),
        },
      ]}
    />
  );
}
