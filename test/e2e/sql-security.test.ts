/**
 * "Your data never leaves this browser", in the SQL console (issue 9), end to
 * end in headless Chromium: a query that names a URL is refused with a clear
 * message in both languages, a file the user loads is still queryable, and —
 * the second line — DuckDB's own worker runs under the page's CSP, so even a
 * query sent to DuckDB past the console's check cannot reach another origin.
 * A second local server on another port stands in for "anywhere else": it must
 * see no request at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConsoleSql, SAFE_TABLE_FUNCTIONS } from '../../src/report/console/file-access.ts';
import { ROOT, dropFiles, foreignRequests, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;
let other: http.Server;
let otherBase = '';
/** Requests the other origin received. */
const otherHits: string[] = [];
/** Requests the browser started but did not complete (a CSP block shows up as one). */
const failed: string[] = [];

beforeAll(async () => {
  // Serves a CSV to anyone (CORS open), so only the browser's own rules can keep a read from reaching it.
  other = http.createServer((req, res) => {
    otherHits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/csv', 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' });
    res.end(req.method === 'HEAD' ? undefined : 'secret,value\nleaked,1\n');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const address = other.address();
  if (!address || typeof address === 'string') throw new Error('second server has no port');
  otherBase = `http://127.0.0.1:${address.port}`;
  // The server answers anyone who asks: a read that is kept from it is kept by the browser.
  expect(await (await fetch(`${otherBase}/probe.csv`)).text()).toContain('leaked');
  otherHits.length = 0;

  session = await startSession('/');
  page = await session.newPage();
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'SQL', exact: true }).click();
  await page.getByTestId('sql-editor').waitFor();
});

afterAll(async () => {
  await session?.close();
  await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
});

const editor = () => page.getByTestId('sql-editor');
const answers = async () => Number(await page.getByTestId('sql-status').getAttribute('data-answers'));
const errorText = async () => (await page.getByTestId('sql-error').textContent()) ?? '';

async function runSql(sql: string): Promise<void> {
  const before = await answers();
  await editor().fill(sql);
  await editor().press('Control+Enter');
  await expect.poll(answers, { timeout: 60_000 }).toBeGreaterThan(before);
}

/** The DuckDB worker: the app's only worker started from a blob: URL. */
async function duckdbWorker(): Promise<Worker> {
  await expect.poll(() => page.workers().filter((w) => w.url().startsWith('blob:')).length).toBe(1);
  return page.workers().find((w) => w.url().startsWith('blob:'))!;
}

/**
 * Run SQL inside the DuckDB worker through DuckDB-WASM's own message protocol
 * (CONNECT, RUN_QUERY), as a compromised page would: no console, no check.
 */
function queryInWorker(worker: Worker, sql: string): Promise<{ type: string; error?: string }> {
  return worker.evaluate(async (text) => {
    type Msg = { messageId: number; requestId?: number; type: string; data: unknown };
    const g = globalThis as unknown as { onmessage: (e: { data: Msg }) => Promise<void>; postMessage: (m: Msg, t?: unknown) => void };
    let next = 1_000_000_000 + Math.floor(Math.random() * 1_000_000);
    const send = (type: string, data: unknown) =>
      new Promise<Msg>((resolve) => {
        const messageId = next++;
        const original = g.postMessage;
        g.postMessage = (m, t) => {
          if (m.requestId !== messageId) return original.call(globalThis, m, t);
          g.postMessage = original;
          resolve(m);
        };
        void g.onmessage({ data: { messageId, type, data } });
      });
    const conn = await send('CONNECT', null);
    const r = await send('RUN_QUERY', [conn.data, text]);
    await send('DISCONNECT', conn.data);
    const err = r.data as { message?: string } | null;
    return r.type === 'ERROR' ? { type: r.type, error: String(err?.message ?? err) } : { type: r.type };
  }, sql);
}

