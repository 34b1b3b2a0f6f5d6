import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { RoleMap, TableInfo, TableKind } from '../../src/ingest/model.ts';
import { compareSql } from '../../src/metrics/compare.ts';
import { retentionSql } from '../../src/metrics/loyalty.ts';
import { targetActualsSql, targetDateBoundsSql, type TargetActualsOptions, type TargetTables } from '../../src/metrics/targets.ts';
import { loadDemo, run, type DemoTables } from './metrics-helpers.ts';

// A small generated workspace: Chinese segment and owner names, a blank segment, a blank region,
// a return line, and no activity at all in March 2024.
const CSV = {
  customers: ['customer_id,segment,region', 'c1,企业,华东', 'c2,企业,华北', 'c3,个人,华东', 'c4,,华北', 'c5,个人,'],
  orders: [
    'order_id,customer_id,order_date,amount',
    'o1,c1,2024-01-05,100', 'o2,c1,2024-02-10,50', 'o3,c2,2024-01-20,200', 'o4,c3,2024-02-03,30',
    'o5,c4,2024-02-15,40', 'o6,c4,2024-02-16,-10', 'o7,c5,2024-04-01,70', 'o8,c1,2024-04-02,20',
  ],
  tickets: ['ticket_id,customer_id,opened_at,satisfaction', 't1,c1,2024-02-01,4', 't2,c3,2024-02-05,', 't3,c3,2024-02-06,2', 't4,c2,2024-01-10,5'],
  leads: ['lead_id,created_at,won_at,owner', 'l1,2024-02-01,2024-02-20,张三', 'l2,2024-02-02,,张三', 'l3,2024-02-03,,李四', 'l4,2024-01-05,2024-03-01,李四', 'l5,2024-02-04,2024-02-05,'],
};
const ROLES: Record<keyof typeof CSV, { kind: TableKind; roles: RoleMap }> = {
  customers: { kind: 'customers', roles: { customer_id: 'customer_id', segment: 'segment', region: 'region' } },
  orders: { kind: 'orders', roles: { order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', amount: 'amount' } },
  tickets: { kind: 'tickets', roles: { ticket_id: 'ticket_id', customer_id: 'customer_id', opened_at: 'opened_at', satisfaction: 'satisfaction' } },
  leads: { kind: 'leads', roles: { lead_id: 'lead_id', created_at: 'created_at', won_at: 'won_at', owner: 'owner' } },
};

let db: Db;
let tables: Required<TargetTables>;
let demo: DemoTables;

beforeAll(async () => {
  db = await openNodeDb();
  const out: Partial<Record<keyof typeof CSV, TableInfo>> = {};
  for (const name of Object.keys(CSV) as (keyof typeof CSV)[]) {
    const bytes = new TextEncoder().encode(CSV[name].join('\n') + '\n');
    const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes, tableName: `tg_${name}` });
    out[name] = { ...table, ...ROLES[name] };
  }
  tables = out as Required<TargetTables>;
  demo = await loadDemo(db);
});
afterAll(async () => db.close());

type Slim = [string, string | null, number | null, number];
const slim = (rows: Row[]): Slim[] => rows.map((r) => [String(r.which), r.level === null ? null : String(r.level), r.value === null ? null : Number(r.value), Number(r.base)]);
const actuals = async (o: Omit<TargetActualsOptions, 'tables'>) => run(db, targetActualsSql({ tables, ...o }));

