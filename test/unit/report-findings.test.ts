/** Issue 12: problems and opportunities found in the report's chart data (a real Overview result on DuckDB-WASM, and hand-worked cases). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { loadOverview } from '../../src/report/overview.ts';
import { monthlyRevenueOption } from '../../src/charts/monthly-revenue/option.ts';
import { funnelOption } from '../../src/charts/funnel/option.ts';
import { breakdownOption, type BreakdownPoint } from '../../src/charts/breakdown/option.ts';
import { draftConclusions, findFindings } from '../../src/report/doc/findings.ts';
import { plainOption } from '../../src/report/doc/model.ts';
import type { ReportItem } from '../../src/report/doc/types.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/crm-mini/${name}`, import.meta.url))));
let db: Db;
let tables: TableInfo[];

async function table(name: string, file: string): Promise<TableInfo['columns']> {
  await db.registerBuffer(file, fixture(file));
  await db.exec(`CREATE TABLE ${ident(name)} AS SELECT * FROM read_csv(${lit(file)})`);
  const r = await db.query(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ${lit(name)} ORDER BY column_index`);
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
}

beforeAll(async () => {
  db = await openNodeDb();
  const cc = await table('mini_customers', 'customers.csv');
  const oc = await table('mini_orders', 'orders.csv');
  tables = [
    { name: 'mini_customers', source: 'customers.csv', kind: 'customers', rowCount: 8, columns: cc, roles: { customer_id: 'customer_id', churn: 'churn', segment: 'segment', tenure: 'tenure' } },
    { name: 'mini_orders', source: 'orders.csv', kind: 'orders', rowCount: 7, columns: oc, roles: { order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', amount: 'amount' } },
  ];
});
afterAll(async () => db.close());

const chart = (id: string, title: string, option: unknown): ReportItem => ({ id, title, source: 'Overview', filters: [], note: '', body: { kind: 'chart', option: plainOption(option), description: '' } });

describe('findFindings', () => {
  it('names the largest month-over-month move of the Overview revenue chart, with its figures', async () => {
    const data = await loadOverview(db, tables);
    expect(data.chart?.kind).toBe('monthly');
    if (data.chart?.kind !== 'monthly') return;
    const pts = data.chart.points;
    expect(pts.length).toBeGreaterThan(2);
    // The move the finding must report, worked out here from the query's own points.
    let best = { i: 0, rel: 0 };
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!.revenue, b = pts[i]!.revenue;
      if (a > 0 && Math.abs((b - a) / a) > Math.abs(best.rel)) best = { i, rel: (b - a) / a };
    }
    const item = chart('m', 'Monthly revenue', monthlyRevenueOption(pts, { title: 'Monthly revenue', revenue: 'Revenue', orders: 'Orders' }));
    const found = findFindings([item], 'en').filter((f) => f.id === 'move:m:0');
    expect(found).toHaveLength(1);
    const pct = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(best.rel));
    expect(found[0]?.text).toBe(`Revenue ${best.rel > 0 ? 'rose' : 'fell'} ${pct} from ${pts[best.i - 1]!.month} to ${pts[best.i]!.month} (${Math.round(pts[best.i - 1]!.revenue).toLocaleString('en')} → ${Math.round(pts[best.i]!.revenue).toLocaleString('en')}).`);
    expect(found[0]?.itemId).toBe('m');
  });

  it('finds the funnel bottleneck and its lost count, and ranks findings by size', () => {
    // 1000 → 600 (40 % lost) → 150 (75 % lost: the bottleneck, 450 lost) → 120.
    const funnel = chart('f', 'Funnel', funnelOption([{ stage: 'Lead', count: 1000 }, { stage: 'Qualified', count: 600 }, { stage: 'Proposal', count: 150 }, { stage: 'Won', count: 120 }], { title: 'Funnel' }));
    // One group holds 80 of 100.
    const bars = chart('b', 'By region', { xAxis: { type: 'category', data: ['N', 'S', 'E', 'W'] }, series: [{ type: 'bar', name: 'Revenue', data: [80, 10, 5, 5] }] });
    const found = findFindings([bars, funnel], 'en');
    expect(found.map((f) => f.text)).toEqual(['Funnel bottleneck: 75.0% are lost between Qualified and Proposal (450 lost).', 'N holds 80.0% of Revenue across 4 groups.']);
    expect(found.map((f) => f.itemId)).toEqual(['f', 'b']);
  });

  it('finds the segment whose churn rate differs most from the rest', () => {
    // Churn 10 %, 12 %, 35 %, 11 %: C differs most, against (10 + 12 + 11) / 3 = 11 for the rest.
    const data: BreakdownPoint[] = [
      { category: 'A', customers: 100, churnRate: 0.1 },
      { category: 'B', customers: 80, churnRate: 0.12 },
      { category: 'C', customers: 40, churnRate: 0.35 },
      { category: 'D', customers: 90, churnRate: 0.11 },
    ];
    const option = breakdownOption(data, { title: 'By segment', customers: 'Customers', churnRate: 'Churn rate' });
    const found = findFindings([chart('s', 'By segment', option)], 'en').filter((f) => f.id.startsWith('segment:'));
    expect(found.map((f) => f.text)).toEqual(['C stands out: Churn rate 35, against 11 on average for the rest.']);
  });

  it('leaves out forecast bands and projections, and weighs moves by their size', () => {
    const option = {
      xAxis: { type: 'category', data: ['2024-01', '2024-02', '2024-03', '2024-04'] },
      series: [
        { name: 'Big', type: 'line', data: [1000, 1100, 1500, 1400] },
        { name: 'Small', type: 'line', data: [10, 30, 20, 20] },
        { name: 'Forecast', type: 'line', data: [null, null, 1500, 3000], lineStyle: { type: 'dashed' } },
        { name: '__lower', type: 'line', data: [null, null, 1, 9000], stack: 'interval' },
      ],
    };
    const found = findFindings([chart('x', 'Trend', option)], 'en');
    // Small rose 200 % (10 → 30) but on a base of 10; Big rose 36.4 % (1,100 → 1,500) on its largest values: Big ranks first.
    // Keyed by the series' place (the same in every language), not its name.
    expect(found.map((f) => f.id)).toEqual(['move:x:0', 'move:x:1']);
    expect(found[0]?.text).toBe('Big rose 36.4% from 2024-02 to 2024-03 (1,100 → 1,500).');
  });

  it('drafts conclusions per tier with the counts', () => {
    const tiers: ReportItem = { id: 't', title: 'Value tiers (RFM)', source: 'Analytics', filters: [], note: '', body: { kind: 'table', columns: ['Tier', 'Customers', 'Revenue share', 'Suggested action'], rows: [['Important', '427', '64.6%', 'Keep them'], ['Low value', '441', '3.0%', 'Low-cost contact']] } };
    const text = draftConclusions([tiers], [{ id: 'x', text: 'Revenue rose.', weight: 1, kept: true }, { id: 'y', text: 'Dropped.', weight: 2, kept: false }], 'en');
    expect(text).toBe('What the data shows: Revenue rose.\nPer customer tier:\n• Important (427): Keep them\n• Low value (441): Low-cost contact');
  });
});
