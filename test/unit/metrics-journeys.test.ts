import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { dropOffSql, flowLinksSql, journeySummarySql, timeToConvertSql, topPathsSql } from '../../src/metrics/journeys.ts';
import { journeyPathsSql, ruleAttributionSql } from '../../src/metrics/attribution.ts';
import { journeysFromRows, markovAttribution } from '../../src/metrics/markov.ts';
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

describe('markovAttribution by hand', () => {
  it('removal effects of a three-journey chain', () => {
    // start→A 2, start→B 1; A→B 1, A→null 1; B→conv 2. P(conv) = 2/3·1/2 + 1/3 = 2/3.
    // Without A: 1/3 (effect 1/2); without B: 0 (effect 1). Two conversions split 1 : 2.
    const r = markovAttribution([
      { path: ['A', 'B'], converted: true, count: 1 },
      { path: ['A'], converted: false, count: 1 },
      { path: ['B'], converted: true, count: 1 },
    ]);
    expect(r.conversionProbability).toBeCloseTo(2 / 3, 12);
    expect(r.conversions).toBe(2);
    expect(r.channels.map((c) => c.channel)).toEqual(['B', 'A']);
    expect(r.channels[0]!.removalEffect).toBeCloseTo(1, 12);
    expect(r.channels[1]!.removalEffect).toBeCloseTo(0.5, 12);
    expect(r.channels[0]!.credit).toBeCloseTo(4 / 3, 12);
    expect(r.channels[1]!.credit).toBeCloseTo(2 / 3, 12);
  });

  it('loops (a channel touched twice) and journeys with counts', () => {
    // A→A→conv ×3, A→null ×1: from A, P(A)=3/7, P(conv)=3/7, P(null)=1/7 → x = 3/7 / (1 − 3/7) = 3/4.
    const r = markovAttribution([{ path: ['A', 'A'], converted: true, count: 3 }, { path: ['A'], converted: false, count: 1 }]);
    expect(r.conversionProbability).toBeCloseTo(0.75, 12);
    expect(r.channels).toEqual([{ channel: 'A', removalEffect: 1, credit: 3 }]);
    expect(markovAttribution([]).channels).toEqual([]);
  });

  it('reads the journeys SQL rows', () => {
    expect(journeysFromRows([{ path: 'a\u001fb "x", y', converted: true, customers: 4 }, { path: '', converted: false, customers: 1 }])).toEqual([
      { path: ['a', 'b "x", y'], converted: true, count: 4 },
      { path: [], converted: false, count: 1 },
    ]);
  });
});

// A: search Home 10:00, Product 10:05, Product 10:06 (a reload) | 54 min later email Product, Cart, Purchase.
// B: social Home 09:00, Search 09:20, Product 09:45 (one session at 30 min, two at 20). C: email Home, Purchase.
// A row without a customer id is left out.
const EVENTS = [
  'customer_id,event_time,channel,page,event_type',
  'A,2024-01-01 10:00:00,search,Home,page_view',
  'A,2024-01-01 10:05:00,search,Product,page_view',
  'A,2024-01-01 10:06:00,search,Product,page_view',
  'A,2024-01-01 11:00:00,email,Product,page_view',
  'A,2024-01-01 11:02:00,email,Cart,page_view',
  'A,2024-01-01 11:03:00,email,Purchase,purchase',
  'B,2024-01-02 09:00:00,social,Home,page_view',
  'B,2024-01-02 09:20:00,social,Search,page_view',
  'B,2024-01-02 09:45:00,social,Product,page_view',
  'C,2024-01-03 08:00:00,email,Home,page_view',
  'C,2024-01-03 08:01:00,email,Purchase,purchase',
  ',2024-01-03 08:02:00,email,Home,page_view',
].join('\n');

