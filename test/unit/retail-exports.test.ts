/**
 * Issue 9 on real DuckDB-WASM: an ordinary retail line-item export (float
 * customer ids with blanks, C-prefixed cancellations with negative
 * quantities, padded descriptions; English and Chinese headers) gets its
 * customer and product roles, its ids cleaned to whole numbers (undoably),
 * one revenue/orders/customers definition on every page, and its returns
 * counted and chosen net or gross. The files are written here; every expected
 * figure is worked out by hand from their lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { ColumnInfo, Db, Row } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { LogEntry } from '../../src/ingest/log.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { suggestRoles } from '../../src/ingest/roles.ts';
import { cancelPrefixSql, detectCancelPrefix, digitFirstSql } from '../../src/ingest/returns.ts';
import { undoCleaning } from '../../src/ingest/undo.ts';
import { sqlOf } from '../../src/metrics/common.ts';
import { drilldownSql, scopeTotalsSql } from '../../src/metrics/drilldown.ts';
import { loyaltySql } from '../../src/metrics/loyalty.ts';
import { customerFeaturesSql } from '../../src/metrics/customer-features.ts';
import type { Filters } from '../../src/metrics/filters.ts';
import { kpiSql, monthlyRevenueSql, readKpis } from '../../src/metrics/overview.ts';
import { salesSql } from '../../src/metrics/sales.ts';
import { tierSummarySql } from '../../src/metrics/tiers.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

const bytes = (lines: readonly string[]) => new TextEncoder().encode(`${lines.join('\n')}\n`);

/*
 * line  invoice  customer  qty × price        amount
 * 1     536365   17850.0   6 × 2.55          15.30
 * 2     536365   17850.0   6 × 3.39          20.34
 * 3     536366   (blank)   6 × 1.85          11.10
 * 4     536367   13047.0  32 × 1.69          54.08
 * 5     536367   13047.0   2 × 2.55           5.10
 * 6     C536379  17850.0  −1 × 2.55          −2.55   return
 * 7     536380   (blank)   4 × 1.85           7.40
 * 8     C536381  13047.0  −2 × 3.39          −6.78   return
 * sales lines 113.32, returns −9.33 on 2 lines, net 103.99;
 * orders (sales) 536365, 536366, 536367, 536380 = 4; customers 17850, 13047 = 2; 2 lines without a customer.
 */
const RETAIL_EN = [
  'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
  '536365,85123A,  WHITE HANGING HEART T-LIGHT HOLDER ,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
  '536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom',
  '536366,22633,HAND WARMER UNION JACK ,6,2010-12-01 08:28:00,1.85,,United Kingdom',
  '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom',
  '536367,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2010-12-01 08:34:00,2.55,13047.0,United Kingdom',
  'C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,2010-12-01 09:41:00,2.55,17850.0,United Kingdom',
  '536380,22633,HAND WARMER UNION JACK,4,2011-01-02 10:00:00,1.85,,France',
  'C536381,71053,WHITE METAL LANTERN,-2,2011-01-02 11:00:00,3.39,13047.0,United Kingdom',
];

/*
 * An amount column and a status column; the return is written with a positive amount and a status 退货.
 * amounts 60 + 10 + 30 + 60 = 160 sales, return 30 → −30, net 130; orders 1001, 1002, 1003 = 3;
 * customers 501, 502 = 2; 1 line without a customer.
 */
const RETAIL_ZH = [
  '订单号,商品编码,商品名称,数量,单价,金额,下单时间,会员编号,订单状态',
  '1001,A1, 保温杯 ,2,30,60,2024-01-05,501.0,已完成',
  '1001,B2,毛巾,1,10,10,2024-01-05,501.0,已完成',
  '1002,A1,保温杯,1,30,30,2024-01-06,,已完成',
  '1003,C3,雨伞,3,20,60,2024-02-01,502.0,已完成',
  '1004,A1,保温杯,1,30,30,2024-02-03,502.0,退货',
];

async function load(name: string, lines: readonly string[]): Promise<{ table: TableInfo; log: LogEntry[] }> {
  const { table, log } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: bytes(lines), tableName: name });
  return { table, log };
}

async function one(sql: string): Promise<Row> {
  return (await db.query(sql)).rows[0] ?? {};
}

