/**
 * The lifetime-value step of `npm run bench` (bench/run.ts calls `clvBench`):
 * BG/NBD, Pareto/NBD and Gamma-Gamma fitted by src/ml/clv/fit.ts in Node, one
 * thread, on
 *   sample – cdnow_customers_summary_with_transactions.csv (2,357 customers), the
 *            published set-up, parameters beside reference.md "Customer lifetime value"
 *   master – CDNOW_master.txt (23,570 customers) summarised here the same way
 *            (calibration end 1997-09-30, purchases per distinct day, weeks = days / 7,
 *            zbar = mean spend of the repeat days): a timing only, no reference figures
 * then the same in headless Chromium (bench/clv-browser.ts): the fits through the
 * app's worker (`fitLifetime`), CDNOW master loaded into DuckDB-WASM with the SQL
 * summary (`loadValueData`), and 500k generated order lines over 5k customers
 * (SQL summary + fit, the load timed apart). The issue's targets are for
 * Chromium on 2 cores: sample < 3 s, master < 20 s, 500k lines / 5k customers
 * < 20 s including the SQL summary; the Node figures stand beside them.
 * Data from $CRM_DATA_DIR, else ../shared/data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitLifetimeInline, type FitInput } from '../src/ml/clv/fit.ts';
import type { LifetimeFit } from '../src/ml/clv/types.ts';
import type { ClvChromiumReport } from './clv-browser.ts';
import { fmt, median, textTable, type Target } from './report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** reference.md, "Customer lifetime value (cdnow sample, the published BG/NBD set-up)". */
export const CLV_REFERENCE = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  bgnbdLogLik: -9582.43,
  pareto: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
} as const;

type Model = 'bgnbd' | 'pareto' | 'gammaGamma';

export type ClvReport =
  | { skipped: string }
  | {
    sample: { file: string; customers: number; runs: number; medianMs: number; medianCpuMs: number; msPerModel: Record<Model, number>; fit: LifetimeFit };
    errors: { model: Model; param: string; fitted: number; reference: number; errorPct: number }[];
    bgnbdLogLikDelta: number;
    master: { file: string; customers: number; withRepeat: number; summaryMs: number; fitMs: number; cpuMs: number; msPerModel: Record<Model, number>; fit: LifetimeFit } | null;
    chromium: ClvChromiumReport | { measured: false; note: string };
    chromiumErrors: { model: Model; param: string; fitted: number; reference: number; errorPct: number }[];
    targets: Record<string, Target>;
  };

function readSampleSummary(file: string): FitInput & { n: number } {
  const rows = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').slice(1).map((l) => l.split(',').map(Number));
  const col = (j: number) => Float64Array.from(rows, (r) => r[j]!);
  const x = col(1);
  return { x, tx: col(2), T: col(3), zbar: col(4).map((z, i) => (x[i] === 0 ? NaN : z)), n: rows.length };
}

const DAY_MS = 86_400_000;
const dayOf = (yyyymmdd: string): number => Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))) / DAY_MS;

/** CDNOW_master.txt → the calibration summary (see the header). */
export function masterSummary(file: string, calibrationEnd = '19970930'): FitInput & { n: number } {
  const end = dayOf(calibrationEnd);
  const byCustomer = new Map<string, Map<number, number>>();
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d{8}$/.test(f[1]!)) continue;
    const day = dayOf(f[1]!);
    const days = byCustomer.get(f[0]!) ?? new Map<number, number>();
    byCustomer.set(f[0]!, days);
    if (day <= end) days.set(day, (days.get(day) ?? 0) + Number(f[3]));
  }
  const n = byCustomer.size;
  const out = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n), zbar: new Float64Array(n), n };
  let i = 0;
  for (const days of byCustomer.values()) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    out.x[i] = sorted.length - 1;
    out.tx[i] = (sorted.at(-1)! - first) / 7;
    out.T[i] = (end - first) / 7;
    out.zbar[i] = sorted.length > 1 ? sorted.slice(1).reduce((s, d) => s + days.get(d)!, 0) / (sorted.length - 1) : NaN;
    i++;
  }
  return out;
}

/** CPU time of this process since `c0` (user + system): steadier than wall time on a shared machine. */
const cpuMs = (c0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};

function paramErrors(fitted: LifetimeFit): Extract<ClvReport, { errors: unknown }>['errors'] {
  const errors: Extract<ClvReport, { errors: unknown }>['errors'] = [];
  for (const model of ['bgnbd', 'pareto', 'gammaGamma'] as const) {
    const params = fitted[model]?.params as Record<string, number> | undefined;
    for (const [param, reference] of Object.entries(CLV_REFERENCE[model])) {
      const value = params?.[param] ?? NaN;
      errors.push({ model, param, fitted: value, reference, errorPct: (100 * Math.abs(value - reference)) / reference });
    }
  }
  return errors;
}