describe('targetActualsSql on generated data', () => {
  it('gives revenue per segment for the period and the one before, blank segment last, Chinese names kept', async () => {
    const rows = await actuals({ kpi: 'revenue', grain: 'month', period: '2024-02-14', by: 'segment' });
    expect(rows[0]).toMatchObject({ which: 'current', period_start: '2024-02-01', period_end: '2024-02-29' });
    expect(slim(rows)).toEqual([
      ['current', '个人', 30, 30],
      ['current', '企业', 50, 50],
      ['current', null, 30, 30], // 40 less the 10 returned
      ['previous', '个人', 0, 0],
      ['previous', '企业', 300, 300],
      ['previous', null, 0, 0],
    ]);
  });

  it('counts orders without return lines, and new customers by their first order', async () => {
    expect(slim(await actuals({ kpi: 'orders', grain: 'month', period: '2024-02-01', by: 'segment' })).filter((r) => r[0] === 'current')).toEqual([
      ['current', '个人', 1, 1], ['current', '企业', 1, 1], ['current', null, 1, 1],
    ]);
    expect(slim(await actuals({ kpi: 'new_customers', grain: 'month', period: '2024-02-29', by: 'segment' }))).toEqual([
      ['current', '个人', 1, 1], ['current', '企业', 0, 0], ['current', null, 1, 1],
      ['previous', '个人', 0, 0], ['previous', '企业', 2, 2], ['previous', null, 0, 0],
    ]);
  });

  it('gives 0, not a missing row, for a period with no data; rates there have no value', async () => {
    const [march] = await actuals({ kpi: 'revenue', grain: 'month', period: '2024-03-10' });
    expect(march).toMatchObject({ which: 'current', period_start: '2024-03-01', level: null, value: 0, base: 0 });
    expect(slim(await actuals({ kpi: 'satisfaction', grain: 'month', period: '2024-03-10' }))[0]).toEqual(['current', null, null, 0]);
    // Retention in March: of February's three buyers, none came back.
    expect(slim(await actuals({ kpi: 'retention', grain: 'month', period: '2024-03-10' }))).toEqual([['current', null, 0, 3], ['previous', null, 1 / 2, 2]]);
    // April: nobody bought in March, so there is no one to retain.
    expect(slim(await actuals({ kpi: 'retention', grain: 'month', period: '2024-04-10' }))[0]).toEqual(['current', null, null, 0]);
  });

  it('retention per segment: buyers of the period before, share active again', async () => {
    expect(slim(await actuals({ kpi: 'retention', grain: 'month', period: '2024-02-10', by: 'segment' })).filter((r) => r[0] === 'current')).toEqual([
      ['current', '个人', null, 0], ['current', '企业', 0.5, 2], ['current', null, null, 0],
    ]);
  });

  it('satisfaction per region through the customers table (unrated ticket left out; levels are those the tickets reach)', async () => {
    // c5, the one customer without a region, has no ticket: no blank level here.
    expect(slim(await actuals({ kpi: 'satisfaction', grain: 'month', period: '2024-02-10', by: 'region' })).filter((r) => r[0] === 'current')).toEqual([
      ['current', '华东', 3, 2], ['current', '华北', null, 0],
    ]);
  });

  it('lead conversion per owner; owner does not exist for orders', async () => {
    expect(slim(await actuals({ kpi: 'conversion', grain: 'month', period: '2024-02-10', by: 'owner' }))).toEqual([
      ['current', '张三', 0.5, 2], ['current', '李四', 0, 1], ['current', null, 1, 1],
      ['previous', '张三', null, 0], ['previous', '李四', 1, 1], ['previous', null, null, 0],
    ]);
    const q = targetActualsSql({ tables, kpi: 'revenue', grain: 'month', period: '2024-02-10', by: 'owner' });
    expect(q.ok ? null : q.unavailable).toMatchObject({ reason: 'missing_role', roles: ['owner'] });
  });

  it('quarters and years; a KPI without its table is unavailable', async () => {
    expect(slim(await actuals({ kpi: 'revenue', grain: 'quarter', period: '2024-02-10' }))).toEqual([['current', null, 410, 410], ['previous', null, 0, 0]]);
    expect(slim(await actuals({ kpi: 'orders', grain: 'year', period: '2024-12-31' }))).toEqual([['current', null, 7, 7], ['previous', null, 0, 0]]);
    const q = targetActualsSql({ tables: { orders: tables.orders }, kpi: 'satisfaction', grain: 'month', period: '2024-02-10' });
    expect(q.ok ? null : q.unavailable).toMatchObject({ reason: 'no_table', kind: 'tickets' });
    expect(() => targetActualsSql({ tables, kpi: 'revenue', grain: 'month', period: '2024-02-30' })).toThrow(/real date/);
  });

  it('date bounds span orders, tickets and leads', async () => {
    const [b] = (await db.query(targetDateBoundsSql(tables)!)).rows;
    expect(b).toEqual({ lo: '2024-01-05', hi: '2024-04-02' });
    expect(targetDateBoundsSql({ customers: tables.customers })).toBeNull();
  });
});

describe('targetActualsSql agrees with the other pages on the demo', () => {
  const one = async (o: Omit<TargetActualsOptions, 'tables'>, t: TargetTables) => (await run(db, targetActualsSql({ tables: t, ...o })))[0]!.value;

  it('revenue, new customers and satisfaction as the period comparison computes them', async () => {
    const t = { orders: demo.orders, customers: demo.customers, tickets: demo.tickets };
    for (const [kpi, cmp] of [['revenue', 'revenue'], ['new_customers', 'new_buyers'], ['satisfaction', 'avg_satisfaction']] as const) {
      const [c] = await run(db, compareSql({ kpi: cmp, tables: t, grain: 'quarter', asOf: '2025-09-30' }));
      expect(await one({ kpi, grain: 'quarter', period: '2025-08-15' }, t)).toBeCloseTo(Number(c!.current_value), 6);
    }
  });

  it('retention as retentionSql gives it for the period before', async () => {
    const t = { orders: demo.orders, customers: demo.customers };
    const ret = await run(db, retentionSql({ orders: demo.orders, customers: demo.customers, grain: 'month' }));
    const may = ret.find((r) => String(r.period) === '2025-05-01')!;
    expect(await one({ kpi: 'retention', grain: 'month', period: '2025-06-01' }, t)).toBeCloseTo(Number(may.retention_rate), 12);
  });

  it('levels add up to the overall figure for additive KPIs', async () => {
    const t = { orders: demo.orders, customers: demo.customers };
    for (const kpi of ['revenue', 'new_customers'] as const) {
      const rows = await run(db, targetActualsSql({ tables: t, kpi, grain: 'year', period: '2025-01-01', by: 'segment' }));
      const sum = rows.filter((r) => r.which === 'current').reduce((s, r) => s + Number(r.value), 0);
      expect(rows.filter((r) => r.which === 'current').length).toBeGreaterThan(1);
      expect(sum).toBeCloseTo(Number(await one({ kpi, grain: 'year', period: '2025-01-01' }, t)), 4);
    }
  });
});
