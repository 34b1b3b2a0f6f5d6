/**
 * The command-line runner's engine: native DuckDB (@duckdb/node-api) behind
 * the app's `Db`. The same files through the same ingest and the same
 * builders give the same figures as DuckDB-WASM; Parquet is read in place.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import { motherDuckProblem, nativeCell, openNativeDb, type NativeDb } from '../../src/db/native.ts';
import type { Db } from '../../src/db/types.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { loadWorkspace } from '../../src/cli/load.ts';
import { loadOverview } from '../../src/report/overview.ts';
import { loadAnalytics } from '../../src/report/analytics.ts';
import { withDerived } from '../../src/report/materialize.ts';
import { loadFile } from '../../src/ingest/index.ts';
import type { TableInfo } from '../../src/ingest/model.ts';

let dir: string;
let native: NativeDb;
let wasm: Db;
const files: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-native-'));
  const csv = demoWorkspace();
  for (const name of ['customers', 'orders', 'tickets', 'leads'] as const) {
    const f = path.join(dir, `${name}.csv`);
    writeFileSync(f, csv[name]);
    files.push(f);
  }
  native = await openNativeDb({ threads: 2 });
  wasm = await openNodeDb();
});
afterAll(async () => {
  await native?.close();
  await wasm?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rounded = (rows: readonly object[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v])));

async function wasmTables(): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  const { readFileSync } = await import('node:fs');
  for (const f of files) out.push((await loadFile(wasm, { fileName: path.basename(f), bytes: new Uint8Array(readFileSync(f)) })).table);
  return withDerived(wasm, out);
}

describe('native DuckDB options', () => {
  it('takes a memory limit (the runner’s --memory-limit)', async () => {
    const limited = await openNativeDb({ memoryLimit: '1GiB', threads: 1 });
    try {
      const { rows } = await limited.query("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t");
      expect(String(rows[0]!.m)).toMatch(/^1(\.0)? GiB$/);
      expect(Number(rows[0]!.t)).toBe(1);
    } finally {
      await limited.close();
    }
  });
});

describe('native DuckDB behind Db', () => {
  it('cells match the browser conversion: bigints as numbers, dates and timestamps as ISO text', () => {
    expect(nativeCell(3n, 'BIGINT')).toBe(3);
    expect(nativeCell(new Date('2024-01-02T00:00:00Z'), 'DATE')).toBe('2024-01-02');
    expect(nativeCell(new Date('2024-01-02T03:04:05Z'), 'TIMESTAMP')).toBe('2024-01-02 03:04:05');
    expect(nativeCell(new Date('2024-01-02T03:04:05.123Z'), 'TIMESTAMP')).toBe('2024-01-02 03:04:05.123');
    expect(nativeCell(null, 'VARCHAR')).toBeNull();
  });

  it('queryColumns streams many chunks into the same columns DuckDB-WASM gives: numbers typed, NULL as NaN, text and dates as cells', async () => {
    const sql = `SELECT i AS n, CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i AS DOUBLE) * 0.5 END AS x, CAST(i AS INTEGER) - 5000 AS neg,
      CASE WHEN i % 5 = 0 THEN NULL ELSE '客户 ' || CAST(i AS VARCHAR) END AS label, DATE '2024-01-01' + CAST(i % 400 AS INTEGER) AS day
      FROM range(10001) t(i) ORDER BY i`;
    const a = await native.queryColumns(sql);
    const b = await wasm.queryColumns(sql);
    expect(a.rows).toBe(10001);
    expect(b.rows).toBe(10001);
    for (const name of ['n', 'x', 'neg']) {
      expect(a.values[name]).toBeInstanceOf(Float64Array);
      expect(Array.from(a.values[name] as Float64Array)).toEqual(Array.from(b.values[name] as Float64Array));
    }
    expect(Number.isNaN((a.values.x as Float64Array)[7])).toBe(true);
    expect(a.values.label).toEqual(b.values.label);
    expect(a.values.day).toEqual(b.values.day);
    expect((await native.queryColumns('SELECT 1 AS n WHERE false')).rows).toBe(0);
  });

  it('a MotherDuck path without a token gets a clear message, not a stack trace', async () => {
    expect(motherDuckProblem('md:crm', {})).toMatch(/motherduck_token/);
    expect(motherDuckProblem('md:crm', { motherduck_token: 'x' })).toBeNull();
    expect(motherDuckProblem('crm.duckdb', {})).toBeNull();
    const saved = { a: process.env.motherduck_token, b: process.env.MOTHERDUCK_TOKEN };
    delete process.env.motherduck_token;
    delete process.env.MOTHERDUCK_TOKEN;
    try {
      await expect(openNativeDb({ database: 'md:crm' })).rejects.toThrow(/motherduck_token/);
    } finally {
      if (saved.a !== undefined) process.env.motherduck_token = saved.a;
      if (saved.b !== undefined) process.env.MOTHERDUCK_TOKEN = saved.b;
    }
  });

  it('the demo files through the same ingest give the same tables, roles and figures as DuckDB-WASM', async () => {
    const ws = await loadWorkspace(native, files);
    const browser = await wasmTables();
    const shape = (ts: TableInfo[]) => ts.map((t) => ({ name: t.name, kind: t.kind, rowCount: t.rowCount, roles: t.roles, columns: t.columns.map((c) => c.name) }));
    expect(shape(ws.tables)).toEqual(shape(browser));

    const a = await loadOverview(native, ws.tables);
    const b = await loadOverview(wasm, browser);
    expect(a.kpis.length).toBeGreaterThan(3);
    for (const [i, k] of a.kpis.entries()) expect(k.value ?? null, k.key).toBeCloseTo((b.kpis[i]!.value ?? null) as number, 6);

    const x = await loadAnalytics(native, ws.tables, {});
    const y = await loadAnalytics(wasm, browser, {});
    for (const id of ['status', 'tiers', 'funnel', 'cohorts', 'retention'] as const) {
      expect(x[id].rows.length, id).toBe(y[id].rows.length);
      expect(x[id].rows.length, id).toBeGreaterThan(0);
      // Sums over several threads add in another order: the same figures to 1e-9, not to the last bit.
      expect(rounded(x[id].rows), id).toEqual(rounded(y[id].rows));
    }
  }, 120_000);

  it('copies Parquet into a native table of the role columns, with the figures of the file read in place', async () => {
    const pq = path.join(dir, 'orders.parquet');
    // An extra column no role takes, with Chinese text and blanks: it stays in the file, not in the table.
    await native.exec(`COPY (SELECT *, CASE WHEN random() < 0.3 THEN NULL ELSE '备注 ' || CAST(hash(random()) AS VARCHAR) END AS "备注" FROM ${'"orders"'}) TO '${pq}' (FORMAT parquet)`);
    const db = await openNativeDb();
    try {
      const ws = await loadWorkspace(db, [pq]);
      const t = ws.tables.find((x) => x.source === 'orders.parquet')!;
      expect(t.kind).toBe('orders');
      expect(t.roles.customer_id).toBeDefined();
      expect(t.rowCount).toBeGreaterThan(1000);
      const kinds = await db.query(`SELECT table_type FROM information_schema.tables WHERE table_name = '${t.name}'`);
      expect(kinds.rows.map((r) => r.table_type)).toEqual(['BASE TABLE']);
      expect(t.columns.map((c) => c.name).sort()).toEqual([...new Set(Object.values(t.roles))].sort());
      expect(t.columns.map((c) => c.name)).not.toContain('备注');
      expect((await db.query(`SELECT count(*) AS n FROM information_schema.tables WHERE ends_with(table_name, '__parquet')`)).rows[0]!.n).toBe(0);
      // The same measures on a view over the file (what the runner used to read) give the same figures.
      await db.exec(`CREATE VIEW in_place AS SELECT * FROM read_parquet('${pq}')`);
      const inPlace: TableInfo = { ...t, name: 'in_place' };
      const onTable = await loadOverview(db, ws.tables);
      const onFile = await loadOverview(db, [inPlace]);
      expect(onTable.kpis.find((k) => k.key === 'orders')?.value).toBeGreaterThan(0);
      const figures = (kpis: readonly object[]) => rounded(kpis.map((k) => ({ ...k, source: undefined })));
      expect(figures(onTable.kpis)).toEqual(figures(onFile.kpis));
    } finally {
      await db.close();
    }
  }, 60_000);
});