describe('journey measures by hand', () => {
  let e: TableInfo;
  beforeAll(async () => {
    e = await load('ev_small', EVENTS);
  });

  it('is an events table with its roles', () => {
    expect(e.kind).toBe('events');
    expect(e.roles).toMatchObject({ customer_id: 'customer_id', event_at: 'event_time', touchpoint: 'page', channel: 'channel', event_type: 'event_type' });
  });

  it('cuts sessions at the inactivity gap', async () => {
    const [s30] = await run(db, journeySummarySql({ events: e }));
    expect(s30).toMatchObject({ events: 11, customers: 3, sessions: 4, converting_sessions: 2, converters: 2, conversions_known: true });
    expect(s30!.customer_conversion_rate).toBeCloseTo(2 / 3, 12);
    const [s20] = await run(db, journeySummarySql({ events: e, gapMinutes: 20 }));
    expect(s20!.sessions).toBe(5);
    expect(() => journeySummarySql({ events: e, gapMinutes: 0 })).toThrow(/whole number/);
  });

  it('reads ids and pages with spaces around them as the same (a cleaning step the user undid)', async () => {
    const padded = await load('ev_padded', EVENTS);
    await db.exec(`UPDATE ev_padded SET customer_id = ' ' || customer_id || '  ', page = page || ' ', event_type = '  ' || event_type WHERE customer_id IN ('A', 'C')`);
    const p = { ...padded, name: 'ev_padded' };
    for (const q of [journeySummarySql, flowLinksSql, dropOffSql, topPathsSql, timeToConvertSql, ruleAttributionSql]) {
      expect(await run(db, q({ events: p }))).toEqual(await run(db, q({ events: e })));
    }
  });

  it('flows between steps, a reload is not a step', async () => {
    const rows = await run(db, flowLinksSql({ events: e }));
    expect(rows.map((r) => [r.step, r.source, r.target, r.sessions])).toEqual([
      [1, 'Home', 'Product', 1], [1, 'Home', 'Purchase', 1], [1, 'Home', 'Search', 1], [1, 'Product', 'Cart', 1],
      [2, 'Cart', 'Purchase', 1], [2, 'Search', 'Product', 1],
    ]);
    // Only the two most visited touchpoints keep their names (Home 4 events, Product 5).
    const top2 = await run(db, flowLinksSql({ events: e, top: 2 }));
    expect(top2.filter((r) => r.step === 1).map((r) => [r.source, r.target, r.sessions])).toEqual([['Home', null, 2], ['Home', 'Product', 1], ['Product', null, 1]]);
    // Past the eight steps a session row holds, flows come from joining the steps: the same links.
    expect(await run(db, flowLinksSql({ events: e, steps: 12 }))).toEqual(rows);
    expect(await run(db, flowLinksSql({ events: e, steps: 2 }))).toEqual(rows.filter((r) => r.step === 1));
    expect(await run(db, flowLinksSql({ events: e, steps: 1 }))).toEqual([]);
  });

  it('drop-off, paths and time to convert', async () => {
    const d = await run(db, dropOffSql({ events: e, steps: 3 }));
    expect(d.map((r) => [r.step, r.sessions, r.exits, r.converted])).toEqual([[1, 4, 0, 0], [2, 4, 1, 1], [3, 2, 1, 1]]);
    // Steps no session reached are left out.
    expect((await run(db, dropOffSql({ events: e }))).map((r) => r.step)).toEqual([1, 2, 3]);
    const p = await run(db, topPathsSql({ events: e }));
    expect(p.map((r) => [r.path, r.sessions, r.converted])).toEqual([
      ['Home → Product', 1, 0], ['Home → Purchase', 1, 1], ['Home → Search → Product', 1, 0], ['Product → Cart → Purchase', 1, 1],
    ]);
    expect((await run(db, topPathsSql({ events: e, converting: true }))).map((r) => r.path)).toEqual(['Home → Purchase', 'Product → Cart → Purchase']);
    const t = await run(db, timeToConvertSql({ events: e }));
    expect(t.map((r) => [r.bucket, r.customers])).toEqual([['same_session', 1], ['under_1d', 1], ['under_7d', 0], ['under_30d', 0], ['over_30d', 0]]);
    expect(t[0]!.median_hours).toBeCloseTo((63 / 60 + 1 / 60) / 2, 10);
  });

  it('first-touch, last-touch, linear and Markov credit', async () => {
    const rows = await run(db, ruleAttributionSql({ events: e }));
    expect(rows.map((r) => [r.channel, r.journeys, r.converted, r.first_touch, r.last_touch, r.linear])).toEqual([
      ['email', 2, 2, 1, 2, 1.5], ['search', 1, 1, 1, 0, 0.5], ['social', 1, 0, 0, 0, 0],
    ]);
    const m = markovAttribution(journeysFromRows(await run(db, journeyPathsSql({ events: e }))));
    expect(m.channels.map((c) => [c.channel, Math.round(c.credit * 1000) / 1000])).toEqual([['email', 1.333], ['search', 0.667], ['social', 0]]);
  });
});

describe('journeys on the demo (planted effects)', () => {
  it('email converts best and leads the Markov attribution; the Sankey has no cycles', async () => {
    const csv = demoWorkspace();
    const events = await load('demo_events', csv.events);
    expect(events.kind).toBe('events');
    const r = (await loadJourneys(db, [events]))!;
    expect(r.markov!.channels[0]!.channel).toBe('email');
    const rules = r.rules.rows;
    const best = [...rules].sort((a, b) => (b.conversion_rate as number) - (a.conversion_rate as number))[0]!;
    expect(best.channel).toBe('email');
    expect(r.flows.rows.length).toBeGreaterThan(5);
    expect(r.summary.rows[0]!.sessions as number).toBeGreaterThan(2000);
    expect(r.dropOff.rows[0]!.sessions).toBe(r.summary.rows[0]!.sessions);
  });
});
