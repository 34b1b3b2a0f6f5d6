/**
 * The bench page: DuckDB-WASM exactly as the app boots it (src/db/browser.ts),
 * driven by bench/browser.ts through `window.crmBench` (see api.ts).
 */
import { analyzeTextsInWorker } from '../../src/ml/text/client.ts';
import { getBrowserDb } from '../../src/db/browser.ts';
import type { Db } from '../../src/db/types.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { digest, fromRows } from '../rfm.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { fitLifetime } from '../../src/ml/clv/client.ts';
import { loadScope, loadValueData } from '../../src/report/value.ts';
import { loadDemoTables } from '../../src/report/restore.ts';
import { loadJourneys } from '../../src/report/journeys.ts';
import type { SessionCutter } from '../../src/report/sessions/arrow.ts';
import { workerCutter } from '../../src/report/sessions/client.ts';
import { benchEventsTable } from '../journeys-table.ts';
import { indexAnswers } from '../dashboard-list.ts';
import { buildLinesIndex, readyIndex } from '../../src/report/memory/route.ts';
import { workerIndexBuilder } from '../../src/report/memory/client.ts';
import type { Row } from '../../src/db/types.ts';
import type { BenchPage, ClvOrdersOptions, LoadOptions } from './api.ts';

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

/** The orders table as the Value page would see it after ingest: the roles the CLV summary reads. */
function ordersTable(name: string, format: ClvOrdersOptions['format']): TableInfo {
  const cols: [string, string][] = format === 'cdnow'
    ? [['customer_id', 'VARCHAR'], ['order_date', 'DATE'], ['quantity', 'BIGINT'], ['amount', 'DOUBLE']]
    : [['order_id', 'VARCHAR'], ['customer_id', 'VARCHAR'], ['order_date', 'DATE'], ['quantity', 'BIGINT'], ['unit_price', 'DOUBLE'], ['discount', 'DOUBLE'], ['amount', 'DOUBLE']];
  return {
    name, source: 'bench', kind: 'orders', rowCount: 0,
    columns: cols.map(([n, type]) => ({ name: n, type })),
    roles: Object.fromEntries(cols.map(([n]) => [n, n])),
  } as TableInfo;
}

