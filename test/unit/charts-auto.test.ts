import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoChartOption, classifyColumn, MAX_BARS, MAX_SERIES, type AutoChartLabels } from '../../src/charts/auto/option.ts';
import { renderSvg } from '../../src/charts/echarts.ts';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, QueryResult } from '../../src/db/types.ts';
import { cappedSql } from '../../src/report/console/readonly.ts';

const LABELS: AutoChartLabels = { title: 'Query result', empty: '(empty)', firstRows: (shown, total) => `first ${shown} of ${total} rows` };

interface Series {
  name: string;
  type: string;
  data: unknown[];
}
interface Opt {
  [key: string]: unknown;
  title: { text: string; subtext?: string };
  xAxis: { type: string; data?: string[]; name: string };
  yAxis: { name: string };
  legend: { show: boolean };
  series: Series[];
}

const chart = (r: QueryResult) => autoChartOption(r, LABELS) as Opt | null;

describe('classifyColumn', () => {
  it('reads Arrow and DuckDB type names, and ISO dates kept as text', () => {
    const cls = (type: string, values: (string | number | null)[] = []) => classifyColumn({ name: 'c', type }, values);
    for (const t of ['Int64', 'Int8', 'Uint32', 'Float64', 'Decimal[10e+2]', 'BIGINT', 'INTEGER', 'DOUBLE', 'DECIMAL(18,3)', 'HUGEINT']) expect(cls(t), t).toBe('number');
    for (const t of ['Date32<DAY>', 'Timestamp<MICROSECOND>', 'DATE', 'TIMESTAMP WITH TIME ZONE']) expect(cls(t), t).toBe('date');
    for (const t of ['Utf8', 'VARCHAR', 'Bool', 'Dictionary<Uint8, Utf8>']) expect(cls(t, ['a']), t).toBe('text');
    for (const t of ['Interval<MONTH_DAY_NANO>', 'List<Int32>', 'Struct<{a:Int32}>', 'Time64<MICROSECOND>', 'Binary']) expect(cls(t), t).toBe('other');
    expect(cls('Utf8', ['2024-01', '2024-02', null])).toBe('date');
    expect(cls('VARCHAR', ['2024-01-05 10:00:00', '2024'])).toBe('date');
    expect(cls('Utf8', ['2024-01', 'soon'])).toBe('text');
    expect(cls('Utf8', [null])).toBe('text');
  });
});

