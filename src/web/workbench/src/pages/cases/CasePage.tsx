import { Alert, Button, Descriptions, Spin, Timeline } from 'antd';
import { useMemo, useState } from 'react';
import { type ApiProblem, apiFetch } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { caseIdOf, followInApp, pathOf, usePathname } from '../../router';
import { useLoad } from '../../use-load';
import { EmptyText } from '../exchange/exchange-tags';
import { CaseActionModal, MODAL_ACTIONS, type ModalAction } from './CaseActionModal';
import { LightTag, StatusTag, scoreKey, useActionName } from './case-tags';
import { type CaseView, caseApiPath, type ItemDetail, type Pause } from './case-types';
import { MaterialsSection } from './MaterialsSection';
import { describeSchema, type SchemaField } from './schema-form';
import { useUnitNames } from './unit-names';
import './cases.css';

/**
 * 办件详情: one case — its header (number, item, status, light, due dates, days paused), the
 * applicant, the form as filled in, the materials against the checklist, the steps as a timeline, the
 * pauses and the rating with its follow-up. Buttons only for what the server says this reader may do
 * now (`allowedActions`), each asking its body in a modal and sending the case's version; when someone
 * else acted first, the case is read again and the reader told.
 */
export function CasePage() {
  const { t, locale } = useLocale();
  const id = caseIdOf(usePathname()) ?? '';
  const units = useUnitNames();
  const detail = useLoad((signal) => apiFetch<CaseView>(caseApiPath(id), { signal }), [id]);
  const [acting, setActing] = useState<ModalAction>();
  const [conflict, setConflict] = useState<ApiProblem>();
  const [done, setDone] = useState<string>();
  const data = detail.data;

  const actions = MODAL_ACTIONS.filter((action) => data?.allowedActions.includes(action));
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <>
      <PageTitle>{data ? t('cases.case.title', { number: data.number }) : t('cases.case.loading')}</PageTitle>
      <p>
        <a href={pathOf('cases')} onClick={followInApp}>
          {t('cases.case.back')}
        </a>
      </p>
      <ProblemAlert error={detail.error} className="block-alert" />
      {conflict ? (
        <Alert
          type="warning"
          showIcon
          className="block-alert"
          message={t('cases.case.reloaded')}
          description={conflict.detail || conflict.title}
          closable
          onClose={() => setConflict(undefined)}
        />
      ) : null}
      <LiveStatus message={done} />
      {!data ? (
        detail.loading ? (
          <Spin tip={t('app.loading')}>
            <div className="page-loading" />
          </Spin>
        ) : null
      ) : (
        <>
          {actions.length > 0 ? (
            <section aria-labelledby="case-actions" className="panel">
              <h2 id="case-actions" className="section-title">
                {t('cases.case.actions')}
              </h2>
              <div className="button-row">
                {actions.map((action) => (
                  <Button
                    key={action}
                    type={action === 'reject' || action === 'withdraw' ? 'default' : 'primary'}
                    danger={action === 'reject' || action === 'withdraw'}
                    onClick={() => {
                      setDone(undefined);
                      setActing(action);
                    }}
                  >
                    {t(`cases.action.${action}`)}
                  </Button>
                ))}
              </div>
            </section>
          ) : null}

          <section aria-labelledby="case-summary" className="panel">
            <h2 id="case-summary" className="section-title">
              {t('cases.case.summary')}
            </h2>
            <Descriptions
              size="small"
              bordered
              column={{ xs: 1, md: 2 }}
              items={[
                { key: 'number', label: t('cases.field.number'), children: data.number },
                { key: 'item', label: t('cases.field.item'), children: `${data.itemNameZh} (${data.itemCode})` },
                { key: 'status', label: t('cases.field.status'), children: <StatusTag status={data.status} /> },
                { key: 'light', label: t('cases.field.light'), children: <LightTag light={data.light} /> },
                {
                  key: 'stage',
                  label: t('cases.field.stage'),
                  children: stageName(data, locale) ?? '—',
                },
                {
                  key: 'decision',
                  label: t('cases.field.decision'),
                  children: data.decision ? t(`cases.decision.${data.decision}`) : '—',
                },
                { key: 'department', label: t('cases.field.department'), children: units.nameOf(data.departmentCode) },
                {
                  key: 'centre',
                  label: t('cases.field.centre'),
                  children: data.centreCode ? units.nameOf(data.centreCode) : t('cases.channel.online'),
                },
                {
                  key: 'submitted',
                  label: t('cases.field.submitted_at'),
                  children: dateTime.format(new Date(data.submittedAt)),
                },
                { key: 'accepted', label: t('cases.field.accepted_on'), children: data.acceptedOn ?? '—' },
                {
                  key: 'due',
                  label: t('cases.field.due_on'),
                  children: data.dueOn ? (
                    <>
                      {t('cases.case.due', { day: data.dueOn, days: data.promisedLimitDays })}
                      {/* Once completed or closed, the deadlines are history and nothing will update them. */}
                      {data.deadlineProvisional && data.completedAt === null && data.closedAt === null ? (
                        <div>
                          {t('cases.case.provisional', { year: (data.statutoryDueOn ?? data.dueOn).slice(0, 4) })}
                        </div>
                      ) : null}
                    </>
                  ) : (
                    t('cases.case.not_running')
                  ),
                },
                {
                  key: 'statutory',
                  label: t('cases.field.statutory_due_on'),
                  children: data.statutoryDueOn
                    ? t('cases.case.due', { day: data.statutoryDueOn, days: data.statutoryLimitDays })
                    : '—',
                },
                {
                  key: 'paused',
                  label: t('cases.field.paused_days'),
                  children: data.pausedSince
                    ? t('cases.case.paused_since', { days: data.pausedDays, since: data.pausedSince })
                    : t('cases.case.days', { days: data.pausedDays }),
                },
                {
                  key: 'used',
                  label: t('cases.field.working_days_used'),
                  children:
                    data.workingDaysUsed === null
                      ? '—'
                      : `${t('cases.case.days', { days: data.workingDaysUsed })} · ${
                          data.onTime ? t('cases.case.on_time') : t('cases.case.late')
                        }`,
                },
                { key: 'result', label: t('cases.field.result_number'), children: data.resultNumber ?? '—' },
              ]}
            />
          </section>

          <section aria-labelledby="case-applicant" className="panel">
            <h2 id="case-applicant" className="section-title">
              {t('cases.intake.applicant')}
            </h2>
            <Descriptions
              size="small"
              bordered
              column={{ xs: 1, md: 2 }}
              items={[
                {
                  key: 'kind',
                  label: t('cases.applicant.kind'),
                  children: t(`cases.applicant.kind.${data.applicant.kind}`),
                },
                { key: 'name', label: t('cases.applicant.name'), children: data.applicant.name },
                { key: 'id', label: t('cases.applicant.id_number'), children: data.applicant.idNumber },
                { key: 'mobile', label: t('cases.applicant.mobile'), children: data.applicant.mobile ?? '—' },
              ]}
            />
          </section>

          <FormDataSection detail={data} />
          <MaterialsSection
            detail={data}
            onReceived={(message) => {
              setDone(message);
              detail.reload();
            }}
          />
          <StepsSection detail={data} nameOf={units.nameOf} />
          <PausesSection pauses={data.pauses} />
          <RatingSection detail={data} />
        </>
      )}
      {acting && data ? (
        <CaseActionModal
          action={acting}
          detail={data}
          onClose={() => setActing(undefined)}
          onDone={() => {
            setActing(undefined);
            setConflict(undefined);
            setDone(t('cases.action.done', { action: t(`cases.action.${acting}`) }));
            detail.reload();
          }}
          onConflict={(problem) => {
            setActing(undefined);
            setConflict(problem);
            detail.reload();
          }}
        />
      ) : null}
    </>
  );
}