const perModel = (f: LifetimeFit): Record<Model, number> => ({ bgnbd: f.bgnbd.ms, pareto: f.pareto.ms, gammaGamma: f.gammaGamma?.ms ?? NaN });

export interface ClvBenchOptions {
  dataDir: string;
  runs?: number;
  log: (line: string) => void;
  /** Also measure in Chromium (bench/clv-browser.ts); default true. */
  chromium?: boolean;
  /** Generated order lines / customers for the Chromium line-item run (500,000 / 5,000; 0 rows skips it). */
  orderRows?: number;
  orderCustomers?: number;
}

export async function clvBench(options: ClvBenchOptions): Promise<ClvReport> {
  const { dataDir, log, runs = 3, chromium: inChromium = true, orderRows = 500_000, orderCustomers = 5_000 } = options;
  const sampleFile = path.join(dataDir, 'cdnow', 'cdnow_customers_summary_with_transactions.csv');
  if (!fs.existsSync(sampleFile)) return { skipped: `${sampleFile} not found (set CRM_DATA_DIR to the folder holding cdnow/); lifetime-value step skipped` };
  const sample = readSampleSummary(sampleFile);
  log(`CLV: CDNOW sample, ${fmt(sample.n)} customers, ${runs} runs`);
  const times: number[] = [];
  const cpu: number[] = [];
  let fit: LifetimeFit | null = null;
  for (let run = 0; run < runs; run++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fit = fitLifetimeInline(sample);
    times.push(performance.now() - t0);
    cpu.push(cpuMs(c0));
  }
  const fitted = fit!;
  const errors = paramErrors(fitted);
  const bgnbdLogLikDelta = fitted.bgnbd.logLik - CLV_REFERENCE.bgnbdLogLik;

  const masterFile = path.join(dataDir, 'cdnow', 'CDNOW_master.txt');
  let master: Extract<ClvReport, { master: unknown }>['master'] = null;
  if (fs.existsSync(masterFile)) {
    let t0 = performance.now();
    const m = masterSummary(masterFile);
    const summaryMs = performance.now() - t0;
    log(`CLV: CDNOW master, ${fmt(m.n)} customers`);
    t0 = performance.now();
    const c0 = process.cpuUsage();
    const mf = fitLifetimeInline(m);
    master = {
      file: path.relative(process.cwd(), masterFile), customers: m.n, withRepeat: m.x.filter((v) => v > 0).length,
      summaryMs, fitMs: performance.now() - t0, cpuMs: cpuMs(c0), msPerModel: perModel(mf), fit: mf,
    };
  } else log(`CLV: ${masterFile} not found; master timing skipped`);

  let chromium: Extract<ClvReport, { errors: unknown }>['chromium'] = { measured: false, note: 'not run (chromium: false)' };
  if (inChromium) {
    // Imported here: Vite and Playwright load only when the Chromium part runs.
    const { clvChromium } = await import('./clv-browser.ts');
    chromium = await clvChromium({ sampleFile, masterFile: master ? masterFile : null, runs, orderRows, orderCustomers, log });
  }
  const chromiumErrors = chromium.measured ? paramErrors(chromium.sample.fit) : [];

  const maxErr = Math.max(...errors.map((e) => e.errorPct));
  const targets: Record<string, Target> = {
    clvSampleParams: { what: 'CLV: largest parameter error vs reference.md, CDNOW sample (BG/NBD, Pareto/NBD, Gamma-Gamma)', value: maxErr, unit: ' %', target: '< 1 %', met: maxErr < 1, digits: 3 },
    clvSampleLogLik: { what: 'CLV: BG/NBD log-likelihood minus reference.md (−9,582.43)', value: bgnbdLogLikDelta, unit: '', target: '|Δ| < 0.1', met: Math.abs(bgnbdLogLikDelta) < 0.1, digits: 3 },
    clvSampleTime: { what: 'CLV: all three fits, CDNOW sample, Node one thread (median)', value: median(times) / 1000, unit: ' s', target: '< 3 s (Chromium, 2 cores)', met: median(times) < 3000 },
    ...(master ? { clvMasterTime: { what: 'CLV: all three fits, CDNOW master, Node one thread', value: master.fitMs / 1000, unit: ' s', target: '< 20 s (Chromium, 2 cores)', met: master.fitMs < 20_000 } } : {}),
  };
  if (chromium.measured) {
    const c = chromium;
    const cMax = Math.max(...chromiumErrors.map((e) => e.errorPct));
    targets.clvChromiumSampleTime = { what: 'CLV: all three fits, CDNOW sample, Chromium worker (median)', value: c.sample.medianMs / 1000, unit: ' s', target: '< 3 s', met: c.sample.medianMs < 3000 };
    targets.clvChromiumSampleParams = { what: 'CLV: largest parameter error vs reference.md, CDNOW sample, Chromium worker', value: cMax, unit: ' %', target: '< 1 %', met: cMax < 1, digits: 3 };
    if (c.master) {
      const ms = c.master.summaryMs + c.master.fitMs;
      targets.clvChromiumMasterTime = { what: 'CLV: CDNOW master, Chromium: SQL summary + worker fit (load apart)', value: ms / 1000, unit: ' s', target: '< 20 s', met: ms < 20_000 };
    }
    if (c.orders) {
      const ms = c.orders.summaryMs + c.orders.fitMs;
      targets.clvChromiumOrdersTime = {
        what: `CLV: ${fmt(c.orders.lines)} lines / ${fmt(c.orders.customersAll)} customers (${fmt(c.orders.customers)} in the fit), Chromium: SQL summary + worker fit (load apart)`,
        value: ms / 1000, unit: ' s', target: '< 20 s', met: ms < 20_000,
      };
    }
  }
  return {
    sample: { file: path.relative(process.cwd(), sampleFile), customers: sample.n, runs, medianMs: median(times), medianCpuMs: median(cpu), msPerModel: perModel(fitted), fit: fitted },
    errors,
    bgnbdLogLikDelta,
    master,
    chromium,
    chromiumErrors,
    targets,
  };
}

