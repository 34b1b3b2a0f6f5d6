import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { allRowsSql, distinctCountsSql, previewSql } from '../../src/metrics/profile.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE "we""ird" AS SELECT * FROM (VALUES ('a', 'Yes', 1), ('b', 'No', 2), ('c', 'Yes', NULL), ('d', NULL, 2)) t(id, "Churn?", n)`);
});
afterAll(async () => db.close());

describe('profile SQL on real DuckDB-WASM', () => {
  it('counts distinct non-null values per column', async () => {
    const cols = [
      { name: 'id', type: 'VARCHAR' },
      { name: 'Churn?', type: 'VARCHAR' },
      { name: 'n', type: 'INTEGER' },
    ];
    const r = await db.query(distinctCountsSql('we"ird', cols));
    expect(r.rows).toEqual([
      { column_name: 'id', distinct_values: 4, min_value: 'a', max_value: 'd' },
      { column_name: 'Churn?', distinct_values: 2, min_value: 'No', max_value: 'Yes' },
      { column_name: 'n', distinct_values: 2, min_value: '1', max_value: '2' },
    ]);
  });

  it('selects rows and previews', async () => {
    expect((await db.query(allRowsSql('we"ird', ['id']))).rows).toHaveLength(4);
    expect((await db.query(previewSql('we"ird', 2))).rows).toHaveLength(2);
  });
});