describe('SQL console: no file, no URL', () => {
  it('refuses read_csv on another origin, with a message that says why', async () => {
    await runSql(`SELECT * FROM read_csv('${otherBase}/x.csv')`);
    const text = await errorText();
    expect(text).toContain('read_csv cannot be read here');
    expect(text).toContain('never a file or a web address');
    expect(await page.getByTestId('sql-table').count()).toBe(0);
  });

  it("refuses FROM 'http://…' and other spellings of the same", async () => {
    await runSql(`FROM '${otherBase}/x.csv'`);
    expect(await errorText()).toContain(`'${otherBase}/x.csv' cannot be read here`);
    for (const sql of [
      `SELECT * FROM "read_text"/* */('${otherBase}/t.txt')`,
      `SELECT * FROM demo_orders, LATERAL (FROM $$${otherBase}/y.parquet$$)`,
      `DESCRIBE '${otherBase}/z.csv'`,
      `SELECT * FROM glob('${otherBase}/*')`,
    ]) {
      await runSql(sql);
      expect(await errorText(), sql).toContain('cannot be read here');
    }
  });

  it("refuses every table function the browser's DuckDB has, unless it is known to read no file", async () => {
    await runSql("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'table' ORDER BY 1");
    const names = (await page.getByTestId('sql-table').locator('tbody td').allTextContents()).map((s) => s.trim());
    expect(names).toContain('read_csv');
    const unsafe = names.filter((f) => !SAFE_TABLE_FUNCTIONS.has(f));
    expect(unsafe.length).toBeGreaterThan(10);
    for (const f of unsafe) expect(checkConsoleSql(`SELECT * FROM ${f}('${otherBase}/x.csv')`).ok, f).toBe(false);
    // And one of them typed into the console, end to end.
    const last = unsafe[unsafe.length - 1]!;
    await runSql(`SELECT * FROM ${last}('${otherBase}/x.csv')`);
    expect(await errorText()).toMatch(/cannot (be read|run) here/);
  });

  it('says it in Chinese too', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('SQL 控制台');
    await runSql(`SELECT * FROM read_csv('${otherBase}/x.csv')`);
    expect(await errorText()).toContain('此处不能读取 read_csv');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('SQL console');
  });

  it('still loads a dropped file and queries its table', async () => {
    await dropFiles(page, [{ name: 'local_notes.csv', type: 'text/csv', text: 'id,note\n1,=1+1\n2,plain\n' }]);
    await expect.poll(() => page.getByTestId('sql-tables').textContent(), { timeout: 60_000 }).toContain('local_notes');
    await runSql('SELECT count(*) AS n FROM local_notes');
    expect(await page.getByTestId('sql-table').locator('tbody td').first().textContent()).toBe('2');
  });

  it('downloads CSV that a spreadsheet will not run, under a name without bidi controls', async () => {
    await runSql(`SELECT '=HYPERLINK(''http://x'')' AS f, -12.5 AS n, '-1+1' AS t, '@SUM(A1)' AS a, 'ok' AS plain`);
    await page.getByTestId('sql-title').fill('scores\u202Evsc.exe');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sql-csv').click()]);
    expect(csv.suggestedFilename()).toBe('scoresvsc.exe.csv');
    expect(readFileSync((await csv.path())!, 'utf8')).toBe(`\uFEFFf,n,t,a,plain\r\n'=HYPERLINK('http://x'),-12.5,'-1+1,'@SUM(A1),ok\r\n`);
    await page.getByTestId('sql-title').fill('');
  });

  it('the refused queries did not even try: no request to another origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(otherHits).toEqual([]);
  });
});

describe("DuckDB's worker runs under the page's CSP", () => {
  it('starts from a blob: URL and can still read its own origin', async () => {
    const worker = await duckdbWorker();
    const own = await worker.evaluate(async (url) => (await fetch(url)).status, session.baseUrl);
    expect(own).toBe(200);
    // The same path DuckDB takes for http(s) files works for this origin: the bypass below is real.
    expect(await queryInWorker(worker, `SELECT count(*) FROM read_text('${session.baseUrl}index.html')`)).toEqual({ type: 'QUERY_RESULT' });
  });

  it('a query sent straight to DuckDB, past the console, cannot reach another origin', async () => {
    const worker = await duckdbWorker();
    const csv = await queryInWorker(worker, `SELECT * FROM read_csv('${otherBase}/bypass.csv')`);
    expect(csv.type).toBe('ERROR');
    const scan = await queryInWorker(worker, `FROM '${otherBase}/bypass2.csv'`);
    expect(scan.type).toBe('ERROR');
    const blocked = await worker.evaluate(async (url) => {
      const out: string[] = [];
      self.addEventListener('securitypolicyviolation', (e) => out.push(`csp: ${e.effectiveDirective}`));
      try {
        await fetch(url);
        out.push('fetch went through');
      } catch {
        out.push('fetch blocked');
      }
      try {
        const xhr = new XMLHttpRequest();
        xhr.open('GET', url, false);
        xhr.send();
        out.push('xhr went through');
      } catch {
        out.push('xhr blocked');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      return out;
    }, `${otherBase}/direct.csv`);
    expect(blocked).toContain('fetch blocked');
    expect(blocked).toContain('xhr blocked');
    expect(blocked).toContain('csp: connect-src');
  });

  it('settings are locked: a SET sent past the console fails', async () => {
    const worker = await duckdbWorker();
    const set = await queryInWorker(worker, 'SET autoload_known_extensions = true');
    expect(set.type).toBe('ERROR');
    expect(set.error).toMatch(/lock/i);
  });

  it('the other origin saw no request: the browser stopped each of the attempts above', () => {
    expect(otherHits).toEqual([]);
    const attempts = foreignRequests(session.requests, session.baseUrl);
    expect(attempts.map((u) => new URL(u).pathname).sort()).toEqual(['/bypass.csv', '/bypass2.csv', '/direct.csv']);
    for (const u of attempts) expect(failed).toContain(u);
  });

  it("control: a worker loaded from its own URL, as DuckDB's was before, is not held by the page's CSP", async () => {
    const file = readdirSync(path.join(ROOT, 'dist/assets')).find((f) => /^duckdb-browser-eh.*\.js$/.test(f));
    expect(file).toBeTruthy();
    const script = `${session.baseUrl}assets/${file}`;
    await page.evaluate((url) => {
      (globalThis as unknown as { control: globalThis.Worker }).control = new Worker(url);
    }, script);
    await expect.poll(() => page.workers().filter((w) => w.url() === script).length).toBe(1);
    const control = page.workers().find((w) => w.url() === script)!;
    const status = await control.evaluate(async (url) => (await fetch(url)).status, `${otherBase}/control.csv`);
    expect(status).toBe(200);
    expect(otherHits).toEqual(['GET /control.csv']);
    await page.evaluate(() => (globalThis as unknown as { control: globalThis.Worker }).control.terminate());
  });
});
