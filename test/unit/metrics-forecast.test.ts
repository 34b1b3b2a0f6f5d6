import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { Random } from '../../src/lib/random.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import {
  accuracy, backtest, readSeries, seasonalNaive, seasonPeriod, seriesSql, type Grain, type SeriesMeasure,
} from '../../src/metrics/forecast.ts';
import { fitHoltWinters, forecastHoltWinters, nelderMead, normalQuantile } from '../../src/metrics/holt-winters.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

describe('seriesSql on real DuckDB-WASM', () => {
  // Hand-made order lines with hostile names; dates as text, so the builder's date parsing is exercised.
  const TABLE = 'orders "2024"';
  const C = { id: 'Order No', customer: 'Cust', date: 'Date (day)', amount: 'Amount ¥', qty: "Q'ty" };
  const LINES: [string, string, string | null, number, number][] = [
    ['o1', 'c1', '2024-01-03', 100, 1], ['o1', 'c1', '2024-01-03', 50, 2], // one order, two lines, a Wednesday
    ['o2', 'c2', '2024-01-20', 30, 1], // Saturday
    ['o3', 'c1', '2024-03-05', 70, 3], // Tuesday
    ['o4', 'c3', '2024-04-30', 20, 1], // Tuesday
    ['o5', 'c2', null, 999, 9], // no date: left out
  ];
  let orders: TableInfo;

  beforeAll(async () => {
    await db.exec(`CREATE TABLE ${ident(TABLE)} (${ident(C.id)} VARCHAR, ${ident(C.customer)} VARCHAR, ${ident(C.date)} VARCHAR, ${ident(C.amount)} DECIMAL(10,2), ${ident(C.qty)} INTEGER)`);
    await db.exec(`INSERT INTO ${ident(TABLE)} VALUES ${LINES.map((l) => `(${l.map(lit).join(', ')})`).join(', ')}`);
    orders = {
      name: TABLE, source: 'test', kind: 'orders', rowCount: LINES.length,
      columns: [
        { name: C.id, type: 'VARCHAR' }, { name: C.customer, type: 'VARCHAR' }, { name: C.date, type: 'VARCHAR' },
        { name: C.amount, type: 'DECIMAL(10,2)' }, { name: C.qty, type: 'INTEGER' },
      ],
      roles: { order_id: C.id, customer_id: C.customer, order_date: C.date, amount: C.amount, quantity: C.qty },
    };
  });

  const series = async (grain: Grain, measure: SeriesMeasure, table: TableInfo = orders) =>
    (await db.query(seriesSql(table, grain, measure))).rows.map((r) => [r.period, r.value, r.complete]);

  it('fills months without orders with 0 and flags half-covered months', async () => {
    // Data runs 2024-01-03 … 2024-04-30: January starts before the first order, April ends on the last.
    expect(await series('month', 'revenue')).toEqual([
      ['2024-01-01', 180, false], ['2024-02-01', 0, true], ['2024-03-01', 70, true], ['2024-04-01', 20, true],
    ]);
    expect((await series('month', 'orders')).map((r) => r[1])).toEqual([2, 0, 1, 1]);
    expect((await series('month', 'customers')).map((r) => r[1])).toEqual([2, 0, 1, 1]);
    expect((await series('month', 'quantity')).map((r) => r[1])).toEqual([4, 0, 3, 1]);
  });

  it('counts one order per customer and day when there is no order id (measures.ts, as every page does)', async () => {
    const { order_id: _id, ...roles } = orders.roles;
    const noId: TableInfo = { ...orders, roles };
    // January: c1's two lines on 01-03 are one order, c2 on 01-20 another.
    expect((await series('month', 'orders', noId)).map((r) => r[1])).toEqual([2, 0, 1, 1]);
  });

  it('builds weeks from Monday, quarters and days', async () => {
    // Weeks of 2024-01-01 (Wed 3rd), 01-15 (Sat 20th), 03-04 (Tue 5th), 04-29 (Tue 30th); 18 weeks from Jan 1 to Apr 29.
    const weeks = await series('week', 'revenue');
    expect(weeks).toHaveLength(18);
    expect(weeks.filter((w) => w[1] !== 0)).toEqual([
      ['2024-01-01', 150, false], ['2024-01-15', 30, true], ['2024-03-04', 70, true], ['2024-04-29', 20, false],
    ]);
    expect(await series('quarter', 'revenue')).toEqual([['2024-01-01', 250, false], ['2024-04-01', 20, false]]);
    // Jan 3–31 (29) + Feb (29, leap year) + Mar (31) + Apr (30) = 119 days, all complete.
    const days = await series('day', 'revenue');
    expect(days).toHaveLength(119);
    expect(days.every((d) => d[2] === true)).toBe(true);
    expect(days.reduce((s, d) => s + Number(d[1]), 0)).toBe(270);
  });

  it('drops incomplete periods at either end when read', async () => {
    const rows = (await db.query(seriesSql(orders, 'week', 'revenue'))).rows;
    const s = readSeries(rows);
    expect(s.periods[0]).toBe('2024-01-08');
    expect(s.periods.at(-1)).toBe('2024-04-22');
    expect(s.values).toHaveLength(16);
    expect(readSeries(rows, { trimIncomplete: false }).values).toHaveLength(18);
  });

  it('returns no rows for a table without dated orders', async () => {
    await db.exec(`CREATE TABLE ${ident('no orders')} AS SELECT * FROM ${ident(TABLE)} WHERE FALSE`);
    expect(await series('month', 'revenue', { ...orders, name: 'no orders' })).toEqual([]);
  });

  it('says which role is missing, in both languages', () => {
    const noAmount: TableInfo = { ...orders, roles: { order_date: C.date } };
    expect(() => seriesSql(noAmount, 'month', 'revenue')).toThrow(/no amount column[\s\S]*缺少 amount 列/);
    expect(() => seriesSql({ ...orders, roles: {} }, 'month', 'orders')).toThrow(/no order date column[\s\S]*订单日期/);
  });
});

