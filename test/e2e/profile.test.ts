/**
 * The customer profile (issue 15) on the demo, as a user reaches it: from a
 * drill-down list (its orders, revenue and tier must agree with the row
 * clicked), by a #customer= link, Back and Escape to close, in Chinese, and
 * from the churn warning list before and after its scores are saved.
 * Screenshots: test/e2e/__screenshots__/profile-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, nav as navTo, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ session, page } = await openApp('/', errors));
});

afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => (await page.getByTestId(id).first().textContent())?.trim() ?? '';
const nav = (name: string) => navTo(page, name);
const profileDialog = () => page.getByTestId('customer-profile');
const isOpen = () => profileDialog().evaluate((d) => (d as HTMLDialogElement).open);
const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
const hash = () => page.evaluate(() => location.hash);

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

/** Waits until the profile has loaded (or said it cannot find the customer). */
async function loaded(): Promise<void> {
  await profileDialog().getByTestId('profile-identity').or(profileDialog().getByTestId('profile-not-found')).first().waitFor({ timeout: 60_000 });
}

describe('from a drill-down list', () => {
  let id = '';

  it('opens the customer clicked, with the same orders, revenue and tier as the row', async () => {
    await nav('Analytics');
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
    await page.getByTestId('status-active').click();
    const drill = page.getByTestId('drilldown');
    await drill.getByTestId('customer-link').first().waitFor({ timeout: 30_000 });
    const headers = (await drill.locator('thead th').allTextContents()).map((s) => s.trim());
    const row = (await drill.locator('tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    const cell = (h: string) => row[headers.indexOf(h)]!;
    id = cell('Customer');
    expect(id).not.toBe('');

    const link = drill.getByTestId('customer-link').first();
    await link.click();
    await loaded();
    expect(await isOpen()).toBe(true);
    expect(await focused()).toBe('profile-close');
    expect(await hash()).toBe(`#customer=${encodeURIComponent(id)}`);
    expect(await profileDialog().locator('h3').textContent()).toContain(`Customer ${id}`);

    // Identity: the customers table's columns as a definition list.
    const terms = await profileDialog().getByTestId('profile-identity').locator('dt').allTextContents();
    expect(terms).toEqual(expect.arrayContaining(['customer_id', 'name', 'segment', 'region']));
    // The same numbers the drill-down row shows (no filters are set, so both read the whole history).
    expect(await profileDialog().getByTestId('profile-kpi-orders').locator('.value').textContent()).toBe(cell('Orders'));
    expect(await profileDialog().getByTestId('profile-kpi-revenue').locator('.value').textContent()).toBe(cell('Revenue'));
    expect(await text('profile-tier')).toBe(cell('Tier'));
    expect(await text('profile-segment')).toMatch(/^[A-Z][a-z’ ]+ \([1-5]{3}\)$/);
    // Orders over time: a chart with its "Add to report".
    const chart = profileDialog().getByTestId('profile-chart');
    await chart.locator('canvas').first().waitFor();
    expect(await chart.getByTestId('add-to-report').count()).toBe(1);
    // Tickets: the demo has a tickets table, so the section is there (a count, or "No tickets").
    expect(await text('profile-tickets')).toMatch(/Tickets[\s\S]*\d|No tickets for this customer/);
    // No churn model yet: the profile says so and links to its page.
    expect(await text('profile-churn-none')).toMatch(/churn model has not been run/);
    await shot('profile-en.png');

    // Escape closes the profile only: the drill-down stays, focus back on the link, the hash gone.
    await page.keyboard.press('Escape');
    await expect.poll(isOpen).toBe(false);
    expect(await drill.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    expect(await focused()).toBe('customer-link');
    await expect.poll(hash).toBe('');
    await page.keyboard.press('Escape');
  });

  it('opens from a #customer= link, closes on Back, and says when a customer does not exist', async () => {
    await page.evaluate((h) => (location.hash = h), `#customer=${encodeURIComponent(id)}`);
    await loaded();
    expect(await isOpen()).toBe(true);
    await page.evaluate(() => (location.hash = ''));
    await expect.poll(isOpen).toBe(false);

    await page.evaluate(() => (location.hash = `#customer=${encodeURIComponent(`NO SUCH "客户" '1'`)}`));
    await loaded();
    expect(await text('profile-not-found')).toBe(`No table in this workspace has a customer “NO SUCH "客户" '1'”. Ids are compared as text (1001 and 1001.0 count as the same id).`);
    await page.getByTestId('profile-close').click();
    await expect.poll(isOpen).toBe(false);
    expect(await hash()).toBe('');
  });

  it('reads in Chinese', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('总览');
    await page.evaluate((h) => (location.hash = h), `#customer=${encodeURIComponent(id)}`);
    await loaded();
    expect(await profileDialog().locator('h3').textContent()).toContain(`客户 ${id}`);
    const headings = await profileDialog().locator('h4').allTextContents();
    expect(headings).toEqual(expect.arrayContaining(['基本信息', 'RFM 与价值分层', '订单', '服务工单与满意度', '流失风险', '客户价值']));
    expect(['重要价值', '潜力', '一般', '低价值']).toContain(await text('profile-tier'));
    expect(await profileDialog().getByTestId('profile-kpi-revenue').locator('.label').textContent()).toBe('销售额（净额）');
    await shot('profile-zh.png');
    // Back (the browser's) closes it.
    await page.goBack();
    await expect.poll(isOpen).toBe(false);
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Overview');
  });
});

describe('from the churn warning list', () => {
  it('shows the saved risk and its reasons once the scores are saved', async () => {
    await nav('Churn model');
    await expect.poll(() => page.getByTestId('churn-target').inputValue(), { timeout: 30_000 }).toBe('churned');
    await page.getByTestId('train').click();
    await page.getByTestId('quick-importance').waitFor({ timeout: 120_000 });
    await page.getByTestId('lab-k').selectOption('3');
    await page.getByTestId('lab-run').click();
    await page.getByTestId('lab-best').waitFor({ timeout: 240_000 });
    const scored = page.getByTestId('scored');
    const first = (await scored.locator('tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    const link = scored.getByTestId('customer-link').first();
    expect((await link.textContent())?.trim()).toBe(first[0]);

    // Before saving: no churn_scores table, and the profile says the model's scores are not there.
    await link.click();
    await loaded();
    expect(await text('profile-churn-none')).toMatch(/has not been run here, or its scores were not saved/);
    await page.keyboard.press('Escape');
    await expect.poll(isOpen).toBe(false);

    await page.getByTestId('lab-save').click();
    await page.getByText(/Saved [\d,]+ scores as table churn_scores/).waitFor({ timeout: 30_000 });
    await link.click();
    await loaded();
    await profileDialog().getByTestId('profile-churn-probability').waitFor({ timeout: 30_000 });
    // The probability the list shows, and the list's top customer ranks first.
    expect(await text('profile-churn-probability')).toBe(first[1]);
    expect(await text('profile-churn')).toMatch(/Rank 1 of [\d,]+ scored customers/);
    const reasons = await profileDialog().getByTestId('profile-churn-reasons').locator('li').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) expect(r).toMatch(/^\S.* = .+$/);
    await profileDialog().getByTestId('profile-churn').scrollIntoViewIfNeeded();
    await shot('profile-churn.png');
    await page.keyboard.press('Escape');
    await expect.poll(isOpen).toBe(false);
  });

  it('made no request elsewhere and threw nothing', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
