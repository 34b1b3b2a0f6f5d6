/**
 * Runs the journey measures on the first events table: sessions are cut once
 * into tables, then flows for the Sankey chart, drop-off, paths,
 * time to convert, and attribution (rules in SQL, the Markov removal effect
 * from the journeys SQL returns) all read it.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { journeyPathsSql, ruleAttributionSql } from '../metrics/attribution.ts';
import { dropOffSql, dropSessionTablesSql, flowLinksSql, journeySummarySql, sessionEventsSql, sessionTableSql, stepsSql, timeToConvertSql, topPathsSql } from '../metrics/journeys.ts';
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

/** What `makeSessionTables` made: the SQL to show, and whether the steps are a table or a view. */
export interface SessionTablesMade {
  sql: string;
  steps: 'table' | 'view';
}

/**
 * Makes the tables `sessionTableSql` defines (`name`, `name_s`, `name_j`,
 * `name_tp`). Where the database can hand over raw columns and take Arrow
 * (DuckDB-WASM), the events are read once and `cut` makes the sessions,
 * journeys and touchpoint tables (a worker on the page), and the steps are a
 * view, computed only if a measure reads them: on a first run that is about
 * twice as fast as the SQL, whose sort and window code is then cold.
 * Elsewhere (native DuckDB), for no events, past `maxCutRows` events (their
 * copies in the page and the worker would take gigabytes), and when the cut
 * fails, the SQL makes them all.
 */
export async function makeSessionTables(
  db: Db,
  events: TableInfo,
  gapMinutes: number,
  name: string,
  cut: SessionCutter,
  signal?: AbortSignal,
  maxCutRows = MAX_CUT_ROWS,
): Promise<SessionTablesMade> {
  const made = sessionTableSql({ events, gapMinutes }, name);
  const read = sessionEventsSql({ events, gapMinutes });
  if (!made.ok || !read.ok) throw new Error(`No sessions can be cut from "${events.name}"`);
  const bySql = async (): Promise<SessionTablesMade> => {
    await db.exec(made.sql);
    return { sql: made.sql, steps: 'table' };
  };
  if (!db.queryIpc || !db.insertArrowIpc || events.rowCount > maxCutRows) return bySql();
  const bytes = db.queryIpc(read.sql);
  const cutting = cut(bytes, gapMinutes, signal);
  // When the read fails, so does the cut: the read's error is the one to report.
  cutting.catch(() => undefined);
  await bytes;
  let ipc: SessionIpc | null;
  try {
    ipc = await cutting;
  } catch (e) {
    // A worker that could not finish (out of memory, say) costs time, not the answer: the SQL gives the same tables.
    if (isAbortError(e)) throw e;
    return bySql();
  }
  // No events to cut: the SQL makes the (empty) tables at once.
  if (!ipc) return bySql();
  try {
    await db.exec(stepsSql({ events, gapMinutes }, name, 'view'));
    await db.insertArrowIpc(`${name}_s`, ipc.sessions);
    await db.insertArrowIpc(`${name}_j`, ipc.journeys);
    await db.insertArrowIpc(`${name}_tp`, ipc.touchpoints);
  } catch (e) {
    // Whoever made `name` drops it as a table: leave no view behind.
    await db.exec(dropSessionTablesSql(name, 'view'));
    throw e;
  }
  return { sql: `-- The events, read once; a worker cuts them into the tables the SQL after this makes (the same rows, tested).\n${read.sql};\n${made.sql}`, steps: 'view' };
}

/** `cut`: see `makeSessionTables`; `signal` ends a cut in its worker. */
export async function loadJourneys(db: Db, tables: readonly TableInfo[], gapMinutes = 30, cut: SessionCutter = inlineCutter, signal?: AbortSignal): Promise<JourneyResults | null> {
  const events = tableOfKind(tables, 'events');
  if (!events) return null;
  // A name per run: a newer run (another gap) never reads an older run's sessions.
  const name = `crm_sessions_${++runs}`;
  const ok = sessionTableSql({ events, gapMinutes }, name).ok;
  let steps: SessionTablesMade['steps'] = 'table';
  try {
    const made = ok ? await makeSessionTables(db, events, gapMinutes, name, cut, signal) : null;
    if (made) steps = made.steps;
    const sessionsSql = made?.sql ?? null;
    const o = { events, gapMinutes, ...(ok ? { sessionsTable: name } : {}) };
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
    if (ok) await db.exec(dropSessionTablesSql(name, steps));
  }
}