describe('building blocks', () => {
  it('infers the season from the grain when there are two full cycles', () => {
    expect([seasonPeriod('day', 14), seasonPeriod('day', 13)]).toEqual([7, 0]);
    expect([seasonPeriod('week', 104), seasonPeriod('week', 103)]).toEqual([52, 0]);
    expect([seasonPeriod('month', 24), seasonPeriod('month', 23)]).toEqual([12, 0]);
    expect([seasonPeriod('quarter', 8), seasonPeriod('quarter', 7)]).toEqual([4, 0]);
  });

  it('scores forecasts by hand', () => {
    // Errors 10, −10, 0, 5 on actuals 100, 50, 0, 20.
    const a = accuracy([100, 50, 0, 20], [90, 60, 0, 15]);
    expect(a.mape).toBeCloseTo((0.1 + 0.2 + 0.25) / 3, 12); // y = 0 left out
    expect(a.smape).toBeCloseTo((20 / 190 + 20 / 110 + 0 + 10 / 35) / 4, 12);
    expect(a.rmse).toBeCloseTo(Math.sqrt((100 + 100 + 0 + 25) / 4), 12);
    expect(a.mae).toBeCloseTo(25 / 4, 12);
    expect(accuracy([0], [0]).mape).toBeNaN();
  });

  it('repeats the last cycle for seasonal naive, the last value without a season', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6, 7], 5, 3)).toEqual([5, 6, 7, 5, 6]);
    expect(seasonalNaive([1, 2, 3], 2, 0)).toEqual([3, 3]);
  });

  it('has the usual normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
  });

  it('minimises the Rosenbrock function with Nelder-Mead', () => {
    const r = nelderMead(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2, [-1.2, 1], { tol: 1e-14, maxEval: 5000 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });
});

