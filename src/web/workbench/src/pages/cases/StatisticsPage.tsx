import { Button, Form, Input, Select } from 'antd';
import { useMemo, useState } from 'react';
import { apiFetch } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { type ChartOption, EChart } from '../../components/EChart';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { EmptyText } from '../exchange/exchange-tags';
import {
  CASES_API,
  STATISTICS_GROUPINGS,
  type Statistics,
  type StatisticsGrouping,
  type StatisticsRow,
} from './case-types';
import { useUnitNames } from './unit-names';
import './cases.css';

interface Period {
  from: string;
  to: string;
  by: StatisticsGrouping;
}

/** The first day of this month and today, in the district's time (China has one time zone). */
function thisMonth(): Period {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  return { from: `${today.slice(0, 8)}01`, to: today, by: 'department' };
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const decimal = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/**
 * 统计分析: volumes, on-time rate, average working days and ratings over a period, grouped by centre,
 * department, item, month or day. Three charts (volumes, on-time rate, average rating), each with the
 * table below as its text alternative, and the same figures to download as CSV or XLSX.
 */
export function StatisticsPage() {
  const { t, locale } = useLocale();
  const units = useUnitNames();
  const [period, setPeriod] = useState<Period>(thisMonth);
  const statistics = useLoad(
    (signal) => apiFetch<Statistics>(`${CASES_API}/statistics`, { query: { ...period }, signal }),
    [period],
  );
  const rows = useMemo(() => statistics.data?.rows ?? [], [statistics.data]);
  const labelOf = (row: StatisticsRow) =>
    period.by === 'centre' || period.by === 'department'
      ? units.nameOf(row.key)
      : ((locale === 'en' ? row.labelEn : row.labelZh) ?? row.key);
  const online = t('cases.channel.online');
  const keys = useMemo(() => rows.map((row) => (row.key === '' ? online : row.key)), [rows, online]);

  const volumes = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 40, bottom: 64 },
      xAxis: { type: 'category', data: keys, axisLabel: { rotate: 45 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: (['submitted', 'accepted', 'completed'] as const).map((count, index) => ({
        name: t(`cases.statistics.${count}`),
        type: 'bar',
        itemStyle: { color: ['#0958d9', '#531dab', '#237804'][index] },
        data: rows.map((row) => row[count]),
      })),
    }),
    [rows, keys, t],
  );
  const rates = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 40, bottom: 64 },
      xAxis: { type: 'category', data: keys, axisLabel: { rotate: 45 } },
      yAxis: [
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        { type: 'value', min: 0, max: 5 },
      ],
      series: [
        {
          name: t('cases.statistics.onTimeRate'),
          type: 'line',
          itemStyle: { color: '#0958d9' },
          data: rows.map((row) => (row.onTimeRate === null ? null : Math.round(row.onTimeRate * 1000) / 10)),
        },
        {
          name: t('cases.statistics.avgRating'),
          type: 'line',
          yAxisIndex: 1,
          lineStyle: { type: 'dashed' },
          itemStyle: { color: '#ad4e00' },
          data: rows.map((row) => row.avgRating),
        },
      ],
    }),
    [rows, keys, t],
  );

  const exportHref = (format: 'csv' | 'xlsx') =>
    `${CASES_API}/statistics/export?${new URLSearchParams({ ...period, format }).toString()}`;
  const totals = statistics.data?.totals;

  return (
    <>
      <PageTitle>{t('cases.statistics.title')}</PageTitle>
      <Form<Period>
        name="statistics-period"
        layout="inline"
        className="filter-form"
        initialValues={period}
        onFinish={(values) => setPeriod(values)}
      >
        <Form.Item
          name="from"
          label={t('cases.statistics.from')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <Input type="date" className="date-input" />
        </Form.Item>
        <Form.Item
          name="to"
          label={t('cases.statistics.to')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <Input type="date" className="date-input" />
        </Form.Item>
        <Form.Item name="by" label={t('cases.statistics.by')}>
          <Select
            className="filter-select"
            options={STATISTICS_GROUPINGS.map((value) => ({ value, label: t(`cases.statistics.by.${value}`) }))}
          />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" type="primary">
            {t('cases.statistics.show')}
          </Button>
        </Form.Item>
      </Form>
      <div className="button-row export-links">
        <Button href={exportHref('csv')} download>
          {t('cases.statistics.export_csv')}
        </Button>
        <Button href={exportHref('xlsx')} download>
          {t('cases.statistics.export_xlsx')}
        </Button>
      </div>
      <ProblemAlert error={statistics.error} className="block-alert" />
      <p role="status" className="live-status">
        {statistics.loading || !totals
          ? ''
          : t('cases.statistics.summary', {
              submitted: totals.submitted,
              completed: totals.completed,
              rate: percent(totals.onTimeRate),
            })}
      </p>
      {rows.length > 0 ? (
        <div className="chart-grid">
          <section aria-labelledby="statistics-volumes" className="panel">
            <h2 id="statistics-volumes" className="section-title">
              {t('cases.statistics.volumes')}
            </h2>
            <EChart option={volumes} label={t('cases.statistics.volumes_label', { groups: rows.length })} />
          </section>
          <section aria-labelledby="statistics-rates" className="panel">
            <h2 id="statistics-rates" className="section-title">
              {t('cases.statistics.rates')}
            </h2>
            <EChart option={rates} label={t('cases.statistics.rates_label', { groups: rows.length })} />
          </section>
        </div>
      ) : null}
      <section aria-labelledby="statistics-table" className="panel">
        <h2 id="statistics-table" className="section-title">
          {t('cases.statistics.table')}
        </h2>
        <CaptionedTable<StatisticsRow>
          caption={t('cases.statistics.caption', {
            from: period.from,
            to: period.to,
            by: t(`cases.statistics.by.${period.by}`),
          })}
          rowKey="key"
          size="small"
          loading={statistics.loading}
          pagination={false}
          scroll={{ x: true }}
          dataSource={statistics.error ? [] : rows}
          locale={{ emptyText: <EmptyText>{t('cases.statistics.empty')}</EmptyText> }}
          summary={() =>
            totals ? <CaptionedTableTotals totals={totals} label={t('cases.statistics.totals')} /> : null
          }
          columns={[
            { key: 'key', title: t(`cases.statistics.by.${period.by}`), render: (_, row) => labelOf(row) },
            ...COUNTS.map((count) => ({
              key: count,
              title: t(`cases.statistics.${count}`),
              align: 'right' as const,
              render: (_: unknown, row: StatisticsRow) => formatCount(count, row[count]),
            })),
          ]}
        />
      </section>
    </>
  );
}

const COUNTS = [
  'submitted',
  'accepted',
  'rejected',
  'completed',
  'onTime',
  'onTimeRate',
  'avgWorkingDays',
  'granted',
  'refused',
  'withdrawn',
  'ratings',
  'avgRating',
  'poorRatings',
] as const;
type Count = (typeof COUNTS)[number];

function formatCount(count: Count, value: number | null): string {
  if (count === 'onTimeRate') return percent(value);
  if (count === 'avgWorkingDays' || count === 'avgRating') return decimal(value);
  return String(value ?? 0);
}

/** The totals row, in the table's footer. */
function CaptionedTableTotals({ totals, label }: { totals: Statistics['totals']; label: string }) {
  return (
    <tr className="totals-row">
      <th scope="row">{label}</th>
      {COUNTS.map((count) => (
        <td key={count} className="ant-table-cell numeric-cell">
          {formatCount(count, totals[count])}
        </td>
      ))}
    </tr>
  );
}
