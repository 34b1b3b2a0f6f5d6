/**
 * The Chromium part of the lifetime-value step (bench/clv.ts calls `clvChromium`):
 * the bench page (bench/browser/, built and served as bench/browser.ts does) in
 * one fresh headless Chromium, DuckDB-WASM booted as the app boots it, and the
 * fits through `fitLifetime` (src/ml/clv/client.ts): a module worker per fit, as
 * the Value page runs it. Every time is taken inside the page.
 *   sample – cdnow_customers_summary_with_transactions.csv parsed (untimed), `runs` fits
 *   master – CDNOW_master.txt picked as a file, loaded into DuckDB-WASM, the SQL summary
 *            (`loadValueData`, calibration end 1997-09-30), the fit
 *   orders – bench/gen.ts order lines (500k lines over 5k customers by default), loaded,
 *            then the SQL summary (default calibration end) and the fit
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { withBenchPage } from './browser.ts';
import type { BenchPage, ClvOrdersResult } from './browser/api.ts';
import { writeOrdersCsv } from './gen.ts';
import { fmt } from './report.ts';
import type { LifetimeFit } from '../src/ml/clv/types.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface ClvChromiumReport {
  measured: true;
  engine: string;
  bootMs: number;
  sample: { file: string; customers: number; runsMs: number[]; medianMs: number; fit: LifetimeFit };
  master: (ClvOrdersResult & { file: string }) | null;
  orders: (ClvOrdersResult & { file: string; bytes: number }) | null;
}

/** The generated line-item file (seed 1), written the first time. */
function ordersFile(rows: number, customers: number, log: (line: string) => void): string {
  const label = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
  const file = path.join(HERE, 'data', `orders_${label(rows)}_${label(customers)}c.csv`);
  if (!fs.existsSync(file)) {
    log(`CLV: generating ${path.relative(process.cwd(), file)} (${fmt(rows)} order lines, ${fmt(customers)} customers, seed 1)…`);
    const w = writeOrdersCsv(file, { rows, customers, seed: 1 });
    log(`  ${fmt(w.bytes / 1e6, 1)} MB in ${fmt(w.ms / 1000, 1)} s`);
  }
  return file;
}

async function api(page: Page): Promise<Pick<BenchPage, 'boot' | 'clvSample' | 'clvOrders'>> {
  return {
    boot: () => page.evaluate(() => window.crmBench!.boot()),
    clvSample: (runs) => page.evaluate((n) => window.crmBench!.clvSample(n), runs),
    clvOrders: (o) => page.evaluate((x) => window.crmBench!.clvOrders(x), o),
  };
}

export async function clvChromium(opts: {
  sampleFile: string; masterFile: string | null; runs: number; orderRows: number; orderCustomers: number; log: (line: string) => void;
}): Promise<ClvChromiumReport> {
  const { log } = opts;
  const genFile = opts.orderRows > 0 ? ordersFile(opts.orderRows, opts.orderCustomers, log) : null;
  return withBenchPage('CLV', log, async (page, session) => {
    const b = await api(page);
    const boot = await b.boot();
    await page.setInputFiles('#file', opts.sampleFile);
    const s = await b.clvSample(opts.runs);
    const sorted = [...s.ms].sort((x, y) => x - y);
    const sample = { file: path.relative(process.cwd(), opts.sampleFile), customers: s.customers, runsMs: s.ms, medianMs: sorted[Math.floor(sorted.length / 2)]!, fit: s.fit };
    log(`CLV Chromium: sample fits ${s.ms.map((x) => fmt(x)).join(' / ')} ms`);
    let master: ClvChromiumReport['master'] = null;
    if (opts.masterFile) {
      await page.setInputFiles('#file', opts.masterFile);
      master = { file: path.relative(process.cwd(), opts.masterFile), ...(await b.clvOrders({ table: 'cdnow_master', format: 'cdnow', calibrationEnd: '1997-09-30' })) };
      log(`CLV Chromium: master load ${fmt(master.loadMs)} ms, SQL summary ${fmt(master.summaryMs)} ms (again ${fmt(master.summaryAgainMs)} ms), fit ${fmt(master.fitMs)} ms (${fmt(master.customers)} customers)`);
    }
    let orders: ClvChromiumReport['orders'] = null;
    if (genFile) {
      await page.setInputFiles('#file', genFile);
      orders = { file: path.relative(process.cwd(), genFile), bytes: fs.statSync(genFile).size, ...(await b.clvOrders({ table: 'gen_orders', format: 'orders', calibrationEnd: null })) };
      log(`CLV Chromium: ${fmt(orders.lines)} lines load ${fmt(orders.loadMs)} ms, SQL summary ${fmt(orders.summaryMs)} ms (again ${fmt(orders.summaryAgainMs)} ms), fit ${fmt(orders.fitMs)} ms (${fmt(orders.customers)} customers)`);
    }
    return {
      measured: true,
      engine: `DuckDB ${boot.version} (@duckdb/duckdb-wasm, ${boot.bundle}) in Chromium ${session.browser.version()}`,
      bootMs: boot.ms, sample, master, orders,
    };
  });
}
