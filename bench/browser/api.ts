/**
 * What the bench page (bench/browser/main.ts) offers the driver
 * (bench/browser.ts) on `window.crmBench`. Every time is measured inside the
 * page with `performance.now()`, so Playwright's round trips are not counted.
 */
import type { Row } from '../../src/db/types.ts';
import type { CubeSpec } from '../../src/metrics/cube.ts';
import type { Filters } from '../../src/metrics/filters.ts';
import type { LifetimeFit } from '../../src/ml/clv/types.ts';
import type { SentimentModelCard, TextInput } from '../../src/ml/text/types.ts';

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
  /**
   * The demo tables loaded as the app loads them when it opens (`loadDemoTables`, src/report/restore.ts), through the
   * CSV path a user's file takes: a user's first file then meets a CSV reader that has run before, as in the app.
   */
  demo(): Promise<{ ms: number; tables: number }>;
  /** Run the SQL in order, one after the other, as a dashboard refresh does. */
  run(sqls: string[]): Promise<QueryTiming>;
  /**
   * The in-memory lines index (src/report/memory) built on the loaded table as the app builds it (read from
   * DuckDB, built in its worker), timed; then each filter change's dashboard answered from it, timed, with the rows.
   */
  indexed(spec: CubeSpec, lastDay: string, filters: Filters[]): Promise<{ buildMs: number; firstMs: number; refreshMs: number[]; results: (Row[] | null)[][] }>;
  /**
   * The same fixed loop (a sum over 4M doubles) timed `times` times on the page's thread: how fast the machine ran
   * then. The bench prints it beside the filter changes, which on a shared VM vary with it.
   */
  steady(times: number): Promise<number[]>;
  /** Per-customer RFM: time to JS rows, and the result's digest (bench/rfm.ts). */
  rfm(sql: string): Promise<{ ms: number; customers: number; digest: string }>;
  memory(): Promise<MemoryReport>;
  /**
   * Lifetime value (bench/clv-browser.ts): the picked file is the CDNOW sample summary
   * (`ID,x,t_x,T,zbar`); parsed untimed, then `fitLifetime` (src/ml/clv/client.ts, a module
   * worker per call, as the app) `runs` times, each timed from the call to the fit in hand.
   */
  clvSample(runs: number): Promise<{ customers: number; ms: number[]; fit: FitSummary }>;
  /**
   * Lifetime value from order lines: the picked file is loaded (`cdnow`: CDNOW_master.txt's
   * whitespace columns; `orders`: a bench/gen.ts orders CSV) into `table`, then the SQL summary
   * as the Value page runs it (`loadValueData`, src/report/value.ts; scope, summary, weekly
   * repeats, births) and the worker fit, each timed; the load is timed apart.
   */
  clvOrders(opts: ClvOrdersOptions): Promise<ClvOrdersResult>;
  /**
   * Voice of the customer (bench/voice.ts): `analyzeTextsInWorker` (src/ml/text/client.ts, a module
   * worker as the Voice page runs it) on the given texts, timed from the call to the result in hand,
   * with the number of progress messages and the longest wait between two.
   */
  voice(input: TextInput): Promise<VoiceBenchResult>;
  /**
   * Journeys (bench/journeys.ts): the picked events CSV loaded into `table` (by handle, as `load`),
   * then every journey measure the Analytics page runs (`loadJourneys`, src/report/journeys.ts),
   * timed twice: the first run is what a user sees after the load, the second a change of gap.
   */
  journeys(table: string): Promise<JourneysBenchResult>;
}

export interface JourneysBenchResult {
  events: number;
  loadMs: number;
  firstMs: number;
  /** Where the first run went: reading the events out, cutting them in the sessions worker, taking the tables in, the measures. */
  firstParts: { readMs: number; cutMs: number; insertMs: number; measuresMs: number };
  againMs: number;
  sessions: number;
  leader: string | null;
}

export interface VoiceBenchResult {
  ms: number;
  progressEvents: number;
  maxProgressGapMs: number;
  texts: number;
  topics: number;
  card: SentimentModelCard;
}

/** The worker's fit as it comes back (parameters, log-likelihood, convergence, ms per model: plain values). */
export type FitSummary = LifetimeFit;

export interface ClvOrdersOptions {
  table: string;
  format: 'cdnow' | 'orders';
  /** `YYYY-MM-DD`; null: the summary's default (the last third of the span is the hold-out). */
  calibrationEnd: string | null;
}

export interface ClvOrdersResult {
  lines: number;
  /** Customers with a purchase day (the scope query), and those in the fit (first purchase by the calibration end). */
  customersAll: number;
  customers: number;
  withRepeat: number;
  calibrationEnd: string;
  loadMs: number;
  /** `loadValueData` (its scope query included). */
  summaryMs: number;
  /** `fitLifetime` in the worker, from the call to the fit in hand. */
  fitMs: number;
  /** The same `loadValueData` once more, after the fit (not in the totals): the first run pays one-off costs (WASM tier-up). */
  summaryAgainMs: number;
  fit: FitSummary;
}

declare global {
  interface Window {
    crmBench?: BenchPage;
  }
}
