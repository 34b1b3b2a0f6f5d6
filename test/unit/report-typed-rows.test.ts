/**
 * Typed result rows (issue #10): `readRows` reads a result through a row shape
 * once (numbers, labels, booleans, NULL where the interface admits it), and the
 * analytics measures come back typed on real DuckDB-WASM, on the hand-made
 * fixture, the demo workspace, a filter that keeps nothing and awkward files
 * (blank amounts, Chinese headers, float ids, negative amounts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../src/ingest/index.ts';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { breakdownDims } from '../../src/metrics/breakdown-dims.ts';
import { loadAnalytics, type Analytics } from '../../src/report/analytics.ts';
import { loadMoreMeasures, type MoreMeasures } from '../../src/report/more-measures.ts';
import { readRows, RowShapeError, type RowShape } from '../../src/report/typed-rows.ts';
import { DATA_DIR, hasDataSet, loadDemo, loadMeasureFixture, type MeasureFixture } from './metrics-helpers.ts';

interface Sample {
  label: string | null;
  n: number;
  share: number | null;
  flag: boolean;
}
const SAMPLE: RowShape<Sample> = { label: 'string?', n: 'number', share: 'number?', flag: 'boolean' };

describe('readRows', () => {
  it('keeps the declared columns, each as its kind', () => {
    const rows: Row[] = [
      { label: 'a', n: 3, share: 0.5, flag: true, extra: 'dropped' },
      { label: 2024, n: '12.5', share: null, flag: 0 },
      { label: null, n: -0, share: NaN, flag: 1 },
    ];
    expect(readRows(rows, SAMPLE, 'sample')).toEqual([
      { label: 'a', n: 3, share: 0.5, flag: true },
      { label: '2024', n: 12.5, share: null, flag: false },
      { label: null, n: -0, share: null, flag: true },
    ]);
  });

  it('says which measure and column do not fit their interface', () => {
    expect(() => readRows([{ label: 'a', n: null, share: 1, flag: true }], SAMPLE, 'sample')).toThrow(new RowShapeError('sample', 'n', null, 'number'));
    expect(() => readRows([{ label: 'a', n: 1, share: 1, flag: true }].map(({ flag: _, ...r }) => r), SAMPLE, 'sample')).toThrow(/sample: column "flag" should be boolean but holds no such column/);
    expect(() => readRows([{ label: 'a', n: 'many', share: 1, flag: true }], SAMPLE, 'sample')).toThrow(/column "n" should be number but holds string "many"/);
    expect(() => readRows([{ label: 'a', n: 1, share: 1, flag: 'yes' }], SAMPLE, 'sample')).toThrow(/column "flag"/);
    expect(() => readRows([{ label: 'a', n: 1, share: '', flag: true }], SAMPLE, 'sample')).toThrow(/column "share"/);
  });

  it('reads no rows as no rows', () => {
    expect(readRows([], SAMPLE, 'sample')).toEqual([]);
  });
});

let db: Db;
let fx: MeasureFixture;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
});
afterAll(async () => db.close());

/** Every measure's rows hold only JS numbers, strings, booleans and nulls of the declared kinds (the reader threw otherwise). */
function cellsOf(a: Analytics | MoreMeasures['measures']): unknown[] {
  return Object.values(a).flatMap((m) => (m && typeof m === 'object' && 'rows' in m ? (m.rows as object[]).flatMap((r) => Object.values(r)) : []));
}

async function more(tables: TableInfo[], filters = {}): Promise<MoreMeasures> {
  const orders = tables.find((t) => t.kind === 'orders');
  const customers = tables.find((t) => t.kind === 'customers');
  return loadMoreMeasures(db, tables, filters, breakdownDims(orders, customers)[0]);
}