function stageName(detail: CaseView, locale: string): string | null {
  const stage = detail.stages[detail.stage];
  if (!stage || !['accepted', 'supplement', 'special'].includes(detail.status)) return null;
  return locale === 'en' ? stage.nameEn : stage.nameZh;
}

/** The form as the applicant filled it in, under the titles of the item version it was applied under. */
function FormDataSection({ detail }: { detail: CaseView }) {
  const { t, locale } = useLocale();
  const version = useLoad(
    (signal) =>
      apiFetch<ItemDetail>(
        `/api/services/v1/items/${encodeURIComponent(detail.itemCode)}/versions/${detail.itemVersion}`,
        { signal },
      ),
    [detail.itemCode, detail.itemVersion],
  );
  const fields = useMemo(() => (version.data ? describeSchema(version.data.form) : []), [version.data]);
  const rows = rowsOf(detail.form, fields, locale, t('common.yes'), t('common.no'));

  return (
    <section aria-labelledby="case-form" className="panel">
      <h2 id="case-form" className="section-title">
        {t('cases.intake.form')}
      </h2>
      {rows.length === 0 ? (
        <p className="hint-text">{t('cases.case.form_empty')}</p>
      ) : (
        <Descriptions
          size="small"
          bordered
          column={1}
          items={rows.map((row) => ({ key: row.key, label: row.label, children: row.value }))}
        />
      )}
    </section>
  );
}

