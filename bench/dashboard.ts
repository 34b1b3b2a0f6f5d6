/**
 * The dashboard step of `npm run bench` (issue 13): the app's whole dashboard
 * on DuckDB-WASM (the Overview and every Analytics measure, as the pages run
 * them through src/report, then the Analytics measures again after each of
 * five filter changes) against PapaParse + plain JavaScript over the same file.
 *
 * The JavaScript side is written the plain way (stream-parse into column
 * arrays, then one pass per measure with Maps and Sets) and covers the
 * measures listed in `JS_MEASURES`; its numbers are checked against the
 * SQL's on the same data, value by value. Two ratios come out: JS time for
 * its measures over the SQL time for the same measures (like for like), and
 * over the SQL time for the whole dashboard (every measure; the JS side does
 * less work, so this ratio flatters JS).
 *
 *   node --expose-gc --import tsx bench/dashboard.ts [--file bench/data/orders_1m.csv]
 *   npm run bench -- --steps dashboard
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Db, Row } from '../src/db/types.ts';
import type { TableInfo } from '../src/ingest/model.ts';
import { ident, lit } from '../src/lib/sql.ts';
import type { Filters } from '../src/metrics/filters.ts';
import { sqlOf } from '../src/metrics/common.ts';
import { kpiSql, monthlyRevenueSql } from '../src/metrics/overview.ts';
import { salesSql } from '../src/metrics/sales.ts';
import { fmt, mb, streamCsv, textTable, type Target } from './report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The filter changes a user makes (the browser step's too). */
export const FILTER_CHANGES: Filters[] = [
  { from: '2024-01-01', to: '2024-12-31', channel: ['web'] },
  { from: '2025-01-01', to: '2025-06-30', channel: ['app'] },
  { from: '2023-07-01', to: '2024-06-30', channel: ['store'] },
  { from: '2025-10-01', to: '2025-12-31', channel: ['marketplace'] },
  { from: '2023-01-01', to: '2025-12-31', channel: ['web', 'app'] },
];

/** What the JavaScript side computes (and is checked on). */
export const JS_MEASURES = ['overview KPIs (customers, orders, revenue, repeat rate)', 'monthly revenue and orders', 'sales by category, unfiltered and per filter change'];

// ---------------------------------------------------------------- PapaParse + JS

interface Columns {
  orderId: string[];
  customerId: string[];
  day: string[];
  category: string[];
  channel: string[];
  quantity: Float64Array;
  amount: Float64Array;
  n: number;
}

async function parseColumns(file: string): Promise<Columns> {
  const size = Math.ceil(fs.statSync(file).size / 40);
  const c: Columns = { orderId: [], customerId: [], day: [], category: [], channel: [], quantity: new Float64Array(size), amount: new Float64Array(size), n: 0 };
  await streamCsv(file, (row, col) => {
    const i = c.n++;
    c.orderId.push(row[col.order_id!]!);
    c.customerId.push(row[col.customer_id!]!);
    c.day.push(row[col.order_date!]!);
    c.category.push(row[col.category!]!);
    c.channel.push(row[col.channel!]!);
    c.quantity[i] = Number(row[col.quantity!]);
    c.amount[i] = Number(row[col.amount!]);
  });
  return c;
}

const isReturn = (c: Columns, i: number): boolean => c.quantity[i]! < 0 || c.amount[i]! < 0;

function keep(c: Columns, f: Filters | undefined): (i: number) => boolean {
  if (!f) return () => true;
  const channels = f.channel && f.channel.length ? new Set(f.channel) : null;
  return (i) => (f.from === undefined || c.day[i]! >= f.from) && (f.to === undefined || c.day[i]! <= f.to) && (channels === null || channels.has(c.channel[i]!));
}

function jsKpis(c: Columns): Record<string, number> {
  const orders = new Set<string>();
  const perCustomer = new Map<string, Set<string>>();
  let revenue = 0;
  for (let i = 0; i < c.n; i++) {
    revenue += c.amount[i]!;
    if (isReturn(c, i)) continue;
    orders.add(c.orderId[i]!);
    let s = perCustomer.get(c.customerId[i]!);
    if (!s) perCustomer.set(c.customerId[i]!, (s = new Set()));
    s.add(c.orderId[i]!);
  }
  let repeat = 0;
  for (const s of perCustomer.values()) if (s.size >= 2) repeat++;
  return { customers: perCustomer.size, orders: orders.size, revenue, repeat_rate: repeat / perCustomer.size };
}

