import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { buyerValueSql, defaultStage, funnelBottleneck, funnelStages, journeyFunnelSql, touchpointCountsSql, type JourneyStage } from '../../src/metrics/journey-funnel.ts';
import { loadJourneyFunnel } from '../../src/report/journey-funnel.ts';
import { loadJourneys } from '../../src/report/journeys.ts';
import { run } from './metrics-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function load(name: string, csv: string): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return table;
}

describe('default stages from touchpoint names', () => {
  it('reads English and Chinese names, retention before decision, consideration before awareness', () => {
    const cases: [string, JourneyStage | null][] = [
      ['Display ad impression', 'awareness'], ['social_post', 'awareness'], ['Home', 'awareness'], ['百度搜索', 'awareness'], ['广告曝光', 'awareness'], ['浏览首页', 'awareness'],
      ['Product page', 'consideration'], ['product-view', 'consideration'], ['Compare plans', 'consideration'], ['Add to cart', 'consideration'], ['在线咨询', 'consideration'], ['加购', 'consideration'], ['商品详情', 'consideration'],
      ['Checkout', 'decision'], ['Purchase', 'decision'], ['order_placed', 'decision'], ['下单', 'decision'], ['支付成功', 'decision'],
      ['Repeat purchase', 'retention'], ['Second order', 'retention'], ['login', 'retention'], ['复购', 'retention'], ['会员登录', 'retention'],
      ['xyz', null], ['', null], ['?', null], ['Headroom', null],
    ];
    expect(cases.map(([n]) => [n, defaultStage(n)])).toEqual(cases);
  });
});

// Chinese headers, float-looking ids (one with blanks around it), a blank id, a blank page.
// 1.0: 广告 → 商品详情 → 支付成功 (购买), four days later 会员登录: retention.
// 2.0: 广告 → 商品详情 → 加购: consideration.   3.5: 首页: awareness.
// " 4 ": Search → Checkout, then Purchase 10 minutes later (same session, not a repeat): decision.
// 5.0: only "xyz": no stage.   6.0: blank page but event type 购买, two days later again: retention.
// 7.0: 会员登录 without any purchase: consideration.
const EVENTS = [
  '客户编号,事件时间,渠道,页面,事件类型',
  '1.0,2024-01-01 10:00:00,广告,广告,浏览',
  '1.0,2024-01-01 10:05:00,广告,商品详情,浏览',
  '1.0,2024-01-01 10:10:00,广告,支付成功,购买',
  '1.0,2024-01-05 09:00:00,邮件,会员登录,浏览',
  '2.0,2024-01-02 10:00:00,社交,广告,浏览',
  '2.0,2024-01-02 10:01:00,社交,商品详情,浏览',
  '2.0,2024-01-02 10:02:00,社交,加购,浏览',
  '3.5,2024-01-02 11:00:00,直接,首页,浏览',
  ' 4 ,2024-01-03 08:00:00,搜索,Search,浏览',
  ' 4 ,2024-01-03 08:03:00,搜索,Checkout,浏览',
  ' 4 ,2024-01-03 08:13:00,搜索,Purchase,购买',
  '5.0,2024-01-03 09:00:00,搜索,xyz,浏览',
  ',2024-01-03 09:00:00,搜索,Purchase,购买',
  '6.0,2024-01-04 09:00:00,邮件,,购买',
  '6.0,2024-01-06 09:00:00,邮件,,购买',
  '7.0,2024-01-04 10:00:00,邮件,会员登录,浏览',
].join('\n');

