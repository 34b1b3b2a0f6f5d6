/**
 * Issue 15 runners on real DuckDB-WASM: life-cycle stages on the Analytics
 * page and receivables ageing with credit exposure beside the sales cycle, on
 * test/fixtures/crm-measures (hand-worked figures in metrics-cohorts and metrics-risk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadAnalytics } from '../../src/report/analytics.ts';
import { agingBuckets, loadMoreMeasures } from '../../src/report/more-measures.ts';
import { loadMeasureFixture, type MeasureFixture } from './metrics-helpers.ts';

let db: Db;
let fx: MeasureFixture;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
});
afterAll(async () => db.close());

describe('life-cycle stages on the Analytics page', () => {
  it('runs with the page defaults (new < 90 days, lost > 180, 90-day windows) as of the date filter', async () => {
    const a = await loadAnalytics(db, [fx.customers, fx.orders], { to: '2024-06-30' });
    // With lost at 180 days B (162 days) is not lost: its recent 0 vs previous 120 is declining; F (180 days, nothing in either window) is mature.
    expect(a.lifecycle.rows.map((r) => [r.stage, r.customers])).toEqual([['new', 2], ['growing', 1], ['mature', 1], ['declining', 2], ['lost', 0]]);
    expect(a.lifecycle.rows.find((r) => r.stage === 'declining')!.value).toBe(120 + 1170);
    expect(a.lifecycle.sql).toMatch(/lost/);
  });
});

describe('a measure whose query fails', () => {
  it('says why in its place; the other measures stand', async () => {
    // The loyalty query runs out of memory (as loyaltySql did at 10M lines in DuckDB-WASM); every other query runs.
    const failing: Db = {
      ...db,
      query: async (sql: string) => {
        if (sql.includes('interpurchase_gaps')) throw new Error('Out of Memory Error: could not allocate block of size 256.0 KiB (3.1 GiB/3.1 GiB used)\nDatabase is launched in in-memory mode');
        if (sql.includes('ntile(')) throw new Error('Binder Error: something else\nLINE 1: SELECT');
        return db.query(sql);
      },
    };
    const a = await loadAnalytics(failing, [fx.customers, fx.orders], { to: '2024-06-30' });
    // Out of memory is said as such (the page words it: what ran out, what to do), not in DuckDB's words.
    expect(a.loyalty.unavailable).toEqual({ reason: 'out_of_memory' });
    expect(a.loyalty.sql).toMatch(/interpurchase_gaps/);
    const other = Object.values(a).filter((m) => m && typeof m === 'object' && 'unavailable' in m && m.unavailable?.reason === 'failed');
    expect(other.length).toBeGreaterThan(0);
    expect(other.map((m) => (m as { unavailable: { message: string } }).unavailable.message)).toContain('Binder Error: something else');
    expect(a.lifecycle.rows.length).toBe(5);
    expect(a.retention.unavailable).toBeUndefined();
    // An abort still ends the run.
    const aborting: Db = { ...db, query: async () => { throw new DOMException('stopped', 'AbortError'); } };
    await expect(loadAnalytics(aborting, [fx.customers, fx.orders], {})).rejects.toThrow('stopped');
  });
});

describe('receivables ageing and credit exposure', () => {
  it('ages the open amount (not yet due, then days past due) and lists exposure per customer', async () => {
    const m = await loadMoreMeasures(db, [fx.customers, fx.orders], { to: '2024-06-30' }, undefined);
    // Open 420: O9 110 not yet due; O11 20 two days late; O7 240 and O8 50 46 and 56 days late.
    expect(agingBuckets(m.measures.receivables.rows[0])).toEqual([
      { bucket: 'current', amount: 110 },
      { bucket: 'd1_30', amount: 20 },
      { bucket: 'd31_60', amount: 290 },
      { bucket: 'd61_90', amount: 0 },
      { bucket: 'd90_plus', amount: 0 },
    ]);
    expect(m.measures.credit.rows.map((r) => [r.customer_id, r.open_amount, r.over_limit])).toEqual([['C', 260, false], ['A', 110, false], ['D', 50, true]]);
  });

  it('has no ageing without due dates or without a payment status', async () => {
    const noDue = { ...fx.orders, roles: { ...fx.orders.roles, due_date: undefined } };
    const m = await loadMoreMeasures(db, [fx.customers, noDue], { to: '2024-06-30' }, undefined);
    expect(agingBuckets(m.measures.receivables.rows[0])).toBeNull();
    const noStatus = { ...fx.orders, roles: { ...fx.orders.roles, payment_status: undefined } };
    const n = await loadMoreMeasures(db, [fx.customers, noStatus], { to: '2024-06-30' }, undefined);
    expect(n.measures.credit.unavailable?.roles).toEqual(['payment_status']);
    expect(agingBuckets(n.measures.receivables.rows[0])).toBeNull();
  });
});
