/**
 * `npm run bench`: per-customer RFM over a 1M-line orders CSV, three ways.
 *
 *   native  – DuckDB through @duckdb/node-api (all cores), the yardstick
 *   wasm    – DuckDB-WASM in Node via openNodeDb(), the build the browser runs
 *   papa    – PapaParse (streaming) + a plain JS Map group-by
 *   native1 – native DuckDB on one thread (for reference: DuckDB-WASM here is single-threaded)
 *
 * Each run is a fresh child process, so peak RSS belongs to one contender.
 * Each contender computes the same result (checked by a digest) and the median
 * of the runs is reported. Options: --rows N (1,000,000) --runs N (3)
 * --only wasm,native,... --file PATH.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeOrdersCsv } from './gen.ts';
import { ident, lit } from '../src/lib/sql.ts';
import { rfmSegment, rfmSql } from '../src/metrics/rfm.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const AS_OF = '2025-12-31';
const TABLE = 'orders';
const COLUMNS = { customerId: 'customer_id', orderDate: 'order_date', amount: 'amount', orderId: 'order_id' };
// The generated file sniffs as DATE and DOUBLE (test/unit/gen.test.ts checks); the app passes the types it loaded.
const RFM = rfmSql({ table: TABLE, columns: COLUMNS, asOf: AS_OF, types: { orderDate: 'DATE', amount: 'DOUBLE' } });

const CONTENDERS = {
  native: 'native DuckDB',
  native1: 'native DuckDB, 1 thread',
  wasm: 'DuckDB-WASM (Node)',
  papa: 'PapaParse + JS Map',
} as const;
type Contender = keyof typeof CONTENDERS;

/** What a child reports for one run. */
interface RunResult {
  contender: Contender;
  rows: number;
  customers: number;
  digest: string;
  engine: string;
  bootMs: number;
  loadMs: number;
  queryMs: number;
  totalMs: number;
  peakRssMb: number;
  startRssMb: number;
  peakHeapMb: number;
  peakExternalMb: number;
}

// ---------------------------------------------------------------- child side

/** One customer's RFM, engine-independent, for the digest. */
interface RfmOut {
  id: string;
  recency: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}

function fnv(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A fingerprint of the whole result: equal digests mean equal RFM tables. */
function digest(rows: RfmOut[]): string {
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let h = 0x811c9dc5;
  let money = 0;
  for (const x of sorted) {
    h = fnv(`${x.id}|${x.recency}|${x.frequency}|${x.monetary.toFixed(2)}|${x.r}${x.f}${x.m}|${x.segment};`, h);
    money += x.monetary;
  }
  return `${sorted.length}:${money.toFixed(2)}:${h.toString(16)}`;
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));

function fromRows(rows: Record<string, unknown>[]): RfmOut[] {
  return rows.map((x) => ({
    id: String(x.customer_id), recency: num(x.recency_days), frequency: num(x.frequency), monetary: num(x.monetary),
    r: num(x.r_score), f: num(x.f_score), m: num(x.m_score), segment: String(x.segment),
  }));
}

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

const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

