/**
 * The bench page: DuckDB-WASM exactly as the app boots it (src/db/browser.ts),
 * driven by bench/browser.ts through `window.crmBench` (see api.ts).
 */
import { getBrowserDb } from '../../src/db/browser.ts';
import type { Db } from '../../src/db/types.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { digest, fromRows } from '../rfm.ts';
import type { BenchPage, LoadOptions } from './api.ts';

let db: Db | null = null;

function opened(): Db {
  if (!db) throw new Error('crmBench: call boot() first');
  return db;
}

function pickedFile(): File {
  const input = document.querySelector<HTMLInputElement>('#file');
  const file = input?.files?.[0];
  if (!file) throw new Error('crmBench: no file picked (setInputFiles on #file first)');
  return file;
}

const page: BenchPage = {
  async boot() {
    const t0 = performance.now();
    db = await getBrowserDb();
    const ms = performance.now() - t0;
    const version = String((await db.query('SELECT version() AS v')).rows[0]?.v);
    const bundle = String((await db.query('PRAGMA platform')).rows[0]?.platform);
    return { ms, version, bundle };
  },

  async load({ table, via }: LoadOptions) {
    const d = opened();
    const file = pickedFile();
    const name = `${table}.csv`;
    const t0 = performance.now();
    if (via === 'handle') {
      if (!d.registerFile) throw new Error('crmBench: this Db cannot register a File by handle');
      await d.registerFile(name, file);
    } else {
      await d.registerBuffer(name, new Uint8Array(await file.arrayBuffer()));
    }
    await d.exec(`CREATE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(name)})`);
    const ms = performance.now() - t0;
    await d.dropFile(name);
    const rows = Number((await d.query(`SELECT count(*) AS n FROM ${ident(table)}`)).rows[0]?.n);
    return { ms, rows, bytes: file.size };
  },

  async run(sqls) {
    const d = opened();
    const ms: number[] = [];
    const results = [];
    const t0 = performance.now();
    for (const sql of sqls) {
      const q0 = performance.now();
      results.push((await d.query(sql)).rows);
      ms.push(performance.now() - q0);
    }
    return { ms, totalMs: performance.now() - t0, results };
  },

  async rfm(sql) {
    const d = opened();
    const t0 = performance.now();
    const { rows } = await d.query(sql);
    const ms = performance.now() - t0;
    return { ms, customers: rows.length, digest: digest(fromRows(rows)) };
  },

  async memory() {
    const rows = (await opened().query('SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()')).rows;
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    return { duckdbBytes: Number(rows[0]?.b ?? 0), mainJsHeapBytes: heap ? heap.usedJSHeapSize : null };
  },
};

window.crmBench = page;
