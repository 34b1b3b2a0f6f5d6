/**
 * Runs the journey measures on the first events table: sessions, flows for
 * the Sankey chart, drop-off, paths, time to convert, and attribution (rules
 * in SQL, the Markov removal effect from the journeys SQL returns).
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { journeyPathsSql, ruleAttributionSql } from '../metrics/attribution.ts';
import { dropOffSql, flowLinksSql, journeySummarySql, timeToConvertSql, topPathsSql } from '../metrics/journeys.ts';
import { journeysFromRows, markovAttribution, type MarkovResult } from '../metrics/markov.ts';
import { runMeasure, type Measure } from './analytics.ts';

export interface JourneyResults {
  table: string;
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

export async function loadJourneys(db: Db, tables: readonly TableInfo[], gapMinutes = 30): Promise<JourneyResults | null> {
  const events = tableOfKind(tables, 'events');
  if (!events) return null;
  const o = { events, gapMinutes };
  const journeys = await runMeasure(db, journeyPathsSql(o));
  return {
    table: events.name,
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
}