describe('autoChartOption (pure)', () => {
  it('text category + numbers: bars, one series per numeric column, renders to SVG', () => {
    const opt = chart({
      columns: [
        { name: 'region', type: 'Utf8' },
        { name: 'customers', type: 'Int64' },
        { name: 'revenue', type: 'Float64' },
      ],
      rows: [
        { region: 'North', customers: 10, revenue: 1200.5 },
        { region: null, customers: 3, revenue: null },
        { region: 'South', customers: 7, revenue: 800 },
      ],
    })!;
    expect(opt.xAxis).toMatchObject({ type: 'category', data: ['North', '(empty)', 'South'], name: 'region' });
    expect(opt.series.map((s) => [s.name, s.type, s.data])).toEqual([
      ['customers', 'bar', [10, 3, 7]],
      ['revenue', 'bar', [1200.5, null, 800]],
    ]);
    expect(opt.legend.show).toBe(true);
    const svg = renderSvg(opt, 600, 320);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('North');
    expect(svg).toContain('Query result');
  });

  it('date category: a line on a time axis, sorted by date, one series named on the axis', () => {
    const opt = chart({
      columns: [
        { name: 'month', type: 'Date32<DAY>' },
        { name: 'revenue', type: 'Float64' },
      ],
      rows: [
        { month: '2024-03-01', revenue: 30 },
        { month: '2024-01-01', revenue: 10 },
        { month: null, revenue: 99 },
        { month: '2024-02-01', revenue: null },
      ],
    })!;
    expect(opt.xAxis.type).toBe('time');
    expect(opt.series).toHaveLength(1);
    expect(opt.series[0]!.type).toBe('line');
    expect(opt.series[0]!.data).toEqual([
      ['2024-01-01', 10],
      ['2024-02-01', null],
      ['2024-03-01', 30],
    ]);
    expect(opt.yAxis.name).toBe('revenue');
    expect(opt.legend.show).toBe(false);
    expect(renderSvg(opt, 600, 320)).toContain('<path');
  });

  it('months kept as text (strftime) chart as a line too', () => {
    const opt = chart({
      columns: [
        { name: 'm', type: 'Utf8' },
        { name: 'n', type: 'Int32' },
      ],
      rows: [
        { m: '2024-02', n: 2 },
        { m: '2024-01', n: 1 },
      ],
    })!;
    expect(opt.series[0]!.type).toBe('line');
    expect(opt.series[0]!.data).toEqual([
      ['2024-01', 1],
      ['2024-02', 2],
    ]);
  });

  it(`more than ${MAX_BARS} categories: the first ${MAX_BARS} rows, and the subtitle says so`, () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({ name: `c${i}`, v: 120 - i }));
    const opt = chart({ columns: [{ name: 'name', type: 'Utf8' }, { name: 'v', type: 'Int64' }], rows })!;
    expect(opt.xAxis.data).toHaveLength(MAX_BARS);
    expect(opt.xAxis.data![0]).toBe('c0');
    expect(opt.title.subtext).toBe('first 50 of 120 rows');
    const few = chart({ columns: [{ name: 'name', type: 'Utf8' }, { name: 'v', type: 'Int64' }], rows: rows.slice(0, MAX_BARS) })!;
    expect(few.title.subtext).toBeUndefined();
  });

  it(`at most ${MAX_SERIES} series; the category need not come first`, () => {
    const columns = [
      { name: 'a', type: 'Int64' },
      { name: 'b', type: 'Int64' },
      { name: 'label', type: 'VARCHAR' },
      { name: 'c', type: 'DOUBLE' },
      { name: 'd', type: 'DOUBLE' },
      { name: 'e', type: 'DOUBLE' },
    ];
    const opt = chart({ columns, rows: [{ a: 1, b: 2, label: 'x', c: 3, d: 4, e: 5 }] })!;
    expect(opt.xAxis.data).toEqual(['x']);
    expect(opt.series.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('one row of numbers and no category: one bar per column', () => {
    const opt = chart({
      columns: [
        { name: 'customers', type: 'Int64' },
        { name: 'orders', type: 'Int64' },
      ],
      rows: [{ customers: 2000, orders: 9000 }],
    })!;
    expect(opt.xAxis.data).toEqual(['customers', 'orders']);
    expect(opt.series).toEqual([expect.objectContaining({ type: 'bar', data: [2000, 9000] })]);
  });

  it('null when there is nothing sensible to draw', () => {
    const text = { name: 't', type: 'Utf8' };
    const num = { name: 'n', type: 'Int64' };
    expect(chart({ columns: [text, num], rows: [] })).toBeNull();
    expect(chart({ columns: [text], rows: [{ t: 'a' }] })).toBeNull();
    expect(chart({ columns: [num], rows: [{ n: 1 }, { n: 2 }] })).toBeNull();
    // Not one row per category (e.g. raw order lines): summing or averaging would be a guess.
    expect(chart({ columns: [text, num], rows: [{ t: 'a', n: 1 }, { t: 'a', n: 2 }] })).toBeNull();
    expect(chart({ columns: [{ name: 'd', type: 'Date32<DAY>' }, num], rows: [{ d: null, n: 1 }] })).toBeNull();
    expect(chart({ columns: [{ name: 'l', type: 'List<Int32>' }, num], rows: [{ l: '[1]', n: 1 }, { l: '[2]', n: 2 }] })).toBeNull();
  });
});

describe('autoChartOption on real DuckDB-WASM results', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  it('date_trunc months → line; GROUP BY text → bars; DECIMAL sums are numbers', async () => {
    const monthly = await db.query(
      cappedSql(
        "SELECT date_trunc('month', d)::DATE AS month, sum(x)::DECIMAL(12,2) AS total FROM (SELECT DATE '2024-01-01' + i::INTEGER AS d, 1.5 AS x FROM range(90) r(i)) GROUP BY 1 ORDER BY 1",
        1000,
      ).sql,
    );
    const line = chart(monthly)!;
    expect(line.series[0]!.type).toBe('line');
    expect(line.series[0]!.data).toEqual([
      ['2024-01-01', 46.5],
      ['2024-02-01', 43.5],
      ['2024-03-01', 45],
    ]);
    const grouped = await db.query("SELECT k, count(*) AS n FROM (SELECT CASE WHEN i % 3 = 0 THEN 'fizz' ELSE 'other' END AS k FROM range(9) r(i)) GROUP BY k ORDER BY k");
    const bars = chart(grouped)!;
    expect(bars.xAxis.data).toEqual(['fizz', 'other']);
    expect(bars.series[0]!.data).toEqual([3, 6]);
  });
});
