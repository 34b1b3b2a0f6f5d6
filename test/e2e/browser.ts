/**
 * Shared e2e harness: serve the built dist/ on localhost with Vite's preview
 * server and drive the Chromium that ships inside @sparticuz/chromium (no
 * browser download, no apt step). Records every request so tests can assert
 * that nothing left the app's own origin.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromiumPkg from '@sparticuz/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'test/e2e/__screenshots__');
export const DATA_DIR = process.env.CRM_DATA_DIR ?? path.resolve(ROOT, '../shared/data');

// Flags in the package's default set that would weaken what we test (same-origin rules).
const DROPPED_FLAGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);

export interface Session {
  browser: Browser;
  server: PreviewServer;
  baseUrl: string;
  /** Every URL the pages requested. */
  requests: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  const tmp = path.join(os.tmpdir(), 'crm-lens-e2e');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const server = await preview({ root: ROOT, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}/`;
  const args = chromiumPkg.args.filter((a) => !DROPPED_FLAGS.has(a));
  const browser = await chromium.launch({
    executablePath: await chromiumPkg.executablePath(),
    args: [...args, '--disable-background-networking', '--disable-component-update', '--no-first-run'],
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
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}

/** Requests that went anywhere but the app's own origin (data:/blob: URLs are local). */
export function foreignRequests(requests: readonly string[], baseUrl: string): string[] {
  const origin = new URL(baseUrl).origin;
  return requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}
