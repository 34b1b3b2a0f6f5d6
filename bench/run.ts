/**
 * `npm run bench`: two steps, one report (printed, and bench/results.json).
 *
 * Node step: per-customer RFM over a 1M-line orders CSV, file → JS rows:
 *   native   – DuckDB through @duckdb/node-api (all cores), the yardstick
 *   native1  – native DuckDB on one thread (for reference: DuckDB-WASM is single-threaded)
 *   wasm     – DuckDB-WASM in Node via openNodeDb(), the build the browser runs; the
 *              file registered by path (read through fs as needed, like a File handle)
 *   papa     – PapaParse (streaming) + a plain JS Map group-by
 *   wasmcopy – (not by default) wasm with the file first read into JS and copied into the WASM heap
 * Each run is a fresh child process, so peak RSS belongs to one contender.
 * Each contender computes the same result (checked by a digest) and the median
 * of the runs is reported.
 *
 * Browser step (bench/browser.ts): DuckDB-WASM in Chromium: CSV load rate,
 * RFM, dashboard refresh after a filter change, memory at 1M lines; at 10M lines load, first render,
 * the five filter changes (p50/p95) and peak memory,
 * each against native DuckDB running the same SQL in the same run.
 *
 * ML step (bench/ml.ts): churn models on Telco (reference.md): the product's TF.js
 * logistic regression (5-fold CV), the bench's own plain-JS IRLS fit on the same
 * folds and features, and the full default grid search in-process, beside the
 * reference.md figures. Data from $CRM_DATA_DIR, else ../shared/data (skipped if absent).
 *
 * Options: --steps node,browser,dashboard,runner,remote,ml,clv (all seven by default; voice: bench/voice.ts, 100k feedback texts in Chromium, on request; journeys: bench/journeys.ts, path analysis of 1M events, on request;
 * remote: bench/remote.ts, the bytes-read share of a wide Parquet opened by URL, --remote-rows N (10,000,000); clv: bench/clv.ts, lifetime-value fits on CDNOW in Node and, with the SQL summary, in Chromium) · --rows N (1,000,000) · --runs N (3, node step)
 * · --only native,native1,wasm,wasmcopy,papa · --file PATH · --browser-runs N (3)
 * · --big-rows N (10,000,000; 0 skips the big browser run).
 *
 * Dashboard step (bench/dashboard.ts): the whole dashboard on DuckDB-WASM vs PapaParse + JS, numbers checked equal.
 * Runner step (bench/runner.ts): `crm-lens report` on 100M generated Parquet lines (--runner-rows N, --runner-timeout S).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BrowserReport } from './browser.ts';
import type { MlReport } from './ml.ts';
import { writeOrdersCsv } from './gen.ts';
import { fmt, mb, median, positive, streamCsv, targetLine, textTable, type Target } from './report.ts';
import { ident, lit } from '../src/lib/sql.ts';
import { rfmSegment } from '../src/metrics/rfm.ts';
import { AS_OF, digest, fromRows, num, RFM_SQL, TABLE, type RfmOut } from './rfm.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const CONTENDERS = {
  native: 'native DuckDB',
  native1: 'native DuckDB, 1 thread',
  wasm: 'DuckDB-WASM (Node)',
  wasmcopy: 'DuckDB-WASM (Node), file copied in',
  papa: 'PapaParse + JS Map',
} as const;
type Contender = keyof typeof CONTENDERS;
const DEFAULT_CONTENDERS: Contender[] = ['native', 'native1', 'wasm', 'papa'];

/** What a child reports for one run. */
interface RunResult {
  contender: Contender;
  rows: number;
  customers: number;
  digest: string;
  engine: string;
  bootMs: number;
  loadMs: number;
  /** RFM SQL sent → every row a plain JS object: `queryEngineMs` + `queryToJsMs`. */
  queryMs: number;
  /** DuckDB: until its result is in hand (Arrow table / native chunks); PapaParse: the scoring. */
  queryEngineMs: number;
  /** DuckDB: result → JS row objects (`arrowToResult` for WASM, `getRowObjectsJS` native); 0 for PapaParse. */
  queryToJsMs: number;
  /** The same RFM query once more (DuckDB only): the first run pays one-off costs the second does not. */
  queryAgainMs: number | null;
  totalMs: number;
  peakRssMb: number;
  startRssMb: number;
  peakHeapMb: number;
  peakExternalMb: number;
}
type Timed = Omit<RunResult, 'contender' | 'peakRssMb' | 'startRssMb' | 'peakHeapMb' | 'peakExternalMb'>;