/** CDNOW_master.txt: `customer_id yyyymmdd number_of_cds dollar_value`, space-aligned, header line first. */
const cdnowLoadSql = (table: string, file: string): string => [
  `CREATE TABLE ${ident(table)} AS SELECT f[1] AS customer_id, strptime(f[2], '%Y%m%d')::DATE AS order_date,`,
  `  CAST(f[3] AS BIGINT) AS quantity, CAST(f[4] AS DOUBLE) AS amount`,
  `FROM (SELECT string_split_regex(trim(line), '\\s+') AS f`,
  `  FROM read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\t', quote = '', escape = ''))`,
  `WHERE regexp_matches(f[2], '^[0-9]{8}$')`,
].join('\n');

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

  async demo() {
    const t0 = performance.now();
    const { tables } = await loadDemoTables(opened());
    return { ms: performance.now() - t0, tables: tables.length };
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

  async indexed(spec, lastDay, filters) {
    const d = opened();
    const t0 = performance.now();
    const built = await buildLinesIndex(d, spec, 'bench', workerIndexBuilder);
    const buildMs = performance.now() - t0;
    const ready = readyIndex(d, 'bench');
    if (!built || !ready) throw new Error('crmBench: the lines index was not built (see the console)');
    const f0 = performance.now();
    await indexAnswers(ready, lastDay, {});
    const firstMs = performance.now() - f0;
    const refreshMs: number[] = [];
    const results = [];
    for (const f of filters) {
      const t = performance.now();
      results.push((await indexAnswers(ready, lastDay, f)) as (Row[] | null)[]);
      refreshMs.push(performance.now() - t);
    }
    return { buildMs, firstMs, refreshMs, results };
  },

  async rfm(sql) {
    const d = opened();
    const t0 = performance.now();
    const { rows } = await d.query(sql);
    const ms = performance.now() - t0;
    return { ms, customers: rows.length, digest: digest(fromRows(rows)) };
  },

  async steady(times) {
    const a = new Float64Array(1 << 22).map((_, i) => i % 7);
    const ms: number[] = [];
    let sink = 0;
    for (let k = 0; k < times + 1; k++) {
      const t = performance.now();
      for (let i = 0; i < a.length; i++) sink += a[i]! * (i & 1);
      // The first round compiles the loop: not counted.
      if (k > 0) ms.push(performance.now() - t);
    }
    if (sink < 0) throw new Error('unreachable');
    return ms;
  },

  async memory() {
    const rows = (await opened().query('SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()')).rows;
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    return { duckdbBytes: Number(rows[0]?.b ?? 0), mainJsHeapBytes: heap ? heap.usedJSHeapSize : null };
  },

  async clvSample(runs) {
    const text = await pickedFile().text();
    const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(1).map((l) => l.split(',').map(Number));
    const col = (j: number): Float64Array => Float64Array.from(rows, (r) => r[j]!);
    const x = col(1);
    const summary = { x, tx: col(2), T: col(3), zbar: col(4).map((z, i) => (x[i] === 0 ? NaN : z)) };
    const ms: number[] = [];
    let fit = null;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fit = await fitLifetime(summary);
      ms.push(performance.now() - t0);
    }
    return { customers: rows.length, ms, fit: fit! };
  },

  async clvOrders({ table, format, calibrationEnd }) {
    const d = opened();
    const file = pickedFile();
    const name = `${table}.${format === 'cdnow' ? 'txt' : 'csv'}`;
    const t0 = performance.now();
    if (!d.registerFile) throw new Error('crmBench: this Db cannot register a File by handle');
    await d.registerFile(name, file);
    await d.exec(format === 'cdnow' ? cdnowLoadSql(table, name) : `CREATE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(name)})`);
    const loadMs = performance.now() - t0;
    await d.dropFile(name);
    const lines = Number((await d.query(`SELECT count(*) AS n FROM ${ident(table)}`)).rows[0]?.n);
    const orders = ordersTable(table, format);
    const t1 = performance.now();
    const end = calibrationEnd ?? (await loadScope(d, orders)).default_end;
    if (!end) throw new Error('crmBench: no purchase days, no calibration end');
    const data = await loadValueData(d, orders, end);
    const t2 = performance.now();
    const fit = await fitLifetime(data.summary);
    const t3 = performance.now();
    await loadValueData(d, orders, end);
    const summaryAgainMs = performance.now() - t3;
    return {
      lines, customersAll: Number(data.scope.customers), customers: data.summary.x.length, withRepeat: data.summary.x.filter((v) => v > 0).length, calibrationEnd: end,
      loadMs, summaryMs: t2 - t1, fitMs: t3 - t2, summaryAgainMs, fit,
    };
  },

  async voice(input) {
    let events = 0;
    let last = performance.now();
    let maxGap = 0;
    const t0 = performance.now();
    const result = await analyzeTextsInWorker(input, {
      onProgress: () => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        events++;
      },
    });
    const ms = performance.now() - t0;
    return { ms, progressEvents: events, maxProgressGapMs: Math.max(maxGap, performance.now() - last), texts: result.texts, topics: result.topics.length, card: result.sentiment.card };
  },

  async journeys(table) {
    // Loaded as `load` loads a picked file (by handle), then the measures.
    const { ms: loadMs, rows: events } = await page.load({ table, via: 'handle' });
    const info = benchEventsTable(table, events);
    // The app's way (the cut in the sessions worker), each part of the first run timed.
    const parts = { readMs: 0, cutMs: 0, insertMs: 0, measuresMs: 0 };
    const timed = async <T>(part: keyof typeof parts, work: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await work();
      } finally {
        parts[part] += performance.now() - t;
      }
    };
    const base = opened();
    const d: Db = {
      ...base,
      queryIpc: (sql) => timed('readMs', () => base.queryIpc!(sql)),
      insertArrowIpc: (name, ipc) => timed('insertMs', () => base.insertArrowIpc!(name, ipc)),
    };
    // The worker starts while DuckDB reads: its time counts from the end of the read.
    const cut: SessionCutter = async (e, g, signal) => {
      const cutting = workerCutter(e, g, signal);
      await e.catch(() => undefined);
      return timed('cutMs', () => cutting);
    };
    const t1 = performance.now();
    const r = await loadJourneys(d, [info], 30, cut);
    const firstMs = performance.now() - t1;
    parts.measuresMs = firstMs - parts.readMs - parts.cutMs - parts.insertMs;
    const firstParts = { ...parts };
    const t2 = performance.now();
    await loadJourneys(d, [info], 30, cut);
    const againMs = performance.now() - t2;
    return { events, loadMs, firstMs, firstParts, againMs, sessions: Number(r?.summary.rows[0]?.sessions ?? NaN), leader: r?.markov?.channels[0]?.channel ?? null };
  },
};

window.crmBench = page;
