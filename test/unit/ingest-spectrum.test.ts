/**
 * The csv-spectrum cases (npm `csv-spectrum`, a devDependency: CSV files with
 * the JSON each should parse to) through the real path: `loadFile` on
 * DuckDB-WASM, then the table compared with the expectation.
 *
 * The expectations are all text; the table is typed, so cells are compared as
 * text, and an empty field (NULL in the table, as in any CSV DuckDB reads) as "".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { ident } from '../../src/lib/sql.ts';

const dir = path.dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
const cases = readdirSync(path.join(dir, 'csvs'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => path.basename(f, '.csv'))
  .sort();

/**
 * Upstream errata: csv-spectrum 2.0.0's location_coordinates.json has a
 * different phone number (1234567890) than its CSV (2095257564), and is an
 * object instead of a one-element array. The CSV is the input, so it wins.
 */
const ERRATA: Record<string, Record<string, string>> = {
  location_coordinates: { 'Contact Phone Number': '2095257564' },
};

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

describe('csv-spectrum through loadFile', () => {
  it('has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of cases) {
    it(name, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(dir, 'csvs', `${name}.csv`)));
      const parsed = JSON.parse(readFileSync(path.join(dir, 'json', `${name}.json`), 'utf8')) as Record<string, string> | Record<string, string>[];
      const expected = (Array.isArray(parsed) ? parsed : [parsed]).map((row) => ({ ...row, ...ERRATA[name] }));

      const { table, rejectedTotal, source } = await loadFile(db, { fileName: `${name}.csv`, bytes });
      expect(source.format).toBe('delimited');
      expect(rejectedTotal).toBe(0);
      expect(table.columns.map((c) => c.name)).toEqual(Object.keys(expected[0]!));
      const casts = table.columns.map((c) => `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`).join(', ');
      const rows = (await db.query(`SELECT ${casts} FROM ${ident(table.name)}`)).rows;
      expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ''])))).toEqual(expected);
    });
  }
});
