/**
 * Issue 13: from 2M order lines the Analytics page builds the lines index
 * before its first run (the per-customer SQL would take seconds a measure and
 * can run out of the tab's memory), which takes about half a minute at 10M
 * lines. The page says why it waits, beside "Computing measures…": the lines
 * are read into memory once, then indexed in two background workers, with
 * their number, in the UI's language. The threshold is lowered through the
 * e2e hook (`crmLens.indexFirstRows`) so the demo trips it; the build and the
 * answers are the real ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { nav, startSession, type Session } from './browser.ts';

let session: Session;
const errors: string[] = [];

beforeAll(async () => {
  session = await startSession('/');
});

afterAll(async () => {
  await session?.close();
});

interface Hooks {
  crmLens: { indexFirstRows(n: number): void; current(): { run: { measures: Record<string, { route: { kind: string } }> } | null } };
  __busy: string[];
}

/** A fresh tab on the demo, in `lang`, whose first Analytics run builds the index first; the busy line's texts as they came. */
async function firstRun(lang: 'en' | 'zh'): Promise<{ page: Page; said: string[] }> {
  const page = await session.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  if (lang === 'zh') await page.getByTestId('lang-switch').click();
  await page.evaluate(() => {
    const w = window as unknown as Hooks;
    w.crmLens.indexFirstRows(1);
    w.__busy = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="an-busy"]')?.textContent ?? null;
      if (t !== null && w.__busy[w.__busy.length - 1] !== t) w.__busy.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await nav(page, lang === 'zh' ? '分析' : 'Analytics');
  await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 120_000 }).toBe('true');
  return { page, said: await page.evaluate(() => (window as unknown as Hooks).__busy) };
}

describe('the lines index built before the first Analytics run', () => {
  it('English: says the lines are read into memory once, then indexed; the first run then answers from the index', async () => {
    const { page, said } = await firstRun('en');
    expect(said.some((t) => /^Computing measures… First, the [\d,]+ order lines are read into memory once, so that later filter changes answer at once\.$/.test(t)), said.join(' | ')).toBe(true);
    expect(said.some((t) => /^Computing measures… Indexing the [\d,]+ order lines in two background workers…$/.test(t)), said.join(' | ')).toBe(true);
    // Read before indexed, and said no more once the measures are in.
    expect(said.findIndex((t) => t.includes('read into memory'))).toBeLessThan(said.findIndex((t) => t.includes('Indexing')));
    await expect.poll(() => page.getByTestId('an-busy').count()).toBe(0);
    const run = await page.evaluate(() => (window as unknown as Hooks).crmLens.current().run);
    expect(run?.measures.loyalty?.route.kind).toBe('memory');
    await page.close();
  });

  it('Chinese: the same, in Chinese', async () => {
    const { page, said } = await firstRun('zh');
    expect(said.some((t) => /^正在计算指标…先把 [\d,]+ 行订单明细一次读入内存，之后切换筛选即可立即出结果。$/.test(t)), said.join(' | ')).toBe(true);
    expect(said.some((t) => /^正在计算指标…正在两个后台线程中为 [\d,]+ 行订单明细建立索引…$/.test(t)), said.join(' | ')).toBe(true);
    await page.close();
    expect(errors).toEqual([]);
  });
});
