import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { ident, lit } from '../../src/lib/sql.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

describe('db (real DuckDB-WASM in Node)', () => {
  it('converts types to plain JS values', async () => {
    const r = await db.query(
      "SELECT 42::BIGINT AS n, 2.5::DOUBLE AS d, 'x' AS s, DATE '2024-03-05' AS dt, TIMESTAMP '2024-03-05 10:11:12' AS ts, 12.34::DECIMAL(10,2) AS dec, NULL AS z, true AS b",
    );
    expect(r.rows[0]).toEqual({ n: 42, d: 2.5, s: 'x', dt: '2024-03-05', ts: '2024-03-05 10:11:12', dec: 12.34, z: null, b: true });
  });

  it('reads a registered CSV buffer', async () => {
    await db.registerBuffer('a.csv', new TextEncoder().encode('id,amt\n1,2.5\n2,3\n'));
    const r = await db.query("SELECT sum(amt) AS s, count(*) AS n FROM read_csv('a.csv')");
    expect(r.rows[0]).toEqual({ s: 5.5, n: 2 });
  });

  it('quotes hostile identifiers and literals so they round-trip', async () => {
    const col = 'we"ird; DROP TABLE x; --';
    const val = "O'Brien\"; --";
    const r = await db.query(`SELECT ${lit(val)} AS ${ident(col)}`);
    expect(r.columns[0]!.name).toBe(col);
    expect(r.rows[0]![col]).toBe(val);
  });

  it('never autoloads extensions (offline)', async () => {
    const r = await db.query("SELECT current_setting('autoload_known_extensions') AS a, current_setting('autoinstall_known_extensions') AS i");
    expect(r.rows[0]).toEqual({ a: false, i: false });
  });
});
