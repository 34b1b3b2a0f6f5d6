/**
 * The remote-Parquet step of `npm run bench -- --steps remote` (issue 13): a
 * wide CRM-like export (22 columns: ids, a date, amounts, and bulky text no
 * Overview figure needs) written by native DuckDB at --remote-rows (default
 * 10,000,000; row groups of 100k), served from the app's origin by a route
 * that answers Range requests and counts every byte it sends. The built app in
 * Chromium opens it by URL with the default choice (the columns with a role)
 * and shows the Overview. Printed: the share of the file's bytes read, the time
 * from the click to the Overview's KPIs, and native DuckDB's time for the same
 * KPI SQL over the same file (the app's own SQL, src/metrics/overview.ts).
 *
 * The tab holds the chosen columns as JS values while they load, so tens of
 * millions of rows can exhaust it: for 50M rows use the CLI runner
 * (src/cli), which reads Parquet natively.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Route } from 'playwright-core';
import { ROOT, startSession } from '../test/e2e/browser.ts';
import { openNativeDb } from '../src/db/native.ts';
import { loadWorkspace } from '../src/cli/load.ts';
import { kpiSql, readKpis } from '../src/metrics/overview.ts';
import { KPI_FORMATS } from '../src/report/kpi-cards.ts';
import { formatKind } from '../src/report/doc/numbers.ts';
import { fmt, mb, type Target } from './report.ts';

export interface RemoteReport {
  rows: number;
  fileBytes: number;
  bytesRead: number;
  share: number;
  requests: number;
  browserMs: number;
  nativeMs: number;
  targets: Record<string, Target>;
}

/** The wide export, SQL for native DuckDB's COPY. */
export function wideExportSql(rows: number, file: string): string {
  return `COPY (SELECT 'SO-' || i AS "Order ID", 'C' || (i % 400111) AS "Customer ID", DATE '2020-01-01' + CAST(i * 2000 / ${rows} AS INTEGER) AS "Order Date",
      CASE WHEN i % 17 = 0 THEN -(i % 30) ELSE 5 + (i % 200) * 0.75 END AS "Order Total", 1 + i % 5 AS "Quantity", CASE WHEN i % 9 = 0 THEN NULL ELSE 'P' || (i % 40) END AS "Product",
      ['web', 'store', 'phone'][1 + i % 3] AS "Channel", ['North', 'South', 'East', 'West'][1 + i % 4] AS "Region",
      left(md5('a' || i), 10) || ' ' || (i % 997) || ' Harbour Road' AS "Shipping Address", left(md5('b' || i), 10) || ' ' || (i % 991) || ' Mill Lane' AS "Billing Address",
      'user' || left(md5('c' || i), 10) || '@example.com' AS "Email", '+1 555 ' || (1000000 + (i * 7919) % 8999999) AS "Phone",
      'Called back; ' || left(md5('d' || i), 16) AS "Internal Notes", 'Handmade item ' || left(md5('e' || i), 14) AS "Item Description",
      left(md5('g' || i), 12) AS "Tracking Number", left(md5('h' || i), 12) AS "Session Token", 'Mozilla/5.0 build ' || (i % 5000) AS "User Agent",
      i % 2 = 0 AS "Gift Wrap", left(md5('j' || i), 8) AS "Coupon Hash", 'Ship by ' || left(md5('k' || i), 8) AS "Delivery Instructions",
      (i * 31) % 1000 / 10.0 AS "Weight Grams", left(md5('l' || i), 8) AS "Warehouse Ref"
    FROM range(${rows}) t(i)) TO '${file.replaceAll("'", "''")}' (FORMAT parquet, ROW_GROUP_SIZE 100000)`;
}

export async function remoteStep(lines: string[], log: (line: string) => void, rows: number): Promise<RemoteReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-lens-remote-bench-'));
  const file = path.join(dir, 'orders.parquet');
  try {
    log(`Remote Parquet: writing ${fmt(rows)} rows × 22 columns with native DuckDB…`);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(wideExportSql(rows, file));
    conn.closeSync();
    instance.closeSync();
    const fd = fs.openSync(file, 'r');
    const fileBytes = fs.fstatSync(fd).size;

    // Native DuckDB, the yardstick: the app's KPI SQL over a view on the same file.
    const native = await openNativeDb();
    let expected: string;
    let nativeMs: number;
    try {
      const t0 = performance.now();
      const ws = await loadWorkspace(native, [file]);
      const q = kpiSql(ws.tables, {});
      const kpis = readKpis(q, (await native.query(q.sql)).rows[0]);
      nativeMs = performance.now() - t0;
      expected = formatKind('en', kpis.customers.value!, KPI_FORMATS.customers);
    } finally {
      await native.close();
    }

    log('Remote Parquet: building the app with Vite…');
    execSync('npx vite build', { cwd: ROOT, stdio: 'ignore' });
    const session = await startSession('/');
    const served: number[] = [];
    try {
      const page = await session.newPage();
      await page.context().route(`${new URL(session.baseUrl).origin}/remote/**`, async (route: Route) => {
        const m = /^bytes=(\d+)-(\d+)$/.exec((await route.request().headerValue('range')) ?? '');
        if (!m) return route.fulfill({ status: 416, body: '' });
        const from = Number(m[1]);
        const to = Math.min(Number(m[2]), fileBytes - 1);
        const part = Buffer.alloc(to - from + 1);
        fs.readSync(fd, part, 0, part.length, from);
        served.push(part.length);
        return route.fulfill({ status: 206, headers: { 'Content-Range': `bytes ${from}-${to}/${fileBytes}`, 'Content-Type': 'application/octet-stream' }, body: part });
      });
      await page.goto(session.baseUrl);
      await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
      await page.getByRole('navigation').getByRole('button', { name: 'Data', exact: true }).click();
      await page.getByTestId('remote-url').fill('remote/orders.parquet');
      const t0 = performance.now();
      await page.getByTestId('remote-url').press('Enter');
      await page.getByTestId('remote-read-roles').click({ timeout: 120_000 });
      await page.getByTestId('remote-done').waitFor({ timeout: 1_800_000 });
      await page.getByRole('navigation').getByRole('button', { name: 'Overview', exact: true }).click();
      await page.waitForFunction((text) => document.querySelector('[data-testid="kpi-customers"] .value')?.textContent?.trim() === text, expected, { timeout: 600_000 });
      const browserMs = performance.now() - t0;
      const bytesRead = served.reduce((s, n) => s + n, 0);
      const share = bytesRead / fileBytes;
      lines.push(
        '',
        `Remote Parquet (${fmt(rows)} rows, 22 columns, ${fmt(mb(fileBytes))} MB): read ${fmt(mb(bytesRead))} MB in ${fmt(served.length)} range requests, ` +
          `a bytes-read share of ${fmt(share * 100, 1)} %; URL → Overview in Chromium ${fmt(browserMs / 1000, 1)} s; native DuckDB, same KPI SQL on the same file, ${fmt(nativeMs / 1000, 2)} s ` +
          `(× ${fmt(browserMs / nativeMs, 1)}); Overview customers ${expected} in both`,
      );
      return {
        rows,
        fileBytes,
        bytesRead,
        share,
        requests: served.length,
        browserMs,
        nativeMs,
        targets: { remoteShare: { what: 'Remote Parquet: bytes read for the Overview', value: share * 100, unit: ' %', target: '< 10 %', met: share < 0.1 } },
      };
    } finally {
      fs.closeSync(fd);
      await session.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
