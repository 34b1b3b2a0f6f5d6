/**
 * An export with a blank date among dated rows: the monthly series leave the undated rows out. DuckDB 1.4.3
 * lets `date_trunc('month', d) IS NOT NULL` through for a NULL DATE, and the monthly revenue and monthly
 * count then failed with "Type INT32 with value 5877642-06-23 (BC) can't be cast" (found by dropping such a
 * file, with a Chinese header and float ids, on the app).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { monthlyCountSql } from '../../src/metrics/activity.ts';
import { monthlyRevenueSql } from '../../src/metrics/overview.ts';

let db: Db;
let orders: TableInfo;
beforeAll(async () => {
  db = await openNodeDb();
  const text = ['客户ID,下单日期,金额 (元),渠道', '1001.0,2024/01/05,120.5,线上', '1002.0,2024/01/06,,门店', ',2024/01/07,30,线上', '1001.0,2024/02/01,-20,线上', '1003.0,,55.25,', '1002.0,2024/03/09,80,门店'].join('\r\n');
  orders = (await loadFile(db, { fileName: 'blank dates.csv', bytes: new TextEncoder().encode(`${text}\r\n`) })).table;
});
afterAll(async () => db.close());

describe('monthly series with a blank date', () => {
  it('monthly revenue leaves the undated line out', async () => {
    expect(orders.roles.order_date).toBe('下单日期');
    const rows = (await db.query(monthlyRevenueSql(orders))).rows;
    expect(rows).toEqual([
      { month: '2024-01-01', revenue: 150.5, orders: 2, customers: 2 },
      { month: '2024-02-01', revenue: -20, orders: 0, customers: 0 },
      { month: '2024-03-01', revenue: 80, orders: 1, customers: 1 },
    ]);
  });

  it('monthly count leaves the undated row out', async () => {
    const date = orders.columns.find((c) => c.name === '下单日期')!;
    const rows = (await db.query(monthlyCountSql(orders, { name: date.name, type: date.type }))).rows;
    expect(rows).toEqual([{ month: '2024-01', n: 3 }, { month: '2024-02', n: 1 }, { month: '2024-03', n: 1 }]);
  });
});
