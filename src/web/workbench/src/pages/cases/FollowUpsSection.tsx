import { Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { casePathOf, followInApp } from '../../router';
import { useLoad } from '../../use-load';
import { EmptyText } from '../exchange/exchange-tags';
import { ButtonChoice } from './ButtonChoice';
import { scoreKey } from './case-tags';
import { CASES_API, caseApiPath, type FollowUpView, type Paged } from './case-types';

const PAGE_SIZE = 20;
const STATES = ['open', 'overdue', 'answered'] as const;
type State = (typeof STATES)[number];

/**
 * The follow-ups of poor ratings (差评整改回访): open, overdue or answered. An open one is answered
 * here — what was put right and how the applicant was called back — by its handling department.
 */
export function FollowUpsSection({
  nameOf,
  onDone,
}: {
  nameOf(code: string | null): string;
  onDone(message: string): void;
}) {
  const { t } = useLocale();
  const [state, setState] = useState<State>('open');
  const [page, setPage] = useState(1);
  const [answering, setAnswering] = useState<FollowUpView>();
  const followUps = useLoad(
    (signal) =>
      apiFetch<Paged<FollowUpView>>(`${CASES_API}/follow-ups`, {
        query: { state, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [state, page],
  );

  return (
    <section aria-labelledby="supervision-follow-ups" className="panel">
      <div className="section-head">
        <h2 id="supervision-follow-ups" className="section-title">
          {t('cases.follow_ups.title')}
        </h2>
        <ButtonChoice<State>
          label={t('cases.follow_ups.state')}
          value={state}
          onChange={(next) => {
            setState(next);
            setPage(1);
          }}
          options={STATES.map((value) => ({ value, label: t(`cases.follow_ups.state.${value}`) }))}
        />
      </div>
      <ProblemAlert error={followUps.error} className="block-alert" />
      <CaptionedTable<FollowUpView>
        caption={t('cases.follow_ups.caption', {
          state: t(`cases.follow_ups.state.${state}`),
          count: followUps.data?.total ?? 0,
        })}
        rowKey="caseId"
        size="small"
        loading={followUps.loading}
        dataSource={followUps.error ? [] : (followUps.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('cases.follow_ups.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: followUps.data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: setPage,
        }}
        columns={[
          {
            key: 'number',
            title: t('cases.field.number'),
            render: (_, row) => (
              <a href={casePathOf(row.caseId)} onClick={followInApp}>
                {row.number}
              </a>
            ),
          },
          { key: 'item', title: t('cases.field.item'), dataIndex: 'itemNameZh' },
          { key: 'department', title: t('cases.field.department'), render: (_, row) => nameOf(row.departmentCode) },
          { key: 'score', title: t('cases.body.score'), render: (_, row) => t(`cases.score.${scoreKey(row.score)}`) },
          { key: 'comment', title: t('cases.body.comment'), render: (_, row) => row.comment ?? '—' },
          {
            key: 'due',
            title: t('cases.follow_up.due_on'),
            render: (_, row) => (row.overdue ? t('cases.follow_ups.overdue_on', { day: row.dueOn }) : row.dueOn),
          },
          {
            key: 'answer',
            title: t('cases.follow_up.answer'),
            render: (_, row) =>
              row.answer ?? (
                <Button size="small" onClick={() => setAnswering(row)}>
                  {t('cases.follow_ups.answer', { number: row.number })}
                </Button>
              ),
          },
        ]}
      />
      {answering ? (
        <AnswerModal
          followUp={answering}
          onClose={() => setAnswering(undefined)}
          onAnswered={() => {
            onDone(t('cases.follow_ups.answered', { number: answering.number }));
            setAnswering(undefined);
            followUps.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function AnswerModal({
  followUp,
  onClose,
  onAnswered,
}: {
  followUp: FollowUpView;
  onClose(): void;
  onAnswered(): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<{ answer?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const send = async (values: { answer?: string }) => {
    setSaving(true);
    setProblem(undefined);
    try {
      await apiFetch(caseApiPath(followUp.caseId, 'rating', 'answer'), {
        method: 'POST',
        json: { answer: values.answer?.trim() ?? '' },
      });
      onAnswered();
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, ['answer']) : undefined;
      setProblem({ error, rest });
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={t('cases.follow_ups.answer', { number: followUp.number })}
      okText={t('cases.follow_ups.answer_submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <p>
        {t('cases.follow_ups.rated', {
          score: t(`cases.score.${scoreKey(followUp.score)}`),
          comment: followUp.comment ?? '—',
        })}
      </p>
      <Form form={form} name="follow-up-answer" layout="vertical" onFinish={send} requiredMark="optional">
        <Form.Item
          name="answer"
          label={t('cases.follow_up.answer')}
          extra={t('cases.follow_ups.answer_hint')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
