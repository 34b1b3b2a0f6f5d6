/**
 * Write synthetic CRM CSV files (Node only: files and GBK encoding).
 *
 *   node --import tsx bench/gen.ts --rows 1000000 --out bench/data/orders_1m.csv
 *   node --import tsx bench/gen.ts --rows 200000 --tables all --out bench/data/crm --headers zh --encoding gbk
 *
 *   node --import tsx bench/gen.ts --shape retail --rows 541909 --out bench/data/retail.csv
 *
 * Options: --shape crm|retail (retail: a UCI-style line-item export, see retail.ts; only --rows, --out,
 * --seed and --headers apply) · --rows N order lines (default 1,000,000) · --out FILE (orders) or DIR (all tables)
 * · --seed N (1) · --customers N (rows / 12) · --start / --end YYYY-MM-DD · --headers en|zh
 * · --encoding utf8|gbk · --bom (UTF-8 byte-order mark, for Excel) · --tables orders|all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import {
  customersForOrderLines, generateCrm, orderLineChunks, type HeaderLang, type OrderChunkOptions,
} from '../src/demo/generate.ts';
import { toCsv } from '../src/demo/csv.ts';
import { writeRetailCsv } from './retail.ts';

export type Encoding = 'utf8' | 'gbk';

const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

/** Text as bytes in the file encoding. GBK needs iconv-lite, hence Node only. */
export function encodeText(text: string, encoding: Encoding): Uint8Array {
  return encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8');
}

export interface WriteOptions extends Omit<OrderChunkOptions, 'onProgress'> {
  encoding?: Encoding;
  bom?: boolean;
  /** Progress lines on stderr. */
  verbose?: boolean;
}

export interface Written {
  file: string;
  rows: number;
  bytes: number;
  ms: number;
}

function progressBar(label: string, verbose: boolean): (done: number, total: number) => void {
  const t0 = performance.now();
  return (done, total) => {
    if (!verbose) return;
    const s = (performance.now() - t0) / 1000;
    const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '100';
    process.stderr.write(`\r${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${pct} %, ${s.toFixed(1)} s)`);
    if (done >= total) process.stderr.write('\n');
  };
}

/** Stream the order-lines CSV to `file` without holding it in memory. */
export function writeOrdersCsv(file: string, opts: WriteOptions): Written {
  const t0 = performance.now();
  const encoding = opts.encoding ?? 'utf8';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w');
  let bytes = 0;
  try {
    if (opts.bom && encoding === 'utf8') bytes += fs.writeSync(fd, UTF8_BOM);
    const onProgress = progressBar(path.basename(file), opts.verbose ?? false);
    for (const chunk of orderLineChunks({ ...opts, onProgress })) bytes += fs.writeSync(fd, encodeText(chunk, encoding));
  } finally {
    fs.closeSync(fd);
  }
  // Rename last, so an interrupted run never leaves a complete-looking file.
  fs.renameSync(tmp, file);
  return { file, rows: opts.rows, bytes, ms: performance.now() - t0 };
}

/** All four tables into `dir` (customers, tickets and leads are built in memory; orders stream). */
export function writeAllTables(dir: string, opts: WriteOptions): Written[] {
  const encoding = opts.encoding ?? 'utf8';
  const customers = opts.customers ?? customersForOrderLines(opts.rows);
  fs.mkdirSync(dir, { recursive: true });
  const out: Written[] = [];
  const t0 = performance.now();
  const small = generateCrm({ ...opts, customers, tables: ['customers', 'tickets', 'leads'] });
  for (const name of ['customers', 'tickets', 'leads'] as const) {
    const file = path.join(dir, `${name}.csv`);
    const body = encodeText(toCsv(small[name]), encoding);
    const bom = opts.bom && encoding === 'utf8' ? UTF8_BOM : new Uint8Array(0);
    fs.writeFileSync(file, Buffer.concat([bom, body]));
    out.push({ file, rows: small[name].rows.length, bytes: bom.length + body.length, ms: performance.now() - t0 });
  }
  out.push(writeOrdersCsv(path.join(dir, 'orders.csv'), { ...opts, customers }));
  return out;
}

function fail(message: string): never {
  process.stderr.write(`gen: ${message}\n`);
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      customers: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      headers: { type: 'string', default: 'en' },
      encoding: { type: 'string', default: 'utf8' },
      bom: { type: 'boolean', default: false },
      tables: { type: 'string', default: 'orders' },
      shape: { type: 'string', default: 'crm' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node --import tsx bench/gen.ts [--shape crm|retail] --rows N --out FILE|DIR [--seed N] [--customers N]\n'
      + '         [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--headers en|zh] [--encoding utf8|gbk] [--bom] [--tables orders|all]\n');
    return;
  }
  const rows = positiveInt(values.rows, 'rows', 1_000_000);
  const headers = values.headers;
  if (headers !== 'en' && headers !== 'zh') fail(`--headers must be en or zh, got "${headers}"`);
  const encoding = values.encoding.toLowerCase().replace('-', '');
  if (encoding !== 'utf8' && encoding !== 'gbk') fail(`--encoding must be utf8 or gbk, got "${values.encoding}"`);
  if (values.shape !== 'crm' && values.shape !== 'retail') fail(`--shape must be crm or retail, got "${values.shape}"`);
  if (values.shape === 'retail') {
    const w = writeRetailCsv(values.out ?? `bench/data/retail_${rows}.csv`, { rows, seed: positiveInt(values.seed, 'seed', 1), headers });
    process.stdout.write(`${w.file}: ${w.lines.toLocaleString('en')} lines, ${(w.bytes / 1e6).toFixed(1)} MB\n`);
    return;
  }
  if (values.tables !== 'orders' && values.tables !== 'all') fail(`--tables must be orders or all, got "${values.tables}"`);
  const opts: WriteOptions = {
    rows,
    seed: positiveInt(values.seed, 'seed', 1),
    headers: headers as HeaderLang,
    encoding,
    bom: values.bom,
    verbose: true,
    ...(values.customers !== undefined ? { customers: positiveInt(values.customers, 'customers', 1) } : {}),
    ...(values.start !== undefined ? { startDate: values.start } : {}),
    ...(values.end !== undefined ? { endDate: values.end } : {}),
  };
  const written = values.tables === 'all'
    ? writeAllTables(values.out ?? 'bench/data/crm', opts)
    : [writeOrdersCsv(values.out ?? `bench/data/orders_${rows}.csv`, opts)];
  for (const w of written) {
    process.stdout.write(`${w.file}: ${w.rows.toLocaleString('en')} rows, ${(w.bytes / 1e6).toFixed(1)} MB, ${(w.ms / 1000).toFixed(1)} s\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}