describe('Holt-Winters on synthetic series', () => {
  // y = 100 + 2t + S[t mod 12] + N(0, 1): a known trend and season.
  const S = [5, 8, 12, 3, -2, -6, -10, -7, 0, 4, -3, -4];
  const truth = (t: number) => 100 + 2 * t + S[t % 12]!;
  const rng = new Random('hw-synthetic');
  const y = Array.from({ length: 72 }, (_, t) => truth(t) + rng.normal(0, 1));

  it('recovers the trend, the season and the noise level', () => {
    const fit = fitHoltWinters(y, { period: 12 });
    expect(fit.slope).toBeCloseTo(2, 1);
    fit.season.forEach((s, i) => expect(Math.abs(s - S[(72 + i) % 12]!)).toBeLessThan(1));
    expect(fit.sigma).toBeGreaterThan(0.6);
    expect(fit.sigma).toBeLessThan(1.4);
    const fc = forecastHoltWinters(fit, 24);
    fc.mean.forEach((v, j) => {
      expect(Math.abs(v - truth(72 + j))).toBeLessThan(2);
      expect(fc.lower[j]!).toBeLessThan(truth(72 + j));
      expect(fc.upper[j]!).toBeGreaterThan(truth(72 + j));
    });
  });

  it('beats seasonal naive in a back-test on the last 12 points', () => {
    const bt = backtest(y, 12, { period: 12 });
    expect(bt.actual).toEqual(y.slice(60));
    expect(bt.fit.n).toBe(60);
    expect(bt.baseline).toEqual(y.slice(48, 60));
    // Seasonal naive is a year behind on a trend of 2 per step: off by ≈ 24.
    expect(bt.naive.rmse).toBeGreaterThan(20);
    expect(bt.model.rmse).toBeLessThan(2);
    expect(bt.model.mape).toBeLessThan(0.01);
    expect(bt.model.smape).toBeLessThan(bt.naive.smape / 10);
  });

  it('widens the interval with the horizon when the level moves', () => {
    // A random-walk level with the same season: α must be well above 0.
    const walk = new Random('hw-walk');
    let level = 50;
    const z = Array.from({ length: 96 }, (_, t) => (level += walk.normal(0, 2)) + S[t % 12]! + walk.normal(0, 0.5));
    const fit = fitHoltWinters(z, { period: 12, trend: false });
    expect(fit.params.alpha).toBeGreaterThan(0.3);
    const fc = forecastHoltWinters(fit, 12, 0.8);
    const width = fc.upper.map((u, j) => u - fc.lower[j]!);
    for (let j = 1; j < width.length; j++) expect(width[j]!).toBeGreaterThan(width[j - 1]!);
    // One step ahead: ± z(0.9) σ exactly.
    expect(width[0]! / 2).toBeCloseTo(normalQuantile(0.9) * fit.sigma, 10);
    expect(fc.level).toBe(0.8);
  });

  it('fits a damped trend with φ inside its bounds', () => {
    const fit = fitHoltWinters(y, { period: 12, damped: true });
    expect(fit.damped).toBe(true);
    expect(fit.params.phi).toBeGreaterThanOrEqual(0.8);
    expect(fit.params.phi).toBeLessThanOrEqual(0.98);
    const undamped = fitHoltWinters(y, { period: 12 });
    expect(undamped.params.phi).toBe(1);
  });

  it('refuses a season it cannot estimate, in both languages, and drops it in a short back-test', () => {
    expect(() => fitHoltWinters(y.slice(0, 20), { period: 12 })).toThrow(/needs at least 24 points[\s\S]*至少需要 24 个数据点/);
    const bt = backtest(y.slice(0, 30), 12, { period: 12 });
    expect(bt.fit.period).toBe(0);
    expect(() => backtest(y.slice(0, 5), 4, { period: 0 })).toThrow(/back-test of 4 points[\s\S]*回测/);
  });
});

describe('forecast of the demo workspace', () => {
  it('fits monthly and weekly revenue and beats seasonal naive in a back-test', async () => {
    const { table } = await loadDelimited(db, { fileName: 'orders.csv', bytes: new TextEncoder().encode(demoWorkspace().orders) });
    const report: string[] = [];
    for (const [grain, h] of [['month', 12], ['week', 13]] as const) {
      const s = readSeries((await db.query(seriesSql(table, grain, 'revenue'))).rows);
      const period = seasonPeriod(grain, s.values.length);
      const t0 = performance.now();
      const bt = backtest(s.values, h, { period });
      const fit = fitHoltWinters(s.values, { period });
      const fc = forecastHoltWinters(fit, h);
      const ms = performance.now() - t0;
      const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
      report.push(
        `${grain}: ${s.values.length} points (${s.periods[0]} … ${s.periods.at(-1)}), period ${period}, ` +
          `α ${fit.params.alpha.toFixed(3)} β ${fit.params.beta.toFixed(3)} γ ${fit.params.gamma.toFixed(3)}; ` +
          `back-test h=${h}: HW MAPE ${pct(bt.model.mape)} sMAPE ${pct(bt.model.smape)} RMSE ${bt.model.rmse.toFixed(0)} | ` +
          `seasonal naive MAPE ${pct(bt.naive.mape)} sMAPE ${pct(bt.naive.smape)} RMSE ${bt.naive.rmse.toFixed(0)} (${ms.toFixed(0)} ms)`,
      );
      if (grain === 'month') {
        // 2023-01 … 2025-12, every month complete.
        expect(s.values).toHaveLength(36);
        expect(s.periods[0]).toBe('2023-01-01');
        expect(period).toBe(12);
      } else {
        // 2023-01-01 is a Sunday and 2025-12-31 a Wednesday: both edge weeks are partial and dropped.
        expect(s.periods[0]).toBe('2023-01-02');
        expect(s.periods.at(-1)).toBe('2025-12-22');
        expect(period).toBe(52);
      }
      expect(bt.model.rmse).toBeLessThan(bt.naive.rmse);
      expect(bt.model.smape).toBeLessThan(bt.naive.smape);
      expect(fc.mean.every((v) => v > 0)).toBe(true);
      fc.mean.forEach((v, j) => {
        expect(fc.lower[j]!).toBeLessThan(v);
        expect(fc.upper[j]!).toBeGreaterThan(v);
      });
    }
    console.log(`[metrics-forecast] demo revenue\n  ${report.join('\n  ')}`);
  });
});
