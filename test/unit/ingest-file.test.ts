/**
 * `loadFile` on real DuckDB-WASM: every format, made in the test from one
 * known table (the project's seeded generator), loads to the same table as its
 * CSV twin. XLSX comes from SheetJS's writer, Parquet from native DuckDB
 * (@duckdb/node-api, the yardstick the bench already uses), GBK from iconv-lite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as XLSX from '@e965/xlsx';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeText } from '../../bench/gen.ts';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { IngestError } from '../../src/ingest/errors.ts';
import { inspectFile, loadFile, rejectedRowsCsv, type LoadResult } from '../../src/ingest/index.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { toCsv, type CsvValue } from '../../src/demo/csv.ts';
import { generateCrm, type GenTable } from '../../src/demo/generate.ts';
import { ident } from '../../src/lib/sql.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

let db: Db;
let tmp: string;
beforeAll(async () => {
  db = await openNodeDb();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-ingest-'));
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function loadError(input: Parameters<typeof loadFile>[1]): Promise<IngestError> {
  try {
    await loadFile(db, input);
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
  throw new Error('expected an IngestError');
}

/** A table's columns and all its rows, in a fixed order. */
async function dump(t: TableInfo) {
  const rows = (await db.query(`SELECT * FROM ${ident(t.name)} ORDER BY ALL`)).rows;
  return { columns: t.columns, rowCount: t.rowCount, kind: t.kind, roles: t.roles, rows };
}

// ---------------------------------------------------------------- the known table and its twins

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** The generator's orders (prices as "29.00" text, as a CSV has them), one amount blanked. */
function knownOrders(): GenTable {
  const orders = generateCrm({ seed: 7, customers: 60, orderLines: 300, tables: ['orders'] }).orders;
  orders.rows[3]![8] = null;
  return orders;
}

/** Values as a typed source holds them: numbers as numbers, dates as dates (UTC midnight). */
function typed(v: CsvValue, dates: boolean): string | number | Date | null {
  if (typeof v !== 'string') return v;
  if (NUMBER.test(v)) return Number(v);
  if (dates && DATE.test(v)) return new Date(`${v}T00:00:00Z`);
  return v;
}

function objects(t: GenTable): Record<string, string | number | null>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, typed(r[i] ?? null, false) as string | number | null])));
}

function xlsxBytes(sheets: [string, readonly (readonly unknown[])[]][]): Uint8Array {
  const wb = XLSX.utils.book_new();
  for (const [name, aoa] of sheets) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa as unknown[][], { cellDates: true, UTC: true } as XLSX.AOA2SheetOpts), name);
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
}

/** Parquet written by native DuckDB from the CSV twin. */
async function parquetBytes(csv: string, codec: 'snappy' | 'zstd' | 'gzip'): Promise<Uint8Array> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const csvFile = path.join(tmp, `twin_${codec}.csv`);
  const out = path.join(tmp, `twin_${codec}.parquet`);
  writeFileSync(csvFile, csv);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`COPY (SELECT * FROM read_csv('${csvFile}')) TO '${out}' (FORMAT parquet, COMPRESSION ${codec})`);
  conn.closeSync();
  instance.closeSync();
  return new Uint8Array(readFileSync(out));
}

