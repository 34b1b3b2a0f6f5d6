import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { AliasTable, Random } from '../../src/lib/random.ts';
import { csvField, csvLine, toCsv, type CsvValue } from '../../src/demo/csv.ts';
import {
  COLUMNS, DEMO_OPTIONS, ZH_HEADERS, demoWorkspace, generateCrm, orderLineChunks, type CrmData, type GenTable,
} from '../../src/demo/generate.ts';
import { ident, lit } from '../../src/lib/sql.ts';

/** One column of a generated table, by canonical key. */
function col(t: GenTable, key: string): CsvValue[] {
  const i = t.keys.indexOf(key);
  if (i < 0) throw new Error(`no column ${key} in ${t.name}`);
  return t.rows.map((r) => r[i]!);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const cents = (v: CsvValue): number => Math.round(Number(v) * 100);

/** Churn rate of dissatisfied customers (mean rating ≤ 2), of everyone else, and overall. */
function churnBySatisfaction(d: CrmData): { dissatisfied: number; others: number; overall: number; nDissatisfied: number } {
  const ratings = new Map<string, number[]>();
  const ids = col(d.tickets, 'customer_id');
  col(d.tickets, 'satisfaction').forEach((s, k) => {
    if (s === null) return;
    const id = ids[k] as string;
    const list = ratings.get(id) ?? [];
    list.push(s as number);
    ratings.set(id, list);
  });
  const churned = col(d.customers, 'churned');
  let dis = 0, disChurn = 0, other = 0, otherChurn = 0;
  col(d.customers, 'customer_id').forEach((id, k) => {
    const r = ratings.get(id as string);
    const c = churned[k] as number;
    if (r && mean(r) <= 2) {
      dis++;
      disChurn += c;
    } else {
      other++;
      otherChurn += c;
    }
  });
  return { dissatisfied: disChurn / dis, others: otherChurn / other, overall: (disChurn + otherChurn) / (dis + other), nDissatisfied: dis };
}

/** Area under the ROC curve of `score` for a 0/1 `label` (ties get half credit). */
function auc(score: readonly number[], label: readonly number[]): number {
  const idx = score.map((_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && score[idx[j]!] === score[idx[i]!]) j++;
    for (let k = i; k < j; k++) if (label[idx[k]!] === 1) {
      rankSum += (i + j + 1) / 2;
      pos++;
    }
    i = j;
  }
  const neg = idx.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

describe('Random', () => {
  it('repeats a stream for a seed and forks independent streams', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const xa = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(xa);
    expect(new Random(42).fork('x', 1).float()).toBe(new Random(42).fork('x', 1).float());
    expect(new Random(42).fork('x', 1).float()).not.toBe(new Random(42).fork('x', 2).float());
    expect(new Random('seed').float()).toBe(new Random('seed').float());
  });

  it('draws from the distributions it names', () => {
    const r = new Random(7);
    const n = 20_000;
    const ints = Array.from({ length: n }, () => r.int(1, 6));
    expect(Math.min(...ints)).toBe(1);
    expect(Math.max(...ints)).toBe(6);
    const normals = Array.from({ length: n }, () => r.normal(10, 2));
    expect(mean(normals)).toBeCloseTo(10, 1);
    expect(Math.sqrt(mean(normals.map((x) => (x - 10) ** 2)))).toBeCloseTo(2, 1);
    expect(mean(Array.from({ length: n }, () => r.poisson(3)))).toBeCloseTo(3, 1);
    expect(mean(Array.from({ length: n }, () => r.poisson(250))) / 250).toBeCloseTo(1, 2);
    expect(mean(Array.from({ length: n }, () => r.gamma(0.8, 2))) / 1.6).toBeCloseTo(1, 1);
    expect(mean(Array.from({ length: n }, () => r.gamma(3, 1))) / 3).toBeCloseTo(1, 1);
    expect(Math.min(...Array.from({ length: 1000 }, () => r.pareto(5, 2)))).toBeGreaterThanOrEqual(5);
    const counts = [0, 0, 0];
    const alias = new AliasTable([1, 2, 7]);
    for (let i = 0; i < n; i++) counts[alias.sample(r)]!++;
    expect(counts.map((c) => c / n)).toEqual([expect.closeTo(0.1, 1), expect.closeTo(0.2, 1), expect.closeTo(0.7, 1)]);
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('csv', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('TV 55" 4K')).toBe('"TV 55"" 4K"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvLine(['a', 1, null])).toBe('a,1,\n');
    expect(toCsv({ columns: ['x', 'y'], rows: [[1, 'O\'Brien']] })).toBe("x,y\n1,O'Brien\n");
  });
});

describe('generateCrm', () => {
  const demo = generateCrm(DEMO_OPTIONS);

  it('is byte-identical for a seed and differs across seeds', () => {
    const a = demoWorkspace();
    expect(demoWorkspace()).toEqual(a);
    const small = (seed: number) => toCsv(generateCrm({ seed, customers: 200 }).orders);
    expect(small(2)).toBe(small(2));
    expect(small(3)).not.toBe(small(2));
  });

  it('builds the demo quickly', () => {
    const t0 = performance.now();
    demoWorkspace();
    // The app builds this at start-up; well under a second on a laptop.
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('makes the rows asked for', () => {
    expect(demo.customers.rows).toHaveLength(2000);
    expect(demo.orders.rows).toHaveLength(25_000);
    expect(demo.leads.rows).toHaveLength(5000);
    expect(demo.tickets.rows.length).toBeGreaterThan(2500);
    expect(demo.tickets.rows.length).toBeLessThan(3500);
    const d = generateCrm({ seed: 9, customers: 123, orderLines: 1001, startDate: '2024-01-01', endDate: '2024-12-31' });
    expect(d.customers.rows).toHaveLength(123);
    expect(d.orders.rows).toHaveLength(1001);
    expect(new Set(col(d.customers, 'customer_id')).size).toBe(123);
    const dates = col(d.orders, 'order_date') as string[];
    expect(dates[0]! >= '2024-01-01' && dates.at(-1)! <= '2024-12-31').toBe(true);
    expect([...dates].sort()).toEqual(dates);
  });

  it('streams the same order lines it builds in memory, in exact counts', () => {
    const opts = { seed: 5, customers: 300, startDate: '2024-01-01', endDate: '2025-06-30' };
    const chunks = [...orderLineChunks({ ...opts, rows: 4321, chunkRows: 500 })];
    expect(chunks.length).toBeGreaterThan(3);
    const text = chunks.join('');
    expect(text).toBe(toCsv(generateCrm({ ...opts, orderLines: 4321 }).orders));
    expect(text.trimEnd().split('\n')).toHaveLength(4322);
    const progress: number[] = [];
    let lines = 0;
    for (const c of orderLineChunks({ seed: 1, rows: 20_000, onProgress: (done) => progress.push(done) })) {
      lines += c.split('\n').length - 1;
    }
    expect(lines).toBe(20_001);
    expect(progress.at(-1)).toBe(20_000);
  });

  it('prices each line as quantity × unit price − discount', () => {
    const qty = col(demo.orders, 'quantity'), unit = col(demo.orders, 'unit_price');
    const disc = col(demo.orders, 'discount'), amount = col(demo.orders, 'amount');
    let discounted = 0;
    for (let k = 0; k < qty.length; k++) {
      expect(Number.isInteger(qty[k]) && (qty[k] as number) >= 1).toBe(true);
      expect(cents(amount[k]!)).toBe((qty[k] as number) * cents(unit[k]!) - cents(disc[k]!));
      expect(cents(amount[k]!)).toBeGreaterThan(0);
      if (Number(disc[k]) > 0) discounted++;
    }
    expect(discounted / qty.length).toBeGreaterThan(0.05);
    expect(discounted / qty.length).toBeLessThan(0.4);
  });

  it('keeps references consistent', () => {
    const ids = new Set(col(demo.customers, 'customer_id'));
    expect(col(demo.orders, 'customer_id').every((id) => ids.has(id))).toBe(true);
    expect(col(demo.tickets, 'customer_id').every((id) => ids.has(id))).toBe(true);
    const signup = new Map(demo.customers.rows.map((r) => [r[0], r[demo.customers.keys.indexOf('signup_date')]]));
    const won = demo.leads.rows.filter((r) => r[demo.leads.keys.indexOf('customer_id')] !== null);
    expect(won.length).toBe(500);
    for (const r of won) {
      const at = (k: string) => r[demo.leads.keys.indexOf(k)] as string;
      expect(at('won_at')).toBe(signup.get(at('customer_id')));
      expect(at('created_at') < at('mql_at') && at('mql_at') < at('sql_at') && at('sql_at') < at('opportunity_at')).toBe(true);
    }
    // A customer orders only after signing up.
    const orderDate = col(demo.orders, 'order_date'), orderCust = col(demo.orders, 'customer_id');
    expect(orderDate.every((d, k) => (d as string) >= (signup.get(orderCust[k]) as string))).toBe(true);
  });

  it('writes sane tickets', () => {
    const t = demo.tickets;
    for (const r of t.rows) {
      const at = (k: string): CsvValue => r[t.keys.indexOf(k)] ?? null;
      const opened = at('opened_at') as string, first = at('first_response_at'), closed = at('closed_at');
      if (first !== null) expect(first >= opened).toBe(true);
      if (closed !== null) expect(first !== null && closed >= first).toBe(true);
      expect(at('status')).toBe(closed === null ? 'open' : 'closed');
      const s = at('satisfaction');
      if (s !== null) expect([1, 2, 3, 4, 5]).toContain(s);
      if (closed === null) expect(s).toBeNull();
    }
  });

  it('gives Chinese headers and labels over the same numbers', () => {
    const zh = generateCrm({ ...DEMO_OPTIONS, headers: 'zh' });
    expect(zh.customers.columns).toEqual(['客户编号', '姓名', '性别', '年龄', '省份', '城市', '注册日期', '渠道', '客户类型', '是否流失']);
    expect(zh.orders.columns.slice(0, 5)).toEqual(['订单编号', '客户编号', '订单日期', '商品', '品类']);
    expect(zh.tickets.columns).toContain('工单编号');
    expect(zh.tickets.columns).toContain('满意度');
    expect(zh.leads.columns).toContain('线索编号');
    expect(zh.leads.columns).toContain('阶段');
    for (const name of ['customers', 'orders', 'tickets', 'leads'] as const) {
      expect(zh[name].columns).toEqual(COLUMNS[name].map((k) => ZH_HEADERS[name][k]));
      expect(zh[name].rows).toHaveLength(demo[name].rows.length);
    }
    expect(col(zh.orders, 'amount')).toEqual(col(demo.orders, 'amount'));
    expect(col(zh.customers, 'churned')).toEqual(col(demo.customers, 'churned'));
    expect(col(zh.customers, 'age')).toEqual(col(demo.customers, 'age'));
    expect(col(zh.tickets, 'satisfaction')).toEqual(col(demo.tickets, 'satisfaction'));
    expect(col(zh.customers, 'gender').slice(0, 50).every((g) => g === '男' || g === '女')).toBe(true);
    expect(/^[\u4e00-\u9fff]{2,3}$/.test(col(zh.customers, 'name')[0] as string)).toBe(true);
  });

  it.each([
    ['demo', DEMO_OPTIONS],
    ['another seed', { seed: 7, customers: 4000 }],
  ])('makes churn follow dissatisfaction (%s)', (_, opts) => {
    const rates = churnBySatisfaction(generateCrm(opts));
    expect(rates.nDissatisfied).toBeGreaterThan(50);
    expect(rates.dissatisfied).toBeGreaterThan(0.32);
    expect(rates.dissatisfied).toBeLessThan(0.55);
    expect(rates.others).toBeGreaterThan(0.14);
    expect(rates.others).toBeLessThan(0.26);
    expect(rates.overall).toBeGreaterThan(0.2);
    expect(rates.overall).toBeLessThan(0.3);
  });

  it('lets churners stop buying, so recency predicts churn', () => {
    const end = Date.parse('2025-12-31');
    const last = new Map<string, number>();
    const dates = col(demo.orders, 'order_date'), custs = col(demo.orders, 'customer_id');
    dates.forEach((d, k) => last.set(custs[k] as string, Date.parse(d as string)));
    const churned = col(demo.customers, 'churned') as number[];
    const recency = col(demo.customers, 'customer_id').map((id) => (end - (last.get(id as string) ?? 0)) / 86_400_000);
    // Churners are gone at least 30 days before the end.
    expect(recency.every((r, k) => churned[k] === 0 || r >= 30)).toBe(true);
    expect(auc(recency, churned)).toBeGreaterThan(0.7);
  });

  it('concentrates spend: the top 20 % of buyers bring 60–80 % of revenue', () => {
    const spend = new Map<string, number>();
    const amount = col(demo.orders, 'amount'), custs = col(demo.orders, 'customer_id');
    custs.forEach((c, k) => spend.set(c as string, (spend.get(c as string) ?? 0) + Number(amount[k])));
    const sorted = [...spend.values()].sort((a, b) => b - a);
    const share = sorted.slice(0, Math.round(sorted.length * 0.2)).reduce((a, b) => a + b, 0) / sorted.reduce((a, b) => a + b, 0);
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.8);
  });

  it('has seasonality and product affinities to find', () => {
    const dates = col(demo.orders, 'order_date') as string[];
    const perDay = new Map<string, number>();
    for (const d of dates.filter((d) => d.startsWith('2025'))) perDay.set(d, (perDay.get(d) ?? 0) + 1);
    const busiest = [...perDay].sort((a, b) => b[1] - a[1])[0]![0];
    expect(busiest).toBe('2025-11-11');
    const inMonth = (m: string) => dates.filter((d) => d.slice(5, 7) === m).length;
    expect(inMonth('11') / inMonth('02')).toBeGreaterThan(1.5);

    const byOrder = new Map<string, Set<string>>();
    const oid = col(demo.orders, 'order_id'), prod = col(demo.orders, 'product');
    oid.forEach((o, k) => {
      const s = byOrder.get(o as string) ?? new Set<string>();
      s.add(prod[k] as string);
      byOrder.set(o as string, s);
    });
    const baskets = [...byOrder.values()];
    const support = (...items: string[]) => baskets.filter((b) => items.every((i) => b.has(i))).length / baskets.length;
    const lift = support('Smartphone', 'Phone case') / (support('Smartphone') * support('Phone case'));
    expect(lift).toBeGreaterThan(3);
    expect(support('Coffee machine', 'Coffee beans') / support('Coffee machine')).toBeGreaterThan(0.5);
  });
});

describe('generated CSV through real DuckDB-WASM', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  it.each(['en', 'zh'] as const)('round-trips every table (%s headers)', async (headers) => {
    const data = generateCrm({ ...DEMO_OPTIONS, headers });
    const csv = demoWorkspace(headers);
    for (const name of ['customers', 'orders', 'tickets', 'leads'] as const) {
      const file = `${name}_${headers}.csv`;
      await db.registerBuffer(file, new TextEncoder().encode(csv[name]));
      const r = await db.query(`SELECT count(*) AS n FROM read_csv(${lit(file)})`);
      expect(r.rows[0]!.n).toBe(data[name].rows.length);
      const cols = await db.query(`DESCRIBE SELECT * FROM read_csv(${lit(file)})`);
      expect(cols.rows.map((c) => c.column_name)).toEqual(data[name].columns);
      if (name === 'orders') {
        // Money is written with two decimals everywhere, so the type sniffer never settles on an integer.
        const money = new Set(['unit_price', 'discount', 'amount'].map((k) => data.orders.columns[data.orders.keys.indexOf(k)]));
        expect(cols.rows.filter((c) => money.has(c.column_name as string)).map((c) => c.column_type)).toEqual(['DOUBLE', 'DOUBLE', 'DOUBLE']);
      }
    }
    const amount = headers === 'zh' ? '金额' : 'amount';
    const product = headers === 'zh' ? '商品' : 'product';
    const sums = await db.query(
      `SELECT round(sum(${ident(amount)}), 2) AS total, count(DISTINCT ${ident(product)}) AS products FROM read_csv(${lit(`orders_${headers}.csv`)})`,
    );
    const total = col(data.orders, 'amount').reduce((a: number, b) => a + cents(b), 0) / 100;
    expect(sums.rows[0]!.total).toBeCloseTo(total, 2);
    expect(sums.rows[0]!.products).toBe(new Set(col(data.orders, 'product')).size);
    // Names with quotes and commas survive.
    const tricky = headers === 'zh' ? ['55英寸"4K"电视', '三人沙发, 布艺'] : ['TV 55" 4K', 'Sofa, 3-seat'];
    for (const name of tricky) {
      const q = await db.query(`SELECT count(*) AS n FROM read_csv(${lit(`orders_${headers}.csv`)}) WHERE ${ident(product)} = ${lit(name)}`);
      expect(q.rows[0]!.n).toBe(col(data.orders, 'product').filter((p) => p === name).length);
      expect(q.rows[0]!.n).toBeGreaterThan(0);
    }
  });
});
