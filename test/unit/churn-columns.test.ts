import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { allRowsSql } from '../../src/metrics/profile.ts';
import { applyFeatures, fitFeatures, parseBinaryTarget, type Cell, type ColumnData } from '../../src/ml/features.ts';
import { fetchColumns } from '../../src/report/churn.ts';

const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const TELCO = path.join(DATA_DIR, 'telco_churn', 'Telco-Customer-Churn.csv');
if (!existsSync(TELCO)) console.warn(`[churn-columns] Telco test skipped: no ${TELCO} (set CRM_DATA_DIR)`);

/** The columns as the trainer got them before: row objects first, booleans as 1/0, NULL as null. */
async function viaRows(db: Db, table: string): Promise<ColumnData[]> {
  const r = await db.query(allRowsSql(table));
  return r.columns.map((c) => ({ name: c.name, values: r.rows.map((row): Cell => (typeof row[c.name] === 'boolean' ? (row[c.name] ? 1 : 0) : (row[c.name] as Cell))) }));
}

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => {
  await db.close();
});

describe('fetchColumns: a table as columns straight from DuckDB', () => {
  it('numbers and booleans as Float64Array with NULL as NaN, text and dates as cells', async () => {
    await db.exec(`CREATE TABLE kinds AS SELECT * FROM (VALUES
      (1, 2.5::DOUBLE, TRUE, 'a', DATE '2024-01-02'),
      (NULL, NULL, NULL, NULL, NULL),
      (3, -1.0, FALSE, 'b', DATE '2024-03-04')) t(n, x, flag, s, d)`);
    const cols = await fetchColumns(db, 'kinds');
    expect(cols.map((c) => c.name)).toEqual(['n', 'x', 'flag', 's', 'd']);
    const [n, x, flag, s, d] = cols.map((c) => c.values);
    expect(n).toEqual(Float64Array.of(1, NaN, 3));
    expect(x).toEqual(Float64Array.of(2.5, NaN, -1));
    expect(flag).toEqual(Float64Array.of(1, NaN, 0));
    expect(s).toEqual(['a', null, 'b']);
    expect(d).toEqual(['2024-01-02', null, '2024-03-04']);
  });

  it.skipIf(!existsSync(TELCO))('Telco: the same target, features and design matrix as the row-object path', { timeout: 60_000 }, async () => {
    const { table } = await loadDelimited(db, { fileName: 'Telco-Customer-Churn.csv', bytes: new Uint8Array(readFileSync(TELCO)) });
    const [direct, rows] = [await fetchColumns(db, table.name), await viaRows(db, table.name)];
    expect(direct.filter((c) => c.values instanceof Float64Array).map((c) => c.name)).toEqual(expect.arrayContaining(['tenure', 'MonthlyCharges']));
    expect(parseBinaryTarget(direct.find((c) => c.name === 'Churn')!)).toEqual(parseBinaryTarget(rows.find((c) => c.name === 'Churn')!));
    const train = Array.from({ length: 5000 }, (_, i) => i);
    const fitted = fitFeatures(direct, { target: 'Churn' }, train);
    expect(fitted).toEqual(fitFeatures(rows, { target: 'Churn' }, train));
    expect(applyFeatures(fitted, direct)).toEqual(applyFeatures(fitted, rows));
  });
});
