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
import { abortError, isAbortError } from '../lib/errors.ts';
import type { MetricQuery } from '../metrics/common.ts';
import { ident } from '../lib/sql.ts';

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

/**
 * A name for one run's session tables (`crm_sessions_N` and its `_s`, `_j`, `_tp`) that no table or view has:
 * a newer run (another gap) never reads an older run's sessions, and no one else's table is read or dropped.
 */
async function freeSessionName(db: Db): Promise<string> {
  const taken = new Set(
    (await db.query("SELECT table_name AS n FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()")).rows.map((r) => String(r.n).toLowerCase()),
  );
  for (;;) {
    const name = `crm_sessions_${++runs}`;
    if (['', '_s', '_j', '_tp'].every((x) => !taken.has(`${name}${x}`))) return name;
  }
}

/** Events up to which the worker cuts the sessions: about 40 bytes an event in the page and as much again in the worker. */
export const MAX_CUT_ROWS = 5_000_000;

/** What `makeSessionTables` made: the SQL to show, and the statement that drops what it made (and nothing else). */
export interface SessionTablesMade {
  sql: string;
  drop: string;
}

/**
 * Makes the tables `sessionTableSql` defines (`name`, `name_s`, `name_j`,
 * `name_tp`). Where the database can hand over raw columns and take Arrow
 * (DuckDB-WASM), the events are read once and `cut` makes the sessions,
 * journeys and touchpoint tables (a worker on the page), and the steps are a
 * view, computed only if a measure reads them: on a first run that is about
 * twice as fast as the SQL, whose sort and window code is then cold.
 * Elsewhere (native DuckDB), for no events, past `maxCutRows` events (their
 * copies in the page and the worker would take gigabytes), and when the read,
 * the cut or the hand-back fails (but not when cancelled), the SQL makes them all.
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
  const stopIfCancelled = (): void => {
    if (signal?.aborted) throw abortError();
  };
  const bySql = async (): Promise<SessionTablesMade> => {
    stopIfCancelled();
    await db.exec(made.sql);
    return { sql: made.sql, drop: dropSessionTablesSql(name) };
  };
  stopIfCancelled();
  if (!db.queryIpc || !db.insertArrowIpc || events.rowCount > maxCutRows) return bySql();
  const bytes = db.queryIpc(read.sql);
  const cutting = cut(bytes, gapMinutes, signal);
  // Its failure is read below (a failed read fails it too).
  cutting.catch(() => undefined);
  let ipc: SessionIpc | null;
  try {
    await bytes;
    ipc = await cutting;
  } catch (e) {
    // A read or a worker that could not finish (out of memory, say) costs time, not the answer: the SQL gives the same
    // tables, or says what is wrong with the events.
    if (isAbortError(e)) throw e;
    return bySql();
  }
  // No events to cut: the SQL makes the (empty) tables at once.
  if (!ipc) return bySql();
  // What this run made, to drop exactly that: a table of the same name made by someone else is not ours to drop.
  const drops: string[] = [];
  const drop = (): string => drops.join('; ');
  try {
    stopIfCancelled();
    await db.exec(stepsSql({ events, gapMinutes }, name, 'view'));
    drops.push(`DROP VIEW IF EXISTS ${ident(name)}`);
    for (const [suffix, bytes] of [['_s', ipc.sessions], ['_j', ipc.journeys], ['_tp', ipc.touchpoints]] as const) {
      await db.insertArrowIpc(`${name}${suffix}`, bytes);
      drops.push(`DROP TABLE IF EXISTS ${ident(`${name}${suffix}`)}`);
    }
  } catch (e) {
    // A failed drop must not hide the error.
    if (drops.length) await db.exec(drop()).catch(() => undefined);
    if (isAbortError(e)) throw e;
    return bySql();
  }
  return { sql: `-- The events, read once; a worker cuts them into the tables the SQL after this makes (the same rows, tested).\n${read.sql};\n${made.sql}`, drop: drop() };
}

/**
 * `cut`: see `makeSessionTables` (the page passes the worker's, `workerCutter`; the default cuts on the calling thread);
 * `signal` ends a cut in its worker and stops the run between measures.
 */
export async function loadJourneys(db: Db, tables: readonly TableInfo[], gapMinutes = 30, cut: SessionCutter = inlineCutter, signal?: AbortSignal): Promise<JourneyResults | null> {
  const events = tableOfKind(tables, 'events');
  if (!events) return null;
  const name = await freeSessionName(db);
  const ok = sessionTableSql({ events, gapMinutes }, name).ok;
  let made: SessionTablesMade | null = null;
  try {
    made = ok ? await makeSessionTables(db, events, gapMinutes, name, cut, signal) : null;
    const sessionsSql = made?.sql ?? null;
    const o = { events, gapMinutes, ...(ok ? { sessionsTable: name } : {}) };
    // A cancelled run (a newer gap, a changed workspace) stops between measures: the connection is the newer run's.
    const measure = (q: MetricQuery): Promise<Measure> => {
      if (signal?.aborted) throw abortError();
      return runMeasure(db, q);
    };
    const journeys = await measure(journeyPathsSql(o));
    return {
      table: events.name,
      sessionsSql,
      summary: await measure(journeySummarySql(o)),
      flows: await measure(flowLinksSql(o)),
      dropOff: await measure(dropOffSql(o)),
      paths: await measure(topPathsSql(o)),
      purchasePaths: await measure(topPathsSql({ ...o, converting: true })),
      timeToConvert: await measure(timeToConvertSql(o)),
      rules: await measure(ruleAttributionSql(o)),
      journeys,
      markov: journeys.sql ? markovAttribution(journeysFromRows(journeys.rows)) : null,
    };
  } finally {
    // A failed drop must not hide how the run ended.
    if (made) await db.exec(made.drop).catch(() => undefined);
  }
}
