/**
 * Persistence (issue #4) end to end, in headless Chromium against the built
 * dist/: a file loaded through the file input is back after a reload with the
 * same rows, KPIs and cleaning log; Clear workspace and Reload demo data
 * forget it; a saved workspace whose bytes are gone falls back to the demo
 * with a message. Each test file gets a fresh browser context, so storage
 * starts empty.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, openApp, type Session } from './browser.ts';

const FILE = 'clients 客户.csv';
const CSV = [
  'customer_id,name,region,signup_date,credit_limit,churned',
  'C1,Ann,North,2024-01-05,1000,no',
  'C2,Bo,South,2024-02-07,2500,yes',
  'C3,Cy,North,2024-03-01,   ,no',
  'C4,Di,East,2024-03-15,1800,no',
  'C5,Ed,West,2024-04-20,900,yes',
  'C6,Fa,South,2024-05-02,3000,no',
].join('\n');

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openApp());
});

afterAll(async () => {
  await session?.close();
});

async function kpiText(key: string): Promise<string> {
  return (await page.getByTestId(`kpi-${key}`).locator('.value').textContent())?.trim() ?? '';
}

async function customers(): Promise<number> {
  const text = await page
    .getByTestId('kpi-customers')
    .locator('.value')
    .textContent({ timeout: 1_000 })
    .catch(() => '');
  return Number((text ?? '').replaceAll(',', '')) || 0;
}

async function waitForDemo(): Promise<void> {
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  await expect.poll(customers, { timeout: 120_000 }).toBeGreaterThan(100);
}

async function loadClients(): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name: FILE, mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain(FILE);
  await expect.poll(() => kpiText('customers'), { timeout: 30_000 }).toBe('6');
}

async function openPage(name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
}

/** The Data page's row for the loaded file: [rows, columns]. */
async function clientsRow(): Promise<string[]> {
  await openPage('Data');
  const row = page.getByTestId('tables').locator('tr', { hasText: FILE });
  return (await row.locator('td.num').allTextContents()).map((s) => s.trim());
}

async function reload(): Promise<void> {
  await page.reload();
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
}

interface StoredManifest {
  version: number;
  files: { fileName: string; table: string; store: string; size: number; options: unknown; roles: Record<string, string> }[];
}

/** The manifest as the app stored it in IndexedDB, read straight from the page. */
async function storedManifest(): Promise<StoredManifest | null> {
  const text = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('crm-lens');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const req = db.transaction('meta').objectStore('meta').get('manifest');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  });
  return typeof text === 'string' ? (JSON.parse(text) as StoredManifest) : null;
}

// A customers file alone: its cards (no orders or revenue card for a workspace without orders).
const KPIS = ['customers', 'churn_rate'];

