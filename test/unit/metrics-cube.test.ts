/**
 * The cube route (metrics/cube.ts, report/cube.ts) gives the base route's
 * numbers: generated awkward workspaces (float ids, Chinese headers and
 * categories, blanks, returns as negative quantities, a customer whose rows
 * disagree on region, orders spanning categories or days), random filter
 * combinations, every routed comparison and sparkline run both ways on real
 * DuckDB-WASM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { RoleMap, TableInfo, TableKind } from '../../src/ingest/model.ts';
import { Random } from '../../src/lib/random.ts';
import { sqlOf } from '../../src/metrics/common.ts';
import type { CompareKpi } from '../../src/metrics/compare.ts';
import { CUBE_LINES, CUBE_ORDERS, LINE_FLAGS } from '../../src/metrics/cube.ts';
import type { Filters } from '../../src/metrics/filters.ts';
import { cubeKey, ensureCube, routeCompare } from '../../src/report/cube.ts';
import type { CompareRow } from '../../src/metrics/compare.ts';
import { inlineIndexBuilder } from '../../src/report/memory/arrow.ts';
import { answerFromIndex, buildLinesIndex, dropLinesIndex, indexRowLimit, MAX_INDEX_ROWS, readyIndex } from '../../src/report/memory/route.ts';
import {
  BIG_CUSTOMERS, COHORT, COMPARE, CUSTOMER_STATUS, LIFECYCLE_STAGE, LORENZ, LOYALTY as LOYALTY_ROW, NEW_RETURNING, PARETO, RETENTION, SALES, SCOPE, SPARKLINE, TIER_SUMMARY,
} from '../../src/report/measure-rows.ts';
import { indexedQuery, loadAnalytics } from '../../src/report/analytics.ts';
import { loadMoreMeasures } from '../../src/report/more-measures.ts';
import { buildLinesIndex as indexOfLines } from '../../src/report/memory/build.ts';
import { selectionOf } from '../../src/report/memory/lines.ts';
import { inlineHost, type IndexAnswer } from '../../src/report/memory/host.ts';
import type { TierSummaryRow } from '../../src/metrics/tiers.ts';
import { readRows, type RowShape } from '../../src/report/typed-rows.ts';

let db: Db;

beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

const SEGMENTS = ['企业', 'Consumer', '', '小微'];
const REGIONS = ['华东', 'North', '', 'West'];
const CHANNELS = ['线上', 'store', ''];
const CATEGORIES = ['电子产品', 'Books', '', '家居 & 厨房', "O'Brien"];

interface Workspace {
  orders: TableInfo;
  customers: TableInfo;
  tables: TableInfo[];
}

/** A generated workspace; `spanDays`: some orders have lines on two days or in two channels (no orders cube then), or one line without the customer; `blankDays`: some lines undated. */
async function workspace(seed: number, spanDays: boolean, blankDays = false, size = { customers: 40, orders: 400 }): Promise<Workspace> {
  const r = new Random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r.float() * xs.length)]!;
  const customerIds = Array.from({ length: size.customers }, (_, i) => `${1000 + i}.0`);
  const cust = ['客户编号,分群,地区,渠道'];
  for (const id of customerIds) cust.push(`${id},${pick(SEGMENTS)},${pick(REGIONS)},${pick(CHANNELS)}`);
  // One customer twice, disagreeing on region (a region filter must go to the base table), not on segment or channel.
  cust[4] = `${customerIds[3]},企业,华东,线上`;
  cust.push(`${customerIds[3]},,North,`);
  const lines = ['订单号,客户编号,下单日期,品类,渠道,数量,单价,状态'];
  for (let o = 0; o < size.orders; o++) {
    const id = `${5000 + o}.0`;
    const customer = r.float() < 0.05 ? '' : pick(customerIds);
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(r.float() * 700) * 86400000).toISOString().slice(0, 10);
    const n = 1 + Math.floor(r.float() * 3);
    const channel = pick(CHANNELS);
    for (let l = 0; l < n; l++) {
      const lineDay = spanDays && l === 1 && r.float() < 0.3 ? new Date(Date.parse(day) + 86400000).toISOString().slice(0, 10) : day;
      const qty = r.float() < 0.08 ? -1 - Math.floor(r.float() * 2) : r.float() < 0.03 ? '' : 1 + Math.floor(r.float() * 4);
      const price = r.float() < 0.03 ? '' : (r.float() * 200).toFixed(2);
      const status = r.float() < 0.04 ? '已退货' : 'ok';
      const category = pick(CATEGORIES);
      // Some orders' third line in another channel too (their lines then disagree on more than the category).
      const lineChannel = spanDays && l === 2 && r.float() < 0.3 ? pick(CHANNELS) : channel;
      // Some orders' second line without the customer (the scope counts such an order once, from either side).
      const lineCustomer = spanDays && l === 1 && r.float() < 0.2 ? '' : customer;
      lines.push(`${id},${lineCustomer},${blankDays && r.float() < 0.03 ? '' : lineDay},"${category}",${lineChannel},${qty},${price},${status}`);
    }
  }
  const load = async (name: string, csv: string[], kind: TableKind, roles: RoleMap): Promise<TableInfo> => {
    const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv.join('\n')), tableName: name });
    return { ...table, kind, roles };
  };
  const customers = await load(`cube_customers_${seed}`, cust, 'customers', { customer_id: '客户编号', segment: '分群', region: '地区', channel: '渠道' });
  const orders = await load(`cube_orders_${seed}`, lines, 'orders', {
    order_id: '订单号', customer_id: '客户编号', order_date: '下单日期', category: '品类', channel: '渠道', quantity: '数量', unit_price: '单价', order_status: '状态',
  });
  return { orders, customers, tables: [customers, orders] };
}

