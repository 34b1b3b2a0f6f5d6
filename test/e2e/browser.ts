/**
 * Shared e2e harness: serve the built dist/ on localhost with a plain static
 * server and drive the Chromium that ships inside @sparticuz/chromium (no
 * browser download, no apt step). Records every request so tests can assert
 * that nothing left the app's own origin.
 */
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromiumPkg from '@sparticuz/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CROSS_ORIGIN_ISOLATION } from '../../src/lib/csp.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'test/e2e/__screenshots__');
export const DATA_DIR = process.env.CRM_DATA_DIR ?? path.resolve(ROOT, '../shared/data');

// Flags in the package's default set that would weaken what we test (same-origin rules).
const DROPPED_FLAGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);
const NOT_ISOLATED_FLAGS = /^--(single-process|disable-site-isolation-trials|disable-features=.*site-per-process)/;
/**
 * The package's GPU set-up for serverless hosts: one process, GL emulated by SwiftShader on a GPU thread inside
 * it. It rasters every tile through emulated GL on that one thread: traced while Analytics computes on 1M lines,
 * that thread was busy half the time in flushes of 100-230 ms, and frames waited on it (rAF gaps of 200-380 ms
 * with the page's own thread idle). No user's Chrome draws that way: a desktop one has a GPU process on real
 * hardware, or Chrome's software path where the GPU is unusable. Sessions use that software path (CPU raster,
 * separate processes), the one measure of a page's frames this machine can give honestly; the longest gap in the
 * same trace fell to 117 ms. CRM_E2E_GPU=swiftshader keeps the package's set-up (to compare).
 */
const SWIFTSHADER_FLAGS = /^--(single-process|in-process-gpu|use-gl=|use-angle=|enable-unsafe-swiftshader|ignore-gpu-blocklist)/;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
};

/**
 * A plain static file server for dist/, mounted under `prefix` (e.g. '/crm-lens/'),
 * standing in for "any static host": no rewrites, no special headers, unless
 * `isolated` adds the two of CROSS_ORIGIN_ISOLATION (as `npm start` does).
 */
export async function serveDist(prefix = '/', isolated = false): Promise<{ server: http.Server; baseUrl: string }> {
  const dist = path.join(ROOT, 'dist');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dist, rel);
    if (!file.startsWith(dist + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const st = statSync(file);
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-length': st.size, ...(isolated ? CROSS_ORIGIN_ISOLATION : {}) });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no port');
  return { server, baseUrl: `http://127.0.0.1:${address.port}${prefix}` };
}

export interface Session {
  browser: Browser;
  server: http.Server;
  baseUrl: string;
  /** Every URL the pages requested. */
  requests: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startSession(prefix = '/', o: { isolated?: boolean } = {}): Promise<Session> {
  const tmp = path.join(os.tmpdir(), 'crm-lens-e2e');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  // CRM_E2E_ISOLATED=1 runs every session cross-origin isolated (DuckDB on threads), as `npm start` serves the app.
  o = { isolated: process.env.CRM_E2E_ISOLATED === '1', ...o };
  const { server, baseUrl } = await serveDist(prefix, o.isolated ?? false);
  // Cross-origin isolation needs a process per site: the serverless flags that turn that off go for an isolated session.
  const swiftshader = process.env.CRM_E2E_GPU === 'swiftshader';
  const args = chromiumPkg.args.filter((a) => !DROPPED_FLAGS.has(a) && !(o.isolated && NOT_ISOLATED_FLAGS.test(a)) && (swiftshader || !SWIFTSHADER_FLAGS.test(a)));
  const browser = await chromium.launch({
    executablePath: await chromiumPkg.executablePath(),
    args: [...args, ...(swiftshader ? [] : ['--disable-gpu']), '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    headless: true,
    env: { ...process.env, TMPDIR: tmp },
  });
  const requests: string[] = [];
  return {
    browser,
    server,
    baseUrl,
    requests,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true, locale: 'en-US' });
      const page = await context.newPage();
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => console.error('[pageerror]', e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') console.error('[console.error]', m.text());
      });
      return page;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Requests that went anywhere but the app's own origin (data:/blob: URLs are local). */
export function foreignRequests(requests: readonly string[], baseUrl: string): string[] {
  const origin = new URL(baseUrl).origin;
  return requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

/** Drop files on the page as a user dragging them from the desktop would (dragenter → dragover → drop). */
export async function dropFiles(page: Page, files: { name: string; type: string; text: string }[]): Promise<void> {
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.type }));
    const target = document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, files);
}

/**
 * Start measuring the longest gap between animation frames (a frozen UI shows as a long gap);
 * the returned function stops and gives it in milliseconds.
 */
export async function watchFrameGaps(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __gap: number; __last: number; __run: boolean };
    w.__gap = 0;
    w.__last = performance.now();
    w.__run = true;
    const tick = (t: number) => {
      w.__gap = Math.max(w.__gap, t - w.__last);
      w.__last = t;
      if (w.__run) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __gap: number; __run: boolean };
      w.__run = false;
      return w.__gap;
    });
}

/**
 * A session and a page on the app, once the start-up workspace (demo or restored) shows its KPIs.
 * `errors`, when given, collects the page's uncaught errors (a test then expects it empty).
 */
export async function openApp(prefix = '/', errors?: string[]): Promise<{ session: Session; page: Page }> {
  const session = await startSession(prefix);
  const page = await session.newPage();
  if (errors) page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  return { session, page };
}

/** Go to a page by its name in the navigation bar (in the UI's language). */
export function nav(page: Page, name: string): Promise<void> {
  return page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
}