// ---------------------------------------------------------------- child side

class Meter {
  readonly startRss = process.memoryUsage().rss;
  peakHeap = 0;
  peakExternal = 0;
  sample(): void {
    const m = process.memoryUsage();
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
    this.peakExternal = Math.max(this.peakExternal, m.external + m.arrayBuffers);
  }
}

async function runNative(file: string, threads?: number): Promise<Timed> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
  const conn = await instance.connect();
  const t1 = performance.now();
  await conn.run(`CREATE TABLE ${ident(TABLE)} AS SELECT * FROM read_csv(${lit(file)})`);
  const t2 = performance.now();
  const reader = await conn.runAndReadAll(RFM_SQL);
  const t3 = performance.now();
  const rows = reader.getRowObjectsJS();
  const t4 = performance.now();
  (await conn.runAndReadAll(RFM_SQL)).getRowObjectsJS();
  const again = performance.now() - t4;
  const count = num((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${ident(TABLE)}`)).getRowObjectsJS()[0]!.n);
  const version = String((await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0]!.v);
  conn.closeSync();
  instance.closeSync();
  const out = fromRows(rows);
  return {
    rows: count, customers: out.length, digest: digest(out), engine: `DuckDB ${version} (@duckdb/node-api)`,
    bootMs: t1 - t0, loadMs: t2 - t1, queryMs: t4 - t2, queryEngineMs: t3 - t2, queryToJsMs: t4 - t3, queryAgainMs: again,
    totalMs: t4 - t1,
  };
}

/**
 * `byPath`: DuckDB reads the file through Node's fs as it needs it (as the
 * browser reads a picked File by handle). Otherwise the whole file is read
 * into a JS buffer and copied into the WASM heap first (the old way, kept
 * to show what the copy costs: `--only wasm,wasmcopy`).
 */
async function runWasm(file: string, meter: Meter, byPath: boolean): Promise<Timed> {
  const { openNodeDb } = await import('../src/db/node.ts');
  const { arrowToResult } = await import('../src/db/rows.ts');
  const t0 = performance.now();
  const db = await openNodeDb();
  const t1 = performance.now();
  meter.sample();
  if (byPath) await db.registerPath('orders.csv', path.resolve(file));
  else await db.registerBuffer('orders.csv', fs.readFileSync(file));
  meter.sample();
  await db.exec(`CREATE TABLE ${ident(TABLE)} AS SELECT * FROM read_csv(${lit('orders.csv')})`);
  const t2 = performance.now();
  meter.sample();
  const arrow = await db.queryArrow(RFM_SQL);
  const t3 = performance.now();
  const result = arrowToResult(arrow);
  const t4 = performance.now();
  meter.sample();
  arrowToResult(await db.queryArrow(RFM_SQL));
  const again = performance.now() - t4;
  const count = num((await db.query(`SELECT count(*) AS n FROM ${ident(TABLE)}`)).rows[0]!.n);
  const version = String((await db.query('SELECT version() AS v')).rows[0]!.v);
  await db.close();
  const out = fromRows(result.rows);
  const pkg = JSON.parse(fs.readFileSync(path.join(HERE, '../node_modules/@duckdb/duckdb-wasm/package.json'), 'utf8')) as { version: string };
  return {
    rows: count, customers: out.length, digest: digest(out),
    engine: `DuckDB ${version} (@duckdb/duckdb-wasm ${pkg.version}, eh bundle, file ${byPath ? 'by path' : 'copied in'})`,
    bootMs: t1 - t0, loadMs: t2 - t1, queryMs: t4 - t2, queryEngineMs: t3 - t2, queryToJsMs: t4 - t3, queryAgainMs: again,
    totalMs: t4 - t1,
  };
}

/** ntile(5) as DuckDB computes it: the first N mod 5 buckets hold one extra row. */
function ntile5(index: number, n: number): number {
  const q = Math.floor(n / 5);
  const r = n % 5;
  const big = r * (q + 1);
  return index < big ? Math.floor(index / (q + 1)) + 1 : Math.floor((index - big) / q) + r + 1;
}

async function runPapa(file: string, meter: Meter): Promise<Timed> {
  await import('papaparse'); // loaded before the clock starts, as the DuckDB contenders boot before theirs
  const t1 = performance.now();
  interface Acc { last: string; frequency: number; sum: number }
  const byCustomer = new Map<string, Acc>();
  const orders = new Set<string>();
  let lines = 0;
  await streamCsv(file, (row, col) => {
    lines++;
    const cust = row[col.customer_id!];
    const day = row[col.order_date!];
    if (!cust || !day || day > AS_OF) return;
    let acc = byCustomer.get(cust);
    if (!acc) byCustomer.set(cust, (acc = { last: day, frequency: 0, sum: 0 }));
    if (day > acc.last) acc.last = day;
    const key = `${cust}\u0001${row[col.order_id!]}`;
    if (!orders.has(key)) {
      orders.add(key);
      acc.frequency++;
    }
    acc.sum += Number(row[col.amount!]);
  }, () => meter.sample());
  const t2 = performance.now();
  const asOf = Date.parse(AS_OF);
  const out: RfmOut[] = [];
  for (const [id, a] of byCustomer) {
    out.push({
      id, recency: Math.round((asOf - Date.parse(a.last)) / 86_400_000), frequency: a.frequency,
      monetary: Math.round(a.sum * 100) / 100, r: 0, f: 0, m: 0, segment: '',
    });
  }
  // Same orderings (with the same tie-breaks) as the SQL's ntile windows.
  const byId = (a: RfmOut, b: RfmOut): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const score = (cmp: (a: RfmOut, b: RfmOut) => number, set: (x: RfmOut, s: number) => void): void => {
    const sorted = [...out].sort((a, b) => cmp(a, b) || byId(a, b));
    sorted.forEach((x, i) => set(x, ntile5(i, sorted.length)));
  };
  score((a, b) => b.recency - a.recency || a.frequency - b.frequency || a.monetary - b.monetary, (x, s) => (x.r = s));
  score((a, b) => a.frequency - b.frequency || a.monetary - b.monetary || b.recency - a.recency, (x, s) => (x.f = s));
  score((a, b) => a.monetary - b.monetary || a.frequency - b.frequency || b.recency - a.recency, (x, s) => (x.m = s));
  for (const x of out) x.segment = rfmSegment(x.r, x.f);
  out.sort(byId);
  const t3 = performance.now();
  meter.sample();
  const pkg = JSON.parse(fs.readFileSync(path.join(HERE, '../node_modules/papaparse/package.json'), 'utf8')) as { version: string };
  return {
    rows: lines, customers: out.length, digest: digest(out), engine: `papaparse ${pkg.version}, streaming, arrays`,
    bootMs: 0, loadMs: t2 - t1, queryMs: t3 - t2, queryEngineMs: t3 - t2, queryToJsMs: 0, queryAgainMs: null, totalMs: t3 - t1,
  };
}

async function child(contender: Contender, file: string): Promise<void> {
  const meter = new Meter();
  globalThis.gc?.();
  meter.sample();
  const r = contender === 'wasm' || contender === 'wasmcopy' ? await runWasm(file, meter, contender === 'wasm')
    : contender === 'papa' ? await runPapa(file, meter)
    : await runNative(file, contender === 'native1' ? 1 : undefined);
  meter.sample();
  const result: RunResult = {
    contender, ...r,
    // maxRSS is the kernel's high-water mark for this process, in kB.
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    startRssMb: mb(meter.startRss),
    peakHeapMb: mb(meter.peakHeap),
    peakExternalMb: mb(meter.peakExternal),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- parent side

function spawnRun(contender: Contender, file: string): RunResult {
  const self = fileURLToPath(import.meta.url);
  const p = spawnSync(process.execPath, [...process.execArgv, self, '--child', contender, '--file', file], {
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = p.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (p.status !== 0 || !line) {
    throw new Error(`${contender} run failed (exit ${p.status ?? p.signal}):\n${p.stderr || p.stdout}`);
  }
  return JSON.parse(line.slice('RESULT '.length)) as RunResult;
}

function rowsLabel(rows: number): string {
  return rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : rows % 1000 === 0 ? `${rows / 1000}k` : String(rows);
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The orders file for `rows` lines (seed 1), generated the first time. */
function ordersFile(rows: number, given?: string): string {
  const file = path.resolve(given ?? path.join(HERE, 'data', `orders_${rowsLabel(rows)}.csv`));
  if (!fs.existsSync(file)) {
    if (given) throw new Error(`no such file: ${given}`);
    log(`Generating ${path.relative(process.cwd(), file)} (${fmt(rows)} order lines, seed 1)…`);
    const w = writeOrdersCsv(file, { rows, seed: 1, verbose: true });
    log(`  ${fmt(w.bytes / 1e6, 1)} MB in ${fmt(w.ms / 1000, 1)} s`);
  }
  return file;
}

function nodeStep(file: string, runs: number, contenders: Contender[]) {
  log(`Node: RFM over ${path.relative(process.cwd(), file)} (${fmt(fs.statSync(file).size / 1e6, 1)} MB), as of ${AS_OF}; ${runs} runs each, one process per run`);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const c of contenders) {
      const r = spawnRun(c, file);
      results.push(r);
      log(`  run ${run} ${CONTENDERS[c].padEnd(34)} ${fmt(r.totalMs).padStart(7)} ms   peak RSS ${fmt(r.peakRssMb).padStart(5)} MB`);
    }
  }
  const digests = new Set(results.map((r) => r.digest));
  const summary = contenders.map((c) => {
    const rs = results.filter((r) => r.contender === c);
    const again = rs.map((r) => r.queryAgainMs).filter((x): x is number => x !== null);
    return {
      contender: c,
      label: CONTENDERS[c],
      engine: rs[0]!.engine,
      rows: rs[0]!.rows,
      customers: rs[0]!.customers,
      medianTotalMs: median(rs.map((r) => r.totalMs)),
      medianLoadMs: median(rs.map((r) => r.loadMs)),
      medianQueryMs: median(rs.map((r) => r.queryMs)),
      medianQueryEngineMs: median(rs.map((r) => r.queryEngineMs)),
      medianQueryToJsMs: median(rs.map((r) => r.queryToJsMs)),
      medianQueryAgainMs: again.length > 0 ? median(again) : null,
      medianBootMs: median(rs.map((r) => r.bootMs)),
      peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
      startRssMb: median(rs.map((r) => r.startRssMb)),
      peakHeapMb: Math.max(...rs.map((r) => r.peakHeapMb)),
      peakExternalMb: Math.max(...rs.map((r) => r.peakExternalMb)),
      runsMs: rs.map((r) => Math.round(r.totalMs)),
    };
  });
  const native = summary.find((s) => s.contender === 'native');
  const wasm = summary.find((s) => s.contender === 'wasm');
  const papa = summary.find((s) => s.contender === 'papa');

  const lines: string[] = [
    '',
    `Node: RFM, ${fmt(summary[0]!.rows)} order lines → ${fmt(summary[0]!.customers)} customers; median of ${runs} runs on ${os.cpus().length} cores, node ${process.version}`,
    'total = load (file → table) + query (RFM SQL → JS rows: engine until its result is in hand, then → JS objects);',
    '"again" = the same query a second time (not in total); boot (engine start) is extra; peak RSS is the process high-water mark',
    ...textTable(
      ['contender', 'total ms', 'load ms', 'query ms', 'engine', '→ JS', 'again', 'boot ms', 'peak RSS MB', 'heap MB', 'ext MB', '× native'],
      summary.map((s) => [
        s.label, fmt(s.medianTotalMs), fmt(s.medianLoadMs), fmt(s.medianQueryMs), fmt(s.medianQueryEngineMs), fmt(s.medianQueryToJsMs),
        s.medianQueryAgainMs === null ? '–' : fmt(s.medianQueryAgainMs), fmt(s.medianBootMs), fmt(s.peakRssMb), fmt(s.peakHeapMb),
        fmt(s.peakExternalMb), native ? `${fmt(s.medianTotalMs / native.medianTotalMs, 2)}×` : '–',
      ]),
    ),
    digests.size === 1 ? 'All contenders returned identical RFM tables (digest match).' : `RESULTS DIFFER: ${[...digests].join(' / ')}`,
  ];
  const targets: Record<string, Target> = {};
  if (wasm && native) {
    const v = wasm.medianTotalMs / native.medianTotalMs;
    targets.wasmWithin3xOfNative = { what: 'Node: DuckDB-WASM RFM total vs native', value: v, unit: '×', target: '≤ 3×', met: v <= 3 };
    const native1 = summary.find((s) => s.contender === 'native1');
    lines.push(`DuckDB-WASM vs native: query alone ${fmt(wasm.medianQueryMs / native.medianQueryMs, 2)}×, load alone ${fmt(wasm.medianLoadMs / native.medianLoadMs, 2)}×`
      // On a busy 2-core machine one native thread can beat all of them.
      + (native1 ? `; total vs native on 1 thread ${fmt(wasm.medianTotalMs / native1.medianTotalMs, 2)}×` : ''));
  }
  if (wasm && papa) {
    const v = papa.medianTotalMs / wasm.medianTotalMs;
    targets.wasmAtLeast2xFasterThanPapa = { what: 'Node: DuckDB-WASM RFM total faster than PapaParse + JS by', value: v, unit: '×', target: '≥ 2×', met: v >= 2 };
  }
  const step = {
    file: path.relative(process.cwd(), file),
    bytes: fs.statSync(file).size,
    rows: summary[0]!.rows,
    asOf: AS_OF,
    runsPerContender: runs,
    sql: RFM_SQL,
    identicalResults: digests.size === 1,
    rfmDigest: [...digests].join(' / '),
    summary,
    runs: results,
  };
  return { step, lines, targets, identical: digests.size === 1 };
}

interface PreviousResults {
  startedAt?: string;
  stepsCarried?: { step: string; from: string | null }[];
  nodeStep?: unknown;
  browserStep?: unknown;
  ml?: unknown;
  clv?: unknown;
}

function previousResults(file: string): PreviousResults | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PreviousResults;
  } catch {
    return null;
  }
}

async function parent(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      steps: { type: 'string' }, rows: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' }, file: { type: 'string' },
      'browser-runs': { type: 'string' }, 'big-rows': { type: 'string' }, 'runner-rows': { type: 'string' }, 'runner-timeout': { type: 'string' }, 'remote-rows': { type: 'string' },
    },
  });
  const steps = new Set(values.steps?.split(',') ?? ['node', 'browser', 'dashboard', 'runner', 'remote', 'ml', 'clv']);
  const known = ['node', 'browser', 'dashboard', 'runner', 'remote', 'ml', 'clv', 'voice', 'journeys'];
  for (const s of steps) if (!known.includes(s)) throw new Error(`unknown step "${s}" (${known.join(', ')})`);
  const rows = positive(values.rows, 'rows', 1_000_000);
  const runs = positive(values.runs, 'runs', 3);
  const browserRuns = positive(values['browser-runs'], 'browser-runs', 3);
  const bigRows = positive(values['big-rows'], 'big-rows', 10_000_000, true);
  const contenders = (values.only?.split(',') ?? DEFAULT_CONTENDERS) as Contender[];
  for (const c of contenders) if (!(c in CONTENDERS)) throw new Error(`unknown contender "${c}" (${Object.keys(CONTENDERS).join(', ')})`);
  const started = new Date();
  const loadBefore = os.loadavg();

  const file = steps.has('node') || steps.has('browser') || steps.has('dashboard') ? ordersFile(rows, values.file) : null;
  const bigFile = steps.has('browser') && bigRows > 0 ? ordersFile(bigRows) : null;

  const lines: string[] = [];
  let targets: Record<string, Target> = {};
  let ok = true;
  let nodeReport: ReturnType<typeof nodeStep>['step'] | null = null;
  let browserReport: BrowserReport | null = null;
  let mlReport: MlReport | null = null;
  if (file && steps.has('node')) {
    const n = nodeStep(file, runs, contenders);
    nodeReport = n.step;
    lines.push(...n.lines);
    targets = { ...targets, ...n.targets };
    ok &&= n.identical;
  }
  if (file && steps.has('browser')) {
    log(`Browser: ${browserRuns} runs over ${path.relative(process.cwd(), file)}${bigFile ? `, one over ${path.relative(process.cwd(), bigFile)}` : ''}`);
    // Imported here, not at the top: the children must not load Vite and Playwright (it would show in their memory).
    const { browserBench, browserLines } = await import('./browser.ts');
    browserReport = await browserBench({ file, bigFile, runs: browserRuns, log });
    lines.push(...browserLines(browserReport, browserRuns));
    targets = { ...targets, ...browserReport.targets };
    ok &&= browserReport.identical.rfm && browserReport.identical.dashboard;
    if (nodeReport && browserReport.identical.rfmDigest !== nodeReport.rfmDigest) {
      lines.push(`RFM DIFFERS between the Node and browser steps: ${nodeReport.rfmDigest} / ${browserReport.identical.rfmDigest}`);
      ok = false;
    }
  }
  if (steps.has('ml')) {
    // Imported here: loads TensorFlow.js, which the node-step children must not.
    const { mlBench, mlLines } = await import('./ml.ts');
    mlReport = await mlBench({ log });
    if ('skipped' in mlReport) log(`ML: ${mlReport.skipped}`);
    else targets = { ...targets, ...mlReport.targets };
    lines.push(...mlLines(mlReport));
  }
  const dashboardReport = file && steps.has('dashboard') ? await (await import('./dashboard.ts')).dashboardBench(file, log) : null;
  if (dashboardReport) {
    lines.push(...(await import('./dashboard.ts')).dashboardLines(dashboardReport));
    targets = { ...targets, ...dashboardReport.targets };
    ok &&= dashboardReport.agree;
  }
  const runnerReport = steps.has('runner')
    ? await (await import('./runner.ts')).runnerBench({
      rows: positive(values['runner-rows'], 'runner-rows', 100_000_000), wasmRows: rows, timeoutS: positive(values['runner-timeout'], 'runner-timeout', 3600), log,
    })
    : null;
  if (runnerReport) {
    lines.push(...(await import('./runner.ts')).runnerLines(runnerReport));
    targets = { ...targets, ...runnerReport.targets };
  }
  const clvReport = steps.has('clv') ? await (await import('./clv.ts')).clvStep(lines, log) : null;
  if (clvReport && !('skipped' in clvReport)) targets = { ...targets, ...clvReport.targets };
  // Issue 14: only on request (--steps voice); its numbers are printed, not kept in results.json.
  const voiceReport = steps.has('voice') ? await (await import('./voice.ts')).voiceStep(lines, log) : null;
  if (voiceReport && !('skipped' in voiceReport)) targets = { ...targets, ...voiceReport.targets };
  // Issue 14: path analysis of 1M events, on request (--steps journeys); printed, not kept in results.json.
  if (steps.has('journeys')) targets = { ...targets, ...(await (await import('./journeys.ts')).journeysStep(lines, log, rows)).targets };
  // Issue 13: the remote-Parquet bytes-read share (--steps remote); printed, not kept in results.json.
  if (steps.has('remote')) targets = { ...targets, ...(await (await import('./remote.ts')).remoteStep(lines, log, positive(values['remote-rows'], 'remote-rows', 10_000_000))).targets };
  const elapsedS = (Date.now() - started.getTime()) / 1000;
  lines.push('', `Targets (${fmt(elapsedS)} s for the whole bench; 1-minute load average ${fmt(loadBefore[0]!, 1)} → ${fmt(os.loadavg()[0]!, 1)}):`);
  lines.push(...Object.values(targets).map(targetLine));
  process.stdout.write(lines.join('\n') + '\n');

  const cpus = os.cpus();
  const resultsFile = path.join(HERE, 'results.json');
  // A step not run this time keeps its section from the previous results.json (stepsCarried says which, and from when);
  // targets, machine and load average are this run's.
  const previous = previousResults(resultsFile);
  const carried = (name: 'nodeStep' | 'browserStep' | 'ml' | 'clv', ran: boolean): unknown => (ran ? null : previous?.[name] ?? null);
  const stepsCarried = (['nodeStep', 'browserStep', 'ml', 'clv'] as const)
    .filter((name, i) => !steps.has(['node', 'browser', 'ml', 'clv'][i]!) && carried(name, false) !== null)
    .map((name) => ({ step: name, from: previous?.stepsCarried?.find((c) => c.step === name)?.from ?? previous?.startedAt ?? null }));
  const report = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    elapsedS,
    machine: {
      cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGb: Math.round(os.totalmem() / 1e8) / 10,
      platform: os.platform(), arch: os.arch(), release: os.release(),
    },
    // Other work on the machine skews timings; the 1-minute load average says how busy it was.
    loadAverage: { before: loadBefore.map((x) => Math.round(x * 100) / 100), after: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    node: process.version,
    targets,
    identicalResults: ok,
    stepsRun: [...steps],
    stepsCarried,
    nodeStep: nodeReport ?? carried('nodeStep', steps.has('node')),
    browserStep: browserReport ?? carried('browserStep', steps.has('browser')),
    ml: mlReport ?? carried('ml', steps.has('ml')),
    clv: clvReport ?? carried('clv', steps.has('clv')),
    dashboard: dashboardReport,
    runner: runnerReport,
  };
  fs.writeFileSync(resultsFile, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`Wrote ${path.relative(process.cwd(), resultsFile)}\n`);
  if (!ok) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--child');
  const main = at >= 0
    ? child(argv[at + 1] as Contender, argv[argv.indexOf('--file') + 1]!)
    : parent(argv);
  main.catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
