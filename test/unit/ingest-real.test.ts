/**
 * Every data set in ../shared/data (env CRM_DATA_DIR) through `loadFile`,
 * checked against the counts in shared/reference.md ("Counts (exact)"), with
 * the kind and roles a user should see suggested. Skips, with a message, when
 * the data are not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { loadFile, type LoadResult } from '../../src/ingest/index.ts';
import { ident } from '../../src/lib/sql.ts';

const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const HAS_DATA = existsSync(path.join(DATA_DIR, 'telco_churn'));
if (!HAS_DATA) console.warn(`[ingest-real] real-data tests skipped: no data at ${DATA_DIR} (set CRM_DATA_DIR)`);

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function load(dir: string, file: string): Promise<LoadResult> {
  const b = readFileSync(path.join(DATA_DIR, dir, file));
  return loadFile(db, { fileName: file, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
}

/** One row of figures; `{t}` in the SQL is the loaded table. */
async function figures(r: LoadResult, select: string): Promise<Row> {
  return (await db.query(`SELECT ${select} FROM ${ident(r.table.name)}`)).rows[0]!;
}

describe.skipIf(!HAS_DATA)(`real data through loadFile (${DATA_DIR})`, () => {
  for (const file of ['Telco-Customer-Churn.csv', 'WA_Fn-UseC_-Telco-Customer-Churn.csv']) {
    it(`telco_churn/${file}: 7,043 customers, 1,869 churned, 11 blank TotalCharges`, async () => {
      const r = await load('telco_churn', file);
      expect(r.table).toMatchObject({ kind: 'customers', rowCount: 7043 });
      expect(r.table.roles).toEqual({ customer_id: 'customerID', gender: 'gender', tenure: 'tenure', monetary_total: 'TotalCharges', churn: 'Churn' });
      expect(await figures(r, `count(*) FILTER (WHERE "Churn") AS churned, count(*) FILTER (WHERE "TotalCharges" IS NULL AND tenure = 0) AS blank`)).toEqual({ churned: 1869, blank: 11 });
      expect(r.log.map((l) => [l.rule, l.column, l.rows])).toEqual([['blank_to_null', 'TotalCharges', 11]]);
    });
  }

  it('cdnow/CDNOW_master.txt: 69,659 transactions, 23,570 customers, $2,500,315.63, 1997-01-01 to 1998-06-30', async () => {
    const r = await load('cdnow', 'CDNOW_master.txt');
    expect(r.source.format).toBe('whitespace');
    expect(r.table).toMatchObject({ kind: 'orders', rowCount: 69659 });
    expect(r.table.roles).toEqual({ customer_id: 'customer_id', order_date: 'date', quantity: 'number_of_cds', amount: 'dollar_value' });
    expect(await figures(r, `count(DISTINCT customer_id) AS customers, round(sum(dollar_value), 2) AS total, min(date) AS first, max(date) AS last`)).toEqual({
      customers: 23570,
      total: 2500315.63,
      first: '1997-01-01',
      last: '1998-06-30',
    });
  });

  it('cdnow/CDNOW_sample.txt (no header): 6,919 rows, 2,357 customers, roles guessed from values', async () => {
    const r = await load('cdnow', 'CDNOW_sample.txt');
    expect(r.table).toMatchObject({ kind: 'orders', rowCount: 6919 });
    expect(r.table.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['column1:VARCHAR', 'column2:VARCHAR', 'column3:DATE', 'column4:BIGINT', 'column5:DOUBLE']);
    expect(r.table.roles).toEqual({ customer_id: 'column1', order_date: 'column3', quantity: 'column4', amount: 'column5' });
    expect(r.log.map((l) => l.rule)).toEqual(['whitespace_delimited', 'no_header', 'compact_date']);
    expect(await figures(r, `count(DISTINCT column1) AS master_ids, count(DISTINCT column2) AS sample_ids`)).toEqual({ master_ids: 2357, sample_ids: 2357 });
  });

  for (const file of ['cdnow_customers_summary.csv', 'cdnow_customers_summary_with_transactions.csv']) {
    it(`cdnow/${file}: 2,357 customer summaries`, async () => {
      const r = await load('cdnow', file);
      expect(r.table).toMatchObject({ kind: 'customers', rowCount: 2357, roles: { customer_id: 'ID' } });
    });
  }

  it('groceries/groceries.csv (baskets): 9,835 baskets, 169 items, 2,513 with whole milk', async () => {
    const r = await load('groceries', 'groceries.csv');
    expect(r.source.format).toBe('basket');
    expect(r.table).toMatchObject({ kind: 'baskets', roles: { order_id: 'basket_id', product: 'item' } });
    expect(await figures(r, `count(DISTINCT basket_id) AS baskets, count(DISTINCT item) AS items, count(DISTINCT basket_id) FILTER (WHERE item = 'whole milk') AS milk`)).toEqual({
      baskets: 9835,
      items: 169,
      milk: 2513,
    });
    expect(r.log[0]).toMatchObject({ rule: 'baskets', params: { baskets: 9835, items: 169, header: 0 } });
  });

  it('bread_basket/BreadBasket_DMS.csv: 21,293 lines, 9,531 transactions, 786 NONE', async () => {
    const r = await load('bread_basket', 'BreadBasket_DMS.csv');
    expect(r.table).toMatchObject({ kind: 'orders', rowCount: 21293 });
    expect(r.table.roles).toEqual({ order_date: 'Date', order_id: 'Transaction', product: 'Item' });
    expect(await figures(r, `count(DISTINCT "Transaction") AS transactions, count(*) FILTER (WHERE "Item" = 'NONE') AS none`)).toEqual({ transactions: 9531, none: 786 });
  });

  it('olist_marketing_funnel: 8,000 leads, 842 closed deals, all matching a lead', async () => {
    const leads = await load('olist_marketing_funnel', 'olist_marketing_qualified_leads_dataset.csv');
    const deals = await load('olist_marketing_funnel', 'olist_closed_deals_dataset.csv');
    expect(leads.table).toMatchObject({ kind: 'leads', rowCount: 8000 });
    expect(leads.table.roles).toEqual({ lead_id: 'mql_id', created_at: 'first_contact_date', channel: 'origin' });
    expect(deals.table).toMatchObject({ kind: 'leads', rowCount: 842 });
    expect(deals.table.roles).toEqual({ lead_id: 'mql_id', owner: 'sdr_id', won_at: 'won_date' });
    const r = await db.query(`SELECT count(*) AS matched FROM ${ident(deals.table.name)} d JOIN ${ident(leads.table.name)} l USING (mql_id)`);
    expect(r.rows[0]).toEqual({ matched: 842 });
  });

  it('ifood_marketing_campaign: 2,240 customers, 24 missing Income, 334 responded (comma-separated, 29 columns)', async () => {
    const r = await load('ifood_marketing_campaign', 'ml_project1_data.csv');
    expect(r.table).toMatchObject({ kind: 'customers', rowCount: 2240 });
    expect(r.table.columns).toHaveLength(29);
    expect(r.table.roles).toEqual({ customer_id: 'ID', signup_date: 'Dt_Customer', response: 'Response', cost: 'Z_CostContact', campaign_revenue: 'Z_Revenue' });
    expect(await figures(r, `count(*) FILTER (WHERE "Income" IS NULL) AS no_income, count(*) FILTER (WHERE "Response" = 1) AS responded`)).toEqual({ no_income: 24, responded: 334 });
  });

  it('bank_marketing_additional: 4,119 contacts, 451 y = yes (semicolon-separated, 21 columns)', async () => {
    const r = await load('bank_marketing_additional', 'bank-additional.csv');
    expect(r.table).toMatchObject({ kind: 'customers', rowCount: 4119 });
    expect(r.table.columns).toHaveLength(21);
    expect(r.table.roles).toEqual({ age: 'age', channel: 'contact', response: 'y' });
    expect(await figures(r, `count(*) FILTER (WHERE y) AS yes`)).toEqual({ yes: 451 });
  });
});
