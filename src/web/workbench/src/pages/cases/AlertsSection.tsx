import { Button } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { casePathOf, followInApp } from '../../router';
import { useLoad } from '../../use-load';
import { EmptyText } from '../exchange/exchange-tags';
import { LightTag } from './case-tags';
import { type AlertView, CASES_API, type Paged } from './case-types';

const PAGE_SIZE = 20;

/** The deadline alerts not yet acknowledged, oldest first, each acknowledged here by those who may. */
export function AlertsSection({
  nameOf,
  onDone,
}: {
  nameOf(code: string | null): string;
  onDone(message: string): void;
}) {
  const { t } = useLocale();
  const [page, setPage] = useState(1);
  const [acting, setActing] = useState<string>();
  const [problem, setProblem] = useState<unknown>();
  const alerts = useLoad(
    (signal) =>
      apiFetch<Paged<AlertView>>(`${CASES_API}/alerts`, {
        query: { state: 'open', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [page],
  );

  const acknowledge = async (alert: AlertView) => {
    setActing(String(alert.id));
    setProblem(undefined);
    try {
      await apiFetch(`${CASES_API}/alerts/${encodeURIComponent(String(alert.id))}/acknowledge`, { method: 'POST' });
      onDone(t('cases.alerts.acknowledged', { number: alert.number ?? alert.caseId }));
      alerts.reload();
    } catch (error) {
      setProblem(error);
    } finally {
      setActing(undefined);
    }
  };

  return (
    <section aria-labelledby="supervision-alerts" className="panel">
      <h2 id="supervision-alerts" className="section-title">
        {t('cases.alerts.title')}
      </h2>
      <ProblemAlert error={alerts.error ?? problem} className="block-alert" />
      <CaptionedTable<AlertView>
        caption={t('cases.alerts.caption', { count: alerts.data?.total ?? 0 })}
        rowKey={(row) => String(row.id)}
        size="small"
        loading={alerts.loading}
        dataSource={alerts.error ? [] : (alerts.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('cases.alerts.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: alerts.data?.total ?? 0,
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
                {row.number ?? row.caseId}
              </a>
            ),
          },
          { key: 'level', title: t('cases.alerts.level'), render: (_, row) => <LightTag light={row.level} /> },
          { key: 'department', title: t('cases.field.department'), render: (_, row) => nameOf(row.departmentCode) },
          { key: 'raised', title: t('cases.alerts.raised_on'), dataIndex: 'raisedOn' },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, row) => (
              <Button size="small" loading={acting === String(row.id)} onClick={() => acknowledge(row)}>
                {t('cases.alerts.acknowledge', { number: row.number ?? '' })}
              </Button>
            ),
          },
        ]}
      />
    </section>
  );
}
