import { Button, Descriptions, Drawer, Form, Input } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { DeliveryView, ExchangeMessageDetail, ExchangeMessageSummary, Page } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { CopyButton } from '../../components/CopyButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { EmptyText, StateTag } from './exchange-tags';

const PAGE_SIZE = 50;

interface Filter {
  source?: string;
  standard?: string;
  correlationId?: string;
  from?: string;
  to?: string;
}

/** A `datetime-local` value (the reader's local time) as the instant the API wants. */
function instantOf(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function trimmed(value: string | undefined): string | undefined {
  return value?.trim() || undefined;
}

/**
 * The message trace: the log searched by publishing member, standard, correlation id and time,
 * newest first, without payloads. A message opens its proof (hashes, signature, chain link) and the
 * state of each of its deliveries.
 */
export function MessagesPanel() {
  const { t, locale } = useLocale();
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const [opened, setOpened] = useState<string | undefined>();
  const messages = useLoad(
    (signal) =>
      apiFetch<Page<ExchangeMessageSummary>>('/api/exchange/v1/messages', {
        query: {
          source: trimmed(filter.source),
          standard: trimmed(filter.standard),
          correlationId: trimmed(filter.correlationId),
          from: instantOf(filter.from),
          to: instantOf(filter.to),
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        },
        signal,
      }),
    [filter, page],
  );
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <section aria-labelledby="exchange-messages-title" className="panel">
      <h2 id="exchange-messages-title" className="section-title">
        {t('exchange.messages.title')}
      </h2>
      <Form<Filter>
        name="exchange-message-filter"
        layout="inline"
        className="filter-form"
        onFinish={(values) => {
          setFilter(values);
          setPage(1);
        }}
      >
        <Form.Item name="source" label={t('exchange.message.source')}>
          <Input allowClear spellCheck={false} />
        </Form.Item>
        <Form.Item name="standard" label={t('exchange.message.standard_code')}>
          <Input allowClear spellCheck={false} placeholder="population-basic" />
        </Form.Item>
        <Form.Item name="correlationId" label={t('exchange.message.correlation')}>
          <Input allowClear spellCheck={false} />
        </Form.Item>
        <Form.Item name="from" label={t('exchange.from')}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item name="to" label={t('exchange.to')}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit">{t('common.filter')}</Button>
        </Form.Item>
      </Form>
      <ProblemAlert error={messages.error} className="block-alert" />
      <p role="status" className="live-status">
        {messages.loading || !messages.data ? '' : t('exchange.messages.found', { count: messages.data.total })}
      </p>
      <CaptionedTable<ExchangeMessageSummary>
        caption={t('exchange.messages.caption')}
        rowKey="seq"
        size="small"
        loading={messages.loading}
        dataSource={messages.error ? [] : (messages.data?.items ?? [])}
        locale={{ emptyText: <EmptyText>{t('exchange.messages.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: messages.data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: setPage,
        }}
        columns={[
          { key: 'seq', title: t('exchange.message.seq'), dataIndex: 'seq' },
          {
            key: 'at',
            title: t('exchange.message.received_at'),
            render: (_, row) => dateTime.format(new Date(row.receivedAt)),
          },
          { key: 'source', title: t('exchange.message.source'), render: (_, row) => <code>{row.source}</code> },
          {
            key: 'type',
            title: t('exchange.standard'),
            render: (_, row) => <code>{`${row.standard} v${row.version}`}</code>,
          },
          {
            key: 'classification',
            title: t('exchange.classification'),
            render: (_, row) => <StateTag kind="classification" value={row.classification} />,
          },
          {
            key: 'correlation',
            title: t('exchange.message.correlation'),
            render: (_, row) => (row.correlationId ? <code>{row.correlationId}</code> : '—'),
          },
          {
            key: 'deliveries',
            title: t('exchange.message.deliveries'),
            render: (_, row) => t('exchange.message.delivery_counts', row.deliveries),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, row) => (
              <Button size="small" onClick={() => setOpened(row.id)}>
                {t('exchange.message.open', { seq: row.seq })}
              </Button>
            ),
          },
        ]}
      />
      {opened ? <MessageDrawer id={opened} onClose={() => setOpened(undefined)} /> : null}
    </section>
  );
}

/** One message: what the log holds of it, the proof, and each delivery with why it failed. */
function MessageDrawer({ id, onClose }: { id: string; onClose(): void }) {
  const { t, locale } = useLocale();
  const detail = useLoad(
    (signal) => apiFetch<ExchangeMessageDetail>(`/api/exchange/v1/messages/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const when = (at: string | null) => (at ? dateTime.format(new Date(at)) : '—');
  const data = detail.data;

  return (
    <Drawer
      open
      width={820}
      title={data ? t('exchange.message.title', { seq: data.message.seq }) : t('exchange.message.loading')}
      onClose={onClose}
    >
      <ProblemAlert error={detail.error} className="block-alert" />
      {data ? (
        <>
          <section aria-labelledby="exchange-message-summary" className="drawer-section">
            <h2 id="exchange-message-summary" className="section-title">
              {t('exchange.message.summary')}
            </h2>
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                { key: 'id', label: t('exchange.message.id'), children: <code>{data.message.id}</code> },
                { key: 'event', label: t('exchange.message.event_id'), children: <code>{data.message.eventId}</code> },
                { key: 'source', label: t('exchange.message.source'), children: <code>{data.message.source}</code> },
                {
                  key: 'type',
                  label: t('exchange.standard'),
                  children: <code>{`huitong.${data.message.standard}.v${data.message.version}`}</code>,
                },
                {
                  key: 'partition',
                  label: t('exchange.message.partition_key'),
                  children: data.message.partitionKey ? <code>{data.message.partitionKey}</code> : '—',
                },
                { key: 'received', label: t('exchange.message.received_at'), children: when(data.message.receivedAt) },
                {
                  key: 'size',
                  label: t('exchange.message.size'),
                  children: t('exchange.bytes', { n: data.message.dataSize }),
                },
              ]}
            />
          </section>
          <section aria-labelledby="exchange-message-proof" className="drawer-section">
            <h2 id="exchange-message-proof" className="section-title">
              {t('exchange.message.proof')}
            </h2>
            <p className="hint-text">{t('exchange.message.proof_lead')}</p>
            {/* Also what makes the drawer's scrolling body reachable by keyboard: it needs focusable content. */}
            <p>
              <CopyButton
                text={JSON.stringify(
                  { message: data.message.id, eventId: data.message.eventId, ...data.proof },
                  null,
                  2,
                )}
                label={t('exchange.message.copy_proof')}
              />
            </p>
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                {
                  key: 'algorithm',
                  label: t('exchange.proof.algorithm'),
                  children: <code>{data.proof.algorithm}</code>,
                },
                { key: 'key', label: t('exchange.proof.key'), children: <code>{data.proof.keyId}</code> },
                {
                  key: 'data',
                  label: t('exchange.proof.data_hash'),
                  children: <code className="hash">{data.proof.dataHash}</code>,
                },
                {
                  key: 'message',
                  label: t('exchange.proof.message_hash'),
                  children: <code className="hash">{data.proof.messageHash}</code>,
                },
                {
                  key: 'prev',
                  label: t('exchange.proof.prev_hash'),
                  children: <code className="hash">{data.proof.prevHash}</code>,
                },
                {
                  key: 'entry',
                  label: t('exchange.proof.entry_hash'),
                  children: <code className="hash">{data.proof.entryHash}</code>,
                },
                {
                  key: 'signature',
                  label: t('exchange.proof.signature'),
                  children: <code className="hash">{data.proof.signature}</code>,
                },
              ]}
            />
          </section>
          <section aria-labelledby="exchange-message-deliveries" className="drawer-section">
            <h2 id="exchange-message-deliveries" className="section-title">
              {t('exchange.message.deliveries')}
            </h2>
            <CaptionedTable<DeliveryView>
              caption={t('exchange.message.deliveries_caption', { count: data.deliveries.length })}
              rowKey="subscriptionId"
              size="small"
              pagination={false}
              dataSource={data.deliveries}
              locale={{ emptyText: <EmptyText>{t('exchange.message.no_deliveries')}</EmptyText> }}
              columns={[
                { key: 'member', title: t('exchange.subscriber'), render: (_, row) => <code>{row.memberId}</code> },
                {
                  key: 'mode',
                  title: t('exchange.subscription.mode'),
                  render: (_, row) =>
                    row.mode === 'push' || row.mode === 'pull' ? t(`exchange.mode.${row.mode}`) : row.mode,
                },
                {
                  key: 'status',
                  title: t('exchange.delivery_status'),
                  render: (_, row) => <StateTag kind="delivery_status" value={row.status} />,
                },
                { key: 'attempts', title: t('exchange.delivery.attempts'), dataIndex: 'attempts', align: 'right' },
                { key: 'error', title: t('exchange.delivery.last_error'), render: (_, row) => row.lastError ?? '—' },
                {
                  key: 'when',
                  title: t('exchange.delivery.when'),
                  render: (_, row) =>
                    row.deliveredAt
                      ? t('exchange.delivery.delivered_at', { at: when(row.deliveredAt) })
                      : row.status === 'dead'
                        ? t('exchange.delivery.last_attempt', { at: when(row.lastAttemptAt) })
                        : t('exchange.delivery.next_attempt', { at: when(row.nextAttemptAt) }),
                },
              ]}
            />
          </section>
        </>
      ) : null}
    </Drawer>
  );
}