describe('item 1: a line-item export keeps its customers and products', () => {
  it('maps CustomerID (floats and blanks), Description as product, StockCode as sku', async () => {
    const { table } = await load('retail_en', RETAIL_EN);
    expect(table.kind).toBe('orders');
    expect(table.roles).toMatchObject({
      order_id: 'InvoiceNo', sku: 'StockCode', product: 'Description', quantity: 'Quantity',
      order_date: 'InvoiceDate', unit_price: 'UnitPrice', customer_id: 'CustomerID',
    });
  });

  it('maps the Chinese headers the same way', async () => {
    const { table } = await load('retail_zh', RETAIL_ZH);
    expect(table.kind).toBe('orders');
    expect(table.roles).toMatchObject({
      order_id: '订单号', sku: '商品编码', product: '商品名称', quantity: '数量', unit_price: '单价',
      amount: '金额', order_date: '下单时间', customer_id: '会员编号', order_status: '订单状态',
    });
  });

  it('suggests customer_id for the common spellings even on a float column with blanks', () => {
    const spellings = ['CustomerID', 'Customer ID', 'Customer_Id', 'cust_id', 'custid', 'client_id', 'member_id', 'buyer_id', '客户ID', '客户编号', '会员编号', '会员ID', '用户ID'];
    for (const header of spellings) {
      const columns: ColumnInfo[] = [
        { name: 'InvoiceNo', type: 'VARCHAR' },
        { name: 'InvoiceDate', type: 'TIMESTAMP' },
        { name: header, type: 'DOUBLE' },
        { name: 'Quantity', type: 'BIGINT' },
      ];
      const sample: Row[] = [
        { InvoiceNo: '536365', InvoiceDate: '2010-12-01 08:26:00', [header]: 17850, Quantity: 6 },
        { InvoiceNo: '536366', InvoiceDate: '2010-12-01 08:28:00', [header]: null, Quantity: 6 },
      ];
      expect(suggestRoles(columns, sample).roles.customer_id, header).toBe(header);
    }
    // A float column of real fractions is not an id.
    const fractions = suggestRoles([{ name: 'InvoiceNo', type: 'VARCHAR' }, { name: 'CustomerID', type: 'DOUBLE' }], [{ InvoiceNo: '1', CustomerID: 0.5 }]);
    expect(fractions.roles.customer_id).toBeUndefined();
  });

  it('cleans 17850.0 to 17850 as a logged, undoable step, so it joins with a customers file that writes 17850', async () => {
    const { table, log } = await load('retail_ids', RETAIL_EN);
    const entry = log.find((e) => e.rule === 'whole_ids');
    expect(entry).toMatchObject({ rule: 'whole_ids', column: 'CustomerID', rows: 6, params: { to: 'BIGINT' } });
    expect(entry!.examples).toEqual(['"13047.0" → 13047', '"17850.0" → 17850']);
    expect(table.columns.find((c) => c.name === 'CustomerID')?.type).toBe('BIGINT');
    await db.exec(`CREATE OR REPLACE TABLE retail_customers AS SELECT * FROM (VALUES ('17850', 'Alice'), ('13047', 'Bob')) AS t(id, name)`);
    const joined = await one(
      `SELECT count(DISTINCT c.id) AS n FROM retail_ids AS o JOIN retail_customers AS c ON CAST(o."CustomerID" AS VARCHAR) = c.id`,
    );
    expect(Number(joined.n)).toBe(2);

    await undoCleaning(db, entry!);
    const back = await one(`SELECT any_value(typeof("CustomerID")) AS t, CAST(max("CustomerID") AS VARCHAR) AS v, count("CustomerID") AS n FROM retail_ids`);
    expect(back).toMatchObject({ t: 'DOUBLE', v: '17850.0' });
    expect(Number(back.n)).toBe(6);
  });
});

/** Overview KPIs, Analytics sales (no breakdown) and the scope line on the same tables. */
async function threePages(tables: TableInfo[], filters: Filters = {}) {
  const orders = tables.find((t) => t.kind === 'orders')!;
  const q = kpiSql(tables, filters);
  const k = readKpis(q, (await db.query(q.sql)).rows[0]);
  const sales = await one(sqlOf(salesSql({ orders, filters })));
  const scope = await one(sqlOf(scopeTotalsSql({ orders }, filters)));
  return { k, sales, scope };
}

