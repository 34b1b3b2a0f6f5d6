/**
 * Issue 11 §2 in the browser: on the demo workspace, the Customer value page
 * builds the value training table at the suggested cut-off, trains the value
 * model grid (ridge, MLP, boosted trees × 5 folds in two workers), and its
 * best model beats the last-period-spend baseline on MAE; "Score customers
 * now" writes `value_scores`, and the value × risk tiers rank by it; everything offline.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openApp());
});

afterAll(async () => {
  await session?.close();
});

interface Row {
  kind: string;
  mae: number;
  label: string;
}

describe('value model on the demo workspace', () => {
  it('trains the grid and beats the last-period baseline on MAE', async () => {
    await page.getByRole('button', { name: 'Customer value' }).click();
    const lab = page.getByTestId('value-lab');
    await lab.waitFor({ timeout: 30_000 });
    // The cut-off starts at the latest one the 6-month horizon allows.
    await expect.poll(() => page.getByTestId('value-cutoff').inputValue(), { timeout: 30_000 }).toBe('06/30/2025');
    expect(await page.getByTestId('value-log1p').isChecked()).toBe(true);
    const t0 = Date.now();
    await page.getByTestId('value-run').click();
    // Pause and resume once while it runs.
    await page.getByTestId('value-pause').click({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('value-pause').textContent()).toBe('Resume');
    await page.getByTestId('value-pause').click();
    await page.getByTestId('value-best').waitFor({ timeout: 300_000 });
    const seconds = (Date.now() - t0) / 1000;
    const rows: Row[] = [];
    for (const tr of await page.getByTestId('value-leaderboard').locator('tbody tr').all()) {
      rows.push({ kind: (await tr.getAttribute('data-kind'))!, mae: Number(await tr.getAttribute('data-mae')), label: (await tr.locator('td').first().textContent())!.trim() });
    }
    const models = rows.filter((r) => !['lastPeriod', 'histMean', 'bgnbd'].includes(r.kind));
    const last = rows.find((r) => r.kind === 'lastPeriod')!;
    const hist = rows.find((r) => r.kind === 'histMean')!;
    const bgnbd = rows.find((r) => r.kind === 'bgnbd')!;
    // BG/NBD's expectation is finite on the demo now: the row is BG/NBD × Gamma-Gamma, with no Pareto/NBD fallback note.
    expect(bgnbd.label).toContain('BG/NBD');
    expect(bgnbd.label).not.toContain('Pareto');
    console.info(`[e2e value] ${models.length} models in ${seconds.toFixed(1)} s; best ${models[0]!.label} MAE ${models[0]!.mae.toFixed(1)}; last-period MAE ${last.mae.toFixed(1)}; historical mean MAE ${hist.mae.toFixed(1)}`);
    for (const r of rows) console.info(`[e2e value]   ${r.kind.padEnd(10)} ${r.mae.toFixed(1).padStart(9)}  ${r.label}`);
    expect(models.length).toBe(12);
    expect(models[0]!.mae).toBeLessThan(last.mae);
    expect(await page.getByTestId('value-caption').textContent()).toContain('Target used: log(1 + spend)');
    expect(await page.getByTestId('value-best').textContent()).toContain('lower');
    // Charts draw when they come near the viewport: scroll to them first.
    await page.getByTestId('value-charts').scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByTestId('value-charts').locator('figure.chart').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);

    await page.getByTestId('value-result').getByTestId('value-save').click();
    await expect.poll(() => page.getByTestId('value-registry').locator('li').count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'value-model-demo.png'), fullPage: true });
  });

  it('scores every customer as of the data’s end, writes value_scores, and the tiers rank by it', async () => {
    const panel = page.getByTestId('value-scores');
    await panel.getByTestId('value-score').click();
    await panel.getByTestId('value-scores-saved').waitFor({ timeout: 120_000 });
    const said = (await panel.getByTestId('value-scores-saved').textContent())!;
    console.info(`[e2e value] ${said}`);
    expect(said).toMatch(/Scored [\d,]+ customers as of 2025-12-31; saved as table value_scores/);
    const top = panel.getByTestId('value-top').locator('tbody tr');
    expect(await top.count()).toBe(10);
    const spends = await top.locator('td.num').allTextContents();
    const values = spends.map((t) => Number(t.replace(/,/g, '')));
    expect(values.every((v, i) => Number.isFinite(v) && v > 0 && (i === 0 || v <= values[i - 1]!))).toBe(true);

    // The tiers panel: fit the lifetime models, then pick the value model's predicted spend.
    const lifetime = page.getByTestId('lifetime');
    await lifetime.getByTestId('value-fit').click();
    const tiers = page.getByTestId('value-tiers');
    await tiers.waitFor({ timeout: 120_000 });
    expect(await tiers.getByTestId('value-source').textContent()).toContain('lifetime value (CLV');
    expect(await tiers.locator('[data-testid="value-from"] option[value="value_model"]').isDisabled()).toBe(false);
    await tiers.getByTestId('value-from').selectOption('value_model');
    await expect.poll(() => tiers.getByTestId('value-source').textContent(), { timeout: 30_000 }).toContain('predicted spend over the next 6 months from the value model');
    console.info(`[e2e value] ${(await tiers.getByTestId('value-source').textContent())!.trim()}`);
    expect(await tiers.getByTestId('value-tier-table').locator('tbody tr').count()).toBe(4);
    await tiers.getByTestId('value-save').click();
    await expect.poll(() => tiers.getByTestId('value-saved').textContent(), { timeout: 30_000 }).toContain('customer_value');
    await tiers.scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'value-model-scores.png'), fullPage: true });
  });

  it('made no request to another origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