describe('loadFile: every format loads to the same table as its CSV twin', () => {
  const orders = knownOrders();
  const csv = toCsv(orders);
  let twin: Awaited<ReturnType<typeof dump>>;

  beforeAll(async () => {
    // The twins only prove type fidelity if every decimal column has a non-whole value.
    for (const col of [6, 7, 8]) expect(orders.rows.some((r) => typeof r[col] === 'string' && !/\.00$/.test(r[col]))).toBe(true);
    const r = await loadFile(db, { fileName: 'orders.csv', bytes: utf8(csv) });
    expect(r.source).toEqual({ format: 'delimited', encoding: 'utf-8' });
    twin = await dump(r.table);
    expect(twin.rowCount).toBe(300);
    expect(twin.columns.map((c) => c.type)).toEqual(['VARCHAR', 'VARCHAR', 'DATE', 'VARCHAR', 'VARCHAR', 'BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR']);
    expect(twin.kind).toBe('orders');
  });

  it('XLSX (dates as date cells, read in a time zone west of UTC), from the first sheet with cells', async () => {
    const aoa = [orders.columns, ...orders.rows.map((r) => r.map((v) => typed(v, true)))];
    const bytes = xlsxBytes([['Empty', []], ['Orders', aoa], ['Notes', [['made by the test']]]]);
    const tz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    let r: LoadResult;
    try {
      r = await loadFile(db, { fileName: 'orders.xlsx', bytes });
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(r.source).toEqual({ format: 'spreadsheet', sheet: 'Orders', sheets: ['Empty', 'Orders', 'Notes'] });
    expect(await dump(r.table)).toEqual(twin);
    expect(r.log).toEqual([]);
  });

  it('XLSX: another sheet on request; a missing one is a typed error', async () => {
    const bytes = xlsxBytes([['Orders', [['id'], [1]]], ['客户', [['客户编号', '注册日期'], ['C1', new Date('2024-03-01T00:00:00Z')]]]]);
    const r = await loadFile(db, { fileName: 'book.xlsx', bytes, sheet: '客户' });
    expect(r.source.sheet).toBe('客户');
    expect(r.table.columns).toEqual([{ name: '客户编号', type: 'VARCHAR' }, { name: '注册日期', type: 'DATE' }]);
    const e = await loadError({ fileName: 'book.xlsx', bytes, sheet: 'Nope' });
    expect(e.info).toEqual({ code: 'sheet_not_found', file: 'book.xlsx', params: { sheet: 'Nope', sheets: 'Orders, 客户' } });
    expect(await inspectFile({ fileName: 'book.xlsx', bytes })).toEqual({ format: 'spreadsheet', sheets: ['Orders', '客户'] });
    const empty = await loadError({ fileName: 'blank.xlsx', bytes: xlsxBytes([['Sheet1', []]]) });
    expect(empty.code).toBe('empty_file');
  });

  it('XLSX: title rows above the header are skipped and logged; times and timestamps keep their types', async () => {
    const bytes = xlsxBytes([
      [
        'Export',
        [
          ['客户明细 2024'],
          [],
          ['id', 'visited_at', 'time', 'vip'],
          [1, new Date('2024-01-05T13:45:10Z'), new Date('1899-12-30T09:58:11Z'), true],
          [2, new Date('2024-02-29T00:00:01Z'), new Date('1899-12-30T17:00:00Z'), false],
        ],
      ],
    ]);
    const r = await loadFile(db, { fileName: 'export.xlsx', bytes });
    expect(r.table.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'visited_at', type: 'TIMESTAMP' },
      { name: 'time', type: 'TIME' },
      { name: 'vip', type: 'BOOLEAN' },
    ]);
    expect(r.log.map((l) => [l.rule, l.rows, l.examples, l.params])).toEqual([['skipped_rows', 1, ['客户明细 2024'], { header: 3 }]]);
    // TIME leaves the Db as microseconds; as text it reads as the sheet shows it.
    const rows = (await db.query(`SELECT * REPLACE (CAST(time AS VARCHAR) AS time) FROM ${ident(r.table.name)} ORDER BY id`)).rows;
    expect(rows).toEqual([
      { id: 1, visited_at: '2024-01-05 13:45:10', time: '09:58:11', vip: true },
      { id: 2, visited_at: '2024-02-29 00:00:01', time: '17:00:00', vip: false },
    ]);
  });

  it('an HTML table saved as .xls (as some systems export) reads as a spreadsheet', async () => {
    const html = '<html><body><table><tr><th>customer_id</th><th>amount</th></tr><tr><td>C1</td><td>12.5</td></tr><tr><td>C2</td><td>3</td></tr></table></body></html>';
    const r = await loadFile(db, { fileName: 'report.xls', bytes: utf8(html) });
    expect(r.source.format).toBe('spreadsheet');
    expect(r.table.columns).toEqual([{ name: 'customer_id', type: 'VARCHAR' }, { name: 'amount', type: 'DOUBLE' }]);
    expect(r.table.rowCount).toBe(2);
  });

  it('JSON: an array of objects, and the same inside an object', async () => {
    const list = objects(orders);
    const a = await loadFile(db, { fileName: 'orders.json', bytes: utf8(JSON.stringify(list)) });
    expect(a.source).toEqual({ format: 'json', encoding: 'utf-8' });
    expect(await dump(a.table)).toEqual(twin);
    const b = await loadFile(db, { fileName: 'api.json', bytes: utf8(JSON.stringify({ total: list.length, data: list }, null, 2)) });
    expect(await dump(b.table)).toEqual(twin);
    expect(b.log.map((l) => [l.rule, l.params])).toEqual([['json_path', { path: 'data' }]]);
  });

  it('NDJSON, with CRLF line ends', async () => {
    const text = objects(orders).map((o) => JSON.stringify(o)).join('\r\n');
    const r = await loadFile(db, { fileName: 'orders.ndjson', bytes: utf8(text) });
    expect(r.source.format).toBe('ndjson');
    expect(await dump(r.table)).toEqual(twin);
  });

  it('Parquet written by DuckDB with snappy, zstd and gzip', async () => {
    for (const codec of ['snappy', 'zstd', 'gzip'] as const) {
      const r = await loadFile(db, { fileName: `orders_${codec}.parquet`, bytes: await parquetBytes(csv, codec) });
      expect(r.source).toEqual({ format: 'parquet' });
      expect(await dump(r.table)).toEqual(twin);
    }
  });

  it('gzip-compressed CSV, unpacked and logged', async () => {
    const r = await loadFile(db, { fileName: 'orders.csv.gz', bytes: new Uint8Array(gzipSync(csv)) });
    expect(r.source).toEqual({ format: 'delimited', encoding: 'utf-8', gzip: true });
    expect(r.table.name).toMatch(/^orders/);
    expect(await dump(r.table)).toEqual(twin);
    expect(r.log.map((l) => l.rule)).toEqual(['decompressed']);
  });

  it('UTF-16 LE with a BOM, as Excel’s "Unicode text" saves', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...iconv.encode(csv, 'utf16le')]);
    const r = await loadFile(db, { fileName: 'orders_utf16.csv', bytes });
    expect(r.source).toEqual({ format: 'delimited', encoding: 'utf-16le' });
    expect(await dump(r.table)).toEqual(twin);
    expect(r.log.map((l) => [l.rule, l.params])).toEqual([['reencoded', { from: 'utf-16le', to: 'utf-8' }]]);
  });
});

