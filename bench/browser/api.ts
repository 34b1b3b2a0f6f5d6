/**
 * What the bench page (bench/browser/main.ts) offers the driver
 * (bench/browser.ts) on `window.crmBench`. Every time is measured inside the
 * page with `performance.now()`, so Playwright's round trips are not counted.
 */
import type { Row } from '../../src/db/types.ts';

export interface LoadOptions {
  table: string;
  /**
   * `handle`: the picked File is registered by handle and DuckDB's worker
   * reads it in slices (no copy of the whole file). `buffer`: the File is read
   * into an ArrayBuffer first and handed over (what `src/ingest/load.ts` does).
   */
  via: 'handle' | 'buffer';
}

export interface LoadResult {
  ms: number;
  rows: number;
  bytes: number;
}

export interface QueryTiming {
  /** Each query, SQL sent → rows as plain JS values (`arrowToResult` included). */
  ms: number[];
  totalMs: number;
  results: Row[][];
}

export interface MemoryReport {
  /** DuckDB's own accounting (`duckdb_memory()`), bytes. */
  duckdbBytes: number;
  /** The page's main-thread JS heap (`performance.memory`, Chromium only); the DuckDB worker is not in it. */
  mainJsHeapBytes: number | null;
}

export interface BenchPage {
  /** Start DuckDB-WASM (`getBrowserDb`): worker, WASM compile, open. */
  boot(): Promise<{ ms: number; version: string; bundle: string }>;
  /** `CREATE TABLE <table> AS SELECT * FROM read_csv(<the picked file>)`, timed from the File to the table. */
  load(opts: LoadOptions): Promise<LoadResult>;
  /** Run the SQL in order, one after the other, as a dashboard refresh does. */
  run(sqls: string[]): Promise<QueryTiming>;
  /** Per-customer RFM: time to JS rows, and the result's digest (bench/rfm.ts). */
  rfm(sql: string): Promise<{ ms: number; customers: number; digest: string }>;
  memory(): Promise<MemoryReport>;
}

declare global {
  interface Window {
    crmBench?: BenchPage;
  }
}
