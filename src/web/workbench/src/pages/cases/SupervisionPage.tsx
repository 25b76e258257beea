import { Button } from 'antd';
import { useMemo, useState } from 'react';
import { apiFetch } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { type ChartOption, EChart } from '../../components/EChart';
import { LiveStatus } from '../../components/LiveStatus';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { casePathOf, followInApp } from '../../router';
import { useLoad } from '../../use-load';
import { EmptyText } from '../exchange/exchange-tags';
import { AlertsSection } from './AlertsSection';
import { ButtonChoice } from './ButtonChoice';
import { LightTag } from './case-tags';
import { CASES_API, type CaseSummary, type LightCounts, type Paged } from './case-types';
import { FollowUpsSection } from './FollowUpsSection';
import { useUnitNames } from './unit-names';
import './cases.css';

const PAGE_SIZE = 20;
/** The light colours of the bars, dark enough for 3:1 against white (WCAG 1.4.11). */
const BAR_COLOURS = { green: '#237804', yellow: '#ad6800', red: '#cf1322', paused: '#595959' } as const;
const SERIES = ['green', 'yellow', 'red', 'paused'] as const;

/**
 * 电子监察: the open cases of the reader's scope by light, per department or per centre, as a stacked
 * bar chart with the same figures in a table (the chart's text alternative); the yellow and red cases
 * themselves; the alerts raised and not yet acknowledged; and the follow-ups of poor ratings, answered
 * here.
 */
export function SupervisionPage() {
  const { t } = useLocale();
  const units = useUnitNames();
  const [by, setBy] = useState<'department' | 'centre'>('department');
  const [done, setDone] = useState<string>();
  const overview = useLoad(
    (signal) => apiFetch<LightCounts[]>(`${CASES_API}/supervision/overview`, { query: { by }, signal }),
    [by],
  );
  const rows = useMemo(() => overview.data ?? [], [overview.data]);

  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 64 },
      xAxis: {
        type: 'category',
        data: rows.map((row) => (row.unitCode === '' ? t('cases.channel.online') : row.unitCode)),
        axisLabel: { interval: 0, rotate: 45 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: SERIES.map((light) => ({
        name: t(`cases.overview.${light}`),
        type: 'bar',
        stack: 'lights',
        itemStyle: { color: BAR_COLOURS[light] },
        data: rows.map((row) => row[light]),
      })),
    }),
    [rows, t],
  );
  const totals = rows.reduce(
    (sum, row) => ({ green: sum.green + row.green, yellow: sum.yellow + row.yellow, red: sum.red + row.red }),
    { green: 0, yellow: 0, red: 0 },
  );

  return (
    <>
      <PageTitle>{t('cases.supervision.title')}</PageTitle>
      <p className="hint-text">{t('cases.supervision.lead')}</p>
      <LiveStatus message={done} />
      <section aria-labelledby="supervision-overview" className="panel">
        <div className="section-head">
          <h2 id="supervision-overview" className="section-title">
            {t('cases.overview.title')}
          </h2>
          <div className="button-row">
            <ButtonChoice<'department' | 'centre'>
              label={t('cases.overview.by')}
              value={by}
              onChange={setBy}
              options={[
                { value: 'department', label: t('cases.overview.by_department') },
                { value: 'centre', label: t('cases.overview.by_centre') },
              ]}
            />
            <Button onClick={overview.reload} loading={overview.loading}>
              {t('cases.refresh')}
            </Button>
          </div>
        </div>
        <ProblemAlert error={overview.error} className="block-alert" />
        {rows.length > 0 ? (
          <EChart
            option={option}
            label={t('cases.overview.chart_label', { units: rows.length, ...totals })}
            height={360}
          />
        ) : null}
        <CaptionedTable<LightCounts>
          caption={t(by === 'department' ? 'cases.overview.caption_department' : 'cases.overview.caption_centre')}
          rowKey="unitCode"
          size="small"
          loading={overview.loading}
          pagination={false}
          dataSource={rows}
          locale={{ emptyText: <EmptyText>{t('cases.overview.empty')}</EmptyText> }}
          columns={[
            { key: 'unit', title: t('cases.overview.unit'), render: (_, row) => units.nameOf(row.unitCode) },
            ...SERIES.map((light) => ({
              key: light,
              title: t(`cases.overview.${light}`),
              dataIndex: light,
              align: 'right' as const,
            })),
            { key: 'total', title: t('cases.overview.total'), dataIndex: 'total', align: 'right' as const },
          ]}
        />
      </section>
      <WarnedCasesSection nameOf={units.nameOf} />
      <AlertsSection nameOf={units.nameOf} onDone={setDone} />
      <FollowUpsSection nameOf={units.nameOf} onDone={setDone} />
    </>
  );
}

/** The yellow or red cases themselves, with their light in words. */
function WarnedCasesSection({ nameOf }: { nameOf(code: string | null): string }) {
  const { t } = useLocale();
  const [light, setLight] = useState<'red' | 'yellow'>('red');
  const [page, setPage] = useState(1);
  const cases = useLoad(
    (signal) =>
      apiFetch<Paged<CaseSummary>>(`${CASES_API}/supervision/cases`, {
        query: { light, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [light, page],
  );
  return (
    <section aria-labelledby="supervision-cases" className="panel">
      <div className="section-head">
        <h2 id="supervision-cases" className="section-title">
          {t('cases.warned.title')}
        </h2>
        <ButtonChoice<'red' | 'yellow'>
          label={t('cases.field.light')}
          value={light}
          onChange={(next) => {
            setLight(next);
            setPage(1);
          }}
          options={[
            { value: 'red', label: t('cases.light.red') },
            { value: 'yellow', label: t('cases.light.yellow') },
          ]}
        />
      </div>
      <ProblemAlert error={cases.error} className="block-alert" />
      <CaptionedTable<CaseSummary>
        caption={t('cases.warned.caption', { light: t(`cases.light.${light}`), count: cases.data?.total ?? 0 })}
        rowKey="id"
        size="small"
        loading={cases.loading}
        dataSource={cases.error ? [] : (cases.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('cases.warned.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: cases.data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: setPage,
        }}
        columns={[
          {
            key: 'number',
            title: t('cases.field.number'),
            render: (_, row) => (
              <a href={casePathOf(row.id)} onClick={followInApp}>
                {row.number}
              </a>
            ),
          },
          { key: 'item', title: t('cases.field.item'), dataIndex: 'itemNameZh' },
          { key: 'applicant', title: t('cases.field.applicant'), dataIndex: 'applicantName' },
          { key: 'department', title: t('cases.field.department'), render: (_, row) => nameOf(row.departmentCode) },
          { key: 'centre', title: t('cases.field.centre'), render: (_, row) => nameOf(row.centreCode) },
          { key: 'due', title: t('cases.field.due_on'), render: (_, row) => row.dueOn ?? '—' },
          { key: 'light', title: t('cases.field.light'), render: (_, row) => <LightTag light={row.light} /> },
        ]}
      />
    </section>
  );
}
