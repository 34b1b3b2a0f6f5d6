/**
 * A file larger than the memory DuckDB may use fails with a clear `too_large`
 * error (not a parse error), and nothing half-loaded stays behind. The limit is
 * real: DuckDB's own `memory_limit`, set low so a modest file exceeds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { isIngestError } from '../../src/ingest/errors.ts';
import { orderLineChunks } from '../../src/demo/generate.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

describe('out of memory', () => {
  it('reports too_large and leaves the workspace as it was', async () => {
    const text = [...orderLineChunks({ rows: 300_000, seed: 3 })].join('');
    const bytes = new TextEncoder().encode(text);
    const tablesBefore = (await db.query('SELECT count(*) AS n FROM duckdb_tables()')).rows[0]!.n;
    await db.exec("SET memory_limit = '8MB'");
    let error: unknown;
    try {
      await loadFile(db, { fileName: 'big orders.csv', bytes });
    } catch (e) {
      error = e;
    } finally {
      await db.exec("SET memory_limit = '2GB'");
    }
    expect(isIngestError(error) && error.code).toBe('too_large');
    expect(isIngestError(error) && error.info.file).toBe('big orders.csv');
    expect((await db.query('SELECT count(*) AS n FROM duckdb_tables()')).rows[0]!.n).toBe(tablesBefore);
  });
});
