/**
 * Path analysis at scale (issue 14: 1M events under 5 s): synthetic events
 * made in DuckDB (100,000 customers × 10 events, six pages, five channels),
 * then every journey measure the Analytics page runs (`loadJourneys`: cut
 * sessions once, then summary, Sankey flows, drop-off, paths, time to
 * convert, attribution), timed on DuckDB-WASM in Node, wall clock and this
 * process's CPU time (the machine may be shared). Run: `npm run bench --
 * --steps journeys`, or `node --import tsx bench/journeys.ts [events]`.
 */
import { fileURLToPath } from 'node:url';
import { openNodeDb } from '../src/db/node.ts';
import type { TableInfo } from '../src/ingest/model.ts';
import { loadJourneys } from '../src/report/journeys.ts';
import { fmt, type Target } from './report.ts';

export async function journeysStep(lines: string[], log: (line: string) => void, events = 1_000_000): Promise<{ targets: Record<string, Target> }> {
  const customers = Math.max(1, Math.round(events / 10));
  log(`Journeys: ${fmt(events)} synthetic events in DuckDB-WASM…`);
  const db = await openNodeDb();
  try {
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
    // Twice: the first run also grows the engine's memory; the second is what a user sees on changing the session gap.
    const timed = async () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await loadJourneys(db, [table]);
      const cpu = process.cpuUsage(cpu0);
      return { r, ms: performance.now() - t0, cpuS: (cpu.user + cpu.system) / 1e6 };
    };
    const { r, ms, cpuS } = await timed();
    const again = await timed();
    const s = r?.summary.rows[0];
    lines.push(
      '',
      `Journeys: ${fmt(events)} events, ${fmt(Number(s?.sessions))} sessions: all journey measures in ${fmt(ms / 1000, 2)} s wall, ${fmt(cpuS, 2)} s CPU;` +
        ` again ${fmt(again.ms / 1000, 2)} s wall, ${fmt(again.cpuS, 2)} s CPU (DuckDB-WASM in Node, one thread); Markov leader ${r?.markov?.channels[0]?.channel ?? '—'}`,
    );
    return { targets: { journeysTime: { what: `Journeys: path analysis of ${fmt(events)} events, DuckDB-WASM in Node`, value: ms / 1000, unit: ' s', target: '< 5 s', met: ms < 5000 } } };
  } finally {
    await db.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lines: string[] = [];
  await journeysStep(lines, (l) => console.log(l), Number(process.argv[2] ?? 1_000_000));
  console.log(lines.join('\n'));
}
