/**
 * Path analysis at scale (issue 14: 1M events under 5 s): synthetic events
 * (bench/journeys-table.ts: 100,000 customers × 10 events, six pages, five
 * channels), then every journey measure the Analytics page runs
 * (`loadJourneys`: cut sessions once, then summary, Sankey flows, drop-off,
 * paths, time to convert, attribution), timed twice in two places:
 *   Chromium – the events written to a CSV (native DuckDB), picked as a file on
 *              the bench page, loaded into DuckDB-WASM as the app boots it, then
 *              the measures: the first run is what a user sees after the load
 *   Node     – DuckDB-WASM in Node on a table made in the engine (no load), wall
 *              clock and this process's CPU time: its first run also pays the
 *              engine's one-off costs (WASM tier-up, memory growth)
 * The second run of each is what a user sees on changing the session gap.
 * Run: `npm run bench -- --steps journeys`, or `node --import tsx bench/journeys.ts [events]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openNodeDb } from '../src/db/node.ts';
import { loadJourneys } from '../src/report/journeys.ts';
import { withBenchPage } from './browser.ts';
import type { JourneysBenchResult } from './browser/api.ts';
import { benchEventsSelect, benchEventsTable } from './journeys-table.ts';
import { fmt, type Target } from './report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The events as a CSV under bench/data/, written the first time by native DuckDB. */
async function eventsCsv(events: number, log: (line: string) => void): Promise<string> {
  const file = path.join(HERE, 'data', `events_${events}.csv`);
  if (fs.existsSync(file)) return file;
  log(`Journeys: writing ${path.relative(process.cwd(), file)}…`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const tmp = `${file}.part`;
  await conn.run(`COPY (${benchEventsSelect(events)}) TO '${tmp.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`);
  conn.closeSync();
  fs.renameSync(tmp, file);
  return file;
}

async function chromiumRun(events: number, log: (line: string) => void): Promise<JourneysBenchResult & { engine: string }> {
  const file = await eventsCsv(events, log);
  return withBenchPage('Journeys', log, async (page, session) => {
    const boot = await page.evaluate(() => window.crmBench!.boot());
    await page.setInputFiles('#file', file);
    log(`Journeys: ${fmt(events)} events in Chromium…`);
    const r = await page.evaluate((t) => window.crmBench!.journeys(t), 'bench_events');
    return { ...r, engine: `DuckDB ${boot.version} (@duckdb/duckdb-wasm, ${boot.bundle}) in Chromium ${session.browser.version()}` };
  });
}

async function nodeRun(events: number): Promise<{ ms: number; cpuS: number; againMs: number; againCpuS: number; sessions: number; leader: string }> {
  const db = await openNodeDb();
  try {
    await db.exec(`CREATE TABLE bench_events AS ${benchEventsSelect(events)}`);
    const table = benchEventsTable('bench_events', events);
    const timed = async () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await loadJourneys(db, [table]);
      const cpu = process.cpuUsage(cpu0);
      return { r, ms: performance.now() - t0, cpuS: (cpu.user + cpu.system) / 1e6 };
    };
    const first = await timed();
    const again = await timed();
    return {
      ms: first.ms, cpuS: first.cpuS, againMs: again.ms, againCpuS: again.cpuS,
      sessions: Number(first.r?.summary.rows[0]?.sessions), leader: first.r?.markov?.channels[0]?.channel ?? '—',
    };
  } finally {
    await db.close();
  }
}

export async function journeysStep(lines: string[], log: (line: string) => void, events = 1_000_000): Promise<{ targets: Record<string, Target> }> {
  const c = await chromiumRun(events, log);
  log(`Journeys: ${fmt(events)} synthetic events in DuckDB-WASM in Node…`);
  const n = await nodeRun(events);
  lines.push(
    '',
    `Journeys: ${fmt(events)} events, ${fmt(c.sessions)} sessions, all journey measures (Markov leader ${c.leader ?? '—'}):`,
    `  Chromium (${c.engine}): load ${fmt(c.loadMs / 1000, 2)} s, then ${fmt(c.firstMs / 1000, 2)} s; again ${fmt(c.againMs / 1000, 2)} s`,
    `    first run: events read ${fmt(c.firstParts.readMs / 1000, 2)} s, then cut in the sessions worker ${fmt(c.firstParts.cutMs / 1000, 2)} s, tables in ${fmt(c.firstParts.insertMs / 1000, 2)} s, measures ${fmt(c.firstParts.measuresMs / 1000, 2)} s`,
    `  Node (DuckDB-WASM, one thread, no load): ${fmt(n.ms / 1000, 2)} s wall, ${fmt(n.cpuS, 2)} s CPU (cold engine); again ${fmt(n.againMs / 1000, 2)} s wall, ${fmt(n.againCpuS, 2)} s CPU` +
      (n.sessions === c.sessions ? '' : ` — ${fmt(n.sessions)} sessions, not the same as Chromium's`),
  );
  return {
    targets: {
      journeysTime: { what: `Journeys: path analysis of ${fmt(events)} events after their load, Chromium`, value: c.firstMs / 1000, unit: ' s', target: '< 5 s', met: c.firstMs < 5000 },
      journeysNodeCold: { what: `Journeys: the same in Node on a cold engine (no load before)`, value: n.ms / 1000, unit: ' s', target: '< 5 s', met: n.ms < 5000 },
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lines: string[] = [];
  await journeysStep(lines, (l) => console.log(l), Number(process.argv[2] ?? 1_000_000));
  console.log(lines.join('\n'));
}
