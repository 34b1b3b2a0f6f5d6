/**
 * The runner step of `npm run bench` (issue 13): the command-line runner
 * (`npx crm-lens report`, src/cli/) on 100M generated order lines in Parquet,
 * time per measure and peak memory, beside the same report drafted on
 * DuckDB-WASM (in Node, the browser's build) at the size a tab holds.
 *
 * The Parquet file is written by native DuckDB from a SQL generator (a
 * COPY that streams: memory stays flat whatever the size), after checking
 * the disk has room. Each run is a child process, so its peak RSS is its own.
 *
 *   node --import tsx bench/runner.ts [--runner-rows N] [--wasm-rows N] [--runner-timeout S]
 *   npm run bench -- --steps runner [--runner-rows N]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { lit } from '../src/lib/sql.ts';
import { fmt, mb, textTable, type Target } from './report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(HERE, 'data');

/** Products with their category and list price (the generator's catalogue, flattened). */
const PRODUCTS: readonly (readonly [string, string, number])[] = [
  ['Running shoes', 'Apparel', 599], ['Jacket', 'Apparel', 899], ['T-shirt', 'Apparel', 129], ['Jeans', 'Apparel', 399],
  ['Smartphone', 'Electronics', 3999], ['Headphones', 'Electronics', 799], ['Tablet', 'Electronics', 2599], ['Charger', 'Electronics', 99],
  ['Coffee beans', 'Grocery', 89], ['Green tea', 'Grocery', 59], ['Olive oil', 'Grocery', 119],
  ['Blender', 'Home', 499], ['Desk lamp', 'Home', 199], ['Bed sheets', 'Home', 329],
  ['Face cream', 'Beauty', 259], ['Shampoo', 'Beauty', 69],
];
const CHANNELS = ['web', 'app', 'store', 'marketplace'];

const list = (xs: readonly (string | number)[]): string => `[${xs.map((x) => (typeof x === 'number' ? String(x) : lit(x))).join(', ')}]`;

/**
 * N order lines, about 2.5 lines an order, N/12 customers, dates over 2023–2025
 * in order-id order; every value from a hash of the line or order number, so
 * the same N always gives the same file.
 */
export function generatorSql(rows: number, file: string): string {
  const orders = Math.max(1, Math.round(rows / 2.5));
  const customers = Math.max(1, Math.round(rows / 12));
  const p = `CAST(1 + hash(i, 'product') % ${PRODUCTS.length} AS BIGINT)`;
  return `COPY (
  WITH lines AS (SELECT i, i * ${orders} // ${rows} AS o FROM range(${rows}) t(i))
  SELECT
    'O' || lpad(CAST(o + 1 AS VARCHAR), 9, '0') AS order_id,
    'C' || lpad(CAST(1 + hash(o, 'customer') % ${customers} AS VARCHAR), 7, '0') AS customer_id,
    DATE '2023-01-01' + CAST(o * 1095 // ${orders} AS INTEGER) AS order_date,
    ${list(PRODUCTS.map((x) => x[0]))}[${p}] AS product,
    ${list(PRODUCTS.map((x) => x[1]))}[${p}] AS category,
    CAST(1 + hash(i, 'qty') % 3 AS BIGINT) AS quantity,
    CAST(${list(PRODUCTS.map((x) => x[2]))}[${p}] AS DOUBLE) AS unit_price,
    CASE WHEN hash(i, 'disc') % 5 = 0 THEN round(quantity * unit_price * 0.1, 2) ELSE 0 END AS discount,
    round(quantity * unit_price - discount, 2) AS amount,
    ${list(CHANNELS)}[CAST(1 + hash(o, 'channel') % ${CHANNELS.length} AS BIGINT)] AS channel
  FROM lines
) TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)`;
}

/** Bytes a generated line takes in the Parquet file (measured at 10M: about 13); doubled for room. */
const PARQUET_BYTES_PER_ROW_BOUND = 30;

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

