/**
 * Issue 10: charts are created and drawn only when they come within a screen of
 * the viewport (a page of twenty drawn at once froze the Analytics page). On the
 * demo workspace most of the Analytics charts wait; scrolling down the page draws
 * every one; switching the language redraws them in Chinese.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, SCREENSHOTS, type Session } from './browser.ts';

let session: Session;
let page: Page;
beforeAll(async () => {
  ({ session, page } = await openApp());
});
afterAll(async () => {
  await session?.close();
});

describe('charts drawn near the viewport (issue #10)', () => {
  it('draws every chart once scrolled past, in both languages', async () => {
    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 240_000 }).toBe('true');
    await page.waitForTimeout(3000);
    const counts = () => page.evaluate(() => {
      const boxes = [...document.querySelectorAll('figure.chart .canvas')];
      return { boxes: boxes.length, drawn: boxes.filter((b) => b.querySelector('canvas')).length, height: document.documentElement.scrollHeight };
    });
    const before = await counts();
    console.log('[lazy] before scrolling', JSON.stringify(before));
    expect(before.drawn).toBeLessThan(before.boxes);
    for (let y = 0; y <= (await counts()).height; y += 500) {
      await page.evaluate((v) => window.scrollTo(0, v), y);
      await page.waitForTimeout(250);
    }
    await page.waitForTimeout(1000);
    const after = await counts();
    console.log('[lazy] after scrolling', JSON.stringify(after));
    const undrawn = await page.evaluate(() => [...document.querySelectorAll('figure.chart .canvas')].filter((b) => !b.querySelector('canvas')).map((b) => `${b.getAttribute('aria-label')} @${Math.round(b.getBoundingClientRect().top + window.scrollY)}`));
    console.log('[lazy] undrawn', JSON.stringify(undrawn));
    expect(after.drawn).toBe(after.boxes);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('lang-switch').click();
    await page.waitForTimeout(2000);
    const cohorts = page.getByTestId('chart-cohorts');
    await cohorts.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analytics-zh-cohorts.png') });
    expect(await cohorts.getByRole('img').getAttribute('aria-label')).toBe('按首购月份的留存');
    const zh = await counts();
    console.log('[lazy] zh', JSON.stringify(zh));
    expect(zh.drawn).toBe(zh.boxes);
  });
});
