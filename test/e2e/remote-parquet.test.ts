/**
 * Parquet by URL (issue 13, part) as a user meets it on the Data page: a file
 * served from the app's own origin through range requests (the test answers
 * them and logs every byte), a .json manifest, a server without ranges, bytes
 * that are not Parquet, and an origin the build does not allow — refused by the
 * app with a clear message, and by the page's CSP even when asked directly.
 * Overview figures are checked against native DuckDB over the same file.
 * Screenshots: test/e2e/__screenshots__/remote-*.png.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, startSession, type Session } from './browser.ts';
import { openNativeDb } from '../../src/db/native.ts';
import { loadWorkspace } from '../../src/cli/load.ts';
import { KPI_NAMES, kpiSql, readKpis, type KpiName } from '../../src/metrics/overview.ts';
import { KPI_FORMATS } from '../../src/report/kpi-cards.ts';
import { formatKind } from '../../src/report/doc/numbers.ts';

/** Rows in the wide export (CRM_LENS_REMOTE_E2E_ROWS for a bigger run; the bench goes to millions). */
const ROWS = Number(process.env.CRM_LENS_REMOTE_E2E_ROWS ?? 1_000_000);

let session: Session;
let page: Page;
let tmp: string;
let parquet: Buffer;
/** The Overview's KPI cards as the app writes them, from the app's own KPI SQL run on native DuckDB over the same file. */
let expected: Partial<Record<KpiName, string>>;
/** Requests the app's origin got under /remote/: the Range asked for and the bytes sent. */
const served: { file: string; range: string | null; sent: number }[] = [];
/** Another origin, not in this build's config: it would answer anyone (CORS *), only the CSP stops the page. */
let other: { server: Server; origin: string; hits: number };