async function runNative(file: string, threads?: number): Promise<Omit<RunResult, 'contender' | 'peakRssMb' | 'startRssMb' | 'peakHeapMb' | 'peakExternalMb'> & { meter?: Meter }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
  const conn = await instance.connect();
  const t1 = performance.now();
  await conn.run(`CREATE TABLE ${ident(TABLE)} AS SELECT * FROM read_csv(${lit(file)})`);
  const t2 = performance.now();
  const rows = (await conn.runAndReadAll(RFM)).getRowObjectsJS();
  const t3 = performance.now();
  const count = num((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${ident(TABLE)}`)).getRowObjectsJS()[0]!.n);
  const version = String((await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0]!.v);
  conn.closeSync();
  instance.closeSync();
  const out = fromRows(rows);
  return {
    rows: count, customers: out.length, digest: digest(out), engine: `DuckDB ${version} (@duckdb/node-api)`,
    bootMs: t1 - t0, loadMs: t2 - t1, queryMs: t3 - t2, totalMs: t3 - t1,
  };
}

async function runWasm(file: string, meter: Meter): Promise<Omit<RunResult, 'contender' | 'peakRssMb' | 'startRssMb' | 'peakHeapMb' | 'peakExternalMb'>> {
  const { openNodeDb } = await import('../src/db/node.ts');
  const t0 = performance.now();
  const db = await openNodeDb();
  const t1 = performance.now();
  meter.sample();
  await db.registerBuffer('orders.csv', fs.readFileSync(file));
  meter.sample();
  await db.exec(`CREATE TABLE ${ident(TABLE)} AS SELECT * FROM read_csv(${lit('orders.csv')})`);
  const t2 = performance.now();
  meter.sample();
  const result = await db.query(RFM);
  const t3 = performance.now();
  meter.sample();
  const count = num((await db.query(`SELECT count(*) AS n FROM ${ident(TABLE)}`)).rows[0]!.n);
  const version = String((await db.query('SELECT version() AS v')).rows[0]!.v);
  await db.close();
  const out = fromRows(result.rows);
  const pkg = JSON.parse(fs.readFileSync(path.join(HERE, '../node_modules/@duckdb/duckdb-wasm/package.json'), 'utf8')) as { version: string };
  return {
    rows: count, customers: out.length, digest: digest(out), engine: `DuckDB ${version} (@duckdb/duckdb-wasm ${pkg.version}, eh bundle)`,
    bootMs: t1 - t0, loadMs: t2 - t1, queryMs: t3 - t2, totalMs: t3 - t1,
  };
}

/** ntile(5) as DuckDB computes it: the first N mod 5 buckets hold one extra row. */
function ntile5(index: number, n: number): number {
  const q = Math.floor(n / 5);
  const r = n % 5;
  const big = r * (q + 1);
  return index < big ? Math.floor(index / (q + 1)) + 1 : Math.floor((index - big) / q) + r + 1;
}

async function runPapa(file: string, meter: Meter): Promise<Omit<RunResult, 'contender' | 'peakRssMb' | 'startRssMb' | 'peakHeapMb' | 'peakExternalMb'>> {
  const { default: Papa } = await import('papaparse');
  const t1 = performance.now();
  interface Acc { last: string; frequency: number; sum: number }
  const byCustomer = new Map<string, Acc>();
  const orders = new Set<string>();
  let col: Record<string, number> | null = null;
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(fs.createReadStream(file, { encoding: 'utf8' }), {
      header: false,
      skipEmptyLines: true,
      chunk: (res) => {
        for (const row of res.data) {
          if (col === null) {
            col = Object.fromEntries(row.map((name, i) => [name, i]));
            continue;
          }
          lines++;
          const cust = row[col.customer_id!];
          const day = row[col.order_date!];
          if (!cust || !day || day > AS_OF) continue;
          let acc = byCustomer.get(cust);
          if (!acc) byCustomer.set(cust, (acc = { last: day, frequency: 0, sum: 0 }));
          if (day > acc.last) acc.last = day;
          const key = `${cust}\u0001${row[col.order_id!]}`;
          if (!orders.has(key)) {
            orders.add(key);
            acc.frequency++;
          }
          acc.sum += Number(row[col.amount!]);
        }
        meter.sample();
      },
      complete: () => resolve(),
      error: (e) => reject(e),
    });
  });
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
    bootMs: 0, loadMs: t2 - t1, queryMs: t3 - t2, totalMs: t3 - t1,
  };
}

async function child(contender: Contender, file: string): Promise<void> {
  const meter = new Meter();
  globalThis.gc?.();
  meter.sample();
  const r = contender === 'wasm' ? await runWasm(file, meter)
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

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

const fmt = (n: number, digits = 0): string => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function rowsLabel(rows: number): string {
  return rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : rows % 1000 === 0 ? `${rows / 1000}k` : String(rows);
}

async function parent(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' }, file: { type: 'string' } },
  });
  const rows = Number(values.rows ?? 1_000_000);
  const runs = Number(values.runs ?? 3);
  const contenders = (values.only?.split(',') ?? ['native', 'native1', 'wasm', 'papa']) as Contender[];
  for (const c of contenders) if (!(c in CONTENDERS)) throw new Error(`unknown contender "${c}" (${Object.keys(CONTENDERS).join(', ')})`);
  const file = path.resolve(values.file ?? path.join(HERE, 'data', `orders_${rowsLabel(rows)}.csv`));
  const started = new Date();
  const loadBefore = os.loadavg();

  if (!fs.existsSync(file)) {
    process.stderr.write(`Generating ${path.relative(process.cwd(), file)} (${fmt(rows)} order lines, seed 1)…\n`);
    const w = writeOrdersCsv(file, { rows, seed: 1, verbose: true });
    process.stderr.write(`  ${fmt(w.bytes / 1e6, 1)} MB in ${fmt(w.ms / 1000, 1)} s\n`);
  }
  const bytes = fs.statSync(file).size;
  process.stderr.write(`RFM over ${path.relative(process.cwd(), file)} (${fmt(bytes / 1e6, 1)} MB), as of ${AS_OF}; ${runs} runs each, one process per run\n`);

  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const c of contenders) {
      const r = spawnRun(c, file);
      results.push(r);
      process.stderr.write(`  run ${run} ${CONTENDERS[c].padEnd(24)} ${fmt(r.totalMs).padStart(7)} ms   peak RSS ${fmt(r.peakRssMb).padStart(5)} MB\n`);
    }
  }

  const digests = new Set(results.map((r) => r.digest));
  const summary = contenders.map((c) => {
    const rs = results.filter((r) => r.contender === c);
    return {
      contender: c,
      label: CONTENDERS[c],
      engine: rs[0]!.engine,
      rows: rs[0]!.rows,
      customers: rs[0]!.customers,
      medianTotalMs: median(rs.map((r) => r.totalMs)),
      medianLoadMs: median(rs.map((r) => r.loadMs)),
      medianQueryMs: median(rs.map((r) => r.queryMs)),
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

  const header = ['contender', 'total ms', 'load ms', 'query ms', 'boot ms', 'peak RSS MB', 'heap MB', 'ext MB', '× native'];
  const table = summary.map((s) => [
    s.label, fmt(s.medianTotalMs), fmt(s.medianLoadMs), fmt(s.medianQueryMs), fmt(s.medianBootMs), fmt(s.peakRssMb),
    fmt(s.peakHeapMb), fmt(s.peakExternalMb), native ? `${fmt(s.medianTotalMs / native.medianTotalMs, 2)}×` : '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out: string[] = [
    '',
    `RFM, ${fmt(summary[0]!.rows)} order lines → ${fmt(summary[0]!.customers)} customers; median of ${runs} runs on ${os.cpus().length} cores, node ${process.version}`,
    'total = load (file → table) + query (RFM SQL → JS rows); boot (engine start) is extra; peak RSS is the process high-water mark',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.map(line),
    '',
    digests.size === 1 ? 'All contenders returned identical RFM tables (digest match).' : `RESULTS DIFFER: ${[...digests].join(' / ')}`,
  ];
  const targets: Record<string, { value: number; target: string; met: boolean }> = {};
  if (wasm && native) {
    const v = wasm.medianTotalMs / native.medianTotalMs;
    targets.wasmWithin3xOfNative = { value: v, target: '≤ 3', met: v <= 3 };
    out.push(`Target: DuckDB-WASM within 3× of native: ${fmt(v, 2)}× → ${v <= 3 ? 'MET' : 'NOT MET'}`
      + ` (query alone ${fmt(wasm.medianQueryMs / native.medianQueryMs, 2)}×, load alone ${fmt(wasm.medianLoadMs / native.medianLoadMs, 2)}×)`);
  }
  if (wasm && papa) {
    const v = papa.medianTotalMs / wasm.medianTotalMs;
    targets.wasmAtLeast2xFasterThanPapa = { value: v, target: '≥ 2', met: v >= 2 };
    out.push(`Target: DuckDB-WASM ≥ 2× faster than PapaParse + JS: ${fmt(v, 2)}× faster → ${v >= 2 ? 'MET' : 'NOT MET'}`);
  }
  process.stdout.write(out.join('\n') + '\n');

  const cpus = os.cpus();
  const report = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGb: Math.round(os.totalmem() / 1e8) / 10,
      platform: os.platform(), arch: os.arch(), release: os.release(),
    },
    // Other work on the machine skews timings; the 1-minute load average says how busy it was.
    loadAverage: { before: loadBefore.map((x) => Math.round(x * 100) / 100), after: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    node: process.version,
    file: path.relative(process.cwd(), file),
    bytes,
    rows: summary[0]!.rows,
    asOf: AS_OF,
    runsPerContender: runs,
    sql: RFM,
    identicalResults: digests.size === 1,
    summary,
    targets,
    runs: results,
  };
  const resultsFile = path.join(HERE, 'results.json');
  fs.writeFileSync(resultsFile, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`Wrote ${path.relative(process.cwd(), resultsFile)}\n`);
  if (digests.size !== 1) process.exitCode = 1;
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