describe('analytics measures come back typed', () => {
  it('on the hand-made fixture, with figures worked by hand', async () => {
    const tables = [fx.customers, fx.orders, fx.tickets, fx.leads, fx.deals];
    const a = await loadAnalytics(db, tables, { to: '2024-06-30' });
    const status = a.status.rows[0]!;
    expect(status.active + status.dormant + status.churned + status.no_orders).toBe(status.customers);
    expect(a.lifecycle.rows.map((r) => [r.stage, r.customers])).toEqual([['new', 2], ['growing', 1], ['mature', 1], ['declining', 2], ['lost', 0]]);
    expect(typeof a.leadDeal.rows[0]!.leads).toBe('number');
    expect(a.funnel.rows.every((r) => typeof r.is_bottleneck === 'boolean')).toBe(true);
    expect(cellsOf(a).every((v) => v === null || ['number', 'string', 'boolean'].includes(typeof v))).toBe(true);
    const m = await more(tables, { to: '2024-06-30' });
    expect(m.measures.credit.rows.map((r) => [r.customer_id, r.open_amount, r.over_limit])).toEqual([['C', 260, false], ['A', 110, false], ['D', 50, true]]);
  });

  it('on the demo workspace, and under a filter that keeps nothing', async () => {
    const demo = await loadDemo(db);
    const tables = [demo.customers, demo.orders, demo.tickets, demo.leads];
    const a = await loadAnalytics(db, tables, {});
    expect(a.cohorts.rows.length).toBeGreaterThan(0);
    expect(a.cohorts.rows.every((r) => typeof r.cohort === 'string' && typeof r.retention === 'number')).toBe(true);
    await more(tables);
    const none = await loadAnalytics(db, tables, { from: '1990-01-01', to: '1990-01-31' });
    expect(none.status.rows[0]?.active ?? 0).toBe(0);
    await more(tables, { from: '1990-01-01', to: '1990-01-31' });
  });

  it('on awkward orders: blank amounts, Chinese headers, float customer ids, negative amounts', async () => {
    const csv = [
      '订单号,客户编号,下单日期,金额,品类',
      'A1,1.0,2024-01-03,100,茶',
      'A2,2.5,2024-01-20,,茶',
      'A3,1.0,2024-02-11,-30,咖啡',
      'A4,,2024-02-15,45.5,',
      'A5,3.0,2024-03-01,,咖啡',
      'A6,2.5,2024-03-09,12,茶',
    ].join('\n');
    const { table } = await loadDelimited(db, { fileName: '订单.csv', bytes: new TextEncoder().encode(csv), tableName: 'awkward_orders' });
    const orders: TableInfo = { ...table, kind: 'orders', roles: { order_id: '订单号', customer_id: '客户编号', order_date: '下单日期', amount: '金额', category: '品类' } };
    const a = await loadAnalytics(db, [orders], {});
    const cats = new Map(a.salesByCategory.rows.map((r) => [r.group_value, r.revenue]));
    expect(cats.get('茶')).toBe(112);
    expect(cats.get('咖啡')).toBe(-30);
    expect(a.status.rows[0]!.customers).toBe(3);
    const m = await more([orders]);
    expect(m.measures.big.rows.map((r) => r.tier)).toContain('big');
  });
});

const REAL: [string, string][] = [
  ['cdnow', 'CDNOW_master.txt'],
  ['bread_basket', 'BreadBasket_DMS.csv'],
  ['telco_churn', 'WA_Fn-UseC_-Telco-Customer-Churn.csv'],
  ['olist_marketing_funnel', 'olist_marketing_qualified_leads_dataset.csv'],
  ['olist_marketing_funnel', 'olist_closed_deals_dataset.csv'],
  ['ifood_marketing_campaign', 'ml_project1_data.csv'],
];

describe.skipIf(!hasDataSet('cdnow', 'report-typed-rows'))('analytics measures on the real data sets, as ingest reads them', () => {
  it('read every real file\'s measures through their row interfaces', async () => {
    const tables: TableInfo[] = [];
    for (const [dir, file] of REAL) {
      const b = readFileSync(path.join(DATA_DIR, dir, file));
      tables.push((await loadFile(db, { fileName: file, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) })).table);
    }
    const cdnow = tables[0]!;
    // A query error is shown in the measure's place (reason 'failed') rather than thrown: none may fail here.
    const noneFailed = (x: Analytics): void => {
      const failed = Object.entries(x).filter(([, m]) => (m as { unavailable?: { reason: string } } | null)?.unavailable?.reason === 'failed');
      expect(failed.map(([id, m]) => `${id}: ${(m as { unavailable: { message: string } }).unavailable.message}`)).toEqual([]);
    };
    const a = await loadAnalytics(db, [cdnow], {});
    noneFailed(a);
    // reference.md: cdnow master, 23,570 distinct customers, all of whom ordered.
    expect(a.status.rows[0]!.customers).toBe(23_570);
    expect(a.cohorts.rows.length).toBeGreaterThan(0);
    await more([cdnow]);
    for (const t of tables.slice(1)) {
      noneFailed(await loadAnalytics(db, [t], {}));
      await more([t]);
    }
    // The olist pair: leads and closed deals, 842 of 8,000 (reference.md).
    const leads = await loadAnalytics(db, tables.slice(3, 5), {});
    noneFailed(leads);
    expect(leads.leadDeal.rows[0]?.deals).toBe(842);
  });
});