export function clvLines(r: ClvReport): string[] {
  if ('skipped' in r) return ['', `CLV: ${r.skipped}`];
  const s = r.sample;
  const conv = (m: Model, f: LifetimeFit) => {
    const x = f[m];
    return x ? `${x.converged ? 'yes' : 'NO'} (${x.iterations} it.)` : 'skipped';
  };
  const lines = [
    '',
    `CLV: ${s.file}, ${fmt(s.customers)} customers; Node ${process.version}, one thread; reference.md "Customer lifetime value"`,
    ...textTable(
      ['model', 'param', 'fitted', 'reference.md', 'error %'],
      r.errors.map((e) => [e.model, e.param, e.fitted.toFixed(4), String(e.reference), e.errorPct.toFixed(3)]),
    ),
    `BG/NBD log-likelihood ${s.fit.bgnbd.logLik.toFixed(3)} (reference −9,582.43, Δ ${r.bgnbdLogLikDelta.toFixed(3)}); Pareto/NBD ${s.fit.pareto.logLik.toFixed(3)}; Gamma-Gamma ${s.fit.gammaGamma?.logLik.toFixed(3) ?? '–'}`,
    ...textTable(
      ['data', 'customers', 'all fits s', 'CPU s', 'BG/NBD ms', 'Pareto ms', 'Gamma-Gamma ms', 'converged (BG / Pareto / GG)'],
      [
        ['sample (median)', fmt(s.customers), fmt(s.medianMs / 1000, 2), fmt(s.medianCpuMs / 1000, 2), fmt(s.msPerModel.bgnbd), fmt(s.msPerModel.pareto), fmt(s.msPerModel.gammaGamma), (['bgnbd', 'pareto', 'gammaGamma'] as const).map((m) => conv(m, s.fit)).join(' / ')],
        ...(r.master
          ? [['master (1 run)', fmt(r.master.customers), fmt(r.master.fitMs / 1000, 2), fmt(r.master.cpuMs / 1000, 2), fmt(r.master.msPerModel.bgnbd), fmt(r.master.msPerModel.pareto), fmt(r.master.msPerModel.gammaGamma), (['bgnbd', 'pareto', 'gammaGamma'] as const).map((m) => conv(m, r.master!.fit)).join(' / ')]]
          : []),
      ],
    ),
  ];
  if (r.master) {
    const p = r.master.fit;
    lines.push(`master fit (no reference): BG/NBD r ${p.bgnbd.params.r.toFixed(3)} α ${p.bgnbd.params.alpha.toFixed(3)} a ${p.bgnbd.params.a.toFixed(3)} b ${p.bgnbd.params.b.toFixed(3)}; ` +
      `Pareto r ${p.pareto.params.r.toFixed(3)} α ${p.pareto.params.alpha.toFixed(3)} s ${p.pareto.params.s.toFixed(3)} β ${p.pareto.params.beta.toFixed(3)}; summary built in ${fmt(r.master.summaryMs)} ms`);
  }
  lines.push(...chromiumLines(r));
  return lines;
}

