import { Button, Form, Input, Select, Tabs } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { casePathOf, followInApp } from '../../router';
import { useLoad } from '../../use-load';
import { EmptyText } from '../exchange/exchange-tags';
import { LightTag, StatusTag } from './case-tags';
import {
  CASE_STATUSES,
  CASES_API,
  type CaseStatus,
  type CaseSummary,
  LIGHTS,
  type Light,
  type Paged,
  QUEUES,
  type Queue,
} from './case-types';
import { useUnitNames } from './unit-names';
import './cases.css';

const PAGE_SIZE = 20;

interface Filter {
  status?: CaseStatus;
  light?: Light;
  number?: string;
}

function queueOf(search: string): Queue {
  const asked = new URLSearchParams(search).get('queue');
  return QUEUES.find((queue) => queue === asked) ?? 'intake';
}

/**
 * 办件队列: the cases waiting at the reader's windows (待受理), in their departments' stages (待办理), or
 * every case in their scope (全部), filtered by status, light and number, a page at a time. The open
 * tab is kept in the address (`?queue=`). Applicants' names come masked: a list never needs them whole.
 */
export function QueuesPage() {
  const { t, locale } = useLocale();
  const units = useUnitNames();
  const [queue, setQueue] = useState<Queue>(() => queueOf(window.location.search));
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const cases = useLoad(
    (signal) =>
      apiFetch<Paged<CaseSummary>>(`${CASES_API}/cases`, {
        query: {
          queue,
          status: filter.status,
          light: filter.light,
          number: filter.number?.trim(),
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        },
        signal,
      }),
    [queue, filter, page],
  );

  const open = (next: Queue) => {
    setQueue(next);
    setPage(1);
    const url = new URL(window.location.href);
    url.searchParams.set('queue', next);
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}`);
  };

  const table = (
    <>
      <Form<Filter>
        name="case-filter"
        layout="inline"
        className="filter-form"
        onFinish={(values) => {
          setFilter(values);
          setPage(1);
        }}
      >
        <Form.Item name="status" label={t('cases.field.status')}>
          <Select
            allowClear
            className="filter-select"
            placeholder={t('cases.filter.any')}
            options={CASE_STATUSES.map((value) => ({ value, label: t(`cases.status.${value}`) }))}
          />
        </Form.Item>
        <Form.Item name="light" label={t('cases.field.light')}>
          <Select
            allowClear
            className="filter-select"
            placeholder={t('cases.filter.any')}
            options={LIGHTS.map((value) => ({ value, label: t(`cases.light.${value}`) }))}
          />
        </Form.Item>
        <Form.Item name="number" label={t('cases.field.number')}>
          <Input allowClear spellCheck={false} autoComplete="off" placeholder="C01-20260101-000001" />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit">{t('common.filter')}</Button>
        </Form.Item>
      </Form>
      <ProblemAlert error={cases.error} className="block-alert" />
      <p role="status" className="live-status">
        {cases.loading || !cases.data ? '' : t('cases.queue.found', { count: cases.data.total })}
      </p>
      <CaptionedTable<CaseSummary>
        caption={t(`cases.queue.caption.${queue}`)}
        rowKey="id"
        size="small"
        loading={cases.loading}
        dataSource={cases.error ? [] : (cases.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('cases.queue.empty')}</EmptyText> }}
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
          {
            key: 'unit',
            title: t('cases.field.department'),
            render: (_, row) => units.nameOf(row.departmentCode),
          },
          { key: 'status', title: t('cases.field.status'), render: (_, row) => <StatusTag status={row.status} /> },
          {
            key: 'stage',
            title: t('cases.field.stage'),
            render: (_, row) => (locale === 'en' ? row.stageNameEn : row.stageNameZh) ?? '—',
          },
          { key: 'due', title: t('cases.field.due_on'), render: (_, row) => row.dueOn ?? '—' },
          { key: 'light', title: t('cases.field.light'), render: (_, row) => <LightTag light={row.light} /> },
        ]}
      />
    </>
  );

  return (
    <>
      <PageTitle>{t('cases.queues.title')}</PageTitle>
      <Tabs
        activeKey={queue}
        onChange={(key) => open(queueOf(`?queue=${key}`))}
        destroyOnHidden
        items={QUEUES.map((key) => ({
          key,
          label: t(`cases.queue.${key}`),
          children: key === queue ? table : null,
        }))}
      />
    </>
  );
}
