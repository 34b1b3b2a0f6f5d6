/**
 * A large Parquet file becomes CSV a row group at a time (`parquetCsvParts`): the parts, joined, are the
 * very CSV the whole-file path writes (`readParquet` + `recordsToCsv`), and load into the same table.
 * The file is written by native DuckDB with small row groups and awkward values: a Chinese header, float
 * ids, returns as negative amounts, NULLs, blanks, quotes and commas in text, dates and timestamps.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../src/db/node.ts';
import { loadCsv } from '../../src/ingest/load.ts';
import { InOrder, parquetCsvParts, readParquet, ReaderUnavailable, readRowGroupsWith, rowGroupCsv, type GroupReader } from '../../src/ingest/parquet.ts';
import { recordsToCsv } from '../../src/ingest/records.ts';
import { ident } from '../../src/lib/sql.ts';

let tmp: string;
let db: NodeDb;
const ROWS = 23_456;

async function write(name: string, select: string, rowGroup: number): Promise<Uint8Array> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const out = path.join(tmp, name);
  await conn.run(`COPY (${select}) TO '${out}' (FORMAT parquet, ROW_GROUP_SIZE ${rowGroup})`);
  conn.closeSync();
  return new Uint8Array(readFileSync(out));
}

const FLAT = `SELECT (i % 997) + 0.5 AS "客户编号", 'O' || (i / 3) AS order_id, DATE '2024-01-01' + CAST(i / 50 AS INTEGER) AS order_date,
    TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (i) MINUTE AS created_at,
    CASE WHEN i % 13 = 0 THEN NULL WHEN i % 7 = 0 THEN -(i % 40) ELSE (i % 250) * 1.25 END AS amount,
    CASE WHEN i % 5 = 0 THEN '' WHEN i % 11 = 0 THEN 'say "hi", then' || chr(10) || 'go' ELSE 'p' || (i % 31) END AS product,
    i % 2 = 0 AS flag, CAST(i AS BIGINT) * 1000003 AS big
  FROM range(${ROWS}) t(i)`;

async function joined(parts: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const all: Uint8Array[] = [];
  for await (const p of parts) all.push(p);
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-pq-parts-'));
  db = await openNodeDb();
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Parquet to CSV a row group at a time', () => {
  it('writes the same CSV as the whole-file path, and it loads into the same table', async () => {
    const bytes = await write('flat.parquet', FLAT, 4000);
    const whole = await readParquet(bytes, 'flat.parquet');
    const expected = recordsToCsv(whole.records, { text: 'varchar', types: whole.types });
    const shares: number[] = [];
    const streamed = await parquetCsvParts(bytes, 'flat.parquet', 0, (p) => shares.push(p));
    expect(streamed).not.toBeNull();
    expect(streamed!.rows).toBe(ROWS);
    expect(streamed!.types).toEqual(expected.types);
    const csv = await joined(streamed!.parts);
    expect(new TextDecoder().decode(csv)).toBe(new TextDecoder().decode(expected.utf8));
    // A share after each row group: rising to the whole.
    expect(shares.length).toBeGreaterThan(3);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(new Set(shares).size).toBe(shares.length);
    expect(shares.at(-1)).toBe(1);
    const source = { format: 'parquet' as const };
    const a = await loadCsv(db, { fileName: 'a.parquet', utf8: csv, dialect: 'generated', types: streamed!.types, source });
    const b = await loadCsv(db, { fileName: 'b.parquet', utf8: expected.utf8, dialect: 'generated', types: expected.types, source });
    expect(a.table.rowCount).toBe(ROWS);
    expect(a.rejectedTotal).toBe(0);
    const sum = async (t: string) =>
      (await db.query(`SELECT count(*) AS n, sum(amount) AS s, count(*) FILTER (WHERE amount IS NULL) AS nulls, count(DISTINCT product) AS p, max(created_at)::VARCHAR AS last FROM ${ident(t)}`)).rows[0];
    expect(await sum(a.table.name)).toEqual(await sum(b.table.name));
    expect((await sum(a.table.name))!.nulls).toBe(Math.ceil(ROWS / 13));
  });

  it('leaves small files, nested columns and untyped columns to the whole-file path', async () => {
    const bytes = await write('small.parquet', FLAT, 4000);
    expect(await parquetCsvParts(bytes, 'small.parquet', ROWS + 1)).toBeNull();
    const nested = await write('nested.parquet', `SELECT i AS id, {'zip': i} AS address FROM range(100) t(i)`, 50);
    expect(await parquetCsvParts(nested, 'nested.parquet', 0)).toBeNull();
    const timed = await write('time.parquet', `SELECT i AS id, TIME '08:00:00' AS at FROM range(100) t(i)`, 50);
    expect(await parquetCsvParts(timed, 'time.parquet', 0)).toBeNull();
  });

  it('says a file that is not Parquet is corrupt', async () => {
    await expect(parquetCsvParts(new TextEncoder().encode('PAR1 not really PAR1'), 'broken.parquet', 0)).rejects.toMatchObject({ code: 'corrupt_file' });
  });

  it('row groups read elsewhere (the browser\'s workers) and finished in any order give the same CSV, in order', async () => {
    const bytes = await write('flat.parquet', FLAT, 3000);
    const { parquetMetadataAsync } = await import('hyparquet');
    const expected = new TextDecoder().decode(await joined((await parquetCsvParts(bytes, 'flat.parquet', 0))!.parts));
    // As the workers do: the footer and each group's bytes read from the Blob, groups shared round-robin
    // between two readers, each group finished after a delay of its own (the last ones first).
    let asked = 0;
    const reader: GroupReader = async function* (file, order, groups, signal) {
      asked++;
      const buffer = { byteLength: file.size, slice: (a: number, b?: number) => file.slice(a, b).arrayBuffer() };
      const metadata = await parquetMetadataAsync(buffer);
      const parts = new InOrder<Uint8Array>();
      signal?.addEventListener('abort', () => parts.fail(Object.assign(new Error('Load cancelled'), { name: 'AbortError' })));
      let start = 0;
      metadata.row_groups.forEach((g, k) => {
        const [a, b] = [start, (start += Number(g.num_rows))];
        setTimeout(() => void rowGroupCsv(buffer, metadata, a, b, order).then((lines) => parts.put(k, new TextEncoder().encode(lines)), (e: Error) => parts.fail(e)), 5 * (groups - k) + (k % 2) * 7);
      });
      yield* parts.take(groups);
    };
    readRowGroupsWith(reader);
    try {
      const shares: number[] = [];
      const streamed = (await parquetCsvParts(bytes, 'flat.parquet', 0, (p) => shares.push(p)))!;
      expect(new TextDecoder().decode(await joined(streamed.parts))).toBe(expected);
      expect(asked).toBe(1);
      // A share per row group, in order.
      const groups = (await parquetMetadataAsync({ byteLength: bytes.length, slice: async (a, b) => bytes.slice(a, b).buffer })).row_groups;
      expect(groups.length).toBeGreaterThan(3);
      let rows = 0;
      expect(shares).toEqual(groups.map((g) => (rows += Number(g.num_rows)) / ROWS));
      expect(shares).toEqual([...shares].sort((a, b) => a - b));
      expect(shares.at(-1)).toBe(1);
      // Cancelled while the groups are read: the load stops with an AbortError, not a corrupt file.
      const stop = new AbortController();
      const cancelled = (await parquetCsvParts(bytes, 'flat.parquet', 0, () => stop.abort(), stop.signal))!;
      await expect(joined(cancelled.parts)).rejects.toMatchObject({ name: 'AbortError' });
      // A group that cannot be read: a corrupt file, named.
      readRowGroupsWith(async function* () {
        yield new Uint8Array(0);
        throw new Error('invalid page header');
      });
      const broken = (await parquetCsvParts(bytes, 'flat.parquet', 0))!;
      await expect(joined(broken.parts)).rejects.toMatchObject({ info: { code: 'corrupt_file', file: 'flat.parquet', params: { detail: 'invalid page header' } } });
    } finally {
      readRowGroupsWith(null);
    }
  });
  it('a reader that cannot run (a worker that would not start, or stopped) leaves the row groups to this thread, from the first it did not give', async () => {
    const bytes = await write('fallback.parquet', FLAT, 3000);
    const { parquetMetadataAsync } = await import('hyparquet');
    const expected = new TextDecoder().decode(await joined((await parquetCsvParts(bytes, 'fallback.parquet', 0))!.parts));
    // Gives the first `given` groups as the workers do, then cannot go on.
    const readerGiving = (given: number): GroupReader =>
      async function* (file, order) {
        const buffer = { byteLength: file.size, slice: (a: number, b?: number) => file.slice(a, b).arrayBuffer() };
        const metadata = await parquetMetadataAsync(buffer);
        let start = 0;
        for (const g of metadata.row_groups.slice(0, given)) {
          const [a, b] = [start, (start += Number(g.num_rows))];
          yield new TextEncoder().encode(await rowGroupCsv(buffer, metadata, a, b, order));
        }
        throw new ReaderUnavailable('A Parquet worker stopped: test');
      };
    try {
      for (const given of [0, 1, 3]) {
        readRowGroupsWith(readerGiving(given));
        const shares: number[] = [];
        const parts = (await parquetCsvParts(bytes, 'fallback.parquet', 0, (p) => shares.push(p)))!;
        expect(new TextDecoder().decode(await joined(parts.parts))).toBe(expected);
        expect(shares).toEqual([...shares].sort((a, b) => a - b));
        expect(shares.at(-1)).toBe(1);
      }
    } finally {
      readRowGroupsWith(null);
    }
  });
});