function chromiumLines(r: Extract<ClvReport, { errors: unknown }>): string[] {
  const c = r.chromium;
  if (!c.measured) return [`CLV Chromium: ${c.note}`];
  const s = (ms: number): string => fmt(ms / 1000, 2);
  const x = (chromiumMs: number, nodeMs: number | undefined): string => (nodeMs ? `${fmt(chromiumMs / nodeMs, 2)}×` : '–');
  const rows: string[][] = [
    ['CDNOW sample: worker fit (median)', fmt(c.sample.customers), '–', '–', s(c.sample.medianMs), s(c.sample.medianMs), '–', '< 3 s', s(r.sample.medianMs), x(c.sample.medianMs, r.sample.medianMs)],
  ];
  if (c.master) {
    const t = c.master.summaryMs + c.master.fitMs;
    rows.push(['CDNOW master: SQL summary + fit', fmt(c.master.customers), s(c.master.loadMs), s(c.master.summaryMs), s(c.master.fitMs), s(t), s(c.master.loadMs + t), '< 20 s',
      r.master ? `${s(r.master.summaryMs + r.master.fitMs)} (JS summary)` : '–', x(c.master.fitMs, r.master?.fitMs)]);
  }
  if (c.orders) {
    const t = c.orders.summaryMs + c.orders.fitMs;
    rows.push([`${fmt(c.orders.lines)} lines: SQL summary + fit`, `${fmt(c.orders.customers)} of ${fmt(c.orders.customersAll)}`, s(c.orders.loadMs), s(c.orders.summaryMs), s(c.orders.fitMs), s(t),
      s(c.orders.loadMs + t), '< 20 s', '–', '–']);
  }
  return [
    '',
    `CLV in Chromium: ${c.engine}; fits in the app's module worker (fitLifetime, a fresh worker per fit); times taken in the page;`,
    'SQL summary = loadValueData (src/report/value.ts: scope, summary, weekly repeats, births); Node s = Node summary (JS, master) + fit;',
    `SQL summary again (same page, after the fit; not in the totals): master ${c.master ? s(c.master.summaryAgainMs) : '–'} s, `
      + `line items ${c.orders ? s(c.orders.summaryAgainMs) : '–'} s (master runs first in the page; its first summary pays one-off costs, as a user's first would)`,
    `(sample: ${c.sample.runsMs.length} fits, ${c.sample.runsMs.map((v) => fmt(v)).join(' / ')} ms; master calibration end ${c.master?.calibrationEnd ?? '–'}; `
      + `${c.orders ? `${c.orders.file}, ${fmt(c.orders.bytes / 1e6, 1)} MB, calibration end ${c.orders.calibrationEnd} (the default)` : 'no generated lines'})`,
    ...textTable(
      ['Chromium', 'customers (fit)', 'load s', 'SQL summary s', 'fit s', 'summary + fit s', 'with load s', 'target (summary + fit)', 'Node s', 'fit × Node'],
      rows,
    ),
    'CDNOW sample fitted in Chromium vs reference.md:',
    ...textTable(
      ['model', 'param', 'fitted', 'reference.md', 'error %'],
      r.chromiumErrors.map((e) => [e.model, e.param, e.fitted.toFixed(4), String(e.reference), e.errorPct.toFixed(3)]),
    ),
    `BG/NBD log-likelihood ${c.sample.fit.bgnbd.logLik.toFixed(3)} (Δ ${(c.sample.fit.bgnbd.logLik - CLV_REFERENCE.bgnbdLogLik).toFixed(3)})`
      + (c.master ? `; master (SQL summary): ${fmt(c.master.withRepeat)} with repeats, BG/NBD r ${c.master.fit.bgnbd.params.r.toFixed(3)} α ${c.master.fit.bgnbd.params.alpha.toFixed(3)}`
        + ` a ${c.master.fit.bgnbd.params.a.toFixed(3)} b ${c.master.fit.bgnbd.params.b.toFixed(3)}` : ''),
  ];
}

export const defaultClvDataDir = (): string => process.env.CRM_DATA_DIR ?? path.resolve(HERE, '../../shared/data');

/** The step as bench/run.ts runs it: the report, its lines added to `lines`. */
export async function clvStep(lines: string[], log: (line: string) => void): Promise<ClvReport> {
  const report = await clvBench({ dataDir: defaultClvDataDir(), log });
  if ('skipped' in report) log(`CLV: ${report.skipped}`);
  lines.push(...clvLines(report));
  return report;
}
