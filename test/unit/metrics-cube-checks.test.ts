/**
 * The cube checks (`cubeChecksSql`) ask whether an order's lines take two
 * values or more of the day or a dimension (NULL counted as one), and a
 * customer two values or more of a customer-level dimension. They say so
 * with min, max and counts, not count(DISTINCT), which keeps a set of values
 * per order and ran out of the tab's memory at 10M lines. Here both ways are
 * asked of real DuckDB on generated groups, NULLs and one-line groups included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { Random } from '../../src/lib/random.ts';
import { cubeChecksSql } from '../../src/metrics/cube.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

describe('cube checks without count(DISTINCT)', () => {
  it('the spans expression says what count(DISTINCT) + a NULL says, group by group', async () => {
    const r = new Random(3);
    const rows: string[] = [];
    for (let g = 0; g < 400; g++) {
      const n = 1 + Math.floor(r.float() * 4);
      const kind = g % 5;
      for (let k = 0; k < n; k++) {
        // 0: one value; 1: values at random; 2: a value or NULL; 3: all NULL; 4: two values, no NULL.
        const v = kind === 0 ? "'a'" : kind === 1 ? `'${'abc'[Math.floor(r.float() * 3)]}'` : kind === 2 ? (r.float() < 0.5 ? 'NULL' : "'b'") : kind === 3 ? 'NULL' : `'${k % 2 ? 'x' : 'y'}'`;
        rows.push(`(${g}, ${v})`);
      }
    }
    await db.exec(`CREATE OR REPLACE TABLE spans_t AS SELECT * FROM (VALUES ${rows.join(', ')}) AS t(g, x)`);
    // The expression cubeChecksSql uses for the day and each dimension, taken from its text.
    const sql = cubeChecksSql({ orders: { name: 'o', roles: {}, columns: [] }, customers: null, dims: {} } as never);
    const spans = /\(SELECT (\(coalesce\(min\("day"\).*?\)\)\)) AS s_day/.exec(sql)?.[1];
    expect(spans, sql).toBeDefined();
    const mine = spans!.replaceAll('"day"', 'x');
    const got = await db.query(`SELECT g, ${mine} AS mine, count(DISTINCT x) + max(CASE WHEN x IS NULL THEN 1 ELSE 0 END) > 1 AS theirs FROM spans_t GROUP BY g ORDER BY g`);
    expect(got.rows.length).toBe(400);
    for (const row of got.rows) expect(row.mine, `group ${String(row.g)}`).toBe(row.theirs);
    expect(got.rows.some((row) => row.mine === true) && got.rows.some((row) => row.mine === false)).toBe(true);
  });
});