export async function writeOrdersParquet(rows: number, file: string, log: (l: string) => void): Promise<{ bytes: number; ms: number }> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const need = rows * PARQUET_BYTES_PER_ROW_BOUND;
  const free = freeBytes(path.dirname(file));
  if (free < need) throw new Error(`${fmt(rows)} Parquet lines need up to ${fmt(need / 1e9, 1)} GB; ${path.dirname(file)} has ${fmt(free / 1e9, 1)} GB free. Use --runner-rows to ask for fewer.`);
  log(`Generating ${path.relative(process.cwd(), file)} (${fmt(rows)} order lines, native DuckDB, streamed; ${fmt(free / 1e9)} GB free)…`);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const tmp = `${file}.partial`;
  const t0 = performance.now();
  try {
    await conn.run(generatorSql(rows, tmp));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  fs.renameSync(tmp, file);
  const bytes = fs.statSync(file).size;
  const ms = performance.now() - t0;
  log(`  ${fmt(bytes / 1e6)} MB in ${fmt(ms / 1000, 1)} s`);
  return { bytes, ms };
}

async function parquetToCsv(parquet: string, csv: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`COPY (SELECT * FROM read_parquet(${lit(parquet)})) TO ${lit(`${csv}.partial`)} (FORMAT csv, HEADER)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  fs.renameSync(`${csv}.partial`, csv);
}

// ---------------------------------------------------------------- one run, in a child

interface RunnerRun {
  engine: string;
  rows: number;
  /** Measure → ms, as the runner's report times them (load = file → workspace). */
  ms: Record<string, number>;
  items: number;
  peakRssMb: number;
  /** Stopped at the time limit: `ms` holds the measures that finished. */
  cutOff?: boolean;
}

/** `native`: the CLI runner itself (runReport) on Parquet. `wasm`: the same report drafted on DuckDB-WASM from the same lines as CSV, in a table as the tab holds it. */
async function child(engine: 'native' | 'wasm', file: string, rows: number | null): Promise<void> {
  const out = path.join(os.tmpdir(), `crm-lens-bench-${process.pid}.html`);
  let r: RunnerRun;
  const ms: Record<string, number> = {};
  // What finished so far, every few seconds: a run cut off by the parent's time limit still tells.
  const partial = setInterval(() => process.stdout.write(`PARTIAL ${JSON.stringify({ ms, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) })}\n`), 5000);
  if (engine === 'native') {
    // runReport (src/cli/main.ts) step by step, to see each measure as it finishes; the HTML is written as the CLI does.
    const { openNativeDb } = await import('../src/db/native.ts');
    const { loadWorkspace } = await import('../src/cli/load.ts');
    const { composeReport } = await import('../src/cli/compose.ts');
    const { docToHtml } = await import('../src/report/doc/html.ts');
    const t0 = performance.now();
    const db = await openNativeDb();
    // load: the Parquet file into a native table of its needed columns (src/cli/load.ts), timed apart from the measures.
    const tLoad = performance.now();
    const ws = await loadWorkspace(db, [file]);
    ms.load = performance.now() - tLoad;
    const doc = await composeReport(db, ws.tables, ws.log, { locale: 'en', timings: ms });
    const t1 = performance.now();
    fs.writeFileSync(out, await docToHtml(doc, { echarts: null, fontCss: '' }));
    ms.html = performance.now() - t1;
    ms.total = performance.now() - t0;
    const engineName = `DuckDB ${await db.version()} (@duckdb/node-api, ${os.cpus().length} cores)`;
    await db.close();
    r = { engine: engineName, rows: ws.tables[0]?.rowCount ?? 0, ms, items: doc.items.length, peakRssMb: 0 };
  } else {
    const { openNodeDb } = await import('../src/db/node.ts');
    const { createAsSql } = await import('../src/db/ddl.ts');
    const { describeRelation } = await import('../src/cli/load.ts');
    const { withDerived } = await import('../src/report/materialize.ts');
    const { composeReport } = await import('../src/cli/compose.ts');
    const t0 = performance.now();
    const db = await openNodeDb();
    // DuckDB-WASM here has no Parquet extension (no network): it reads the same lines as CSV, into a table as the tab holds it.
    await db.registerPath('orders.csv', path.resolve(file));
    const limit = rows === null ? '' : ` LIMIT ${rows}`;
    await db.exec(createAsSql('TABLE', 'orders', `SELECT * FROM read_csv('orders.csv')${limit}`));
    const tables = await withDerived(db, [await describeRelation(db, 'orders', 'orders.csv')]);
    ms.load = performance.now() - t0;
    const doc = await composeReport(db, tables, [], { locale: 'en', timings: ms });
    ms.total = performance.now() - t0;
    const version = String((await db.query('SELECT version() AS v')).rows[0]!.v);
    await db.close();
    r = { engine: `DuckDB ${version} (DuckDB-WASM in Node, one thread)`, rows: tables[0]!.rowCount, ms, items: doc.items.length, peakRssMb: 0 };
  }
  clearInterval(partial);
  fs.rmSync(out, { force: true });
  r.peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
}

function spawnChild(engine: 'native' | 'wasm', file: string, rows: number | null, timeoutMs: number): RunnerRun {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv.filter((a) => a !== '--expose-gc'), self, '--child', engine, '--file', file, ...(rows === null ? [] : ['--limit', String(rows)])];
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const lines = p.stdout?.split('\n') ?? [];
  const line = lines.find((l) => l.startsWith('RESULT '));
  const last = lines.filter((l) => l.startsWith('PARTIAL ')).at(-1);
  if (!line && last && p.signal) {
    // Cut off: what finished, marked as such.
    const got = JSON.parse(last.slice('PARTIAL '.length)) as Pick<RunnerRun, 'ms' | 'peakRssMb'>;
    return { engine: `${engine} (cut off after ${fmt(timeoutMs / 1000)} s)`, rows: 0, items: 0, ...got, cutOff: true };
  }
  if (p.status !== 0 || !line) throw new Error(`runner ${engine} failed (exit ${p.status ?? p.signal}):\n${(p.stderr || p.stdout).slice(-4000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as RunnerRun;
}

// ---------------------------------------------------------------- the step

export interface RunnerReport {
  file: string;
  bytes: number;
  generated: { ms: number } | null;
  native: RunnerRun;
  /** The same report on DuckDB-WASM at `wasm.rows` (the first lines of the same file), and native at that size too. */
  wasm: RunnerRun | null;
  nativeSmall: RunnerRun | null;
  targets: Record<string, Target>;
}

export interface RunnerOptions {
  rows: number;
  /** Lines for the DuckDB-WASM comparison (0 skips it). */
  wasmRows: number;
  /** Time limit for the big run, seconds: what finished by then is reported, marked cut off. */
  timeoutS: number;
  log: (line: string) => void;
}

const label = (rows: number): string => (rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : String(rows));

export async function runnerBench(opts: RunnerOptions): Promise<RunnerReport> {
  const { log } = opts;
  const file = path.join(DATA, `orders_${label(opts.rows)}.parquet`);
  const generated = fs.existsSync(file) ? null : await writeOrdersParquet(opts.rows, file, log);
  log(`Runner: crm-lens report on ${path.relative(process.cwd(), file)} (${fmt(opts.rows)} lines), native DuckDB on ${os.cpus().length} cores…`);
  const native = spawnChild('native', file, null, opts.timeoutS * 1000);
  if (native.cutOff) native.rows = opts.rows;
  log(native.cutOff
    ? `  CUT OFF after ${fmt(opts.timeoutS)} s; finished: ${Object.entries(native.ms).map(([k, v]) => `${k} ${fmt(v / 1000, 1)} s`).join(', ')}`
    : `  ${fmt(native.ms.total! / 1000, 1)} s, peak RSS ${fmt(native.peakRssMb)} MB`);
  let wasm: RunnerRun | null = null;
  let nativeSmall: RunnerRun | null = null;
  if (opts.wasmRows > 0) {
    const small = path.join(DATA, `orders_${label(opts.wasmRows)}.parquet`);
    if (!fs.existsSync(small)) await writeOrdersParquet(opts.wasmRows, small, log);
    const csv = small.replace(/\.parquet$/, '.from-parquet.csv');
    if (!fs.existsSync(csv)) await parquetToCsv(small, csv);
    log(`Runner: the same report at ${fmt(opts.wasmRows)} lines on DuckDB-WASM (Node) and native…`);
    wasm = spawnChild('wasm', csv, null, 1_800_000);
    nativeSmall = spawnChild('native', small, null, 1_800_000);
    log(`  DuckDB-WASM ${fmt(wasm.ms.total! / 1000, 1)} s (peak RSS ${fmt(wasm.peakRssMb)} MB) · native ${fmt(nativeSmall.ms.total! / 1000, 1)} s`);
  }
  const perMeasure = native.cutOff ? Object.values(native.ms).reduce((a, b) => a + b, 0) : native.ms.total! - (native.ms.html ?? 0);
  return {
    file: path.relative(process.cwd(), file), bytes: fs.statSync(file).size, generated, native, wasm, nativeSmall,
    targets: {
      runnerReport: {
        what: `Runner: whole report on ${fmt(native.rows)} Parquet order lines (load + every measure, HTML apart)`,
        value: perMeasure / 1000, unit: native.cutOff ? ' s (cut off)' : ' s', target: 'finishes, on one machine', met: !native.cutOff, digits: 1,
      },
    },
  };
}

export function runnerLines(r: RunnerReport): string[] {
  const measures = [...new Set([...Object.keys(r.native.ms), ...Object.keys(r.wasm?.ms ?? {})])].filter((k) => k !== 'total');
  const s = (run: RunnerRun | null, k: string): string => (run?.ms[k] === undefined ? '–' : fmt(run.ms[k] / 1000, 2));
  const head = ['measure', `native ${fmt(r.native.rows)} s`];
  if (r.wasm && r.nativeSmall) head.push(`WASM ${fmt(r.wasm.rows)} s`, `native ${fmt(r.nativeSmall.rows)} s`, 'WASM × native');
  const row = (k: string): string[] => {
    const out = [k, s(r.native, k)];
    if (r.wasm && r.nativeSmall) {
      const w = r.wasm.ms[k];
      const n = r.nativeSmall.ms[k];
      out.push(s(r.wasm, k), s(r.nativeSmall, k), w !== undefined && n ? `${fmt(w / n, 1)}×` : '–');
    }
    return out;
  };
  const peak = ['peak RSS MB', fmt(r.native.peakRssMb), ...(r.wasm && r.nativeSmall ? [fmt(r.wasm.peakRssMb), fmt(r.nativeSmall.peakRssMb), ''] : [])];
  return [
    '',
    `Runner (crm-lens report, ${r.native.engine}): ${r.file}, ${fmt(r.bytes / 1e6)} MB Parquet${r.generated ? `, generated in ${fmt(r.generated.ms / 1000, 1)} s` : ''};`
      + ' seconds per measure as the runner times them (load = file → workspace; html = writing the report)',
    ...textTable(head, [...measures.map(row), row('total'), peak]),
    ...(r.native.cutOff ? [`(the ${fmt(r.native.rows)}-line run was CUT OFF at the time limit: measures not listed had not finished)`] : []),
    ...(r.wasm ? [`(WASM: ${r.wasm.engine}, the file's lines copied into a table as the tab holds them)`] : []),
  ];
}

function positive(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${v}"`);
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' }, file: { type: 'string' }, limit: { type: 'string' }, 'runner-rows': { type: 'string' }, 'wasm-rows': { type: 'string' }, 'runner-timeout': { type: 'string' },
    },
  });
  const main = values.child
    ? child(values.child as 'native' | 'wasm', values.file!, values.limit ? Number(values.limit) : null)
    : runnerBench({
      rows: positive(values['runner-rows'], 'runner-rows', 100_000_000),
      wasmRows: positive(values['wasm-rows'], 'wasm-rows', 1_000_000),
      timeoutS: positive(values['runner-timeout'], 'runner-timeout', 3600),
      log: (l) => process.stderr.write(`${l}\n`),
    }).then((r) => process.stdout.write(`${runnerLines(r).join('\n')}\n`));
  main.catch((e: unknown) => {
    process.stderr.write(`bench runner: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