/** Answer /remote/<file> like a static host: 206 for a Range, 200 otherwise; `plain-*` never honours ranges. */
async function remoteRoute(route: Route): Promise<void> {
  const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
  const bodies: Record<string, Buffer> = {
    'orders.parquet': parquet,
    // Refused on its first answer (200, whole body): a small body keeps that answer quick.
    'plain-orders.parquet': parquet.subarray(0, 64 * 1024),
    'notes.parquet': Buffer.from('order_id,amount\n1,2\n'),
    'manifest.json': Buffer.from(JSON.stringify({ files: ['orders.parquet'] })),
  };
  const body = bodies[name];
  if (!body) return route.fulfill({ status: 404, body: '' });
  const range = (await route.request().headerValue('range')) ?? null;
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
  if (m && !name.startsWith('plain-')) {
    const from = Number(m[1]);
    const to = Math.min(Number(m[2]), body.length - 1);
    const part = body.subarray(from, to + 1);
    served.push({ file: name, range, sent: part.length });
    return route.fulfill({ status: 206, headers: { 'Content-Range': `bytes ${from}-${to}/${body.length}`, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' }, body: part });
  }
  served.push({ file: name, range, sent: body.length });
  return route.fulfill({ status: 200, headers: { 'Content-Type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' }, body });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-remote-e2e-'));
  const file = path.join(tmp, 'orders.parquet');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // Wide like a real CRM export: ids, dates, amounts (returns negative), blanks, and bulky text (addresses, notes,
  // descriptions, emails) that no Overview figure needs. Row groups of 100k, as writers commonly use.
  await conn.run(`COPY (SELECT 'SO-' || i AS "Order ID", 'C' || (i % 40111) AS "Customer ID", DATE '2022-01-01' + CAST(i / 400 AS INTEGER) AS "Order Date",
      CASE WHEN i % 17 = 0 THEN -(i % 30) ELSE 5 + (i % 200) * 0.75 END AS "Order Total", 1 + i % 5 AS "Quantity", CASE WHEN i % 9 = 0 THEN NULL ELSE 'P' || (i % 40) END AS "Product",
      ['web', 'store', 'phone'][1 + i % 3] AS "Channel", ['North', 'South', 'East', 'West'][1 + i % 4] AS "Region",
      left(md5('a' || i), 10) || ' ' || (i % 997) || ' Harbour Road' AS "Shipping Address", left(md5('b' || i), 10) || ' ' || (i % 991) || ' Mill Lane' AS "Billing Address",
      'user' || left(md5('c' || i), 10) || '@example.com' AS "Email", '+1 555 ' || (1000000 + (i * 7919) % 8999999) AS "Phone",
      'Called back; ' || left(md5('d' || i), 16) AS "Internal Notes", 'Handmade item ' || left(md5('e' || i), 14) AS "Item Description",
      left(md5('g' || i), 12) AS "Tracking Number", left(md5('h' || i), 12) AS "Session Token", 'Mozilla/5.0 build ' || (i % 5000) AS "User Agent",
      i % 2 = 0 AS "Gift Wrap", left(md5('j' || i), 8) AS "Coupon Hash", 'Ship by ' || left(md5('k' || i), 8) AS "Delivery Instructions",
      (i * 31) % 1000 / 10.0 AS "Weight Grams", left(md5('l' || i), 8) AS "Warehouse Ref"
    FROM range(${ROWS}) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 100000)`);
  conn.closeSync();
  instance.closeSync();
  const native = await openNativeDb();
  try {
    const ws = await loadWorkspace(native, [file]);
    const q = kpiSql(ws.tables, {});
    const kpis = readKpis(q, (await native.query(q.sql)).rows[0]);
    expected = {};
    for (const k of KPI_NAMES) if (kpis[k].value !== null) expected[k] = formatKind('en', kpis[k].value!, KPI_FORMATS[k]);
  } finally {
    await native.close();
  }
  parquet = readFileSync(file);

  const o = { hits: 0 } as { server: Server; origin: string; hits: number };
  o.server = createServer((_req, res) => {
    o.hits++;
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/octet-stream' }).end(parquet);
  });
  await new Promise<void>((resolve) => o.server.listen(0, '127.0.0.1', resolve));
  o.origin = `http://127.0.0.1:${(o.server.address() as AddressInfo).port}`;
  other = o;

  session = await startSession('/');
  page = await session.newPage();
  await page.context().route(`${new URL(session.baseUrl).origin}/remote/**`, remoteRoute);
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
  other?.server.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true }).click();

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

async function openUrl(url: string): Promise<void> {
  const input = page.getByTestId('remote-url');
  await input.fill(url);
  // Keyboard: Enter in the field submits.
  await input.press('Enter');
}

describe('Parquet by URL', () => {
  it('reads only the role columns of a wide export through range requests (< 10 % of its bytes); the Overview matches native DuckDB', async () => {
    await nav('Data');
    await expect.poll(() => page.getByTestId('remote-form').isVisible()).toBe(true);
    const before = served.length;
    await openUrl('remote/orders.parquet');
    // The footer is read, the columns with a role are offered, the default button has the focus: Enter reads them.
    const choice = page.getByTestId('remote-choice');
    await expect.poll(() => choice.textContent(), { timeout: 60_000 }).toMatch(/Read \d+ of 22 columns/);
    const columns = (await page.getByTestId('remote-columns').textContent())!.split(' · ');
    expect(columns).toEqual(expect.arrayContaining(['Customer ID', 'Order Date', 'Order Total']));
    for (const bulky of ['Shipping Address', 'Internal Notes', 'Item Description', 'Email']) expect(columns).not.toContain(bulky);
    await shot('remote-choice-en.png');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('remote-read-roles');
    const started = Date.now();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 300_000 }).toContain('Loaded orders.parquet');
    const requests = served.slice(before);
    expect(requests.every((r) => r.range !== null)).toBe(true);
    const sent = requests.reduce((s, r) => s + r.sent, 0);
    console.log(
      `[remote] ${ROWS} rows, 22 columns, ${parquet.length} bytes; read ${columns.length} columns: ${requests.length} range requests, ${sent} bytes (${((100 * sent) / parquet.length).toFixed(1)} %), loaded in ${Date.now() - started} ms`,
    );
    expect(sent / parquet.length).toBeLessThan(0.1);
    await expect.poll(() => page.getByTestId('remote-done').textContent()).toMatch(/^Read .+ of .+ \(\d+(\.\d)?%\) in range requests\.$/);
    expect(await page.getByTestId('tables').locator('tbody tr').count()).toBe(1);
    await shot('remote-data-en.png');

    await nav('Overview');
    const value = (id: string) => page.getByTestId(id).locator('.value');
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['customers', 'orders', 'revenue', 'repeat_rate']));
    for (const [k, text] of Object.entries(expected)) {
      await expect.poll(async () => (await value(`kpi-${k}`).textContent())?.trim(), { timeout: 60_000 }).toBe(text);
    }
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });

  it('a manifest opens the files it lists', async () => {
    await nav('Data');
    await openUrl('remote/manifest.json');
    await page.getByTestId('remote-read-roles').click({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('tables').locator('tbody tr').count(), { timeout: 120_000 }).toBe(2);
    // The form takes the next URL once the load has finished (saved, roles suggested), which the summary line marks.
    await page.getByTestId('remote-done').waitFor({ timeout: 120_000 });
  });

  it('a server without ranges, bytes that are not Parquet and a missing file each say what is wrong', async () => {
    await openUrl('remote/plain-orders.parquet');
    await expect.poll(() => page.getByTestId('remote-problem').textContent(), { timeout: 30_000 }).toContain('ignores HTTP range requests');
    expect(served.filter((r) => r.file === 'plain-orders.parquet')).toHaveLength(1);
    await openUrl('remote/notes.parquet');
    await expect.poll(() => page.getByTestId('remote-problem').textContent(), { timeout: 30_000 }).toContain('is not a Parquet file');
    await openUrl('remote/nothing.parquet');
    await expect.poll(() => page.getByTestId('remote-problem').textContent(), { timeout: 30_000 }).toContain('answered 404');
  });

  it('an origin the build does not allow is refused by the app, and by the CSP when fetched directly', async () => {
    await openUrl(`${other.origin}/orders.parquet`);
    const problem = page.getByTestId('remote-problem');
    await expect.poll(() => problem.textContent(), { timeout: 30_000 }).toContain(`${other.origin} is not allowed`);
    expect(await problem.textContent()).toContain('crm-lens.config.json');
    expect(other.hits).toBe(0);
    await shot('remote-refused-en.png');

    // Behind the app's check, the page's policy: connect-src names only 'self' in the default build.
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(/connect-src ([^;]*)/.exec(csp ?? '')?.[1]).toBe("'self' blob: data:");
    const outcome = await page.evaluate(async (url) => {
      const violation = new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
      const fetched = await fetch(url).then(
        () => 'fetched',
        () => 'failed',
      );
      return { fetched, directive: await Promise.race([violation, new Promise<string>((r) => setTimeout(() => r('none'), 2000))]) };
    }, `${other.origin}/orders.parquet`);
    expect(outcome).toEqual({ fetched: 'failed', directive: 'connect-src' });
    expect(other.hits).toBe(0);
  });

  it('speaks Chinese', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('remote-form').locator('label').textContent()).toBe('按网址打开 Parquet');
    await openUrl(`${other.origin}/orders.parquet`);
    await expect.poll(() => page.getByTestId('remote-problem').textContent(), { timeout: 30_000 }).toContain(`不允许访问 ${other.origin}`);
    await shot('remote-refused-zh.png');
    await openUrl('remote/orders.parquet');
    await expect.poll(() => page.getByTestId('remote-choice').textContent(), { timeout: 60_000 }).toMatch(/读取 22 列中的 \d+ 列/);
    await shot('remote-choice-zh.png');
    await page.getByTestId('remote-choice').getByRole('button', { name: '停止' }).click();
    await page.getByTestId('lang-switch').click();
  });
});