describe('loadFile: a Chinese-header GBK file gives the same numbers as its English UTF-8 twin', () => {
  it('orders and customers', async () => {
    const opts = { seed: 11, customers: 80, orderLines: 500 } as const;
    const en = generateCrm({ ...opts, headers: 'en' });
    const zh = generateCrm({ ...opts, headers: 'zh' });
    for (const t of ['orders', 'customers'] as const) {
      const a = await loadFile(db, { fileName: `${t}.csv`, bytes: encodeText(toCsv(en[t]), 'utf8') });
      const b = await loadFile(db, { fileName: `${t}_中文.csv`, bytes: encodeText(toCsv(zh[t]), 'gbk') });
      expect(b.source.encoding).toBe('gb18030');
      expect(b.table.kind).toBe(a.table.kind);
      expect(b.table.rowCount).toBe(a.table.rowCount);
      // Same roles found, each on the column in the same position.
      const pos = (r: LoadResult, col: string | undefined) => r.table.columns.findIndex((c) => c.name === col);
      expect(Object.keys(b.table.roles).sort()).toEqual(Object.keys(a.table.roles).sort());
      for (const [role, col] of Object.entries(a.table.roles)) expect(pos(b, b.table.roles[role as keyof typeof b.table.roles])).toBe(pos(a, col));
      expect(b.table.columns.map((c) => c.type)).toEqual(a.table.columns.map((c) => c.type));
      const figures = async (r: LoadResult) => {
        const ro = r.table.roles;
        const num = t === 'orders' ? ro.amount : ro.age;
        const date = t === 'orders' ? ro.order_date : ro.signup_date;
        const q = `SELECT count(DISTINCT ${ident(ro.customer_id!)}) AS customers, sum(${ident(num!)}) AS total, min(${ident(date!)}) AS first, max(${ident(date!)}) AS last FROM ${ident(r.table.name)}`;
        return (await db.query(q)).rows[0];
      };
      expect(await figures(b)).toEqual(await figures(a));
    }
  });
});

