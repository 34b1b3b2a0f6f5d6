/**
 * Runs the journey measures on the first events table: sessions are cut once
 * into a temporary table, then flows for the Sankey chart, drop-off, paths,
 * time to convert, and attribution (rules in SQL, the Markov removal effect
 * from the journeys SQL returns) all read it.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { journeyPathsSql, ruleAttributionSql } from '../metrics/attribution.ts';
import { dropOffSql, dropSessionTablesSql, flowLinksSql, journeySummarySql, sessionTableSql, timeToConvertSql, topPathsSql } from '../metrics/journeys.ts';
import { journeysFromRows, markovAttribution, type MarkovResult } from '../metrics/markov.ts';
import { runMeasure, type Measure } from './analytics.ts';

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

export async function loadJourneys(db: Db, tables: readonly TableInfo[], gapMinutes = 30): Promise<JourneyResults | null> {
  const events = tableOfKind(tables, 'events');
  if (!events) return null;
  // A name per run: a newer run (another gap) never reads an older run's sessions.
  const name = `crm_sessions_${++runs}`;
  const made = sessionTableSql({ events, gapMinutes }, name);
  if (made.ok) await db.exec(made.sql);
  const o = { events, gapMinutes, ...(made.ok ? { sessionsTable: name } : {}) };
  try {
    const journeys = await runMeasure(db, journeyPathsSql(o));
    return {
      table: events.name,
      sessionsSql: made.ok ? made.sql : null,
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
