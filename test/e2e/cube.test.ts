/**
 * Issue 13: the cube route, the in-memory index route (report/memory) and the
 * base-table route give identical numbers,
 * on the demo and on a generated 1M-line orders file. For each filter
 * combination the page runs with the cubes, then with every measure forced
 * onto the base tables (`window.crmLens.route('base')`, see
 * src/ui/cube-route.svelte.ts); the routed measures' rows and the compare
 * cards as shown must agree. Filter-change timings are logged, not asserted.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT, SCREENSHOTS, startSession, type Session } from './browser.ts';
import { writeOrdersCsv } from '../../bench/gen.ts';

type Rows = Record<string, unknown>[];
interface Run {
  forceBase: boolean;
  measures: Record<string, { route: { kind: 'cube' | 'memory' | 'base'; tables?: string[] }; rows: Rows; ms: number | null }>;
}
interface Current {
  filtersKey: string;
  forceBase: boolean;
  buildMs: number;
  /** The last lines-index build, read included; 0 before one finished. */
  indexMs: number;
  run: Run | null;
}

let session: Session;
let page: Page;

beforeAll(async () => {
  session = await startSession();
  page = await session.newPage();
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

const current = (): Promise<Current> => page.evaluate(() => (window as unknown as { crmLens: { current(): Current } }).crmLens.current());
const setRoute = (r: 'cube' | 'base') => page.evaluate((x) => (window as unknown as { crmLens: { route(r: string): void } }).crmLens.route(x), r);
const ready = () => expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 240_000 }).toBe('true');
const cardsText = async () => ((await page.getByTestId('sec-compare').locator('.cards').textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** The finished run for the current filters and route; logs how long it took from `t0` (the whole page's measures, beside the page's other queries). */
async function settled(label: string, t0: number): Promise<Run> {
  await expect.poll(async () => (await current()).run !== null, { timeout: 240_000 }).toBe(true);
  const ms = Date.now() - t0;
  await ready();
  const c = await current();
  console.log(`[cube] ${label}: analytics measures in ${ms} ms (${c.forceBase ? 'base tables' : 'cube and index routes'}; last cube build ${c.buildMs.toFixed(0)} ms, last index build ${c.indexMs.toFixed(0)} ms)`);
  return c.run!;
}

function expectSameRows(cube: Rows, base: Rows, what: string): void {
  expect(cube.length, what).toBe(base.length);
  cube.forEach((row, i) => {
    for (const [k, v] of Object.entries(base[i]!)) {
      const c = row[k];
      // Sums of doubles: 1e-9 relative (added in another order, one route may land on a whole number, the other not).
      if (typeof v === 'number' && typeof c === 'number' && !(Number.isInteger(v) && Number.isInteger(c))) expect(Math.abs(c - v), `${what} ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
      else expect(c, `${what} ${k}`).toEqual(v);
    }
  });
}

/**
 * With the filters as they are: the run on the cube and index routes, then
 * the base-route run, compared measure by measure and card by card. Returns
 * the measures that took the cube route; `memory` gets those the index answered.
 */
async function compareRoutes(label: string, t0: number, memory: string[] = []): Promise<string[]> {
  const cube = await settled(`${label}, cube`, t0);
  const cubeCards = await cardsText();
  const t1 = Date.now();
  await setRoute('base');
  const base = await settled(`${label}, base`, t1);
  const baseCards = await cardsText();
  await setRoute('cube');
  await ready();
  expect(Object.values(base.measures).every((m) => m.route.kind === 'base')).toBe(true);
  const on = (kind: string) => Object.entries(cube.measures).filter(([, m]) => m.route.kind === kind).map(([id]) => id);
  const routed = on('cube');
  const fromIndex = on('memory');
  memory.push(...fromIndex);
  for (const id of [...routed, ...fromIndex]) expectSameRows(cube.measures[id]!.rows, base.measures[id]!.rows, `${label}: ${id}`);
  expect(cubeCards, label).toBe(baseCards);
  const ms = (r: Run, ids: string[]) => ids.reduce((sum, id) => sum + (r.measures[id]!.ms ?? 0), 0).toFixed(0);
  // The index answers its measures in one batch (one trip to its worker): each measure's time is the batch's.
  const batch = Math.max(0, ...fromIndex.map((id) => cube.measures[id]!.ms ?? 0)).toFixed(0);
  console.log(`[cube] ${label}: ${routed.length} measures on the cube (${routed.join(', ')}), ${fromIndex.length} from the index (${fromIndex.join(', ')}), identical to the base tables;`
    + ` they took ${ms(cube, routed)} ms on the cube and ${batch} ms from the index (one batch), against ${ms(base, [...routed, ...fromIndex])} ms on the base tables`);
  return routed;
}

async function pick(dim: string, index: number): Promise<number> {
  const t0 = Date.now();
  await page.getByTestId(`filter-${dim}`).selectOption({ index });
  return t0;
}

async function reset(): Promise<number> {
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Reset filters' }).click();
  return t0;
}

describe('cube route (issue #13)', () => {
  it('demo: cube and base tables give identical numbers under filters; the SQL panel names the route in both languages', async () => {
    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    await ready();
    // The first run: the index is not built yet, the comparisons take the cubes.
    const all = await compareRoutes('demo, no filter (first load)', Date.now());
    expect(all).toEqual(expect.arrayContaining(['compareRevenue', 'compareOrders', 'compareAov', 'sparkRevenue', 'sparkOrders', 'sparkAov']));
    // It is built after that run, in the background; from then on it answers the comparisons, buyers included, and sales by category.
    await expect.poll(async () => (await current()).indexMs, { timeout: 60_000 }).toBeGreaterThan(0);
    const INDEXED = [
      'salesByCategory', 'compareRevenue', 'compareOrders', 'compareBuyers', 'compareAov', 'sparkRevenue', 'sparkOrders', 'sparkBuyers', 'sparkAov',
      'loyalty', 'tiers', 'pareto', 'lorenz', 'newReturning', 'retention', 'cohorts', 'lifecycle', 'scope',
    ];
    const memory: string[] = [];
    await compareRoutes('demo, channel', await pick('channel', 1), memory);
    expect([...memory].sort()).toEqual([...INDEXED].sort());
    await compareRoutes('demo, channel + segment', await pick('segment', 1), memory);
    const t0 = Date.now();
    await page.getByTestId('revenue-basis').selectOption('gross');
    await compareRoutes('demo, channel + segment, gross', t0, memory);
    // Orders of several categories: the cube cannot count them by category, the index can.
    const withCategory: string[] = [];
    expect(await compareRoutes('demo, + category', await pick('category', 1), withCategory)).not.toContain('compareOrders');
    expect(withCategory).toContain('compareOrders');

    const sec = page.getByTestId('sec-compare');
    await sec.locator('summary').first().click();
    const routes = await sec.getByTestId('route').allTextContents();
    expect(routes.some((r) => r.startsWith('Route: in-memory index of the order lines'))).toBe(true);
    // The panel stays as wide as the page with its SQL open (long SQL lines scroll inside their block).
    expect((await sec.boundingBox())!.width).toBeLessThanOrEqual(1360);
    const shot = async (name: string) => {
      await sec.getByTestId('route').first().scrollIntoViewIfNeeded();
      await page.evaluate(() => document.fonts.ready);
      const box = (await sec.getByTestId('route').nth(1).boundingBox())!;
      await page.screenshot({ path: path.join(SCREENSHOTS, name), clip: { x: 0, y: Math.max(0, box.y - 420), width: 1360, height: 640 } });
    };
    await shot('cube-route-en.png');
    await page.getByTestId('lang-switch').click();
    await expect.poll(async () => (await sec.getByTestId('route').allTextContents()).some((r) => r.startsWith('查询路径：订单行内存索引'))).toBe(true);
    await shot('cube-route-zh.png');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('revenue-basis').selectOption('net');
    await reset();
    await ready();
  });

  it('1M order lines: cube and base tables give identical numbers under filters', async () => {
    let csvFile = path.join(ROOT, 'bench/data/orders_1m.csv');
    if (!existsSync(csvFile)) {
      csvFile = path.join(os.tmpdir(), 'crm-lens-e2e', 'orders_1m.csv');
      if (!existsSync(csvFile)) writeOrdersCsv(csvFile, { rows: 1_000_000 });
    }
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('tables').locator('tbody tr').count()).toBe(0);
    const demoIndexMs = (await current()).indexMs;
    await page.getByTestId('file-input').setInputFiles(csvFile);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 120_000 }).toContain('Loaded orders_1m.csv');
    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    await ready();
    const all = await compareRoutes('1M, no filter (first load)', Date.now());
    expect(all).toEqual(expect.arrayContaining(['compareRevenue', 'compareOrders', 'compareAov']));
    // The 1M lines' index, built after that run.
    await expect.poll(async () => (await current()).indexMs, { timeout: 120_000 }).not.toBe(demoIndexMs);
    console.log(`[cube] 1M: lines index built in ${(await current()).indexMs.toFixed(0)} ms (read from DuckDB included)`);
    const memory: string[] = [];
    await compareRoutes('1M, channel', await pick('channel', 1), memory);
    expect(memory).toEqual(expect.arrayContaining(['salesByCategory', 'compareRevenue', 'compareOrders', 'compareBuyers', 'sparkBuyers', 'loyalty', 'tiers', 'pareto', 'lorenz',
      // No customers table here: customer status too.
      'status', 'newReturning', 'retention', 'cohorts', 'lifecycle', 'scope']));
    await compareRoutes('1M, channel + category', await pick('category', 2), memory);
    const t0 = Date.now();
    await page.getByTestId('revenue-basis').selectOption('gross');
    await compareRoutes('1M, channel + category, gross', t0, memory);
  });
});
