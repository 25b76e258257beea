import { Button, Form, Modal } from 'antd';
import { useState } from 'react';
import { apiFetch, signInUrl } from '../../api-client';
import type { SessionsEnded, SessionView } from '../../api-types';
import { LiveStatus } from '../../components/LiveStatus';
import { PageTitle } from '../../components/PageTitle';
import { PersonPicker } from '../../components/PersonPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { pathOf } from '../../router';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { SessionTable } from './SessionTable';

/**
 * 会话: one's own sessions (end any, or all at once) and, for whoever holds identity.session.manage,
 * a person's sessions to end.
 */
export function SessionsPage() {
  const { t } = useLocale();
  const mayManage = useMayUse(['identity.session.manage']);
  const [announcement, setAnnouncement] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const [confirmEverywhere, setConfirmEverywhere] = useState(false);
  const mine = useLoad((signal) => apiFetch<{ items: SessionView[] }>('/api/identity/v1/sessions', { signal }), []);

  const endMine = async (session: SessionView) => {
    setActionError(undefined);
    try {
      await apiFetch(`/api/identity/v1/sessions/${session.id}`, { method: 'DELETE' });
      // Ending this very session signs out here too.
      if (session.current) window.location.assign(signInUrl(pathOf('sessions')));
      else {
        setAnnouncement(t('session.ended'));
        mine.reload();
      }
    } catch (error) {
      setActionError(error);
    }
  };

  const endEverywhere = async () => {
    setActionError(undefined);
    try {
      await apiFetch<SessionsEnded>('/api/identity/v1/sign-out-everywhere', { method: 'POST' });
      window.location.assign('/signin');
    } catch (error) {
      setConfirmEverywhere(false);
      setActionError(error);
    }
  };

  return (
    <>
      <PageTitle>{t('sessions.title')}</PageTitle>
      <section aria-labelledby="my-sessions-title" className="panel">
        <div className="section-head">
          <h2 id="my-sessions-title" className="section-title">
            {t('sessions.mine')}
          </h2>
          <Button danger onClick={() => setConfirmEverywhere(true)}>
            {t('sessions.sign_out_everywhere')}
          </Button>
        </div>
        <ProblemAlert error={mine.error} className="block-alert" />
        <ProblemAlert error={actionError} className="block-alert" />
        <LiveStatus message={announcement} />
        <SessionTable
          caption={t('sessions.mine_caption')}
          sessions={mine.data?.items ?? []}
          loading={mine.loading}
          onRevoke={endMine}
        />
      </section>
      {mayManage ? <PersonSessions /> : null}
      <Modal
        open={confirmEverywhere}
        title={t('sessions.sign_out_everywhere')}
        okText={t('sessions.sign_out_everywhere_confirm')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        onOk={endEverywhere}
        onCancel={() => setConfirmEverywhere(false)}
      >
        <p>{t('sessions.sign_out_everywhere_warning')}</p>
      </Modal>
    </>
  );
}

/** An administrator's view of one person's sessions. */
function PersonSessions() {
  const { t } = useLocale();
  const [personId, setPersonId] = useState<string | undefined>();
  const [announcement, setAnnouncement] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const sessions = useLoad(
    personId
      ? (signal) => apiFetch<{ items: SessionView[] }>(`/api/identity/v1/people/${personId}/sessions`, { signal })
      : undefined,
    [personId],
  );

  const end = async (session?: SessionView) => {
    if (!personId) return;
    setActionError(undefined);
    try {
      if (session) {
        await apiFetch(`/api/identity/v1/people/${personId}/sessions/${session.id}`, { method: 'DELETE' });
        setAnnouncement(t('session.ended'));
      } else {
        const ended = await apiFetch<SessionsEnded>(`/api/identity/v1/people/${personId}/sessions`, {
          method: 'DELETE',
        });
        setAnnouncement(t('sessions.person_all_ended', { count: ended.sessionsEnded }));
      }
      sessions.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  return (
    <section aria-labelledby="person-sessions-title" className="panel">
      <h2 id="person-sessions-title" className="section-title">
        {t('sessions.person')}
      </h2>
      <Form name="person-sessions" layout="inline" className="filter-form">
        <Form.Item label={t('sessions.person_pick')} htmlFor="person-sessions-person" className="filter-wide">
          <PersonPicker id="person-sessions-person" value={personId} onChange={setPersonId} />
        </Form.Item>
        {personId ? (
          <Form.Item>
            <Button danger onClick={() => end()}>
              {t('sessions.person_end_all')}
            </Button>
          </Form.Item>
        ) : null}
      </Form>
      <ProblemAlert error={sessions.error} className="block-alert" />
      <ProblemAlert error={actionError} className="block-alert" />
      <LiveStatus message={announcement} />
      {personId && !sessions.error ? (
        <SessionTable
          caption={t('sessions.person_caption')}
          sessions={sessions.data?.items ?? []}
          loading={sessions.loading}
          onRevoke={end}
        />
      ) : null}
    </section>
  );
}
