/**
 * Issue #6 in the browser: the model lab runs a grid of ≥ 12 configurations ×
 * k folds across two workers, keeps the page responsive, reports CV AUC beside
 * baselines, and scores the customers still active. The same page, without code changes,
 * trains on Telco (churn), iFood (campaign response) and bank marketing (term
 * deposit, with the leaky call `duration` unticked on the feature list).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATA_DIR, SCREENSHOTS, foreignRequests, openApp, type Session, watchFrameGaps } from './browser.ts';

const TELCO = path.join(DATA_DIR, 'telco_churn/Telco-Customer-Churn.csv');
const IFOOD = path.join(DATA_DIR, 'ifood_marketing_campaign/ml_project1_data.csv');
const BANK = path.join(DATA_DIR, 'bank_marketing_additional/bank-additional.csv');
for (const file of [TELCO, IFOOD, BANK]) {
  if (!existsSync(file)) console.warn(`[e2e] skipping a model lab test: ${file} not found (set CRM_DATA_DIR)`);
}

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openApp());
});

afterAll(async () => {
  await session?.close();
});

/**
 * Loads `file` (the first replaces the demo, later ones join the workspace)
 * and opens the churn page on its table, as a user picking it would.
 */
async function openWith(file: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(file);
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain(path.basename(file));
  await page.getByRole('button', { name: 'Churn model', exact: true }).click();
  const stem = path.basename(file, '.csv').toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const tables = page.getByTestId('churn-table');
  await expect.poll(() => tables.locator('option').allTextContents(), { timeout: 30_000 }).toContain(stem);
  await tables.selectOption(stem);
  await page.getByTestId('features').waitFor({ timeout: 30_000 });
}

async function pickTarget(target: string): Promise<void> {
  await expect.poll(() => page.getByTestId('churn-target').locator('option').allTextContents(), { timeout: 30_000 }).toContain(target);
  await page.getByTestId('churn-target').selectOption(target);
  await expect.poll(() => page.getByTestId('features').locator(`input[data-column="${target}"]`).isDisabled()).toBe(true);
}

interface Row {
  label: string;
  auc: number;
  baseline: boolean;
}

interface LabRun {
  seconds: number;
  /** Longest gap between animation frames while the search ran, ms. */
  gap: number;
  rows: Row[];
  /** Lines of the exported scores CSV, header included. */
  csv: string[];
}

