/**
 * Path analysis at scale (issue 14: 1M events under 5 s): synthetic events
 * made in DuckDB (100,000 customers × 10 events, six pages, five channels),
 * then every journey measure the Analytics page runs (`loadJourneys`), timed
 * on DuckDB-WASM in Node. Run: `node --import tsx bench/journeys.ts [events]`.
 */
import { openNodeDb } from '../src/db/node.ts';
import type { TableInfo } from '../src/ingest/model.ts';
import { loadJourneys } from '../src/report/journeys.ts';

const events = Number(process.argv[2] ?? 1_000_000);
const customers = Math.max(1, Math.round(events / 10));
const db = await openNodeDb();
await db.exec(
  `CREATE TABLE bench_events AS SELECT 'C' || (i % ${customers}) AS customer_id,` +
    ` TIMESTAMP '2025-01-01' + to_seconds(CAST((i // ${customers}) * 1500 + hash(i) % 1200 AS BIGINT)) AS event_time,` +
    ` ['search', 'social', 'email', 'display', 'direct'][1 + CAST(hash(i // ${customers * 3}, i % ${customers}) % 5 AS INTEGER)] AS channel,` +
    ` ['Home', 'Search', 'Product', 'Cart', 'Checkout', 'Purchase'][1 + CAST(hash(i * 7) % 6 AS INTEGER)] AS page FROM range(${events}) AS t(i)`,
);
await db.exec(`ALTER TABLE bench_events ADD COLUMN event_type VARCHAR; UPDATE bench_events SET event_type = CASE WHEN page = 'Purchase' THEN 'purchase' ELSE 'page_view' END`);
const table: TableInfo = {
  name: 'bench_events', source: 'bench', kind: 'events', rowCount: events,
  columns: [
    { name: 'customer_id', type: 'VARCHAR' }, { name: 'event_time', type: 'TIMESTAMP' }, { name: 'channel', type: 'VARCHAR' },
    { name: 'page', type: 'VARCHAR' }, { name: 'event_type', type: 'VARCHAR' },
  ],
  roles: { customer_id: 'customer_id', event_at: 'event_time', channel: 'channel', touchpoint: 'page', event_type: 'event_type' },
};
const t0 = performance.now();
const r = await loadJourneys(db, [table]);
const ms = performance.now() - t0;
const s = r?.summary.rows[0];
console.log(`${events.toLocaleString('en')} events, ${Number(s?.sessions).toLocaleString('en')} sessions: all journey measures in ${(ms / 1000).toFixed(2)} s (target < 5 s) on DuckDB-WASM in Node`);
console.log(`Markov leader: ${r?.markov?.channels[0]?.channel ?? '—'}`);
await db.close();