/** The answers, flattened (a group's title before each of its fields), titled from the schema when known. */
function rowsOf(
  data: Record<string, unknown>,
  fields: SchemaField[],
  locale: string,
  yes: string,
  no: string,
  prefix: string[] = [],
  titlePrefix = '',
): Array<{ key: string; label: string; value: string }> {
  return Object.entries(data).flatMap(([name, value]) => {
    const field = fields.find((candidate) => candidate.path[candidate.path.length - 1] === name);
    const title = field ? (locale === 'en' ? field.titleEn : field.titleZh) : name;
    const label = titlePrefix ? `${titlePrefix} · ${title}` : title;
    const key = [...prefix, name].join('.');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return rowsOf(value as Record<string, unknown>, field?.fields ?? [], locale, yes, no, [...prefix, name], label);
    }
    const shown = typeof value === 'boolean' ? (value ? yes : no) : String(value);
    return [{ key, label, value: shown }];
  });
}

function StepsSection({ detail, nameOf }: { detail: CaseView; nameOf(code: string | null): string }) {
  const { t, locale } = useLocale();
  const actionName = useActionName();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section aria-labelledby="case-steps" className="panel">
      <h2 id="case-steps" className="section-title">
        {t('cases.steps.title')}
      </h2>
      <Timeline
        items={detail.steps.map((step) => ({
          key: step.seq,
          children: (
            <div className="case-step">
              <p className="case-step-head">
                <strong>{actionName(step.action)}</strong> ·{' '}
                <time dateTime={step.at}>{dateTime.format(new Date(step.at))}</time>
              </p>
              <p className="case-step-actor">
                {step.actor.type === 'user'
                  ? t('cases.steps.by_staff', {
                      name: step.actor.name ?? '—',
                      post: step.actorPost ?? (step.orgUnitCode ? nameOf(step.orgUnitCode) : '—'),
                    })
                  : t(`cases.steps.by_${step.actor.type}`)}
              </p>
              {step.opinion ? (
                <p className="case-step-opinion">{t('cases.steps.opinion', { opinion: step.opinion })}</p>
              ) : null}
            </div>
          ),
        }))}
      />
    </section>
  );
}

function PausesSection({ pauses }: { pauses: Pause[] }) {
  const { t } = useLocale();
  return (
    <section aria-labelledby="case-pauses" className="panel">
      <h2 id="case-pauses" className="section-title">
        {t('cases.pauses.title')}
      </h2>
      <CaptionedTable<Pause>
        caption={t('cases.pauses.caption', { count: pauses.length })}
        rowKey="seq"
        size="small"
        pagination={false}
        dataSource={pauses}
        locale={{ emptyText: <EmptyText>{t('cases.pauses.empty')}</EmptyText> }}
        columns={[
          { key: 'kind', title: t('cases.pauses.kind'), render: (_, row) => t(`cases.pause.${row.kind}`) },
          { key: 'reason', title: t('cases.body.reason'), dataIndex: 'reason' },
          { key: 'from', title: t('cases.pauses.started_on'), dataIndex: 'startedOn' },
          {
            key: 'to',
            title: t('cases.pauses.ended_on'),
            render: (_, row) => row.endedOn ?? t('cases.pauses.running'),
          },
          {
            key: 'days',
            title: t('cases.pauses.working_days'),
            align: 'right',
            render: (_, row) => (row.workingDays === null ? '—' : row.workingDays),
          },
        ]}
      />
    </section>
  );
}

function RatingSection({ detail }: { detail: CaseView }) {
  const { t, locale } = useLocale();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const rating = detail.rating;
  return (
    <section aria-labelledby="case-rating" className="panel">
      <h2 id="case-rating" className="section-title">
        {t('cases.rating.title')}
      </h2>
      {rating ? (
        <Descriptions
          size="small"
          bordered
          column={1}
          items={[
            { key: 'score', label: t('cases.body.score'), children: t(`cases.score.${scoreKey(rating.score)}`) },
            { key: 'channel', label: t('cases.rating.channel'), children: t(`cases.rating.channel.${rating.channel}`) },
            { key: 'at', label: t('cases.rating.rated_at'), children: dateTime.format(new Date(rating.ratedAt)) },
            { key: 'comment', label: t('cases.body.comment'), children: rating.comment ?? '—' },
            ...(rating.followUpDueOn
              ? [
                  { key: 'due', label: t('cases.follow_up.due_on'), children: rating.followUpDueOn },
                  {
                    key: 'answer',
                    label: t('cases.follow_up.answer'),
                    children: rating.followUpAnswer ?? t('cases.follow_up.unanswered'),
                  },
                ]
              : []),
          ]}
        />
      ) : (
        <p className="hint-text">{t('cases.rating.none')}</p>
      )}
    </section>
  );
}