function jsMonthly(c: Columns): Row[] {
  const by = new Map<string, { revenue: number; orders: Set<string> }>();
  for (let i = 0; i < c.n; i++) {
    const month = c.day[i]!.slice(0, 7);
    let m = by.get(month);
    if (!m) by.set(month, (m = { revenue: 0, orders: new Set() }));
    m.revenue += c.amount[i]!;
    if (!isReturn(c, i)) m.orders.add(c.orderId[i]!);
  }
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, m]) => ({ month, revenue: m.revenue, orders: m.orders.size }));
}

function jsByCategory(c: Columns, f?: Filters): Row[] {
  const ok = keep(c, f);
  const by = new Map<string, { revenue: number; orders: Set<string>; customers: Set<string>; units: number; lines: number }>();
  for (let i = 0; i < c.n; i++) {
    if (!ok(i)) continue;
    let g = by.get(c.category[i]!);
    if (!g) by.set(c.category[i]!, (g = { revenue: 0, orders: new Set(), customers: new Set(), units: 0, lines: 0 }));
    g.revenue += c.amount[i]!;
    g.units += c.quantity[i]!;
    g.lines++;
    if (!isReturn(c, i)) {
      g.orders.add(c.orderId[i]!);
      g.customers.add(c.customerId[i]!);
    }
  }
  return [...by.entries()]
    .map(([group_value, g]) => ({ group_value, revenue: g.revenue, orders: g.orders.size, units: g.units, customers: g.customers.size, lines: g.lines }))
    .sort((a, b) => b.revenue - a.revenue || b.orders - a.orders || (a.group_value < b.group_value ? -1 : 1));
}

interface JsDashboard {
  kpis: Record<string, number>;
  monthly: Row[];
  byCategory: Row[];
  filtered: Row[][];
}

// ---------------------------------------------------------------- agreement

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