describe('persistence', () => {
  it('brings a loaded file back after a reload: table, rows, KPIs and cleaning log', async () => {
    await waitForDemo();
    expect(await page.getByTestId('storage-saved').textContent()).toBe('Nothing saved');
    await loadClients();
    const kpis = await Promise.all(KPIS.map(kpiText));
    expect(kpis[1]).toBe('33.3%');
    expect(await page.getByTestId('kpi-orders').count()).toBe(0);
    expect(await clientsRow()).toEqual(['6', '6']);
    const log = await page.getByTestId('cleaning-log').textContent();
    expect(log).toContain('credit_limit');
    expect(await page.getByTestId('storage-saved').textContent()).toMatch(/^Saved: \d+ B \(1 file\)$/);

    // What is stored: a version-1 manifest in IndexedDB, the bytes in OPFS.
    const manifest = (await storedManifest())!;
    expect(manifest.version).toBe(1);
    expect(manifest.files).toMatchObject([{ fileName: FILE, store: 'opfs', size: Buffer.byteLength(CSV), options: { format: 'delimited', encoding: 'utf-8' } }]);

    await reload();
    await expect.poll(() => kpiText('customers'), { timeout: 120_000 }).toBe('6');
    expect(await Promise.all(KPIS.map(kpiText))).toEqual(kpis);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await clientsRow()).toEqual(['6', '6']);
    expect(await page.getByTestId('tables').textContent()).not.toContain('demo:');
    expect(await page.getByTestId('cleaning-log').textContent()).toBe(log);
    expect(await page.getByTestId('storage-saved').textContent()).toMatch(/\(1 file\)$/);
    await expect.poll(() => page.getByTestId('storage-usage').textContent()).toMatch(/ of .* used$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-restored.png'), fullPage: true });
  });

  it('Clear workspace deletes the saved copy: after a reload the demo is back', async () => {
    await openPage('Data');
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('storage-saved').textContent()).toBe('Nothing saved');
    await reload();
    await waitForDemo();
    await openPage('Data');
    expect(await page.getByTestId('tables').textContent()).toContain('demo:customers');
    expect(await page.getByTestId('tables').textContent()).not.toContain(FILE);
    await openPage('Overview');
  });

  it('Reload demo data replaces the saved workspace', async () => {
    await loadClients();
    await openPage('Data');
    await page.getByTestId('load-demo').click();
    await expect.poll(() => page.getByTestId('storage-saved').textContent(), { timeout: 60_000 }).toBe('Nothing saved');
    await reload();
    await waitForDemo();
    await openPage('Data');
    expect(await page.getByTestId('tables').textContent()).not.toContain(FILE);
    await openPage('Overview');
  });

  it('falls back to the demo with a message when the saved bytes are gone', async () => {
    await loadClients();
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('crm-lens-workspace', { recursive: true });
    });
    await reload();
    await waitForDemo();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('Your saved workspace could not be restored.');
    expect(await alert.textContent()).toContain(`The saved copy of ${FILE} is gone`);
    // The saved copy is left for the user to clear; Clear workspace does, and the message does not come back.
    await openPage('Data');
    await page.getByTestId('clear').click();
    // Clearing deletes the saved copy in the background: reload once it is gone, not before.
    await expect.poll(() => page.getByTestId('storage-saved').textContent()).toBe('Nothing saved');
    await expect.poll(storedManifest).toBeNull();
    await reload();
    await waitForDemo();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('keeps a role the user changed across a reload', async () => {
    await loadClients();
    const row = () => page.getByTestId('tables').locator('tr', { hasText: FILE }).textContent();
    await openPage('Data');
    expect(await row()).toContain('churned');
    await page.getByTestId('edit-roles-clients_客户').click();
    await page.getByTestId('role-churn').selectOption('');
    await page.getByTestId('role-save').click();
    await expect.poll(row).not.toContain('churned');
    // Saved in the background once the roles change; wait for it rather than racing the reload.
    await expect.poll(async () => (await storedManifest())?.files[0]?.roles.churn ?? 'none', { timeout: 10_000 }).toBe('none');
    await openPage('Overview');
    const kpis = await Promise.all(KPIS.map(kpiText));
    await reload();
    await expect.poll(() => kpiText('customers'), { timeout: 120_000 }).toBe('6');
    expect(await Promise.all(KPIS.map(kpiText))).toEqual(kpis);
    await openPage('Data');
    expect(await row()).not.toContain('churned');
    expect(await row()).toContain('customer_id');
  });

  it('keeps the bytes in IndexedDB where OPFS is missing', async () => {
    const main = page;
    page = await session.newPage();
    try {
      await page.addInitScript(() => {
        // As in browsers without the origin private file system.
        delete (StorageManager.prototype as { getDirectory?: unknown }).getDirectory;
      });
      await page.goto(session.baseUrl);
      await waitForDemo();
      await loadClients();
      expect((await storedManifest())?.files).toMatchObject([{ fileName: FILE, store: 'idb' }]);
      const kpis = await Promise.all(KPIS.map(kpiText));
      await reload();
      await expect.poll(() => kpiText('customers'), { timeout: 120_000 }).toBe('6');
      expect(await Promise.all(KPIS.map(kpiText))).toEqual(kpis);
      expect(await clientsRow()).toEqual(['6', '6']);
    } finally {
      // Only the page: closing a context takes the single-process Chromium down with it.
      await page.close();
      page = main;
    }
  });

  it('made no request to any other origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