/** Runs the lab with k folds, measuring the longest gap between animation frames meanwhile. */
async function runLab(k: number): Promise<LabRun> {
  await page.getByTestId('lab-k').selectOption(String(k));
  const stopGaps = await watchFrameGaps(page);
  const t0 = Date.now();
  await page.getByTestId('lab-run').click();
  await page.getByTestId('lab-best').waitFor({ timeout: 240_000 });
  const seconds = (Date.now() - t0) / 1000;
  // The result renders its charts in the frames after it appears: keep measuring through them.
  await page.waitForTimeout(500);
  const gap = await stopGaps();
  const rows: Row[] = [];
  for (const tr of await page.getByTestId('leaderboard').locator('tbody tr').all()) {
    const cells = await tr.locator('td').allTextContents();
    rows.push({ label: cells[0]!.trim(), auc: Number.parseFloat(cells[1]!), baseline: (await tr.getAttribute('class'))?.includes('base') ?? false });
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('lab-export').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  return { seconds, gap, rows, csv };
}

async function screenshot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.getByTestId('lab-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

const best = (rows: Row[], kind?: string) => Math.max(...rows.filter((r) => !r.baseline && (!kind || r.label.startsWith(kind))).map((r) => r.auc));
const bestBaseline = (rows: Row[]) => Math.max(...rows.filter((r) => r.baseline).map((r) => r.auc));

describe.skipIf(!existsSync(TELCO))('model lab on Telco', () => {
  it('searches the default grid × 5 folds in two workers: LR and MLP CV AUC ≥ 0.840, page stays responsive', async () => {
    await openWith(TELCO);
    await expect.poll(() => page.getByTestId('churn-target').inputValue(), { timeout: 30_000 }).toBe('Churn');
    const run = await runLab(5);
    console.info(`[e2e] model lab, Telco: ${run.seconds.toFixed(1)} s for the default grid × 5 folds; longest frame gap ${run.gap.toFixed(0)} ms; best CV AUC ${best(run.rows).toFixed(3)}`);
    // Issue #6 budget: under a minute on two wasm workers (27–37 s measured on a shared 2-core machine).
    expect(run.seconds).toBeLessThan(60);
    // Frames keep coming while workers train (150–600 ms worst gaps measured, from CPU contention on two
    // cores); seconds-long gaps would mean work moved onto the main thread.
    expect(run.gap).toBeLessThan(2000);
    expect(run.rows.filter((r) => !r.baseline).length).toBeGreaterThanOrEqual(12);
    expect(best(run.rows, 'logreg')).toBeGreaterThanOrEqual(0.84);
    expect(best(run.rows, 'mlp')).toBeGreaterThanOrEqual(0.84);
    expect(run.rows.some((r) => r.baseline)).toBe(true);
    // The warning list and its export hold the customers still active: 7,043 less the 1,869 with Churn = Yes
    // (read as a boolean column at load, so the page names the classes 1 and 0).
    expect(run.csv).toHaveLength(5174 + 1);
    expect(await page.getByTestId('warning-scope').textContent()).toContain('Scores 5,174 customers not yet lost (Churn = 0 or unknown)');
    expect(run.csv[0]).toBe('customer,probability,risk_tier,reason_1,reason_2,reason_3');
    // The four out-of-fold charts and the profit curve are drawn; the threshold shows its rates.
    await page.getByTestId('lab-charts').scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByTestId('lab-charts').locator('canvas').count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('lab-profit-chart').scrollIntoViewIfNeeded();
    await page.getByTestId('lab-profit-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('lab-at-threshold').textContent()).toMatch(/Precision[\d.]+%Recall[\d.]+%F1/);
    await screenshot('churn-lab-telco.png');
  });
});

describe.skipIf(!existsSync(IFOOD))('model lab on iFood (campaign response)', () => {
  it('predicts Response with k = 3 well above the baselines and scores the customers not yet positive', async () => {
    await openWith(IFOOD);
    await pickTarget('Response');
    const run = await runLab(3);
    console.info(`[e2e] model lab, iFood: ${run.seconds.toFixed(1)} s for the default grid × 3 folds; longest frame gap ${run.gap.toFixed(0)} ms; best CV AUC ${best(run.rows).toFixed(3)} (best baseline ${bestBaseline(run.rows).toFixed(3)})`);
    // The engine reaches ≥ 0.85 with k = 5; three folds train on less data.
    expect(best(run.rows)).toBeGreaterThanOrEqual(0.83);
    expect(best(run.rows)).toBeGreaterThan(bestBaseline(run.rows) + 0.05);
    // Those who have not responded yet (2,240 less 334 with Response = 1).
    expect(run.csv).toHaveLength(2240 - 334 + 1);
    await screenshot('churn-lab-ifood.png');
  });
});

describe.skipIf(!existsSync(BANK))('model lab on bank marketing (term deposit)', () => {
  it('predicts y without the leaky call duration, k = 3, above the baselines, and scores the customers not yet positive', async () => {
    await openWith(BANK);
    await pickTarget('y');
    await page.getByTestId('features').locator('input[data-column="duration"]').uncheck();
    const run = await runLab(3);
    console.info(`[e2e] model lab, bank: ${run.seconds.toFixed(1)} s for the default grid × 3 folds; longest frame gap ${run.gap.toFixed(0)} ms; best CV AUC ${best(run.rows).toFixed(3)} (best baseline ${bestBaseline(run.rows).toFixed(3)})`);
    expect(await page.getByTestId('lab-used').textContent()).toContain('duration (excluded)');
    // The engine reaches ≥ 0.75 with k = 5 (with duration it would be ≈ 0.93: the call length is only known afterwards).
    expect(best(run.rows)).toBeGreaterThanOrEqual(0.74);
    expect(best(run.rows)).toBeGreaterThan(bestBaseline(run.rows) + 0.01);
    // Those who have not subscribed yet (4,119 less 451 with y = yes).
    expect(run.csv).toHaveLength(4119 - 451 + 1);
    await screenshot('churn-lab-bank.png');
  });
});

describe('model lab requests', () => {
  it('made no request to another origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