describe('journey funnel by hand', () => {
  let e: TableInfo;
  let stages: Record<string, JourneyStage | null>;
  beforeAll(async () => {
    const t = await load('ev_funnel', EVENTS);
    // Ingest leaves a column of float-looking ids unmapped; the user maps it (the role editor), as here.
    e = t.roles.customer_id ? t : { ...t, kind: 'events', roles: { ...t.roles, customer_id: '客户编号' } };
    const tps = await run(db, touchpointCountsSql(e));
    stages = Object.fromEntries(tps.map((r) => [String(r.touchpoint), defaultStage(String(r.touchpoint))]));
  });

  it('counts touchpoints, the blank page as "?" and the blank id left out', async () => {
    expect(e.kind).toBe('events');
    expect(e.columns.find((c) => c.name === '客户编号')?.type).toMatch(/DOUBLE|VARCHAR/);
    const tps = await run(db, touchpointCountsSql(e));
    const by = Object.fromEntries(tps.map((r) => [r.touchpoint, [r.events, r.customers]]));
    expect(by).toMatchObject({ 广告: [2, 2], 商品详情: [2, 2], '?': [2, 1], Purchase: [1, 1], 会员登录: [2, 2], xyz: [1, 1] });
    expect(stages).toMatchObject({ '?': null, xyz: null, Checkout: 'decision', 会员登录: 'retention' });
  });

  it('customers reaching each stage, step conversion, bottleneck and its cost', async () => {
    const rows = await run(db, journeyFunnelSql({ events: e, stages }));
    expect(rows.map((r) => [r.name, r.customers])).toEqual([['awareness', 6], ['consideration', 5], ['decision', 3], ['retention', 2]]);
    expect(rows[0]!.unstaged_customers).toBe(1);
    const st = funnelStages(rows);
    expect(st.map((s) => s.stepRate)).toEqual([null, 5 / 6, 3 / 5, 2 / 3]);
    const b = funnelBottleneck(st, 100)!;
    // Lowest step conversion 3/5: two customers lost, each would have been a buyer.
    expect(b).toEqual({ from: 'consideration', to: 'decision', stepRate: 0.6, lost: 2, lostBuyers: 2, cost: 200 });
    expect(funnelBottleneck(st, null)!.cost).toBeNull();
  });

  it('the user moves a touchpoint to another stage', async () => {
    // 加购 as a decision: customer 2.0 now decided; the bottleneck moves to decision → retention (2/4).
    const rows = await run(db, journeyFunnelSql({ events: e, stages: { ...stages, 加购: 'decision' } }));
    expect(rows.map((r) => r.customers)).toEqual([6, 5, 4, 2]);
    const b = funnelBottleneck(funnelStages(rows), null)!;
    expect([b.from, b.to, b.lost, b.lostBuyers]).toEqual(['decision', 'retention', 2, 2]);
    // A shorter repeat window makes customer 4's second purchase (10 minutes later) a repeat.
    expect((await run(db, journeyFunnelSql({ events: e, stages, gapMinutes: 5 }))).map((r) => r.customers)).toEqual([6, 5, 3, 3]);
    // Nothing mapped: only conversions place customers (1.0, 4 and 6.0 buy; 6.0 again two days later).
    expect((await run(db, journeyFunnelSql({ events: e, stages: {} }))).map((r) => r.customers)).toEqual([3, 3, 3, 1]);
  });

  it('the journey measures read the same awkward events (blank page, float ids)', async () => {
    const r = (await loadJourneys(db, [e]))!;
    // 1.0 and 6.0 come back days later (two sessions each); the blank page with 购买 converts.
    expect(r.summary.rows[0]).toMatchObject({ events: 15, customers: 7, sessions: 9, converting_sessions: 4, converters: 3 });
  });

  it('the earlier bottleneck on a tie; none without customers; onward share to a decision', () => {
    const st = funnelStages([{ stage: 1, customers: 100 }, { stage: 2, customers: 50 }, { stage: 3, customers: 10 }, { stage: 4, customers: 5 }]);
    expect(st.map((s) => s.stepRate)).toEqual([null, 0.5, 0.2, 0.5]);
    expect(funnelBottleneck(st, 10)).toEqual({ from: 'consideration', to: 'decision', stepRate: 0.2, lost: 40, lostBuyers: 40, cost: 400 });
    const first = funnelStages([{ stage: 1, customers: 100 }, { stage: 2, customers: 10 }, { stage: 3, customers: 5 }, { stage: 4, customers: 5 }]);
    // 90 lost at awareness → consideration; half of those past it bought: 45 buyers lost.
    expect(funnelBottleneck(first, 2)).toEqual({ from: 'awareness', to: 'consideration', stepRate: 0.1, lost: 90, lostBuyers: 45, cost: 90 });
    expect(funnelBottleneck(funnelStages([]), 1)).toBeNull();
  });
});

describe('journey funnel on the demo (planted bottleneck)', () => {
  it('names consideration → decision, valued from the orders', async () => {
    const csv = demoWorkspace();
    const events = await load('demo_events_f', csv.events);
    const orders = await load('demo_orders_f', csv.orders);
    const r = (await loadJourneyFunnel(db, [orders, events], 30, {}))!;
    expect(r.touchpoints.find((t) => t.touchpoint === 'Login')?.stage).toBe('retention');
    expect(r.stages.map((s) => s.customers)).toEqual([...r.stages.map((s) => s.customers)].sort((a, b) => b - a));
    expect(r.bottleneck).toMatchObject({ from: 'consideration', to: 'decision' });
    const value = (await run(db, buyerValueSql(orders)))[0]!.value as number;
    expect(value).toBeGreaterThan(0);
    expect(r.bottleneck!.cost).toBeCloseTo(r.bottleneck!.lostBuyers * value, 6);
  });
});