describe('loadFile: delimited text', () => {
  const rows = (t: TableInfo) => db.query(`SELECT * FROM ${ident(t.name)}`).then((r) => r.rows);

  it('tab, semicolon and pipe delimiters, CRLF, and no newline at the end', async () => {
    for (const [name, text] of [
      ['tabs.tsv', 'id\tcity\tamount\r\n1\tChengdu\t2.5\r\n2\tWuxi\t3'],
      ['semi.csv', 'id;city;amount\n1;"Chengdu";2,5\n2;"Wuxi";3\n'],
      ['pipes.txt', 'id|city|amount\n1|Chengdu|2.5\n2|Wuxi|3'],
    ] as const) {
      const r = await loadFile(db, { fileName: name, bytes: utf8(text) });
      expect(r.table.columns.map((c) => c.name)).toEqual(['id', 'city', 'amount']);
      expect(r.table.rowCount).toBe(2);
      expect((await rows(r.table))[1]).toMatchObject({ id: 2, city: 'Wuxi' });
    }
  });

  it('a CSV that starts with a brace is still a CSV unless it is named .json', async () => {
    const r = await loadFile(db, { fileName: 'braces.csv', bytes: utf8('{id},name\n1,Ada\n2,Bo\n') });
    expect(r.source.format).toBe('delimited');
    expect(r.table.columns.map((c) => c.name)).toEqual(['{id}', 'name']);
    expect((await loadError({ fileName: 'braces.json', bytes: utf8('{id},name\n1,Ada\n') })).code).toBe('corrupt_file');
  });

  it('a quoted field may hold line breaks', async () => {
    const r = await loadFile(db, { fileName: 'notes.csv', bytes: utf8('id,note\n1,"first line\nsecond line"\n2,plain\n') });
    expect(r.table.rowCount).toBe(2);
    expect((await rows(r.table))[0]).toEqual({ id: 1, note: 'first line\nsecond line' });
  });

  it('a file without a header gets columns column1, column2…, logged', async () => {
    const r = await loadFile(db, { fileName: 'nohead.csv', bytes: utf8('1,2024-01-05,12.5\n2,2024-01-06,3\n3,2024-02-01,4.25\n') });
    expect(r.table.columns).toEqual([
      { name: 'column1', type: 'BIGINT' },
      { name: 'column2', type: 'DATE' },
      { name: 'column3', type: 'DOUBLE' },
    ]);
    expect(r.table.rowCount).toBe(3);
    expect(r.log.map((l) => [l.rule, l.params])).toEqual([['no_header', { columns: 3 }]]);
    // Twelve columns: DuckDB pads its names (column00…); ours are not.
    const wide = await loadFile(db, { fileName: 'wide.csv', bytes: utf8(`${Array.from({ length: 12 }, (_, i) => i).join(',')}\n${Array.from({ length: 12 }, (_, i) => i + 1).join(',')}\n`) });
    expect(wide.table.columns.map((c) => c.name)).toEqual(Array.from({ length: 12 }, (_, i) => `column${i + 1}`));
  });

  it('an all-text file whose first line recurs below is data, not a header', async () => {
    const r = await loadFile(db, { fileName: 'pairs.csv', bytes: utf8('alice,bob\ncarol,dan\nalice,dan\n') });
    expect(r.table.columns.map((c) => c.name)).toEqual(['column1', 'column2']);
    expect(r.table.rowCount).toBe(3);
  });

  it('keeps rejected lines for the user: line, raw text, reason and column', async () => {
    const lines = ['id,name,amount'];
    for (let i = 1; i <= 30; i++) lines.push(`${i},n${i},${i}.5`);
    lines.splice(11, 0, '99,short');
    lines.splice(21, 0, '98,long,1,extra');
    const r = await loadFile(db, { fileName: 'ragged.csv', bytes: utf8(lines.join('\n') + '\n') });
    expect(r.table.rowCount).toBe(30);
    expect(r.rejectedTotal).toBe(2);
    expect(r.rejected).toEqual([
      { line: 12, raw: '99,short', reason: 'missing_columns', detail: 'Expected Number of Columns: 3 Found: 2', column: 'amount' },
      { line: 22, raw: '98,long,1,extra', reason: 'too_many_columns', detail: 'Expected Number of Columns: 3 Found: 4' },
    ]);
    expect(rejectedRowsCsv(r).split('\r\n')[1]).toBe('12,missing_columns,amount,Expected Number of Columns: 3 Found: 2,"99,short"');
  });

  it('NDJSON lines that are not JSON are rejected with their line; the rest loads', async () => {
    const r = await loadFile(db, { fileName: 'events.jsonl', bytes: utf8('{"id":1,"user":{"name":"Ada"}}\n{"id":2,\n{"id":3,"user":{"name":"Bo"}}\n') });
    expect(r.table.columns).toEqual([{ name: 'id', type: 'BIGINT' }, { name: 'user.name', type: 'VARCHAR' }]);
    expect(r.table.rowCount).toBe(2);
    expect(r.rejectedTotal).toBe(1);
    expect(r.rejected[0]).toMatchObject({ line: 2, raw: '{"id":2,', reason: 'invalid_json' });
    expect(r.log.map((l) => [l.rule, l.rows, l.params])).toEqual([
      ['flattened', 2, { columns: 1 }],
      ['rejected_rows', 1, { errors: 'INVALID JSON', line: 2 }],
    ]);
  });

  it('a basket list loads long as (basket_id, item) with its own kind and roles', async () => {
    const text = ['milk,bread,eggs', 'tea', 'milk , jam', 'bread,milk,tea,eggs', 'jam', 'milk,bread'].join('\n');
    const r = await loadFile(db, { fileName: 'baskets.csv', bytes: utf8(text) });
    expect(r.source.format).toBe('basket');
    expect(r.table).toMatchObject({ kind: 'baskets', rowCount: 13, roles: { order_id: 'basket_id', product: 'item' } });
    expect(r.table.columns).toEqual([{ name: 'basket_id', type: 'BIGINT' }, { name: 'item', type: 'VARCHAR' }]);
    expect(r.log.map((l) => [l.rule, l.rows, l.params])).toEqual([['baskets', 13, { baskets: 6, items: 5, trimmed: 2, header: 0 }]]);
    // The same lines, told to load as a table, are refused as ragged.
    expect((await loadError({ fileName: 'baskets.csv', bytes: utf8(text), format: 'delimited' })).code).toBe('ragged_rows');
  });
});