describe('item 2: one definition of revenue, orders and customers', () => {
  it('quantity × unit price only: Overview and Analytics agree (103.99, 4 orders, 2 customers)', async () => {
    const { table } = await load('retail_same_en', RETAIL_EN);
    const { k, sales, scope } = await threePages([table]);
    expect(k.revenue.value).toBeCloseTo(103.99, 9);
    expect(k.orders.value).toBe(4);
    expect(k.customers.value).toBe(2);
    for (const r of [sales, scope]) {
      expect(Number(r.revenue)).toBeCloseTo(103.99, 9);
      expect(Number(r.orders)).toBe(4);
      expect(Number(r.customers)).toBe(2);
    }
    const months = (await db.query(monthlyRevenueSql(table))).rows;
    expect(months.map((m) => [m.month, Math.round(Number(m.revenue) * 100) / 100, Number(m.orders)])).toEqual([
      ['2010-12-01', 103.37, 3],
      ['2011-01-01', 0.62, 1],
    ]);
  });

  it('an amount column: Overview and Analytics agree (130, 3 orders, 2 customers)', async () => {
    const { table } = await load('retail_same_zh', RETAIL_ZH);
    const { k, sales, scope } = await threePages([table]);
    expect(k.revenue.value).toBe(130);
    expect(k.orders.value).toBe(3);
    expect(k.customers.value).toBe(2);
    for (const r of [sales, scope]) expect([Number(r.revenue), Number(r.orders), Number(r.customers)]).toEqual([130, 3, 2]);
  });
});

