/**
 * Basket measures (src/metrics/basket.ts) on real DuckDB-WASM: a basket table
 * written here with hand-worked figures, the shape test, and the reference
 * counts of groceries and bread_basket (shared/reference.md, "Counts (exact)")
 * when ../shared/data is there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { ident } from '../../src/lib/sql.ts';
import { basketSummarySql, basketTable, topProductsSql } from '../../src/metrics/basket.ts';
import { DATA_DIR, hasDataSet } from './metrics-helpers.ts';

let db: Db;
const lines: TableInfo = {
  name: 'bk_lines',
  source: 'test',
  kind: 'baskets',
  rowCount: 12,
  columns: [{ name: 'basket id', type: 'INTEGER' }, { name: 'Item', type: 'VARCHAR' }],
  roles: { order_id: 'basket id', product: 'Item' },
};

beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE bk_lines ("basket id" INTEGER, "Item" VARCHAR)`);
  await db.exec(
    `INSERT INTO bk_lines VALUES (1, 'milk'), (1, 'bread'), (1, 'eggs'), (2, 'milk'), (3, 'bread'), (3, 'milk'), (3, 'butter'), (3, 'NONE'),` +
      ` (4, 'NONE'), (5, 'eggs'), (5, 'eggs'), (NULL, 'milk')`,
  );
});
afterAll(async () => db.close());

describe('basketSummarySql', () => {
  it('counts baskets, item lines, products and items per basket (hand-worked)', async () => {
    // Baskets 1–5 (the line without an id is left out). Items per basket: 1 → 3, 2 → 1, 3 → 3 (NONE is no item), 4 → 0, 5 → 2.
    // Item lines 3 + 1 + 3 + 2 = 9; lines without an item: the two NONE. Products: milk, bread, eggs, butter.
    // Over the 4 baskets with an item: mean 9 / 4 = 2.25, median of 1, 2, 3, 3 = 2.5.
    const r = await db.query(basketSummarySql(lines));
    expect(r.rows).toEqual([{ baskets: 5, empty_baskets: 1, item_lines: 9, lines_without_item: 2, products: 4, mean_items: 2.25, median_items: 2.5 }]);
  });
});

describe('topProductsSql', () => {
  it('ranks products by baskets holding them, ties by lines, with the share of all baskets', async () => {
    // milk in 1, 2, 3; eggs in 1, 5 (3 lines); bread in 1, 3 (2 lines); butter in 3. Of 5 baskets.
    const r = await db.query(topProductsSql(lines, 10));
    expect(r.rows).toEqual([
      { product: 'milk', baskets: 3, basket_share: 0.6, lines: 3 },
      { product: 'eggs', baskets: 2, basket_share: 0.4, lines: 3 },
      { product: 'bread', baskets: 2, basket_share: 0.4, lines: 2 },
      { product: 'butter', baskets: 1, basket_share: 0.2, lines: 1 },
    ]);
    expect((await db.query(topProductsSql(lines, 2))).rows.map((x) => x.product)).toEqual(['milk', 'eggs']);
  });
});

describe('basketTable', () => {
  const t = (kind: TableInfo['kind'], roles: TableInfo['roles'], name = kind): TableInfo => ({ name, source: name, kind, rowCount: 1, columns: [], roles });
  it('takes a baskets table, or orders with an id and a product but no customer and no amount', () => {
    const baskets = t('baskets', { order_id: 'basket_id', product: 'item' });
    const till = t('orders', { order_id: 'Transaction', product: 'Item', order_date: 'Date' });
    expect(basketTable([t('customers', { customer_id: 'id' }), baskets])).toBe(baskets);
    expect(basketTable([till])).toBe(till);
  });
  it('leaves orders that know the buyer or the price, and tables without a product', () => {
    expect(basketTable([t('orders', { order_id: 'o', product: 'p', customer_id: 'c' })])).toBeUndefined();
    expect(basketTable([t('orders', { order_id: 'o', product: 'p', amount: 'a' })])).toBeUndefined();
    expect(basketTable([t('orders', { order_id: 'o', product: 'p', quantity: 'q', unit_price: 'u' })])).toBeUndefined();
    expect(basketTable([t('orders', { order_id: 'o' })])).toBeUndefined();
    expect(basketTable([])).toBeUndefined();
  });
});

async function loadReal(dir: string, file: string): Promise<TableInfo> {
  const b = readFileSync(path.join(DATA_DIR, dir, file));
  return (await loadFile(db, { fileName: file, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) })).table;
}

describe.skipIf(!hasDataSet('groceries', 'metrics-basket'))('groceries (reference.md: 9,835 baskets, 169 items, 2,513 with whole milk)', () => {
  it('summary and top product', async () => {
    const t = await loadReal('groceries', 'groceries.csv');
    expect(basketTable([t])).toBe(t);
    const s = (await db.query(basketSummarySql(t))).rows[0]!;
    // 43,367 item lines: the arules Groceries total (9,835 baskets × 4.409 items on average).
    expect(s).toMatchObject({ baskets: 9835, empty_baskets: 0, item_lines: 43367, lines_without_item: 0, products: 169, median_items: 3 });
    expect(s.mean_items).toBeCloseTo(43367 / 9835, 12);
    const top = (await db.query(topProductsSql(t, 3))).rows;
    expect(top[0]).toMatchObject({ product: 'whole milk', baskets: 2513 });
  });
});

describe.skipIf(!hasDataSet('bread_basket', 'metrics-basket'))('bread_basket (reference.md: 21,293 lines, 9,531 transactions, 786 NONE)', () => {
  it('summary leaves the NONE lines out of the items', async () => {
    const t = await loadReal('bread_basket', 'BreadBasket_DMS.csv');
    expect(basketTable([t])).toBe(t);
    const s = (await db.query(basketSummarySql(t))).rows[0]!;
    const name = ident(t.name);
    const check = (
      await db.query(
        `SELECT count(DISTINCT "Item") FILTER (WHERE "Item" <> 'NONE') AS products,` +
          ` (SELECT count(*) FROM (SELECT "Transaction" FROM ${name} GROUP BY 1 HAVING bool_and("Item" = 'NONE'))) AS empty FROM ${name}`,
      )
    ).rows[0]!;
    expect(s).toMatchObject({ baskets: 9531, item_lines: 21293 - 786, lines_without_item: 786, products: check.products, empty_baskets: check.empty });
    expect(check.products).toBe(94);
  });
});
