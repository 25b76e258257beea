/**
 * The exchange's figures for Prometheus, read from the log and the delivery rows at scrape time, so
 * every process reports the same totals whichever handled the work: messages per member and
 * standard, deliveries by state, dead letters, and lag (the age of the oldest open delivery).
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { MetricFamily } from '../../platform/http/metrics.routes.js';

/** @example const families = await exchangeMetrics(db); */
export async function exchangeMetrics(executor: Executor): Promise<MetricFamily[]> {
  const published = await sql<{ source: string; standard: string; total: number }>`
    select source, standard_code as standard, count(*)::int as total
    from exchange.message group by source, standard_code order by source, standard_code`.execute(executor);
  const deliveries = await sql<{
    member: string;
    standard: string;
    status: string;
    total: number;
    oldest: number | null;
  }>`
    select s.member_id as member, s.standard_code as standard, d.status, count(*)::int as total,
           extract(epoch from now() - min(m.received_at) filter (where d.status in ('pending', 'leased')))::float8 as oldest
    from exchange.delivery d
    join exchange.subscription s on s.id = d.subscription_id
    join exchange.message m on m.seq = d.message_seq
    group by s.member_id, s.standard_code, d.status
    order by 1, 2, 3`.execute(executor);
  const lag = new Map<string, { member: string; standard: string; seconds: number }>();
  for (const row of deliveries.rows) {
    if (row.oldest === null) continue;
    const key = `${row.member}\u0000${row.standard}`;
    const seconds = Math.max(lag.get(key)?.seconds ?? 0, Number(row.oldest));
    lag.set(key, { member: row.member, standard: row.standard, seconds });
  }
  return [
    {
      name: 'huitong_exchange_messages_total',
      help: 'Messages accepted into the exchange log, by publishing member and standard.',
      type: 'counter',
      samples: published.rows.map((row) => ({
        labels: { member: row.source, standard: row.standard },
        value: row.total,
      })),
    },
    {
      name: 'huitong_exchange_deliveries',
      help: 'Deliveries by subscribing member, standard and state (pending, leased, delivered, dead).',
      type: 'gauge',
      samples: deliveries.rows.map((row) => ({
        labels: { member: row.member, standard: row.standard, status: row.status },
        value: row.total,
      })),
    },
    {
      name: 'huitong_exchange_dead_letters',
      help: 'Deliveries that reached the attempt limit and wait for an operator, by member and standard.',
      type: 'gauge',
      samples: deliveries.rows
        .filter((row) => row.status === 'dead')
        .map((row) => ({ labels: { member: row.member, standard: row.standard }, value: row.total })),
    },
    {
      name: 'huitong_exchange_lag_seconds',
      help: 'Age of the oldest message not yet delivered to a member, by member and standard.',
      type: 'gauge',
      samples: [...lag.values()].map((entry) => ({
        labels: { member: entry.member, standard: entry.standard },
        value: Math.round(entry.seconds * 1000) / 1000,
      })),
    },
  ];
}
