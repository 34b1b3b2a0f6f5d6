/**
 * Scores written back by the model lab become a filter on every dashboard:
 * on the demo, train (k = 3), save as `churn_scores`, then filter Analytics
 * to high-risk customers.
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

describe('risk tiers as a dashboard filter', () => {
  it('saves scores and filters the analytics page by risk', async () => {
    await page.getByRole('button', { name: 'Churn model', exact: true }).click();
    await expect.poll(() => page.getByTestId('churn-target').inputValue(), { timeout: 30_000 }).toBe('churned');
    await page.getByTestId('lab-k').selectOption('3');
    await page.getByTestId('lab-run').click();
    await page.getByTestId('lab-best').waitFor({ timeout: 240_000 });
    await page.getByTestId('lab-save').click();
    await page.getByText(/Saved [\d,]+ scores as table churn_scores/).waitFor({ timeout: 30_000 });

    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    const pareto = page.getByTestId('pareto');
    await pareto.waitFor({ timeout: 60_000 });
    const before = await pareto.textContent();
    await page.getByTestId('filter-risk').selectOption('high');
    await expect.poll(() => pareto.textContent(), { timeout: 30_000 }).not.toBe(before);
    // Every measure with a customer id applied the filter: none lists "risk" among the filters it ignored.
    expect(await page.locator('.note', { hasText: 'Churn risk' }).count()).toBe(0);
  });

  it('made no request elsewhere', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
