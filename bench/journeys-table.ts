/**
 * The synthetic events of the journeys bench (bench/journeys.ts), shared by
 * the Node run and the bench page: `customers` customers × 10 events, six
 * pages (one of them a purchase), five channels, events 25 minutes apart
 * with jitter (so sessions form and break).
 */
import type { TableInfo } from '../src/ingest/model.ts';

/** A SELECT of `events` rows: customer_id, event_time, channel, page, event_type. */
export function benchEventsSelect(events: number): string {
  const customers = Math.max(1, Math.round(events / 10));
  return (
    `SELECT *, CASE WHEN page = 'Purchase' THEN 'purchase' ELSE 'page_view' END AS event_type FROM (SELECT 'C' || (i % ${customers}) AS customer_id,` +
    ` TIMESTAMP '2025-01-01' + to_seconds(CAST((i // ${customers}) * 1500 + hash(i) % 1200 AS BIGINT)) AS event_time,` +
    ` ['search', 'social', 'email', 'display', 'direct'][1 + CAST(hash(i // ${customers * 3}, i % ${customers}) % 5 AS INTEGER)] AS channel,` +
    ` ['Home', 'Search', 'Product', 'Cart', 'Checkout', 'Purchase'][1 + CAST(hash(i * 7) % 6 AS INTEGER)] AS page FROM range(${events}) AS t(i))`
  );
}

/** The events table as the Analytics page sees it after mapping. */
export function benchEventsTable(name: string, rowCount: number): TableInfo {
  return {
    name, source: 'bench', kind: 'events', rowCount,
    columns: [
      { name: 'customer_id', type: 'VARCHAR' }, { name: 'event_time', type: 'TIMESTAMP' }, { name: 'channel', type: 'VARCHAR' },
      { name: 'page', type: 'VARCHAR' }, { name: 'event_type', type: 'VARCHAR' },
    ],
    roles: { customer_id: 'customer_id', event_at: 'event_time', channel: 'channel', touchpoint: 'page', event_type: 'event_type' },
  };
}
