/**
 * Runs the journey measures on the first events table: sessions are cut once
 * into tables, then flows for the Sankey chart, drop-off, paths,
 * time to convert, and attribution (rules in SQL, the Markov removal effect
 * from the journeys SQL returns) all read it.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { journeyPathsSql, ruleAttributionSql } from '../metrics/attribution.ts';
import { dropOffSql, dropSessionTablesSql, flowLinksSql, journeySummarySql, sessionEventsSql, sessionTableSql, timeToConvertSql, topPathsSql } from '../metrics/journeys.ts';
import { journeysFromRows, markovAttribution, type MarkovResult } from '../metrics/markov.ts';
import { runMeasure, type Measure } from './analytics.ts';
import { inlineCutter, type SessionCutter, type SessionIpc } from './sessions/arrow.ts';
import { isAbortError } from '../lib/errors.ts';

export interface JourneyResults {
  table: string;
  /** The statement that cut the sessions (the measures' SQL reads its table). */
  sessionsSql: string | null;
  summary: Measure;
  flows: Measure;
  dropOff: Measure;
  paths: Measure;
  purchasePaths: Measure;
  timeToConvert: Measure;
  rules: Measure;
  journeys: Measure;
  markov: MarkovResult | null;
}

let runs = 0;

/** Events up to which the worker cuts the sessions: about 40 bytes an event in the page and as much again in the worker. */
export const MAX_CUT_ROWS = 5_000_000;

/**
 * Makes the tables `name`, `name_s` and `name_j` that `sessionTableSql`
 * defines, and returns the SQL to show for them. Where the database can hand
 * over raw columns and take Arrow (DuckDB-WASM), the events are read once and
 * `cut` makes the tables (a worker on the page): on a first run that is about
 * twice as fast as the SQL, whose sort and window code is then cold.
 * Elsewhere (native DuckDB), for no events, and past `maxCutRows` events
 * (their copies in the page and the worker would take gigabytes), the SQL
 * makes them.
 */
export async function makeSessionTables(
  db: Db,
  events: TableInfo,
  gapMinutes: number,
  name: string,
  cut: SessionCutter,
  signal?: AbortSignal,
  maxCutRows = MAX_CUT_ROWS,
): Promise<string> {
  const made = sessionTableSql({ events, gapMinutes }, name);
  const read = sessionEventsSql({ events, gapMinutes });
  if (!made.ok || !read.ok) throw new Error(`No sessions can be cut from "${events.name}"`);
  const raw = db.queryRaw && db.insertArrowIpc && events.rowCount <= maxCutRows ? await db.queryRaw(read.sql) : null;
  if (!raw || raw.rows === 0 || !db.insertArrowIpc) {
    await db.exec(made.sql);
    return made.sql;
  }
  let ipc: SessionIpc;
  try {
    ipc = await cut({ rows: raw.rows, cid: raw.text.cid!, touchpoint: raw.text.touchpoint!, channel: raw.text.channel!, ts: raw.numbers.ts!, conv: raw.numbers.conv! }, gapMinutes, signal);
  } catch (e) {
    // A worker that could not finish (out of memory, say) costs time, not the answer: the SQL gives the same tables.
    if (isAbortError(e)) throw e;
    await db.exec(made.sql);
    return made.sql;
  }
  await db.insertArrowIpc(name, ipc.steps);
  await db.insertArrowIpc(`${name}_s`, ipc.sessions);
  await db.insertArrowIpc(`${name}_j`, ipc.journeys);
  return `-- The events, read once; a worker cuts them into the tables the SQL after this makes (the same rows, tested).\n${read.sql};\n${made.sql}`;
}

/** `cut`: see `makeSessionTables`; `signal` ends a cut in its worker. */
export async function loadJourneys(db: Db, tables: readonly TableInfo[], gapMinutes = 30, cut: SessionCutter = inlineCutter, signal?: AbortSignal): Promise<JourneyResults | null> {
  const events = tableOfKind(tables, 'events');
  if (!events) return null;
  // A name per run: a newer run (another gap) never reads an older run's sessions.
  const name = `crm_sessions_${++runs}`;
  const made = sessionTableSql({ events, gapMinutes }, name);
  try {
    const sessionsSql = made.ok ? await makeSessionTables(db, events, gapMinutes, name, cut, signal) : null;
    const o = { events, gapMinutes, ...(made.ok ? { sessionsTable: name } : {}) };
    const journeys = await runMeasure(db, journeyPathsSql(o));
    return {
      table: events.name,
      sessionsSql,
      summary: await runMeasure(db, journeySummarySql(o)),
      flows: await runMeasure(db, flowLinksSql(o)),
      dropOff: await runMeasure(db, dropOffSql(o)),
      paths: await runMeasure(db, topPathsSql(o)),
      purchasePaths: await runMeasure(db, topPathsSql({ ...o, converting: true })),
      timeToConvert: await runMeasure(db, timeToConvertSql(o)),
      rules: await runMeasure(db, ruleAttributionSql(o)),
      journeys,
      markov: journeys.sql ? markovAttribution(journeysFromRows(journeys.rows)) : null,
    };
  } finally {
    if (made.ok) await db.exec(dropSessionTablesSql(name));
  }
}