describe('item 3: returns and cancellations, net or gross', () => {
  it('finds the C prefix at load and counts returns in the scope line (net)', async () => {
    const { table } = await load('retail_ret_en', RETAIL_EN);
    expect(table.cancelPrefix).toBe('C');
    const { scope } = await threePages([table]);
    expect(Number(scope.return_lines)).toBe(2);
    expect(Number(scope.return_amount)).toBeCloseTo(-9.33, 9);
    expect(Number(scope.no_customer_lines)).toBe(2);
    expect(Number(scope.lines)).toBe(8);
  });

  it('a C-prefixed line counts as a return even when its quantity is written positive', async () => {
    const { table } = await load('retail_prefix', [RETAIL_EN[0]!, ...RETAIL_EN.slice(1, 6), RETAIL_EN[6]!.replace(',-1,', ',1,')]);
    expect(table.cancelPrefix).toBe('C');
    const { k, scope } = await threePages([table]);
    // 15.30 + 20.34 + 11.10 + 54.08 + 5.10 − 2.55
    expect(k.revenue.value).toBeCloseTo(103.37, 9);
    expect(Number(scope.return_lines)).toBe(1);
  });

  it('gross leaves return lines out, on every page alike', async () => {
    const { table } = await load('retail_gross_en', RETAIL_EN);
    const { k, sales, scope } = await threePages([table], { revenue: 'gross' });
    expect(k.revenue.value).toBeCloseTo(113.32, 9);
    expect(Number(sales.revenue)).toBeCloseTo(113.32, 9);
    expect(Number(scope.revenue)).toBeCloseTo(113.32, 9);
    expect([k.orders.value, Number(sales.orders), Number(scope.orders)]).toEqual([4, 4, 4]);
    // What gross leaves out is still counted for the scope line.
    expect(Number(scope.return_lines)).toBe(2);
    expect(Number(scope.lines)).toBe(6);
  });

  it('a status column saying 退货 marks a return written with a positive amount', async () => {
    const { table } = await load('retail_status_zh', RETAIL_ZH);
    expect(table.cancelPrefix).toBeUndefined();
    const net = await threePages([table]);
    expect(Number(net.scope.return_lines)).toBe(1);
    expect(Number(net.scope.return_amount)).toBe(-30);
    expect(Number(net.scope.no_customer_lines)).toBe(1);
    const gross = await threePages([table], { revenue: 'gross' });
    expect([gross.k.revenue.value, Number(gross.sales.revenue), Number(gross.scope.revenue)]).toEqual([160, 160, 160]);
  });

  it('RFM tiers score only customers with an id, and a cancellation is not an order', async () => {
    const { table } = await load('retail_tiers', RETAIL_EN);
    const rows = (await db.query(sqlOf(tierSummarySql({ orders: table, asOf: '2011-01-31' })))).rows;
    const customers = rows.reduce((s, r) => s + Number(r.customers), 0);
    expect(customers).toBe(2);
    // 17850: 15.30 + 20.34 − 2.55 = 33.09; 13047: 54.08 + 5.10 − 6.78 = 52.40.
    const revenue = rows.reduce((s, r) => s + Number(r.revenue), 0);
    expect(revenue).toBeCloseTo(85.49, 9);
  });

  it('the customer list and loyalty count a cancellation as no order, its amount as negative', async () => {
    const { table } = await load('retail_list', RETAIL_EN);
    const list = (await db.query(sqlOf(drilldownSql({ orders: table }, { kind: 'filtered' }, {}, { asOf: '2011-01-31' })))).rows;
    const of = (id: string) => list.find((r) => String(r.customer_id) === id)!;
    // 17850: invoice 536365 (15.30 + 20.34) and cancellation C536379 (−2.55); 13047: 536367 (54.08 + 5.10) and C536381 (−6.78).
    expect([Number(of('17850').orders), Number(of('17850').revenue)]).toEqual([1, expect.closeTo(33.09, 9)]);
    expect([Number(of('13047').orders), Number(of('13047').revenue)]).toEqual([1, expect.closeTo(52.4, 9)]);
    const loyalty = (await db.query(sqlOf(loyaltySql({ orders: table })))).rows[0]!;
    expect([Number(loyalty.customers), Number(loyalty.orders)]).toEqual([2, 2]);
  });

  it('churn-model features join a customers file that writes 17850, with the same net spend', async () => {
    const { table: orders } = await load('retail_feat', RETAIL_EN);
    const { table: loaded } = await load('retail_feat_customers', ['CustomerID,Segment', '17850,Retail', '13047,Wholesale', '99999,Retail']);
    const customers: TableInfo = { ...loaded, kind: 'customers', roles: { customer_id: 'CustomerID', segment: 'Segment' } };
    const rows = (await db.query(`${customerFeaturesSql([customers, orders])!} ORDER BY 1`)).rows;
    expect(rows.map((r) => [Number(r.CustomerID), Number(r.orders_total), Math.round(Number(r.spend_total) * 100) / 100])).toEqual([
      [13047, 1, 52.4],
      [17850, 1, 33.09],
      [99999, 0, 0],
    ]);
  });
  it('the prefix counts, one expression per id, equal an expression per shape; ids without a leading digit stop before them', async () => {
    // Padded ids, lower case, a second letter, ids that are neither, NULLs, repeats: l, d, n and the most frequent letter.
    const ids = ["'C1'", "'C1'", "' c2 '", "'c2'", "'C3'", "'x9'", "'X9'", "'x9'", "'100'", "' 100'", "'100'", "'101'", "'A1B'", "''", 'NULL', 'NULL', "'7 '"];
    await db.query(`CREATE OR REPLACE TABLE prefix_counts AS SELECT * FROM (VALUES ${ids.map((v) => `(${v})`).join(', ')}) AS t(id)`);
    const v = 'trim(CAST(id AS VARCHAR))';
    const plain = (
      await db.query(
        `SELECT count(*) FILTER (WHERE regexp_full_match(${v}, '[A-Za-z][0-9]+')) AS l, count(*) FILTER (WHERE regexp_full_match(${v}, '[0-9]+')) AS d, ` +
          `count(${v}) AS n, mode(upper(left(${v}, 1))) FILTER (WHERE regexp_full_match(${v}, '[A-Za-z][0-9]+')) AS p FROM prefix_counts`,
      )
    ).rows[0]!;
    const grouped = (await db.query(cancelPrefixSql('prefix_counts', 'id'))).rows[0]!;
    expect([Number(grouped.l), Number(grouped.d), Number(grouped.n), grouped.p]).toEqual([Number(plain.l), Number(plain.d), Number(plain.n), plain.p]);
    // C1 C1 c2 c2 C3 (5 C) and x9 X9 x9 (3 X): 8 lettered; 100 100 100 101 7: 5 digits; 15 not NULL.
    expect([Number(grouped.l), Number(grouped.d), Number(grouped.n), grouped.p]).toEqual([8, 5, 15, 'C']);
    expect((await db.query(digitFirstSql('prefix_counts', 'id'))).rows.length).toBe(1);
    // Lettered ids only (O1, O2 … and a padded one): no id starts with a digit, so no prefix.
    await db.query(`CREATE OR REPLACE TABLE prefix_none AS SELECT CASE WHEN i = 3 THEN ' O3' ELSE 'O' || i END AS id FROM range(10) t(i)`);
    expect((await db.query(digitFirstSql('prefix_none', 'id'))).rows.length).toBe(0);
    const info = (name: string, type: string): TableInfo => ({ name, source: name, kind: 'orders', rowCount: 0, columns: [{ name: 'id', type }], roles: { order_id: 'id' } });
    expect(await detectCancelPrefix(db, info('prefix_none', 'VARCHAR'))).toBeUndefined();
    // 100 digit ids and 2 C-prefixed ones: C, found; the same column typed as a number is not asked.
    await db.query(`CREATE OR REPLACE TABLE prefix_c AS SELECT CASE WHEN i < 2 THEN 'C' || (900 + i) ELSE CAST(500 + i AS VARCHAR) END AS id FROM range(102) t(i)`);
    expect(await detectCancelPrefix(db, info('prefix_c', 'VARCHAR'))).toBe('C');
    expect(await detectCancelPrefix(db, info('prefix_c', 'BIGINT'))).toBeUndefined();
  });
});
