import { Button, Checkbox, Space } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { DeliveryView, Page } from '../../api-types';
import { BusyButton } from '../../components/BusyButton';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { CorrectionModal } from './CorrectionModal';
import { EmptyText } from './exchange-tags';

const PAGE_SIZE = 50;

const keyOf = (delivery: Pick<DeliveryView, 'subscriptionId' | 'messageSeq'>) =>
  `${delivery.subscriptionId}:${delivery.messageSeq}`;

/**
 * The dead-letter console: deliveries that ran out of attempts, each with why the last one failed.
 * The operator corrects the subscriber's mapping (a button opens it) or endpoint, then resubmits the
 * chosen ones, which start again with a fresh attempt count.
 */
export function DeadLettersPanel({ onOpenMappings }: { onOpenMappings(memberId: string): void }) {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['exchange.manage']);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const [resubmitting, setResubmitting] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState<string>();
  const [correcting, setCorrecting] = useState<DeliveryView>();
  const dead = useLoad(
    (signal) =>
      apiFetch<Page<DeliveryView>>('/api/exchange/v1/deliveries', {
        query: { status: 'dead', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      }),
    [page],
  );
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const rows = dead.error ? [] : (dead.data?.items ?? []);

  const resubmit = async (deliveries: DeliveryView[]) => {
    setActionError(undefined);
    setResubmitting(true);
    // The API resubmits one subscription's messages at a time.
    const bySubscription = new Map<string, number[]>();
    for (const delivery of deliveries) {
      bySubscription.set(delivery.subscriptionId, [
        ...(bySubscription.get(delivery.subscriptionId) ?? []),
        delivery.messageSeq,
      ]);
    }
    let count = 0;
    try {
      for (const [subscriptionId, messageSeqs] of bySubscription) {
        const result = await apiFetch<{ count: number }>('/api/exchange/v1/deliveries/resubmit', {
          method: 'POST',
          json: { subscriptionId, messageSeqs },
        });
        count += result.count;
      }
      setAnnouncement(t('exchange.dead.resubmitted', { count }));
      setSelected([]);
    } catch (error) {
      setActionError(error);
      if (count > 0) setAnnouncement(t('exchange.dead.resubmitted', { count }));
    } finally {
      setResubmitting(false);
      dead.reload();
    }
  };

  const chosen = rows.filter((row) => selected.includes(keyOf(row)));

  return (
    <section aria-labelledby="exchange-dead-title" className="panel">
      <div className="section-head">
        <h2 id="exchange-dead-title" className="section-title">
          {t('exchange.dead.title')}
        </h2>
        <Space wrap>
          <Button onClick={dead.reload}>{t('exchange.refresh')}</Button>
          {mayManage ? (
            <BusyButton
              type="primary"
              disabled={chosen.length === 0}
              busy={resubmitting}
              onClick={() => resubmit(chosen)}
            >
              {t('exchange.dead.resubmit_selected', { count: chosen.length })}
            </BusyButton>
          ) : null}
        </Space>
      </div>
      <p className="hint-text">{t('exchange.dead.lead')}</p>
      <ProblemAlert error={dead.error} className="block-alert" />
      <ProblemAlert error={actionError} className="block-alert" />
      <LiveStatus message={announcement} />
      <CaptionedTable<DeliveryView>
        caption={t('exchange.dead.caption')}
        rowKey={keyOf}
        size="small"
        loading={dead.loading}
        dataSource={rows}
        locale={{ emptyText: <EmptyText>{t('exchange.dead.empty')}</EmptyText> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: dead.data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: (next) => {
            setPage(next);
            setSelected([]);
          },
        }}
        columns={[
          ...(mayManage
            ? [
                {
                  key: 'select',
                  // Real labels, hidden: antd's own row selection leaves its checkboxes unnamed.
                  title: (
                    <Checkbox
                      checked={rows.length > 0 && chosen.length === rows.length}
                      indeterminate={chosen.length > 0 && chosen.length < rows.length}
                      onChange={(event) => setSelected(event.target.checked ? rows.map(keyOf) : [])}
                    >
                      <span className="visually-hidden">{t('exchange.dead.select_all')}</span>
                    </Checkbox>
                  ),
                  render: (_: unknown, row: DeliveryView) => (
                    <Checkbox
                      checked={selected.includes(keyOf(row))}
                      onChange={(event) =>
                        setSelected((previous) =>
                          event.target.checked
                            ? [...previous, keyOf(row)]
                            : previous.filter((key) => key !== keyOf(row)),
                        )
                      }
                    >
                      <span className="visually-hidden">
                        {t('exchange.dead.select_one', { seq: row.messageSeq, member: row.memberId })}
                      </span>
                    </Checkbox>
                  ),
                },
              ]
            : []),
          { key: 'seq', title: t('exchange.message.seq'), dataIndex: 'messageSeq' },
          { key: 'member', title: t('exchange.subscriber'), render: (_, row) => <code>{row.memberId}</code> },
          { key: 'standard', title: t('exchange.standard'), render: (_, row) => <code>{row.standard}</code> },
          { key: 'source', title: t('exchange.message.source'), render: (_, row) => <code>{row.source}</code> },
          { key: 'attempts', title: t('exchange.delivery.attempts'), dataIndex: 'attempts', align: 'right' },
          {
            key: 'error',
            title: t('exchange.delivery.last_error'),
            render: (_, row) => <span className="dead-reason">{row.lastError ?? '—'}</span>,
          },
          {
            key: 'last',
            title: t('exchange.delivery.last_attempt_at'),
            render: (_, row) => (row.lastAttemptAt ? dateTime.format(new Date(row.lastAttemptAt)) : '—'),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, row) => (
              <Space wrap>
                <Button size="small" onClick={() => onOpenMappings(row.memberId)}>
                  {t('exchange.dead.fix_mapping')}
                </Button>
                {mayManage ? (
                  <Button size="small" onClick={() => resubmit([row])} disabled={resubmitting}>
                    {t('exchange.dead.resubmit')}
                  </Button>
                ) : null}
                {mayManage ? (
                  <Button size="small" onClick={() => setCorrecting(row)}>
                    {t('exchange.dead.correct')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      {correcting ? (
        <CorrectionModal
          delivery={correcting}
          onClose={() => setCorrecting(undefined)}
          onCorrected={(eventId) => {
            setCorrecting(undefined);
            setAnnouncement(t('exchange.correct.done', { eventId }));
            dead.reload();
          }}
        />
      ) : null}
    </section>
  );
}
