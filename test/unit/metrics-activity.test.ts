/**
 * Overview figures for leads, tickets and reviews (metrics/activity.ts) and the
 * period comparison of tickets, satisfaction, handling time, leads and
 * conversion (metrics/compare.ts), on real DuckDB-WASM with generated tables:
 * Chinese headers, blank cells, a close stamped before its open, a lead
 * without an id, a deals file with a duplicate and an unknown lead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { RoleMap, TableInfo, TableKind } from '../../src/ingest/model.ts';
import { activityBoundsSql, leadKpiSql, monthlyCountSql, reviewColumns, reviewKpiSql, ticketKpiSql, valueCountsSql } from '../../src/metrics/activity.ts';
import { compareSql, sparklineSql, type CompareKpi } from '../../src/metrics/compare.ts';
import { DATA_DIR, hasDataSet, run } from './metrics-helpers.ts';

let db: Db;
let tickets: TableInfo;
let leads: TableInfo;
let deals: TableInfo;
let reviews: TableInfo;

async function load(name: string, csv: string, kind?: TableKind, roles?: RoleMap): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return kind ? { ...table, kind, roles: roles ?? {} } : table;
}

beforeAll(async () => {
  db = await openNodeDb();
  tickets = await load(
    'act_tickets',
    [
      '工单号,开单时间,关闭时间,满意度',
      't1,2024-05-03 10:00:00,2024-05-03 12:00:00,4',
      't2,2024-05-20 08:00:00,2024-05-21 08:00:00,2',
      't3,2024-06-02 09:00:00,2024-06-02 10:30:00,5',
      // Closed the day before it opened: a data error, left out of handling time.
      't4,2024-06-10 09:00:00,2024-06-09 09:00:00,',
      't5,2024-06-12 09:00:00,,3',
      't6,2023-06-15 09:00:00,2023-06-15 13:00:00,1',
    ].join('\n'),
    'tickets',
    { ticket_id: '工单号', opened_at: '开单时间', closed_at: '关闭时间', satisfaction: '满意度' },
  );
  leads = await load(
    'act_leads',
    [
      'lead_id,created,won',
      'l1,2024-05-05,2024-05-20',
      'l2,2024-05-10,',
      'l3,2024-06-01,2024-07-01',
      'l4,2024-06-15,',
      'l5,2024-06-20,',
      'l6,2024-06-25,2024-06-26',
      // No id: not a lead anyone can follow up, left out of the counts.
      ',2024-06-26,',
    ].join('\n'),
    'leads',
    { lead_id: 'lead_id', created_at: 'created', won_at: 'won' },
  );
  deals = await load('act_deals', ['lead_id,won_date', 'l2,2024-05-12', 'l2,2024-05-14', 'l9,2024-06-01'].join('\n'), 'leads', { lead_id: 'lead_id', won_at: 'won_date' });
  reviews = await load('act_reviews', ['评分,推荐,评论', '5,是,很好', '4,是,', '1,否,太慢了', ',否,  ', '3,不知道,一般'].join('\n'), 'other');
});
afterAll(async () => db.close());

describe('leadKpiSql', () => {
  it('counts leads with an id, won by won_at, median days created → won', async () => {
    expect(await run(db, { ok: true, sql: leadKpiSql(leads), ignoredFilters: [] })).toEqual([{ leads: 6, won: 3, conversion: 0.5, median_days: 15 }]);
  });
  it('with a deals table: a lead is won when its id is among the deals (duplicates once, unknown ids ignored)', async () => {
    const [r] = await run(db, { ok: true, sql: leadKpiSql(leads, deals), ignoredFilters: [] });
    expect(r).toMatchObject({ leads: 6, won: 1, median_days: 2 });
    expect(r!.conversion).toBeCloseTo(1 / 6, 12);
  });
  it('without won_at nor deals: conversion is unknown, not 0', async () => {
    const bare = { ...leads, roles: { lead_id: 'lead_id', created_at: 'created' } };
    expect(await run(db, { ok: true, sql: leadKpiSql(bare), ignoredFilters: [] })).toEqual([{ leads: 6, won: null, conversion: null, median_days: null }]);
  });
});

describe('ticketKpiSql', () => {
  it('tickets, mean satisfaction, median hours of closed tickets (a close before the open left out)', async () => {
    // Hours: 2, 24, 1.5, 4 → median 3.
    const [r] = await run(db, { ok: true, sql: ticketKpiSql(tickets), ignoredFilters: [] });
    expect(r).toEqual({ tickets: 6, avg_satisfaction: 3, median_hours: 3 });
  });
});

describe('reviews', () => {
  it('finds rating, label and text by Chinese headers', () => {
    const cols = reviewColumns(reviews)!;
    expect([cols.rating?.name, cols.label?.name, cols.text?.name]).toEqual(['评分', '推荐', '评论']);
    expect(reviewColumns({ ...reviews, columns: [{ name: 'city', type: 'VARCHAR' }] })).toBeUndefined();
    // Numbers with a "score" but no text are not feedback; nor is a table the app derived.
    expect(reviewColumns({ ...reviews, columns: [{ name: 'avg_satisfaction', type: 'DOUBLE' }, { name: 'orders', type: 'BIGINT' }] })).toBeUndefined();
    expect(reviewColumns({ ...reviews, source: 'derived:customers+orders+tickets' })).toBeUndefined();
    // Real tickets (dated) are tickets, whatever their rating column.
    expect(reviewColumns(tickets)).toBeUndefined();
  });
  it('counts reviews, mean rating, share positive over yes/no only, reviews with non-blank text', async () => {
    const [r] = await run(db, { ok: true, sql: reviewKpiSql(reviews, reviewColumns(reviews)!), ignoredFilters: [] });
    expect(r).toMatchObject({ reviews: 5, rated: 4, avg_rating: 13 / 4, labelled: 4, positive_share: 0.5, with_text: 3 });
  });
  it('counts per rating in rating order, blanks last', async () => {
    const rows = await run(db, { ok: true, sql: valueCountsSql(reviews, '评分'), ignoredFilters: [] });
    expect(rows.map((r) => [r.category, r.n])).toEqual([['1', 1], ['3', 1], ['4', 1], ['5', 1], [null, 1]]);
  });
  it('counts per month with empty months as 0', async () => {
    const rows = await run(db, { ok: true, sql: monthlyCountSql(tickets, { name: '开单时间', type: tickets.columns.find((c) => c.name === '开单时间')!.type }), ignoredFilters: [] });
    expect(rows).toHaveLength(13);
    expect(rows[0]).toEqual({ month: '2023-06', n: 1 });
    expect(rows.at(-1)).toEqual({ month: '2024-06', n: 3 });
    expect(rows.filter((r) => r.n === 0)).toHaveLength(10);
  });
  it('the last ticket or lead day', async () => {
    expect(await run(db, { ok: true, sql: activityBoundsSql(tickets, leads)!, ignoredFilters: [] })).toEqual([{ last_day: '2024-06-26' }]);
    expect(activityBoundsSql(undefined, undefined)).toBeNull();
  });
});

describe('compareSql beyond sales', () => {
  const cmp = async (kpi: CompareKpi) => (await run(db, compareSql({ kpi, tables: { tickets, leads }, grain: 'month', asOf: '2024-06-30' })))[0]!;
  it('tickets opened: June 3, May 2, June 2023 1', async () => {
    expect(await cmp('tickets')).toMatchObject({ current_value: 3, previous_value: 2, change_vs_previous: 1, change_vs_previous_pct: 0.5, last_year_value: 1, change_vs_last_year: 2, change_vs_last_year_pct: 2 });
  });
  it('average satisfaction of tickets opened in the period (blanks left out)', async () => {
    expect(await cmp('avg_satisfaction')).toMatchObject({ current_value: 4, previous_value: 3, last_year_value: 1 });
  });
  it('median handling hours of tickets opened in the period and closed', async () => {
    expect(await cmp('median_handling_hours')).toMatchObject({ current_value: 1.5, previous_value: 13, last_year_value: 4, change_vs_previous: -11.5 });
  });
  it('leads created and conversion (won in the period / created in it); no leads a year before: 0 leads, no conversion', async () => {
    // The lead without an id still counts as a lead created (facts keep its row).
    expect(await cmp('leads')).toMatchObject({ current_value: 5, previous_value: 2, last_year_value: 0 });
    // Won in June (l6) over created in June (5); May: l1 of 2; June 2023: none created.
    expect(await cmp('conversion')).toMatchObject({ current_value: 0.2, previous_value: 0.5, last_year_value: null, change_vs_last_year: null });
  });
  it('is unavailable without the roles, and sparklines run', async () => {
    const noClose = { ...tickets, roles: { opened_at: '开单时间' } };
    expect(compareSql({ kpi: 'median_handling_hours', tables: { tickets: noClose }, grain: 'month', asOf: '2024-06-30' }).ok).toBe(false);
    expect(compareSql({ kpi: 'conversion', tables: {}, grain: 'month', asOf: '2024-06-30' }).ok).toBe(false);
    const spark = await run(db, sparklineSql({ kpi: 'conversion', tables: { leads }, grain: 'month', asOf: '2024-06-30', periods: 3 }));
    expect(spark.map((r) => r.value)).toEqual([null, 0.5, 0.2]);
  });
});

describe.skipIf(!hasDataSet('waimai_reviews', 'metrics-activity'))('real reviews (reference.md)', () => {
  it('waimai: 11,987 reviews, 4,000 positive', async () => {
    const t = await load('waimai', readFileSync(path.join(DATA_DIR, 'waimai_reviews/waimai_10k.csv'), 'utf8'));
    expect(t.kind).toBe('feedback');
    const [r] = await run(db, { ok: true, sql: reviewKpiSql(t, reviewColumns(t)!), ignoredFilters: [] });
    expect(r).toMatchObject({ reviews: 11987, labelled: 11987, with_text: 11987 });
    expect(r!.positive_share).toBeCloseTo(4000 / 11987, 12);
  });
  it('clothing: 1,000 reviews, mean rating 4.194, 42 without text', async () => {
    const t = await load('clothing', readFileSync(path.join(DATA_DIR, 'clothing_reviews/womens_clothing_reviews_1k.csv'), 'utf8'));
    // Text with a rating: a feedback table (a review file once read as tickets of satisfaction scores).
    expect(t.kind).toBe('feedback');
    const cols = reviewColumns(t)!;
    expect([cols.rating?.name, cols.label?.name, cols.text?.name]).toEqual(['Rating', 'Recommended IND', 'Review Text']);
    const [r] = await run(db, { ok: true, sql: reviewKpiSql(t, cols), ignoredFilters: [] });
    expect(r).toMatchObject({ reviews: 1000, rated: 1000, with_text: 958 });
    expect(r!.avg_rating).toBeCloseTo(4.194, 12);
  });
});