/** The first place the JS rows differ from the SQL rows on the JS rows' fields, or null. */
function difference(what: string, js: readonly Row[], sqlRows: readonly object[]): string | null {
  const sql = sqlRows as readonly Row[];
  if (js.length !== sql.length) return `${what}: ${js.length} rows in JS, ${sql.length} in SQL`;
  for (let i = 0; i < js.length; i++) {
    for (const k of Object.keys(js[i]!)) {
      const s = k === 'month' ? String(sql[i]![k]).slice(0, 7) : sql[i]![k];
      if (!same(js[i]![k], s)) return `${what}, row ${i + 1}, ${k}: JS ${String(js[i]![k])}, SQL ${String(s)}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------- the step

export interface DashboardReport {
  file: string;
  rows: number;
  /** `onCube`: Analytics measures the app's route read from the cubes (period comparisons and sparklines of revenue, orders, AOV). */
  measures: { sqlWhole: number; onCube: number; fromIndex: number; js: readonly string[] };
  js: { parseMs: number; firstMs: number; refreshMs: number[]; totalMs: number; peakHeapMb: number };
  /** DuckDB-WASM: the whole dashboard (every measure), and the JS side's measures alone. */
  /** `indexMs`: the lines index's build after the first render (null when none was built). */
  wasm: { loadMs: number; cubeMs: number; firstMs: number; indexMs: number | null; refreshMs: number[]; totalMs: number; sameMeasuresMs: number; engine: string };
  ratios: { likeForLike: number; wholeDashboard: number };
  agree: boolean;
  difference: string | null;
  targets: Record<string, Target>;
}

export async function dashboardBench(file: string, log: (l: string) => void): Promise<DashboardReport> {
  log(`Dashboard: PapaParse + JS vs DuckDB-WASM (Node) over ${path.relative(process.cwd(), file)}`);
  // JS first, on a clean heap.
  globalThis.gc?.();
  const j0 = performance.now();
  const cols = await parseColumns(file);
  const j1 = performance.now();
  const js: JsDashboard = { kpis: jsKpis(cols), monthly: jsMonthly(cols), byCategory: jsByCategory(cols), filtered: [] };
  const j2 = performance.now();
  const jsRefresh: number[] = [];
  for (const f of FILTER_CHANGES) {
    const t = performance.now();
    js.filtered.push(jsByCategory(cols, f));
    jsRefresh.push(performance.now() - t);
  }
  const jsTotal = performance.now() - j0;
  const peakHeapMb = mb(process.memoryUsage().heapUsed);
  log(`  JS: parse ${fmt(j1 - j0)} ms, first render ${fmt(j2 - j1)} ms, 5 refreshes ${fmt(jsRefresh.reduce((a, b) => a + b, 0))} ms`);

  const { openNodeDb } = await import('../src/db/node.ts');
  const { describeRelation } = await import('../src/cli/load.ts');
  const { withDerived } = await import('../src/report/materialize.ts');
  const { loadOverview } = await import('../src/report/overview.ts');
  const { loadAnalytics } = await import('../src/report/analytics.ts');
  const { ensureCube } = await import('../src/report/cube.ts');
  const { inlineIndexBuilder } = await import('../src/report/memory/arrow.ts');
  const { buildLinesIndex, dropLinesIndex } = await import('../src/report/memory/route.ts');
  const { cubeKey } = await import('../src/report/cube.ts');
  // The app's route: the cubes built at load (their build counted in the load), the measures they answer read
  // from them; after the first render the lines index (built in this process, counted), which answers the
  // sales by category, comparisons and sparklines of each filter change.
  const route = { key: 'bench', index: inlineIndexBuilder };
  const db: Db & { registerPath(n: string, p: string): Promise<void> } = await openNodeDb();
  try {
    const w0 = performance.now();
    await db.registerPath('orders.csv', path.resolve(file));
    await db.exec(`CREATE TABLE ${ident('orders')} AS SELECT * FROM read_csv(${lit('orders.csv')})`);
    const tables: TableInfo[] = await withDerived(db, [await describeRelation(db, 'orders', 'orders.csv')]);
    const c0 = performance.now();
    await ensureCube(db, tables, route.key);
    const w1 = performance.now();
    const cubeMs = w1 - c0;
    const overview = await loadOverview(db, tables);
    const analytics = await loadAnalytics(db, tables, {}, route);
    const w2 = performance.now();
    // The app builds the index in the background after its first run; here the filter changes wait for it.
    const spec = await ensureCube(db, tables, route.key);
    const indexed = spec ? await buildLinesIndex(db, spec, cubeKey(tables, route.key), inlineIndexBuilder) : null;
    const indexMs = performance.now() - w2;
    const measures = Object.values(analytics).filter((m) => m !== null && typeof m === 'object' && 'rows' in m && (m as { sql: unknown }).sql !== null) as { route?: { kind: string } }[];
    const measureCount = measures.length;
    const onCube = measures.filter((m) => m.route?.kind === 'cube').length;
    const wasmRefresh: number[] = [];
    const filtered: object[][] = [];
    let fromIndex = 0;
    for (const f of FILTER_CHANGES) {
      const t = performance.now();
      const a = await loadAnalytics(db, tables, f, route);
      wasmRefresh.push(performance.now() - t);
      filtered.push(a.salesByCategory.rows);
      fromIndex = Math.max(fromIndex, Object.values(a).filter((m) => m !== null && typeof m === 'object' && (m as { route?: { kind: string } }).route?.kind === 'memory').length);
    }
    dropLinesIndex();
    const wasmTotal = performance.now() - w0;
    // The JS side's measures alone, in SQL, on the loaded table.
    const orders = tables.find((t) => t.kind === 'orders')!;
    const s0 = performance.now();
    const kpiRow = (await db.query(kpiSql(tables).sql)).rows[0]!;
    const monthly = (await db.query(monthlyRevenueSql(orders))).rows;
    const byCategory = (await db.query(sqlOf(salesSql({ orders, by: 'category' })))).rows;
    for (const f of FILTER_CHANGES) await db.query(sqlOf(salesSql({ orders, by: 'category', filters: f })));
    // Like for like: the file → table part of the load only (those measures never read the cubes).
    const sameMeasuresMs = (w1 - w0 - cubeMs) + performance.now() - s0;
    const version = String((await db.query('SELECT version() AS v')).rows[0]!.v);

    const kpiSqlRow: Row = {};
    for (const k of Object.keys(js.kpis)) kpiSqlRow[k] = overview.kpis.find((x) => x.key === k)?.value ?? null;
    const diff = difference('KPIs', [js.kpis], [kpiSqlRow])
      ?? difference('KPIs (kpiSql)', [js.kpis], [kpiRow])
      ?? difference('monthly revenue', js.monthly, monthly)
      ?? difference('sales by category', js.byCategory, analytics.salesByCategory.rows)
      ?? difference('sales by category (salesSql)', js.byCategory, byCategory)
      ?? FILTER_CHANGES.map((_, i) => difference(`sales by category, filter change ${i + 1}`, js.filtered[i]!, filtered[i]!)).find((d) => d !== null)
      ?? null;
    const likeForLike = jsTotal / sameMeasuresMs;
    const wholeDashboard = jsTotal / wasmTotal;
    log(`  DuckDB-WASM: load ${fmt(w1 - w0)} ms (cubes ${fmt(cubeMs)} ms), first render ${fmt(w2 - w1)} ms (${measureCount} analytics measures + overview), 5 refreshes ${fmt(wasmRefresh.reduce((a, b) => a + b, 0))} ms`);
    return {
      file: path.relative(process.cwd(), file),
      rows: cols.n,
      measures: { sqlWhole: measureCount, onCube, fromIndex, js: JS_MEASURES },
      js: { parseMs: j1 - j0, firstMs: j2 - j1, refreshMs: jsRefresh, totalMs: jsTotal, peakHeapMb },
      wasm: { loadMs: w1 - w0, cubeMs, firstMs: w2 - w1, indexMs: indexed ? indexMs : null, refreshMs: wasmRefresh, totalMs: wasmTotal, sameMeasuresMs, engine: `DuckDB ${version} (DuckDB-WASM in Node)` },
      ratios: { likeForLike, wholeDashboard },
      agree: diff === null,
      difference: diff,
      targets: {
        dashboardVsPapa: {
          what: `Dashboard, DuckDB-WASM faster than PapaParse + JS (like for like: load + ${JS_MEASURES.length} measure groups + 5 filter changes)`,
          value: likeForLike, unit: '×', target: '≥ 5×', met: likeForLike >= 5,
        },
      },
    };
  } finally {
    await db.close();
  }
}

export function dashboardLines(r: DashboardReport): string[] {
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return [
    '',
    `Dashboard: ${fmt(r.rows)} order lines (${r.file}); ${r.wasm.engine} vs PapaParse + plain JS, one process`,
    ...textTable(['step', 'DuckDB-WASM ms', 'PapaParse + JS ms'], [
      [`load (file → table + cubes ${fmt(r.wasm.cubeMs)} ms / column arrays)`, fmt(r.wasm.loadMs), fmt(r.js.parseMs)],
      ['first render', fmt(r.wasm.firstMs), fmt(r.js.firstMs)],
      ['lines index build (after the first render)', r.wasm.indexMs === null ? 'not built' : fmt(r.wasm.indexMs), '–'],
      ...r.wasm.refreshMs.map((ms, i) => [`filter change ${i + 1}`, fmt(ms), fmt(r.js.refreshMs[i]!)]),
      ['total', fmt(r.wasm.totalMs), fmt(r.js.totalMs)],
      ['DuckDB-WASM, the JS side\'s measures only (load included)', fmt(r.wasm.sameMeasuresMs), fmt(r.js.totalMs)],
    ]),
    `DuckDB-WASM ran the Overview and ${r.measures.sqlWhole} Analytics measures at first render and each filter change, on the app's route`
      + ` (${r.measures.onCube} of them from the cubes built at load, the rest on the base table; load includes the cube build;`
      + ` after a filter change ${r.measures.fromIndex} from the lines index, whose build the total includes); the JS side computes`
      + ` ${r.measures.js.join('; ')} (sum of its refreshes ${fmt(sum(r.js.refreshMs))} ms).`,
    `DuckDB-WASM faster by ${fmt(r.ratios.likeForLike, 1)}× like for like; by ${fmt(r.ratios.wholeDashboard, 1)}× with the whole dashboard on its side`,
    r.agree ? 'The JS numbers equal the SQL\'s (KPIs, monthly revenue, sales by category under every filter).' : `JS AND SQL DIFFER: ${r.difference}`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { file: { type: 'string' } } });
  const file = values.file ?? path.join(HERE, 'data', 'orders_1m.csv');
  dashboardBench(file, (l) => process.stderr.write(`${l}\n`))
    .then((r) => {
      process.stdout.write(`${dashboardLines(r).join('\n')}\n`);
      if (!r.agree) process.exitCode = 1;
    })
    .catch((e: unknown) => {
      process.stderr.write(`bench dashboard: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