describe('loadFile: encodings', () => {
  it('an explicit encoding overrides detection', async () => {
    // "Müller" in windows-1252 is also valid GBK, so detection reads it as Chinese.
    const bytes = iconv.encode('name,city\nMüller,Köln\nGarçon,Orléans\n', 'win1252');
    const auto = await loadFile(db, { fileName: 'names.csv', bytes });
    expect(auto.source.encoding).toBe('gb18030');
    const forced = await loadFile(db, { fileName: 'names.csv', bytes, encoding: 'windows-1252' });
    expect(forced.source.encoding).toBe('windows-1252');
    expect((await db.query(`SELECT name, city FROM ${ident(forced.table.name)} ORDER BY name`)).rows).toEqual([
      { name: 'Garçon', city: 'Orléans' },
      { name: 'Müller', city: 'Köln' },
    ]);
  });

  it('GBK JSON and UTF-16 JSON', async () => {
    const doc = JSON.stringify([{ 客户: '张三', 金额: 12.5 }]);
    for (const bytes of [iconv.encode(doc, 'gbk'), new Uint8Array([0xff, 0xfe, ...iconv.encode(doc, 'utf16le')])]) {
      const r = await loadFile(db, { fileName: 'x.json', bytes });
      expect((await db.query(`SELECT * FROM ${ident(r.table.name)}`)).rows).toEqual([{ 客户: '张三', 金额: 12.5 }]);
    }
  });
});

describe('loadFile: typed errors', () => {
  it('empty files, binaries renamed .csv, unsupported and damaged files, files without columns', async () => {
    expect((await loadError({ fileName: 'empty.csv', bytes: new Uint8Array(0) })).info).toEqual({ code: 'empty_file', file: 'empty.csv' });
    expect((await loadError({ fileName: 'blank.csv', bytes: utf8(' \r\n\n') })).code).toBe('empty_file');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect((await loadError({ fileName: 'photo.csv', bytes: png })).info).toEqual({ code: 'unsupported_format', file: 'photo.csv', params: { format: 'png' } });
    const junk = new Uint8Array(Array.from({ length: 400 }, (_, i) => (i * 37) % 256));
    expect((await loadError({ fileName: 'junk.csv', bytes: junk })).code).toBe('binary_file');
    expect((await loadError({ fileName: 'a.pdf', bytes: utf8('%PDF-1.7\n...') })).info.params).toEqual({ format: 'pdf' });
    const fakeXlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...utf8('xl/workbook.xml garbage that is no zip')]);
    expect((await loadError({ fileName: 'broken.xlsx', bytes: fakeXlsx })).info).toMatchObject({ code: 'corrupt_file', params: { format: 'xlsx' } });
    expect((await loadError({ fileName: 'broken.parquet', bytes: utf8('PAR1 not really') })).info).toMatchObject({ code: 'corrupt_file', params: { format: 'parquet' } });
    expect((await loadError({ fileName: 'bad.json', bytes: utf8('[{"a":1},\n{"a":}]') })).info).toMatchObject({ code: 'corrupt_file', row: 2, params: { format: 'json' } });
    expect((await loadError({ fileName: 'none.json', bytes: utf8('[]') })).code).toBe('empty_file');
    expect((await loadError({ fileName: 'nocols.json', bytes: utf8('[{}, {}]') })).code).toBe('no_columns');
    expect((await loadError({ fileName: 'old.gz', bytes: new Uint8Array(gzipSync(gzipSync('a\n1\n'))) })).info.params).toEqual({ format: 'gzip' });
    const leftovers = await db.query("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'crm_lens_%'");
    expect(leftovers.rows).toEqual([]);
  });
});
