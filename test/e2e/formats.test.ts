/**
 * JSON and NDJSON through the file input, offline (DuckDB's JSON extension is never
 * fetched: records are parsed in the page and loaded through the CSV path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { foreignRequests, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openApp());
});

afterAll(async () => {
  await session?.close();
});

const rowOf = (name: string) => page.getByTestId('tables').locator('tr', { hasText: name });

describe('JSON formats', () => {
  it('loads a JSON array with nested fields flattened', async () => {
    const records = [
      { id: 'C1', name: '王芳', address: { city: '上海', zip: '200000' }, spend: 12.5 },
      { id: 'C2', name: 'Li', address: { city: '北京', zip: '100000' }, spend: 7 },
      { id: 'C3', name: 'Zoë', address: { city: 'Paris', zip: null }, spend: null },
    ];
    await page.getByTestId('file-input').setInputFiles({ name: 'clients.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ data: records })) });
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain('clients.json: 3 rows');
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await expect.poll(() => rowOf('clients.json').textContent()).toContain('json');
    await rowOf('clients.json').locator('button.link').first().click();
    const head = await page.locator('section', { hasText: 'Preview' }).locator('thead').textContent();
    expect(head).toContain('address.city');
    expect(await page.locator('section', { hasText: 'Preview' }).locator('tbody').textContent()).toContain('上海');
  });

  it('loads NDJSON', async () => {
    const lines = ['{"order_id":"A1","customer_id":"C1","amount":10}', '{"order_id":"A2","customer_id":"C2","amount":5.5}', ''].join('\n');
    await page.getByTestId('file-input').setInputFiles({ name: 'orders.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines) });
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain('orders.ndjson: 2 rows');
  });

  it('made no request elsewhere', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