function randomFilters(r: Random): Filters {
  const f: Filters = {};
  const some = (xs: readonly string[]) => xs.filter(() => r.float() < 0.4);
  if (r.float() < 0.5) f.segment = some(SEGMENTS);
  if (r.float() < 0.3) f.region = some(REGIONS);
  if (r.float() < 0.5) f.channel = some(CHANNELS);
  if (r.float() < 0.5) f.category = some(CATEGORIES);
  if (r.float() < 0.5) f.revenue = r.float() < 0.5 ? 'gross' : 'net';
  return f;
}

/** Equal counts exactly; sums to 1e-9 relative (float addition in another order). */
function expectSame(cube: Row[], base: Row[], what: string): void {
  expect(cube.length, what).toBe(base.length);
  cube.forEach((row, i) => {
    for (const [k, v] of Object.entries(base[i]!)) {
      const c = row[k];
      if (typeof v === 'number' && typeof c === 'number' && !(Number.isInteger(v) && Number.isInteger(c))) expect(Math.abs(c - v), `${what} ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
      else expect(c, `${what} ${k}`).toEqual(v);
    }
  });
}

const KPIS: readonly CompareKpi[] = ['revenue', 'orders', 'aov'];

async function compareRoutes(ws: Workspace, seed: number, rounds: number): Promise<{ cube: number; base: number }> {
  const spec = await ensureCube(db, ws.tables, `test-${seed}`);
  const r = new Random(seed + 1);
  const counts = { cube: 0, memory: 0, base: 0 };
  for (let i = 0; i < rounds; i++) {
    const filters = randomFilters(r);
    const asOf = new Date(Date.UTC(2024, 3, 1) + Math.floor(r.float() * 500) * 86400000).toISOString().slice(0, 10);
    for (const kpi of KPIS) {
      for (const which of ['compare', 'spark'] as const) {
        const opts = { kpi, tables: { orders: ws.orders, customers: ws.customers }, grain: r.float() < 0.5 ? ('month' as const) : ('week' as const), asOf, toDate: r.float() < 0.5, filters, periods: 6 };
        const routed = routeCompare(spec, which, opts);
        const base = routeCompare(null, which, opts);
        expect(base.route.kind).toBe('base');
        counts[routed.route.kind]++;
        if (routed.route.kind === 'base') continue;
        expect(sqlOf(routed.query)).not.toBe(sqlOf(base.query));
        expect(routed.query.ok && routed.query.ignoredFilters).toEqual(base.query.ok && base.query.ignoredFilters);
        const what = `${which} ${kpi} ${JSON.stringify(filters)} as of ${asOf}`;
        expectSame((await db.query(sqlOf(routed.query))).rows, (await db.query(sqlOf(base.query))).rows, what);
      }
    }
  }
  return counts;
}

describe('cube route', () => {
  it('gives the base route’s revenue, orders and AOV for random filters (orders on one day each)', async () => {
    const ws = await workspace(7, false);
    const counts = await compareRoutes(ws, 7, 25);
    // Both routes are exercised: a region filter (and a category filter on orders) keeps the base table.
    expect(counts.cube).toBeGreaterThan(40);
    expect(counts.base).toBeGreaterThan(40);
    const n = (await db.query(`SELECT count(*) AS n FROM ${CUBE_ORDERS}`)).rows[0]!.n;
    expect(Number(n)).toBeGreaterThan(0);
  });

  it('keeps orders on the base table when orders span days, revenue still on the cube', async () => {
    const ws = await workspace(11, true);
    const spec = await ensureCube(db, ws.tables, 'test-11');
    expect(spec?.orderDims).toBeNull();
    const opts = { kpi: 'orders' as const, tables: { orders: ws.orders, customers: ws.customers }, grain: 'month' as const, asOf: '2025-06-30', filters: {} };
    expect(routeCompare(spec, 'compare', opts).route.kind).toBe('base');
    expect(routeCompare(spec, 'compare', { ...opts, kpi: 'revenue' }).route).toEqual({ kind: 'cube', tables: [CUBE_LINES] });
    await compareRoutes(ws, 11, 10);
  });

  it('leaves region (a customer whose rows disagree), category orders, risk and value tiers on the base table', async () => {
    const ws = await workspace(7, false);
    const spec = await ensureCube(db, ws.tables, 'test-7b');
    expect(spec?.lineDims).toEqual(['segment', 'channel', 'category']);
    // Orders of several categories: category is not an order-level dimension; the order's channel is.
    expect(spec?.orderDims).toEqual(['segment', 'channel']);
    const tables = { orders: ws.orders, customers: ws.customers };
    const base = { tables, grain: 'month' as const, asOf: '2025-06-30' };
    expect(routeCompare(spec, 'compare', { ...base, kpi: 'revenue', filters: { region: ['North'] } }).route.kind).toBe('base');
    expect(routeCompare(spec, 'compare', { ...base, kpi: 'revenue', filters: { category: ['Books'] } }).route.kind).toBe('cube');
    expect(routeCompare(spec, 'compare', { ...base, kpi: 'orders', filters: { category: ['Books'] } }).route.kind).toBe('base');
    expect(routeCompare(spec, 'compare', { ...base, kpi: 'revenue', filters: { risk: ['high'] } }).route.kind).toBe('base');
    expect(routeCompare(spec, 'compare', { ...base, kpi: 'buyers', filters: {} }).route.kind).toBe('base');
  });

  it('rebuilds when the key changes and reuses the cube when it does not', async () => {
    const ws = await workspace(13, false);
    const a = await ensureCube(db, ws.tables, 'v1');
    expect(await ensureCube(db, ws.tables, 'v1')).toBe(a);
    await db.exec(`DELETE FROM ${ws.orders.name} WHERE 品类 = 'Books'`);
    const b = await ensureCube(db, ws.tables, 'v2');
    expect(b).not.toBe(a);
    const left = (await db.query(`SELECT count(*) AS n FROM ${CUBE_LINES} WHERE dim_category = 'Books'`)).rows[0]!.n;
    expect(Number(left)).toBe(0);
    await compareRoutes(ws, 13, 5);
  });
});

describe('in-memory lines index (report/memory)', () => {
  const asked: { id: string; ask: IndexAnswer; shape: RowShape<unknown> }[] = [
    // salesSql as the Analytics page asks it (by category), and as the bench's dashboard does (total, by month, by category × month).
    { id: 'sales by category', ask: { kind: 'sales', by: 'category' }, shape: SALES as RowShape<unknown> },
    { id: 'sales', ask: { kind: 'sales' }, shape: SALES as RowShape<unknown> },
    { id: 'sales by month', ask: { kind: 'sales', grain: 'month' }, shape: SALES as RowShape<unknown> },
    { id: 'sales by category and month', ask: { kind: 'sales', by: 'category', grain: 'month' }, shape: SALES as RowShape<unknown> },
    // As the Analytics page's breakdowns ask it (more-measures.ts): by another dimension, a read per value.
    { id: 'sales by channel', ask: { kind: 'sales', by: 'channel' }, shape: SALES as RowShape<unknown> },
    { id: 'sales by segment', ask: { kind: 'sales', by: 'segment' }, shape: SALES as RowShape<unknown> },
    ...(['revenue', 'orders', 'aov', 'buyers'] as const).flatMap((kpi) => [
      { id: `compare ${kpi}`, ask: { kind: 'compare' as const, kpi }, shape: COMPARE as RowShape<unknown> },
      { id: `spark ${kpi}`, ask: { kind: 'spark' as const, kpi }, shape: SPARKLINE as RowShape<unknown> },
    ]),
    // Per customer (customers.ts), with the Analytics page's parameters and others.
    { id: 'loyalty', ask: { kind: 'loyalty' }, shape: LOYALTY_ROW as RowShape<unknown> },
    { id: 'tiers', ask: { kind: 'tiers' }, shape: TIER_SUMMARY as RowShape<unknown> },
    { id: 'pareto 20%', ask: { kind: 'pareto', topShare: 0.2 }, shape: PARETO as RowShape<unknown> },
    { id: 'pareto 15%', ask: { kind: 'pareto', topShare: 0.15 }, shape: PARETO as RowShape<unknown> },
    { id: 'lorenz 40', ask: { kind: 'lorenz', points: 40 }, shape: LORENZ as RowShape<unknown> },
    { id: 'lorenz 7', ask: { kind: 'lorenz', points: 7 }, shape: LORENZ as RowShape<unknown> },
    // The breakdowns' big vs small customers (bigCustomersSql), and another share.
    { id: 'big 20%', ask: { kind: 'big', topShare: 0.2 }, shape: BIG_CUSTOMERS as RowShape<unknown> },
    { id: 'big 7%', ask: { kind: 'big', topShare: 0.07 }, shape: BIG_CUSTOMERS as RowShape<unknown> },
    // Over time (activity.ts). Customer status only without a customers table (the page asks it then only).
    { id: 'status', ask: { kind: 'status' }, shape: CUSTOMER_STATUS as RowShape<unknown> },
    { id: 'new and returning', ask: { kind: 'newReturning' }, shape: NEW_RETURNING as RowShape<unknown> },
    { id: 'retention', ask: { kind: 'retention' }, shape: RETENTION as RowShape<unknown> },
    { id: 'cohorts 12', ask: { kind: 'cohorts', maxMonths: 12 }, shape: COHORT as RowShape<unknown> },
    { id: 'cohorts 3', ask: { kind: 'cohorts', maxMonths: 3 }, shape: COHORT as RowShape<unknown> },
    { id: 'lifecycle', ask: { kind: 'lifecycle' }, shape: LIFECYCLE_STAGE as RowShape<unknown> },
    { id: 'scope', ask: { kind: 'scope' }, shape: SCOPE as RowShape<unknown> },
  ];

  /** The base table's SQL for `ask`, as the Analytics page builds it. */
  const baseSql = (tables: { orders: TableInfo; customers?: TableInfo }, ask: IndexAnswer, filters: Filters, asOf: string): string => sqlOf(indexedQuery(ask, tables, filters, asOf));

  async function indexed(ws: Workspace, key: string) {
    const spec = (await ensureCube(db, ws.tables, key))!;
    const full = cubeKey(ws.tables, key);
    dropLinesIndex();
    expect(await buildLinesIndex(db, spec, full, inlineIndexBuilder)).not.toBeNull();
    return readyIndex(db, full)!;
  }

  it('gives the base table’s rows for every measure it answers, under random filters and dates (blank days, returns, float ids)', async () => {
    for (const [seed, spanDays, withCustomers] of [[21, false, true], [23, true, true], [25, true, false]] as const) {
      const full = await workspace(seed, spanDays, true);
      // Without the customers table, segment and region are no filter (on both routes).
      const ws = withCustomers ? full : { ...full, tables: [full.orders] };
      const tables = withCustomers ? { orders: ws.orders, customers: ws.customers } : { orders: ws.orders };
      const ready = await indexed(ws, `mem-${seed}`);
      // Without the customers table the orders have no segment to group by.
      const measures = asked.filter((a) => (withCustomers ? a.ask.kind !== 'status' : !(a.ask.kind === 'sales' && a.ask.by === 'segment')));
      const r = new Random(seed + 1);
      let answered = 0;
      let refused = 0;
      const answeredById = new Map<string, number>();
      const day = (k: number) => new Date(Date.UTC(2024, 0, 1) + k * 86400000).toISOString().slice(0, 10);
      for (let i = 0; i < 32; i++) {
        // First a channel nobody has (nothing kept), with open and with closed dates; then random filters.
        const filters: Filters = i === 0 ? { channel: ['nobody'] } : i === 1 ? { channel: ['nobody'], from: day(10), to: day(200) } : randomFilters(r);
        // From dates before the lines' first day too (the months the SQL lists then begin before the index's).
        if (i > 1 && r.float() < 0.5) filters.from = day(Math.floor(r.float() * 490) - 90);
        if (i > 1 && r.float() < 0.5) filters.to = day(300 + Math.floor(r.float() * 500));
        const asOf = day(Math.floor(r.float() * 760));
        // Both orders: sales by category read on its own, or from the sales pass the KPIs made before it.
        const batch = i % 2 === 0 ? measures : [...measures].reverse();
        const answers = await answerFromIndex(ready, batch.map((a) => a.ask), filters, asOf);
        for (const [k, { id, ask, shape }] of batch.entries()) {
          const rows = answers[k] ?? null;
          if (rows === null) {
            refused++;
            continue;
          }
          answered++;
          answeredById.set(id, (answeredById.get(id) ?? 0) + 1);
          const what = `${id} ${JSON.stringify(filters)} as of ${asOf}`;
          const base = readRows((await db.query(baseSql(tables, ask, filters, asOf))).rows, shape, what);
          expectSame(readRows(rows as Row[], shape, what) as Row[], base as Row[], what);
        }
      }
      // Region filters (a customer whose rows disagree) are refused; everything else answered.
      expect(answered).toBeGreaterThan(250);
      if (withCustomers) expect(refused).toBeGreaterThan(0);
      // Every measure answered, under most of the filters.
      // Big vs small customers also when no tie straddles its cut, and with dates when some lines are undated.
      for (const { id } of measures) expect(answeredById.get(id) ?? 0, id).toBeGreaterThan(id.startsWith('big') ? 8 : 15);
    }
  });

  it('the breakdowns read sales by a dimension, and big vs small customers, from the index once it is built, with the SQL’s rows', async () => {
    // Some lines undated: big customers without a date bound is then the SQL's.
    const ws = await workspace(27, false, true);
    await indexed(ws, 'mem-27');
    const r = new Random(28);
    const fromIndex = { sales: 0, big: 0 };
    const dated = (f: Filters, k: number): Filters => (k % 2 === 0 ? { ...f, from: '2024-03-01' } : { ...f, to: '2025-06-30' });
    for (const filters of [{}, { channel: [CHANNELS[1]!] }, { from: '2024-02-01', to: '2024-12-31' }, ...Array.from({ length: 6 }, (_, k) => dated(randomFilters(r), k))]) {
      for (const choice of [{ dim: 'channel', table: ws.orders.name, column: 'channel', viaCustomers: false }, { dim: 'segment', table: ws.customers.name, column: 'segment', viaCustomers: true }] as const) {
        const routed = (await loadMoreMeasures(db, ws.tables, filters, choice, { key: 'mem-27' })).measures;
        const base = (await loadMoreMeasures(db, ws.tables, filters, choice)).measures;
        for (const id of ['sales', 'big'] as const) {
          const what = `${id} by ${choice.dim} ${JSON.stringify(filters)}`;
          expect(base[id].route, what).toBeUndefined();
          if (routed[id].route?.kind === 'memory') fromIndex[id]++;
          expect(routed[id].sql, what).toBe(base[id].sql);
          expectSame(routed[id].rows as unknown as Row[], base[id].rows as unknown as Row[], what);
        }
      }
    }
    // Region filters are refused (a customer whose rows disagree), and big customers where a tie straddles the cut.
    expect(fromIndex.sales).toBeGreaterThan(8);
    expect(fromIndex.big).toBeGreaterThan(3);
  });

  it('big vs small customers: a tie across the cut is the SQL’s when the tied customers’ orders agree, and left to it when they differ', async () => {
    // Five customers, the top fifth (one) big. A and B both spend 100; the SQL takes A (ties by customer id).
    const orders = async (name: string, bLines: string[]) => {
      // B's lines first: the index meets B before A.
      const csv = ['order_id,customer_id,order_date,channel,amount', ...bLines, 'o1,A,2024-01-05,web,100', 'o4,C,2024-01-07,web,60', 'o5,D,2024-01-08,app,40', 'o6,E,2024-01-09,app,20'];
      const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv.join('\n')), tableName: name });
      const t: TableInfo = { ...table, kind: 'orders', roles: { order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', channel: 'channel', amount: 'amount' } };
      await indexed({ orders: t, customers: t, tables: [t] }, name);
      const choice = { dim: 'channel', table: name, column: 'channel', viaCustomers: false } as const;
      const routed = (await loadMoreMeasures(db, [t], {}, choice, { key: name })).measures.big;
      const base = (await loadMoreMeasures(db, [t], {}, choice)).measures.big;
      expectSame(routed.rows as unknown as Row[], base.rows as unknown as Row[], name);
      return { route: routed.route?.kind ?? 'base', big: base.rows[0]! };
    };
    // B in one order, as A: either is big with the same figures, and the index answers.
    const same = await orders('big_tie_same', ['o2,B,2024-01-06,web,100']);
    expect(same).toEqual({ route: 'memory', big: expect.objectContaining({ tier: 'big', customers: 1, revenue: 100, orders: 1 }) });
    // B in two orders of 50: which of A and B is big changes the big tier's orders, so the SQL answers.
    const differ = await orders('big_tie_differ', ['o2,B,2024-01-06,web,50', 'o3,B,2024-01-06,web,50']);
    expect(differ).toEqual({ route: 'base', big: expect.objectContaining({ tier: 'big', customers: 1, revenue: 100, orders: 1 }) });
  });

  it('gives the SQL’s tiers, Pareto and Lorenz with enough customers for the counting sort, on arrays reused from filter to filter', async () => {
    // 600 customers: RFM orders their spend by counting (sortedCents counts from 256 on), in arrays the last filters' reads handed back.
    const ws = await workspace(31, false, true, { customers: 600, orders: 2500 });
    const ready = await indexed(ws, 'mem-31');
    const ids = ['tiers', 'pareto 20%', 'pareto 15%', 'lorenz 40', 'loyalty', 'new and returning', 'cohorts 12', 'scope'];
    const measures = asked.filter((a) => ids.includes(a.id));
    const day = (k: number) => new Date(Date.UTC(2024, 0, 1) + k * 86400000).toISOString().slice(0, 10);
    const r = new Random(32);
    const sets: Filters[] = [{}, { from: day(60) }, { to: day(500), revenue: 'gross' }, { channel: [CHANNELS[0]!, CHANNELS[1]!] }, ...Array.from({ length: 4 }, () => randomFilters(r))];
    let answered = 0;
    for (const [i, filters] of sets.entries()) {
      const asOf = day(650);
      const answers = await answerFromIndex(ready, measures.map((a) => a.ask), filters, asOf);
      for (const [k, { id, shape }] of measures.entries()) {
        const rows = answers[k] ?? null;
        if (rows === null) continue;
        answered++;
        const what = `${id} ${JSON.stringify(filters)} as of ${asOf}`;
        const base = readRows((await db.query(baseSql({ orders: ws.orders, customers: ws.customers }, measures[k]!.ask, filters, asOf))).rows, shape, what);
        expectSame(readRows(rows as Row[], shape, what) as Row[], base as Row[], what);
        // The premise: the first filters score more customers than the counting sort's threshold.
        if (i < 2 && id === 'tiers') expect((base as { customers: number }[]).reduce((n, t) => n + t.customers, 0)).toBeGreaterThan(256);
      }
    }
    expect(answered).toBeGreaterThan(40);
  });

  it('refuses what it cannot answer exactly: a disagreeing customer-level dimension, risk and value tiers', async () => {
    const ws = await workspace(7, false);
    const ready = await indexed(ws, 'mem-7');
    expect([...ready.host.dims].sort()).toEqual(['category', 'channel', 'segment']);
    const ask = async (filters: Filters) => (await answerFromIndex(ready, [{ kind: 'compare', kpi: 'buyers' }], filters, '2025-06-30'))[0];
    expect(await ask({ region: ['North'] })).toBeNull();
    expect(await ask({ risk: ['high'] })).toBeNull();
    expect(await ask({ valueTier: ['important'] })).toBeNull();
    // A value nobody has keeps nothing (not everything).
    const none = (await ask({ channel: ['no such channel'] })) as CompareRow[];
    expect(none[0]!.current_value).toBe(0);
    expect(none[0]!.previous_value).toBe(0);
  });

  it('answers nothing when an amount is not a finite number (the SQL routes answer then)', () => {
    const lines = {
      rows: 2, day: Int32Array.of(19000, 19001), customer: Int32Array.of(0, 0), customers: 1, order: Int32Array.of(0, 1), orders: 2,
      flags: new Uint8Array(2), amount: Float64Array.of(1, 2), quantity: Float64Array.of(1, 1), dims: {}, has: { amount: true, quantity: true, customer: true },
    };
    expect(selectionOf(indexOfLines(lines), {}, [])).not.toBeNull();
    expect(selectionOf(indexOfLines({ ...lines, amount: Float64Array.of(1, Infinity) }), {}, [])).toBeNull();
    expect(selectionOf(indexOfLines({ ...lines, quantity: Float64Array.of(Number.NaN, 1) }), {}, [])).toBeNull();
  });

  it('refuses the per-customer measures where its order counts would differ from the SQL’s', async () => {
    // Three sales lines of customer 0, 0 and `customer`, in orders 0, 1 and `order`.
    const lines = (order: number, customer: number, flags = 0) => indexOfLines({
      rows: 3, day: Int32Array.of(19000, 19010, 19020), customer: Int32Array.of(0, 0, customer), customers: 2, order: Int32Array.of(0, 1, order), orders: 3,
      flags: Uint8Array.of(0, 0, flags), amount: Float64Array.of(10, 20, 30), quantity: Float64Array.of(1, 1, 1), dims: {}, has: { amount: true, quantity: true, customer: true },
    });
    const asks: IndexAnswer[] = [{ kind: 'sales' }, { kind: 'loyalty' }, { kind: 'tiers' }, { kind: 'pareto', topShare: 0.2 }];
    const answer = (ix: ReturnType<typeof indexOfLines>) => inlineHost(ix).answer({ asks, filters: {}, asOf: '2022-12-31', shapeDims: [] });
    const refused = (xs: unknown[]) => xs.map((x) => x === null);
    // Each order of one customer: all answered (customer 0 bought twice, 10 days apart).
    const fine = await answer(lines(2, 1));
    expect(refused(fine)).toEqual([false, false, false, false]);
    expect(fine[1]).toEqual([expect.objectContaining({ customers: 2, orders: 3, repeat_customers: 1, interpurchase_gaps: 1, median_interpurchase_days: 10 })]);
    // Order 1 has lines of customers 0 and 1: the SQL counts it for each, the index would once.
    expect(refused(await answer(lines(1, 1)))).toEqual([false, true, true, true]);
    // A sales line without an order key: loyalty's SQL groups such lines as one order; RFM leaves them out.
    const orderless = await answer(lines(-1, 1, LINE_FLAGS.noOrder));
    expect(refused(orderless)).toEqual([false, true, false, false]);
    expect((orderless[2] as TierSummaryRow[]).reduce((n, t) => n + t.customers, 0)).toBe(2);
  });

  it('builds the index before the first run from `indexFirstRows` lines on, so no per-customer measure asks SQL', async () => {
    const ws = await workspace(27, false);
    dropLinesIndex();
    const routeOf = (a: Awaited<ReturnType<typeof loadAnalytics>>) => [a.loyalty.route?.kind, a.tiers.route?.kind, a.cohorts.route?.kind];
    // Below the threshold: the first run reads SQL, and the index comes after it.
    const after = await loadAnalytics(db, ws.tables, {}, { key: 'first-a', index: inlineIndexBuilder, indexFirstRows: ws.orders.rowCount + 1 });
    expect(routeOf(after)).toEqual(['base', 'base', 'base']);
    dropLinesIndex();
    // The page is told what the build is doing, with the lines, to say why the first run waits.
    const stages: [string | null, number][] = [];
    const first = await loadAnalytics(db, ws.tables, {}, {
      key: 'first-b', index: inlineIndexBuilder, indexFirstRows: ws.orders.rowCount, onIndexStage: (s, rows) => stages.push([s, rows]),
    });
    expect(routeOf(first)).toEqual(['memory', 'memory', 'memory']);
    expect(stages).toEqual([['read', ws.orders.rowCount], ['index', ws.orders.rowCount], [null, ws.orders.rowCount]]);
    // The same numbers as the SQL's.
    const base = await loadAnalytics(db, ws.tables, {}, { key: 'first-b', forceBase: true });
    for (const id of ['loyalty', 'tiers', 'cohorts', 'retention', 'newReturning', 'lifecycle', 'scope'] as const) expectSame(first[id].rows as unknown as Row[], base[id].rows as unknown as Row[], id);
    dropLinesIndex();
  });

  it('indexes fewer lines on a device with less memory (a quarter of it for the build)', () => {
    expect(indexRowLimit(undefined)).toBe(MAX_INDEX_ROWS);
    expect(indexRowLimit(8)).toBe(MAX_INDEX_ROWS);
    expect(indexRowLimit(4)).toBeLessThan(MAX_INDEX_ROWS);
    expect(indexRowLimit(4)).toBeGreaterThan(5_000_000);
    expect(indexRowLimit(1)).toBeLessThan(2_000_000);
    expect(indexRowLimit(0.5)).toBeGreaterThan(500_000);
    expect(indexRowLimit(Number.NaN)).toBe(MAX_INDEX_ROWS);
  });

  it('tells a second caller of a build under way its present stage, then the rest', async () => {
    const ws = await workspace(14, false);
    const spec = (await ensureCube(db, ws.tables, 'mem-stage'))!;
    const key = cubeKey(ws.tables, 'mem-stage');
    dropLinesIndex();
    const seen: Record<string, (string | null)[]> = { first: [], second: [] };
    const a = buildLinesIndex(db, spec, key, inlineIndexBuilder, (s) => seen.first!.push(s));
    const b = buildLinesIndex(db, spec, key, inlineIndexBuilder, (s) => seen.second!.push(s));
    expect(seen.second).toEqual(['read']);
    expect(await b).toBe(await a);
    expect(seen).toEqual({ first: ['read', 'index', null], second: ['read', 'index', null] });
    // Once built, nothing more is said.
    await buildLinesIndex(db, spec, key, inlineIndexBuilder, (s) => seen.first!.push(s));
    expect(seen.first).toEqual(['read', 'index', null]);
    // A builder that fails before the read comes back: over, and the read's return says nothing after it.
    dropLinesIndex();
    const failed: (string | null)[] = [];
    const failing = async () => {
      throw new Error('no worker');
    };
    expect(await buildLinesIndex(db, spec, cubeKey(ws.tables, 'mem-stage-2'), failing, (s) => failed.push(s))).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(failed).toEqual(['read', null]);
    // Asked again (the same tables), the failed build is not retried, and nothing is said.
    expect(await buildLinesIndex(db, spec, cubeKey(ws.tables, 'mem-stage-2'), failing, (s) => failed.push(s))).toBeNull();
    expect(failed).toEqual(['read', null]);
    dropLinesIndex();
  });

  it('is kept per key: the same key reuses it, a new workspace version builds again', async () => {
    const ws = await workspace(13, false);
    const spec = (await ensureCube(db, ws.tables, 'mem-v1'))!;
    const key = cubeKey(ws.tables, 'mem-v1');
    dropLinesIndex();
    const a = await buildLinesIndex(db, spec, key, inlineIndexBuilder);
    expect(await buildLinesIndex(db, spec, key, inlineIndexBuilder)).toBe(a);
    expect(readyIndex(db, cubeKey(ws.tables, 'mem-v2'))).toBeNull();
    // A builder that fails leaves no index: the SQL routes answer.
    const failing = async () => {
      throw new Error('out of memory');
    };
    expect(await buildLinesIndex(db, spec, cubeKey(ws.tables, 'mem-v3'), failing)).toBeNull();
    expect(readyIndex(db, cubeKey(ws.tables, 'mem-v3'))).toBeNull();
    // A host that fails later (its worker died) answers nothing and is dropped: the SQL routes answer from then on.
    let closed = false;
    const dying: typeof inlineIndexBuilder = async () => ({
      rows: 1,
      dims: [],
      answer: async () => {
        throw new Error('worker gone');
      },
      close: () => {
        closed = true;
      },
    });
    const v4 = cubeKey(ws.tables, 'mem-v4');
    await buildLinesIndex(db, spec, v4, dying);
    const ready = readyIndex(db, v4)!;
    expect(await answerFromIndex(ready, [{ kind: 'sales' }, { kind: 'spark', kpi: 'orders' }], {}, '2025-06-30')).toEqual([null, null]);
    expect(closed).toBe(true);
    expect(readyIndex(db, v4)).toBeNull();
  });
});
