/**
 * crm-lens, the command-line runner: the browser's analysis on native DuckDB
 * (every core), for data past one tab and for scheduled refreshes.
 *
 *   npx crm-lens report --data orders.parquet [--data customers.csv …] --out report.html
 *   npx crm-lens report --db crm.duckdb --out report.html --lang zh-CN
 *   npx crm-lens report --db md:crm --out report.html      (motherduck_token in the environment)
 *
 * Files go through the app's own ingest (cleaning, roles); Parquet is read in
 * place; a database's tables are taken as they are. The report is the one the
 * Report page exports: self-contained HTML (ECharts inlined, the CJK font cut
 * to the characters used), and with --json the report file the app re-opens.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { openNativeDb } from '../db/native.ts';
import { docToHtml } from '../report/doc/html.ts';
import { reportFontCss, type FontSource } from '../report/doc/font-css.ts';
import { serializeReport } from '../report/doc/model.ts';
import type { Locale } from '../i18n/index.ts';
import { loadWorkspace } from './load.ts';
import { composeReport } from './compose.ts';

export interface RunnerArgs {
  command: 'report' | 'help';
  data: string[];
  database?: string;
  out?: string;
  json?: string;
  locale: Locale;
  title?: string;
  author?: string;
  threads?: number;
  /** DuckDB's memory limit, e.g. `8GB`; past it DuckDB spills to disk (default: 80 % of RAM). */
  memoryLimit?: string;
  staticCharts: boolean;
}

export const USAGE = `Usage: crm-lens report (--data FILE)... [--db DATABASE] --out REPORT.html [options]

  --data FILE     a CSV/TSV/XLSX/JSON/Parquet export (repeat for several files)
  --db DATABASE   a .duckdb file, or md:NAME for MotherDuck (needs motherduck_token)
  --out FILE      the self-contained HTML report to write
  --json FILE     also write the report file (JSON) that CRM Lens re-opens
  --lang LANG     en (default) or zh-CN
  --title TEXT    report title;  --author TEXT  author
  --threads N     DuckDB threads (default: every core)
  --memory-limit SIZE  DuckDB's memory, e.g. 8GB or 512MB (default: 80 % of RAM; past it DuckDB spills to disk)
  --static        charts as static SVG instead of interactive ECharts`;

/** Parses the command line; throws an Error whose message says what is wrong and shows the usage. */
export function parseArgs(argv: readonly string[]): RunnerArgs {
  const args: RunnerArgs = { command: 'help', data: [], locale: 'en', staticCharts: false };
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return args;
  if (command !== 'report') throw new Error(`Unknown command "${command}".\n\n${USAGE}`);
  args.command = 'report';
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value.\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--data': args.data.push(value()); break;
      case '--db': args.database = value(); break;
      case '--out': args.out = value(); break;
      case '--json': args.json = value(); break;
      case '--title': args.title = value(); break;
      case '--author': args.author = value(); break;
      case '--static': args.staticCharts = true; break;
      case '--threads': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error(`--threads takes a whole number of threads, at least 1.\n\n${USAGE}`);
        args.threads = n;
        break;
      }
      case '--memory-limit': {
        const v = value().replace(/\s+/g, '').toUpperCase();
        if (!/^\d+(\.\d+)?(KB|MB|GB|TB|KIB|MIB|GIB|TIB)$/.test(v)) throw new Error(`--memory-limit is a size like 8GB or 512MB, not "${rest[i]}".\n\n${USAGE}`);
        args.memoryLimit = v;
        break;
      }
      case '--lang': {
        const v = value();
        if (v !== 'en' && v !== 'zh-CN') throw new Error(`--lang is en or zh-CN, not "${v}".\n\n${USAGE}`);
        args.locale = v;
        break;
      }
      default: throw new Error(`Unknown option "${flag}".\n\n${USAGE}`);
    }
  }
  if (args.data.length === 0 && args.database === undefined) throw new Error(`Give the data: --data FILE (one or more) or --db DATABASE.\n\n${USAGE}`);
  if (args.out === undefined && args.json === undefined) throw new Error(`Say where the report goes: --out REPORT.html (and/or --json REPORT.json).\n\n${USAGE}`);
  return args;
}

const require = createRequire(import.meta.url);

/** The app's own CJK font files, from the installed @fontsource package. */
const nodeFont: FontSource = {
  css: async () => readFileSync(require.resolve('@fontsource/noto-sans-sc/400.css'), 'utf8'),
  read: async (file) => {
    try {
      return new Uint8Array(readFileSync(path.join(path.dirname(require.resolve('@fontsource/noto-sans-sc/400.css')), 'files', file)));
    } catch {
      return null;
    }
  },
};

export interface RunSummary {
  tables: { name: string; kind: string; rows: number }[];
  items: number;
  ms: Record<string, number>;
  engine: string;
}

/** Runs one `report` command; returns what it did (the caller prints it). */
export async function runReport(args: RunnerArgs): Promise<RunSummary> {
  const ms: Record<string, number> = {};
  const t0 = performance.now();
  const db = await openNativeDb({ ...(args.database ? { database: args.database } : {}), ...(args.threads ? { threads: args.threads } : {}), ...(args.memoryLimit ? { memoryLimit: args.memoryLimit } : {}) });
  try {
    const engine = await db.version();
    const ws = await loadWorkspace(db, args.data, args.database !== undefined);
    ms.load = performance.now() - t0;
    if (ws.tables.length === 0) throw new Error('No tables to report on: the database is empty and no --data was given.');
    const doc = await composeReport(db, ws.tables, ws.log, { locale: args.locale, ...(args.title ? { title: args.title } : {}), ...(args.author ? { author: args.author } : {}), timings: ms });
    if (args.out) {
      const t1 = performance.now();
      const echarts = args.staticCharts ? null : readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
      writeFileSync(args.out, await docToHtml(doc, { echarts, fontCss: await reportFontCss(doc, nodeFont) }));
      ms.html = performance.now() - t1;
    }
    if (args.json) writeFileSync(args.json, serializeReport(doc));
    ms.total = performance.now() - t0;
    return { tables: ws.tables.map((t) => ({ name: t.name, kind: t.kind, rows: t.rowCount })), items: doc.items.length, ms, engine };
  } finally {
    await db.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: RunnerArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  if (args.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    const s = await runReport(args);
    for (const t of s.tables) console.log(`${t.name} (${t.kind}): ${t.rows.toLocaleString('en')} rows`);
    console.log(`${s.items} report items · ${s.engine}`);
    console.log(Object.entries(s.ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(' · '));
    if (args.out) console.log(`Wrote ${args.out}`);
    if (args.json) console.log(`Wrote ${args.json}`);
    return 0;
  } catch (e) {
    console.error(`crm-lens: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
