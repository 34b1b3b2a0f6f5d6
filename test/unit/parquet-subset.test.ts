/**
 * Parquet by URL reads only the column chunks the role suggester asks for
 * (src/ingest/remote.ts, src/ingest/parquet-subset.ts): a wide CRM-like export
 * written by native DuckDB, served by a local server that honours `Range` and
 * logs every byte. The rebuilt file of just those columns must be valid Parquet
 * (native DuckDB reads it) and load in real DuckDB-WASM to native DuckDB's
 * figures over the original.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { footerLayout } from '../../src/ingest/parquet-subset.ts';
import { inspectRemoteParquet, readRemoteParquet } from '../../src/ingest/remote.ts';
import { ident } from '../../src/lib/sql.ts';

let db: Db;
let tmp: string;
let server: Server;
let origin: string;
const log: { path: string; sent: number }[] = [];
let size: number;
type Figures = { n: number; revenue: number; customers: number; blanks: number; first: string };
let expected: Figures;
const FIGURES = (from: string, customer: string) => `SELECT count(*)::DOUBLE AS n, sum("Order Amount")::DOUBLE AS revenue, count(DISTINCT ${customer})::DOUBLE AS customers,
  count(*) FILTER (WHERE "Order Amount" IS NULL)::DOUBLE AS blanks, min("Order Date")::VARCHAR AS first FROM ${from}`;

beforeAll(async () => {
  db = await openNodeDb();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-subset-'));
  const file = path.join(tmp, 'crm export.parquet');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // Wide like a real export: ids (the customer's as a float), a date, amounts with returns and blanks, a Chinese
  // header, and bulky text nobody's analysis needs (addresses, notes, descriptions, emails).
  await conn.run(`COPY (SELECT 'SO-' || i AS "Order ID", (i % 613) + 0.0 AS "Customer ID", DATE '2024-01-01' + CAST(i / 40 AS INTEGER) AS "Order Date",
      CASE WHEN i % 19 = 0 THEN NULL WHEN i % 7 = 0 THEN -(i % 25) ELSE (i % 300) * 1.5 END AS "Order Amount", 1 + i % 4 AS "Quantity",
      'P' || (i % 50) AS "产品", md5(i::VARCHAR) || ' ' || md5((i * 3)::VARCHAR) || ' Street' AS "Shipping Address", repeat(md5(i::VARCHAR), 4) AS "Internal Notes",
      'Item description ' || md5((i * 7)::VARCHAR) || md5((i * 11)::VARCHAR) AS "Product Description", 'user' || i || '@example.com' AS "Email",
      md5((i * 13)::VARCHAR) AS "Tracking Number", i % 2 = 0 AS "Gift Wrap"
    FROM range(30000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 8192)`);
  const r = await conn.runAndReadAll(FIGURES(`read_parquet('${file}')`, '"Customer ID"'));
  const [n, revenue, customers, blanks, first] = r.getRows()[0] as [number, number, number, number, string];
  expected = { n, revenue, customers, blanks, first };
  conn.closeSync();
  size = readFileSync(file).length;
  server = createServer((req, res) => {
    const name = path.basename(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const body = readFileSync(path.join(tmp, name));
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m) return void res.writeHead(200).end(body);
    const to = Math.min(Number(m[2]), body.length - 1);
    const part = body.subarray(Number(m[1]), to + 1);
    log.push({ path: name, sent: part.length });
    res.writeHead(206, { 'Content-Range': `bytes ${m[1]}-${to}/${body.length}` }).end(part);
  });
  // Longer than a slow test step: Node's fetch does not retry a kept-alive socket the server has just closed.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await db?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('reading only the columns with a role', () => {
  it('suggests the role columns from the footer alone, fetches only their chunks, and the result is valid Parquet with the same figures', async () => {
    const before = log.length;
    const seen = await inspectRemoteParquet('crm%20export.parquet', { base: `${origin}/` });
    expect(seen.columns).toHaveLength(12);
    expect(seen.suggested).toEqual(expect.arrayContaining(['Order ID', 'Customer ID', 'Order Date', 'Order Amount', 'Quantity', '产品']));
    for (const bulky of ['Shipping Address', 'Internal Notes', 'Product Description', 'Email', 'Tracking Number']) expect(seen.suggested).not.toContain(bulky);
    // Three small requests so far: head, tail, footer.
    expect(log.length - before).toBe(3);
    expect(seen.bytesRead).toBeLessThan(size / 10);

    const got = await readRemoteParquet(seen, seen.suggested, { base: `${origin}/`, chunkBytes: 32 * 1024 });
    const sent = log.slice(before).reduce((s, r) => s + r.sent, 0);
    expect(got.bytesRead).toBe(sent);
    expect(got.bytesTotal).toBe(size);
    const planned = seen.suggested.reduce((s, c) => s + seen.columnBytes[c]!, 0);
    expect(sent).toBe(seen.bytesRead + planned);
    expect(sent / size).toBeLessThan(0.5);

    const sub = new Uint8Array(await got.files[0]!.arrayBuffer());
    expect(got.files[0]!.name).toBe('crm export.parquet');
    expect(footerLayout(sub.subarray(sub.length - 8 - new DataView(sub.buffer).getUint32(sub.length - 8, true), sub.length - 8)).columns).toEqual(seen.suggested);
    // Native DuckDB's own Parquet reader accepts the rebuilt file.
    writeFileSync(path.join(tmp, 'sub.parquet'), sub);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const native = (await conn.runAndReadAll(FIGURES(`read_parquet('${path.join(tmp, 'sub.parquet')}')`, '"Customer ID"'))).getRows()[0] as unknown[];
    expect(native).toEqual([expected.n, expected.revenue, expected.customers, expected.blanks, expected.first]);
    conn.closeSync();

    const res = await loadFile(db, { fileName: got.files[0]!.name, bytes: sub });
    expect(res.table.columns.map((c) => c.name)).toEqual(seen.suggested);
    const row = (await db.query(FIGURES(ident(res.table.name), ident('Customer ID')))).rows[0]!;
    expect(row.n).toBe(expected.n);
    expect(row.revenue as number).toBeCloseTo(expected.revenue, 6);
    expect(row.customers).toBe(expected.customers);
    expect(row.blanks).toBe(expected.blanks);
    expect(String(row.first)).toBe(expected.first);
  });

  it('all columns: every byte, the file unchanged', async () => {
    const seen = await inspectRemoteParquet(`${origin}/crm%20export.parquet`, { base: `${origin}/` });
    const got = await readRemoteParquet(seen, null, { base: `${origin}/` });
    // Buffer.equals: a deep equal over megabytes of bytes takes minutes.
    expect(Buffer.from(await got.files[0]!.arrayBuffer()).equals(readFileSync(path.join(tmp, 'crm export.parquet')))).toBe(true);
  });

  it('a nested schema is not cut: nothing suggested, the file read whole', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    await conn.run(
      `COPY (SELECT 'C' || i AS customer_id, DATE '2024-01-01' + CAST(i AS INTEGER) AS order_date, i * 1.5 AS amount, {'street': 'x' || i, 'zip': i} AS address, md5(i::VARCHAR) AS notes FROM range(500) t(i)) TO '${path.join(tmp, 'nested.parquet')}' (FORMAT parquet)`,
    );
    conn.closeSync();
    const seen = await inspectRemoteParquet('nested.parquet', { base: `${origin}/` });
    expect(seen.files[0]!.layout.columns).toBeNull();
    expect(seen.suggested).toEqual([]);
    const got = await readRemoteParquet(seen, ['customer_id', 'amount'], { base: `${origin}/` });
    expect(Buffer.from(await got.files[0]!.arrayBuffer()).equals(readFileSync(path.join(tmp, 'nested.parquet')))).toBe(true);
  });

  it('a file without role columns suggests nothing (the UI then reads it whole)', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    await conn.run(`COPY (SELECT i AS a, 'x' || i AS b FROM range(100) t(i)) TO '${path.join(tmp, 'plain.parquet')}' (FORMAT parquet)`);
    conn.closeSync();
    const seen = await inspectRemoteParquet('plain.parquet', { base: `${origin}/` });
    expect(seen.columns).toEqual(['a', 'b']);
    expect(seen.suggested).toEqual([]);
  });
});
