/**
 * Runs the survey measures: finds the rating columns of a surveys table (the
 * UI lets the user change them), then CSAT/NPS/CES/loyalty, items, drivers,
 * trend, segments and the behaviour links.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { detectScales, driversSql, itemDistributionSql, itemStatsSql, scaleProfileSql, surveyBySegmentSql, surveyKpisSql, surveyTrendSql, type ScaleItem } from '../metrics/surveys.ts';
import { responseBiasSql, satisfactionBandsSql } from '../metrics/survey-links.ts';
import { runMeasure, type Measure } from './analytics.ts';

/** The rating items ingest finds in the first surveys table (empty without one). */
export async function detectSurveyItems(db: Db, tables: readonly TableInfo[]): Promise<ScaleItem[]> {
  const surveys = tableOfKind(tables, 'surveys');
  if (!surveys) return [];
  const q = scaleProfileSql(surveys);
  if (!q.ok) return [];
  return detectScales((await db.query(q.sql)).rows);
}

export interface SurveyResults {
  table: string;
  kpis: Measure;
  items: Measure;
  distribution: Measure;
  drivers: Measure;
  trend: Measure;
  segments: Measure;
  bands: Measure;
  bias: Measure;
}

/** Every survey measure with `items` as the rating columns; null without a surveys table. */
export async function loadSurveys(db: Db, tables: readonly TableInfo[], items: readonly ScaleItem[]): Promise<SurveyResults | null> {
  const surveys = tableOfKind(tables, 'surveys');
  if (!surveys) return null;
  const customers = tableOfKind(tables, 'customers');
  const orders = tableOfKind(tables, 'orders');
  const o = { surveys, items, ...(customers ? { customers } : {}), ...(orders ? { orders } : {}) };
  const target = surveys.roles.overall !== undefined && items.some((i) => i.column === surveys.roles.overall) ? 'overall' : 'recommend';
  return {
    table: surveys.name,
    kpis: await runMeasure(db, surveyKpisSql(o)),
    items: await runMeasure(db, itemStatsSql(o)),
    distribution: await runMeasure(db, itemDistributionSql(o)),
    drivers: await runMeasure(db, driversSql({ ...o, target })),
    trend: await runMeasure(db, surveyTrendSql(o)),
    segments: await runMeasure(db, surveyBySegmentSql(o)),
    bands: await runMeasure(db, satisfactionBandsSql(o)),
    bias: await runMeasure(db, responseBiasSql(o)),
  };
}
