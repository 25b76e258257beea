import { Col, Progress, Row, Statistic } from 'antd';
import { apiFetch } from '../../api-client';
import { DELIVERY_STATUSES, type DeliveryStatus, type Page, type StandardView } from '../../api-types';
import { BusyButton } from '../../components/BusyButton';
import { CaptionedTable } from '../../components/CaptionedTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { EmptyText, nameIn, StateTag } from './exchange-tags';

interface Summary {
  members: number;
  standards: StandardView[];
  pendingSubscriptions: number;
  messages: number;
  messagesByStandard: Array<{ standard: StandardView; messages: number }>;
  deliveries: Record<DeliveryStatus, number>;
}

/** The total of a paged list, asked for with the smallest page. */
async function totalOf(path: string, query: Record<string, string>, signal: AbortSignal): Promise<number> {
  const page = await apiFetch<Page<unknown>>(path, { query: { ...query, limit: 1 }, signal });
  return page.total;
}

async function loadSummary(signal: AbortSignal): Promise<Summary> {
  const [members, standards, pendingSubscriptions, messages, deliveries] = await Promise.all([
    totalOf('/api/exchange/v1/members', {}, signal),
    apiFetch<{ items: StandardView[] }>('/api/exchange/v1/standards', { signal }),
    totalOf('/api/exchange/v1/subscriptions', { status: 'pending' }, signal),
    totalOf('/api/exchange/v1/messages', {}, signal),
    Promise.all(
      DELIVERY_STATUSES.map(
        async (status) => [status, await totalOf('/api/exchange/v1/deliveries', { status }, signal)] as const,
      ),
    ),
  ]);
  // One count a standard: the trace API has no grouping, and a district has a handful of standards.
  const messagesByStandard = await Promise.all(
    standards.items.map(async (standard) => ({
      standard,
      messages: await totalOf('/api/exchange/v1/messages', { standard: standard.code }, signal),
    })),
  );
  return {
    members,
    standards: standards.items,
    pendingSubscriptions,
    messages,
    messagesByStandard,
    deliveries: Object.fromEntries(deliveries) as Record<DeliveryStatus, number>,
  };
}

/** The share of `part` in `whole` as a whole percentage (0 for an empty whole). */
function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100);
}

/**
 * The exchange at a glance: members, standards, subscriptions waiting for approval, messages in the
 * log, messages per standard and deliveries by state. Drawn with antd's Statistic and Progress: the
 * workbench ships no chart library, and bars with their numbers read as well to a screen reader.
 */
export function OverviewPanel() {
  const { t, locale } = useLocale();
  const summary = useLoad(loadSummary, []);
  const data = summary.data;
  const deliveriesTotal = data ? DELIVERY_STATUSES.reduce((sum, status) => sum + data.deliveries[status], 0) : 0;
  const busiest = data ? Math.max(0, ...data.messagesByStandard.map((row) => row.messages)) : 0;

  return (
    <section aria-labelledby="exchange-overview-title" className="panel">
      <div className="section-head">
        <h2 id="exchange-overview-title" className="section-title">
          {t('exchange.overview.title')}
        </h2>
        <BusyButton onClick={summary.reload} busy={summary.loading}>
          {t('exchange.refresh')}
        </BusyButton>
      </div>
      <ProblemAlert error={summary.error} className="block-alert" />
      <Row gutter={[24, 16]} className="exchange-stats">
        <Col xs={12} md={6}>
          <Statistic title={t('exchange.overview.members')} value={data?.members ?? '—'} loading={summary.loading} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('exchange.overview.standards')}
            value={data?.standards.length ?? '—'}
            loading={summary.loading}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('exchange.overview.pending_subscriptions')}
            value={data?.pendingSubscriptions ?? '—'}
            loading={summary.loading}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('exchange.overview.messages')} value={data?.messages ?? '—'} loading={summary.loading} />
        </Col>
      </Row>
      <CaptionedTable<{ standard: StandardView; messages: number }>
        caption={t('exchange.overview.by_standard_caption')}
        rowKey={(row) => row.standard.code}
        size="small"
        pagination={false}
        loading={summary.loading}
        dataSource={data?.messagesByStandard ?? []}
        locale={{ emptyText: <EmptyText>{t('exchange.standards.empty')}</EmptyText> }}
        columns={[
          {
            key: 'standard',
            title: t('exchange.standard'),
            render: (_, row) => (
              <>
                {nameIn(locale, row.standard)} <code>{row.standard.code}</code>
              </>
            ),
          },
          {
            key: 'classification',
            title: t('exchange.classification'),
            render: (_, row) => <StateTag kind="classification" value={row.standard.classification} />,
          },
          { key: 'messages', title: t('exchange.overview.message_count'), dataIndex: 'messages', align: 'right' },
          {
            key: 'bar',
            title: t('exchange.overview.share'),
            render: (_, row) => (
              <Progress
                percent={percent(row.messages, busiest)}
                showInfo={false}
                size="small"
                aria-label={t('exchange.overview.bar_label', { name: nameIn(locale, row.standard) })}
              />
            ),
          },
        ]}
      />
      <CaptionedTable<{ status: DeliveryStatus; count: number }>
        caption={t('exchange.overview.by_state_caption', { total: deliveriesTotal })}
        rowKey="status"
        size="small"
        pagination={false}
        loading={summary.loading}
        dataSource={data ? DELIVERY_STATUSES.map((status) => ({ status, count: data.deliveries[status] })) : []}
        columns={[
          {
            key: 'status',
            title: t('exchange.delivery_status'),
            render: (_, row) => <StateTag kind="delivery_status" value={row.status} />,
          },
          { key: 'count', title: t('exchange.overview.delivery_count'), dataIndex: 'count', align: 'right' },
          {
            key: 'bar',
            title: t('exchange.overview.share'),
            render: (_, row) => (
              <Progress
                percent={percent(row.count, deliveriesTotal)}
                size="small"
                status={row.status === 'dead' && row.count > 0 ? 'exception' : 'normal'}
                aria-label={t(`exchange.delivery_status.${row.status}`)}
              />
            ),
          },
        ]}
      />
    </section>
  );
}
