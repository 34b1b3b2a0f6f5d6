import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { Random } from '../../src/lib/random.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { basketRecommendations, describeRule, recommendations, recommendationsByItem, ruleLabels, topRules } from '../../src/metrics/recommend.ts';
import { mineRules, minSupportCount, type Rule, type RuleSet } from '../../src/metrics/rules.ts';
import {
  basketItemsSql, fetchTransactions, transactionsFromBaskets, transactionsFromPairs, type Transactions,
} from '../../src/metrics/transactions.ts';

const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const GROCERIES = path.join(DATA_DIR, 'groceries', 'groceries.csv');
const BREAD = path.join(DATA_DIR, 'bread_basket', 'BreadBasket_DMS.csv');
if (!existsSync(GROCERIES)) console.warn(`[metrics-rules] groceries tests skipped: no ${GROCERIES} (set CRM_DATA_DIR)`);
if (!existsSync(BREAD)) console.warn(`[metrics-rules] bread_basket tests skipped: no ${BREAD} (set CRM_DATA_DIR)`);

/** Rules as comparable text: "a,b>c", labels sorted on the left. */
function keyOf(rules: RuleSet, r: Rule): string {
  const { lhs, rhs } = ruleLabels(rules, r);
  return `${[...lhs].sort().join(',')}>${rhs}`;
}

function byKey(rules: RuleSet): Map<string, Rule> {
  return new Map(rules.rules.map((r) => [keyOf(rules, r), r]));
}

// The textbook five baskets. Counts: bread 4, milk 4, diapers 4, beer 3, cola 2, eggs 1;
// {diapers, beer} 3, {milk, diapers} 3, {bread, milk} 3, {bread, diapers} 3, {milk, diapers, beer} 2.
const FIVE = [
  ['bread', 'milk'],
  ['bread', 'diapers', 'beer', 'eggs'],
  ['milk', 'diapers', 'beer', 'cola'],
  ['bread', 'milk', 'diapers', 'beer'],
  ['bread', 'milk', 'diapers', 'cola'],
];

describe('mineRules on hand-computed baskets', () => {
  const tx = transactionsFromBaskets(FIVE);
  const rules = mineRules(tx, { minSupport: 0.4, minConfidence: 0.6 });
  const map = byKey(rules);

  it('counts baskets and frequent itemsets', () => {
    expect(tx.baskets).toBe(5);
    expect(rules.minCount).toBe(2);
    // Items with ≥ 2: bread milk diapers beer cola (5). Pairs with ≥ 2: bread-milk 3, bread-diapers 3, bread-beer 2,
    // milk-diapers 3, milk-beer 2, milk-cola 2, diapers-beer 3, diapers-cola 2 (8).
    // Triples with ≥ 2: bread-milk-diapers 2, bread-diapers-beer 2, milk-diapers-beer 2, milk-diapers-cola 2 (4).
    expect(rules.itemsetsBySize).toEqual([0, 5, 8, 4]);
  });

  it('computes support, confidence, lift, leverage and conviction', () => {
    // {diapers} → {beer}: 3 of 5 baskets; 3 of the 4 with diapers; beer in 3/5 → lift 0.75 / 0.6 = 1.25.
    const r = map.get('diapers>beer')!;
    expect(r.count).toBe(3);
    expect(r.support).toBeCloseTo(0.6, 12);
    expect(r.coverage).toBeCloseTo(0.8, 12);
    expect(r.confidence).toBeCloseTo(0.75, 12);
    expect(r.lift).toBeCloseTo(1.25, 12);
    expect(r.leverage).toBeCloseTo(0.6 - 0.8 * 0.6, 12);
    expect(r.conviction).toBeCloseTo((1 - 0.6) / (1 - 0.75), 12);
    // {beer} → {diapers}: every beer basket has diapers → confidence 1, conviction ∞.
    expect(map.get('beer>diapers')).toMatchObject({ confidence: 1, conviction: Infinity });
    // {milk, beer} → {diapers}: 2 of 2.
    expect(map.get('beer,milk>diapers')).toMatchObject({ count: 2, confidence: 1 });
    // {diapers} → {cola}: 2 of 4 = 0.5 < 0.6, left out.
    expect(map.has('diapers>cola')).toBe(false);
  });

  it('sorts by lift and never makes a rule with an empty left side', () => {
    for (let i = 1; i < rules.rules.length; i++) expect(rules.rules[i - 1]!.lift).toBeGreaterThanOrEqual(rules.rules[i]!.lift);
    expect(rules.rules.every((r) => r.lhs.length >= 1)).toBe(true);
    expect(topRules(rules, 3).map((r) => r.lift)).toEqual(rules.rules.slice(0, 3).map((r) => r.lift));
    const byConf = topRules(rules, 100, 'confidence');
    for (let i = 1; i < byConf.length; i++) expect(byConf[i - 1]!.confidence).toBeGreaterThanOrEqual(byConf[i]!.confidence);
  });

  it('recommends "customers who bought X also bought Y"', () => {
    // Baskets with beer: 2, 3, 4. Diapers in all three (conf 1, lift 1 / 0.8 = 1.25); bread in 2 and 4, milk in
    // 3 and 4 (conf 2/3, lift 0.667 / 0.8 = 0.833 each; the tie goes to the lower item code, bread).
    const recs = recommendations(rules, 'beer');
    expect(recs.map((r) => r.item)).toEqual(['diapers', 'bread', 'milk']);
    expect(recs[0]!.rule.lift).toBeCloseTo(1.25, 12);
    expect(recommendations(rules, 'beer', { limit: 1 })).toHaveLength(1);
    expect(recommendations(rules, 'no such item')).toEqual([]);
    // A basket of milk and beer: diapers via {milk, beer} → {diapers} (lift 1.25), nothing already in the basket.
    const basket = basketRecommendations(rules, ['milk', 'beer']);
    expect(basket[0]!.item).toBe('diapers');
    expect(basket.some((r) => r.item === 'milk' || r.item === 'beer')).toBe(false);
    const table = recommendationsByItem(rules);
    expect(table.get('beer')?.map((r) => r.item)).toEqual(['diapers', 'bread', 'milk']);
  });

  it('describes a rule in both languages', () => {
    const r = map.get('beer,milk>diapers')!;
    expect(describeRule(rules, r, 'en')).toBe('Customers who bought milk and beer also bought diapers in 100% of cases (1.3× as often as all customers).');
    expect(describeRule(rules, r, 'zh')).toBe('购买了milk、beer的顾客中，有 100% 也购买了diapers（是全部顾客的 1.3 倍）。');
  });

  it('rejects thresholds out of range, in both languages', () => {
    expect(() => mineRules(tx, { minSupport: 0, minConfidence: 0.5 })).toThrow(/Minimum support[\s\S]*最小支持度/);
    expect(() => mineRules(tx, { minSupport: 0.1, minConfidence: 1.5 })).toThrow(/最小置信度/);
    expect(() => mineRules(tx, { minSupport: 0.1, minConfidence: 0.5, maxLength: 1 })).toThrow(/at least 2/);
  });
});

/** Every subset of every basket counted by brute force, then every rule; the definition, executed literally. */
function bruteForce(baskets: string[][], minSupport: number, minConfidence: number): Map<string, { count: number; confidence: number; lift: number }> {
  const n = baskets.length;
  const counts = new Map<string, number>();
  for (const b of baskets) {
    const items = [...new Set(b)].sort();
    for (let mask = 1; mask < 1 << items.length; mask++) {
      const key = items.filter((_, i) => mask & (1 << i)).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const out = new Map<string, { count: number; confidence: number; lift: number }>();
  for (const [key, count] of counts) {
    const items = key.split(',');
    if (items.length < 2 || count < minSupportCount(minSupport, n)) continue;
    for (const rhs of items) {
      const lhs = items.filter((x) => x !== rhs);
      const confidence = count / counts.get(lhs.join(','))!;
      if (confidence >= minConfidence) out.set(`${lhs.join(',')}>${rhs}`, { count, confidence, lift: confidence / (counts.get(rhs)! / n) });
    }
  }
  return out;
}

describe('mineRules against brute force', () => {
  it('finds exactly the rules of the definition on random baskets', () => {
    const rng = new Random('rules-brute-force');
    const items = 'abcdefghijkl'.split('');
    const weights = items.map((_, i) => 1 / (i + 1));
    const baskets = Array.from({ length: 300 }, () => {
      const size = rng.int(1, 7);
      const b = Array.from({ length: size }, () => rng.weighted(items, weights));
      // A planted pair, so some rules have high lift.
      if (b.includes('k')) b.push('l');
      return b;
    });
    for (const [s, c] of [[0.02, 0.3], [0.05, 0.5], [0.01, 0.9]] as const) {
      const expected = bruteForce(baskets, s, c);
      const got = mineRules(transactionsFromBaskets(baskets), { minSupport: s, minConfidence: c });
      // No room for bitsets: the sorted-list path must give the same rules.
      const lists = mineRules(transactionsFromBaskets(baskets), { minSupport: s, minConfidence: c, bitsetBudgetBytes: 0 });
      expect(lists.rules).toEqual(got.rules);
      const map = byKey(got);
      expect([...map.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [k, e] of expected) {
        const r = map.get(k)!;
        expect(r.count).toBe(e.count);
        expect(r.confidence).toBeCloseTo(e.confidence, 12);
        expect(r.lift).toBeCloseTo(e.lift, 12);
      }
      expect(got.totalRules).toBe(expected.size);
    }
  });
});

describe('guards', () => {
  const rng = new Random('rules-guards');
  const baskets = Array.from({ length: 200 }, () => Array.from({ length: rng.int(2, 9) }, () => `i${rng.int(0, 11)}`));
  const tx = transactionsFromBaskets(baskets);
  const all = mineRules(tx, { minSupport: 0.02, minConfidence: 0.2 });

  it('keeps the highest-lift rules past maxRules and says so', () => {
    expect(all.totalRules).toBeGreaterThan(50);
    const capped = mineRules(tx, { minSupport: 0.02, minConfidence: 0.2, maxRules: 50 });
    expect(capped.rules).toHaveLength(50);
    expect(capped.totalRules).toBe(all.totalRules);
    expect(capped.rules).toEqual(all.rules.slice(0, 50));
    expect(capped.limits).toHaveLength(1);
    expect(capped.limits[0]).toMatchObject({ code: 'max_rules', limit: 50 });
    expect(capped.limits[0]!.en).toContain(`kept the 50 with the highest lift`);
    expect(capped.limits[0]!.zh).toContain('提升度最高的 50 条');
    expect(all.limits).toEqual([]);
  });

  it('stops at maxLength and says so when longer itemsets are frequent', () => {
    expect(all.itemsetsBySize.length).toBeGreaterThan(3);
    const short = mineRules(tx, { minSupport: 0.02, minConfidence: 0.2, maxLength: 2 });
    expect(short.rules.every((r) => r.lhs.length === 1)).toBe(true);
    expect(short.rules.length).toBe(all.rules.filter((r) => r.lhs.length === 1).length);
    expect(short.limits.map((l) => l.code)).toEqual(['max_length']);
    expect(short.limits[0]!.en).toMatch(/more than 2 items/);
    expect(short.itemsetsBySize).toEqual(all.itemsetsBySize.slice(0, 3));
  });

  it('gives up with a clear error past maxItemsets', () => {
    expect(() => mineRules(tx, { minSupport: 0.01, minConfidence: 0.2, maxItemsets: 100 })).toThrow(/More than 100 frequent itemsets[\s\S]*频繁项集超过 100 个/);
  });

  it('can be cancelled', () => {
    const ctl = new AbortController();
    ctl.abort();
    expect(() => mineRules(tx, { minSupport: 0.02, minConfidence: 0.2, signal: ctl.signal })).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});

describe('transactions', () => {
  it('counts a repeated item once and keeps empty baskets in the denominator', () => {
    const tx = transactionsFromBaskets([['a', 'b', 'a'], [], ['b']]);
    expect(tx.items).toEqual(['a', 'b']);
    expect(tx.baskets).toBe(3);
    expect([...tx.offsets]).toEqual([0, 2, 2, 3]);
    expect([...tx.codes]).toEqual([0, 1, 1]);
  });

  it('groups pairs by basket in any order', () => {
    const tx = transactionsFromPairs([[2, 'x'], [1, 'y'], [2, 'z'], [1, 'y']]);
    expect(tx.baskets).toBe(2);
    expect(tx.items).toEqual(['x', 'z', 'y']);
    expect([...tx.codes]).toEqual([0, 1, 2]);
  });
});

// ---------------------------------------------------------------- SQL on real DuckDB-WASM

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

describe('basketItemsSql on real DuckDB-WASM', () => {
  // Hostile names on purpose; a NULL basket, a NULL item, a blank item, a duplicate line and padded labels.
  const TABLE = 'order "lines"';
  const B = 'Order #';
  const I = "Product's name";
  const S = 'Store';
  const LINES: [string | null, string | null, string][] = [
    ['o1', 'milk', 'north'], ['o1', 'bread', 'north'], ['o1', 'milk', 'north'],
    ['o2', ' milk ', 'north'], ['o2', 'eggs', 'north'],
    ['o3', 'bread', 'south'], ['o3', '   ', 'south'],
    ['o4', 'tea', 'south'],
    [null, 'milk', 'north'], ['o5', null, 'north'],
  ];

  beforeAll(async () => {
    await db.exec(`CREATE TABLE ${ident(TABLE)} (${ident(B)} VARCHAR, ${ident(I)} VARCHAR, ${ident(S)} VARCHAR)`);
    await db.exec(`INSERT INTO ${ident(TABLE)} VALUES ${LINES.map((l) => `(${l.map(lit).join(', ')})`).join(', ')}`);
  });

  it('returns a dictionary by frequency and distinct coded pairs', async () => {
    const q = basketItemsSql(TABLE, B, I);
    const items = (await db.query(q.items)).rows;
    // Baskets with a kept item: o1 {milk, bread}, o2 {milk, eggs}, o3 {bread}, o4 {tea} → 4.
    // milk 2, bread 2, eggs 1, tea 1; ties by label.
    expect(items).toEqual([
      { item_code: 0, item: 'bread', baskets: 2, total_baskets: 4 },
      { item_code: 1, item: 'milk', baskets: 2, total_baskets: 4 },
      { item_code: 2, item: 'eggs', baskets: 1, total_baskets: 4 },
      { item_code: 3, item: 'tea', baskets: 1, total_baskets: 4 },
    ]);
    const pairs = (await db.query(q.pairs)).rows.map((r) => [r.basket_code, r.item_code]);
    expect(pairs).toEqual([[0, 0], [0, 1], [1, 1], [1, 2], [2, 0], [3, 3]]);
    const tx = await fetchTransactions(db, q);
    expect(tx.baskets).toBe(4);
    expect([...tx.offsets]).toEqual([0, 2, 4, 5, 6]);
  });

  it('applies filters and drops rare items from the pairs but not from the basket count', async () => {
    const north = basketItemsSql(TABLE, B, I, [{ column: S, op: '=', value: 'north' }]);
    expect((await db.query(north.items)).rows.map((r) => [r.item, r.baskets, r.total_baskets])).toEqual([['milk', 2, 2], ['bread', 1, 2], ['eggs', 1, 2]]);
    const notTea = basketItemsSql(TABLE, B, I, [{ column: I, op: 'not in', values: ['tea', "it's"] }, { column: S, op: 'is not null' }]);
    expect((await db.query(notTea.items)).rows.map((r) => r.item)).toEqual(['bread', 'milk', 'eggs']);
    const frequent = basketItemsSql(TABLE, B, I, [], { minItemBaskets: 2 });
    const tx = await fetchTransactions(db, frequent);
    expect(tx.baskets).toBe(4);
    // o1 {bread, milk}, o2 {milk}, o3 {bread}; o4 has no frequent item.
    expect([...tx.codes]).toEqual([0, 1, 1, 0]);
    const rules = mineRules(tx, { minSupport: 0.5, minConfidence: 0.1 });
    expect(rules.itemsetsBySize).toEqual([0, 2]);
  });

  it('builds the same baskets from the pairs a record batch at a time (as the browser streams them)', async () => {
    // The real query's columns cut into batches of `size` rows: baskets then straddle batch ends.
    const batched = (size: number): Db => ({
      ...db,
      async *queryBatches(sql: string) {
        const all = await db.queryColumns(sql);
        for (let at = 0; at < all.rows; at += size) {
          const values = Object.fromEntries(Object.entries(all.values).map(([k, v]) => [k, v.slice(at, at + size)]));
          yield { columns: all.columns, rows: Math.min(size, all.rows - at), values } as never;
        }
      },
    });
    for (const q of [basketItemsSql(TABLE, B, I), basketItemsSql(TABLE, B, I, [], { minItemBaskets: 2 })]) {
      const whole = await fetchTransactions(db, q);
      for (const size of [1, 2, 5]) {
        const tx = await fetchTransactions(batched(size), q);
        expect({ ...tx, offsets: [...tx.offsets], codes: [...tx.codes] }).toEqual({ ...whole, offsets: [...whole.offsets], codes: [...whole.codes] });
        expect(tx.codes.buffer.byteLength).toBe(tx.codes.length * 4);
      }
    }
    expect([...(await fetchTransactions(batched(1), basketItemsSql(TABLE, B, I))).offsets]).toEqual([0, 2, 4, 5, 6]);
  });
});

describe('association rules on the demo workspace', () => {
  it('finds the planted companions (phone → case, coffee machine → beans)', async () => {
    const { table } = await loadDelimited(db, { fileName: 'orders.csv', bytes: new TextEncoder().encode(demoWorkspace().orders) });
    const q = basketItemsSql(table.name, table.roles.order_id!, table.roles.product!);
    const tx = await fetchTransactions(db, q);
    const rules = mineRules(tx, { minSupport: 0.001, minConfidence: 0.2 });
    console.log(`[metrics-rules] demo: ${tx.baskets} orders, ${tx.items.length} products, ${rules.totalRules} rules; top: ${topRules(rules, 3).map((r) => describeRule(rules, r, 'en')).join(' | ')}`);
    expect(rules.totalRules).toBeGreaterThan(10);
    const phone = recommendations(rules, 'Smartphone', { by: 'confidence' }).map((r) => r.item);
    expect(phone[0]).toBe('Phone case');
    expect(phone).toContain('Screen protector');
    const coffee = recommendations(rules, 'Coffee machine');
    expect(coffee[0]?.item).toBe('Coffee beans');
    expect(coffee[0]!.rule.lift).toBeGreaterThan(5);
  });
});

function groceries(): Transactions {
  const text = readFileSync(GROCERIES, 'utf8');
  return transactionsFromBaskets(text.split('\n').filter((l) => l.length > 0).map((l) => l.split(',')));
}

describe.skipIf(!existsSync(GROCERIES))('groceries (reference.md: association rules)', () => {
  const tx = existsSync(GROCERIES) ? groceries() : transactionsFromBaskets([]);

  it('reads 9,835 baskets, 169 items, whole milk in 2,513 (reference.md: counts, groceries)', () => {
    expect(tx.baskets).toBe(9835);
    expect(tx.items).toHaveLength(169);
    const milk = tx.items.indexOf('whole milk');
    expect([...tx.codes].filter((c) => c === milk)).toHaveLength(2513);
  });

  it('finds 463 rules at support 0.006, confidence 0.25', () => {
    const rules = mineRules(tx, { minSupport: 0.006, minConfidence: 0.25 });
    expect(rules.rules).toHaveLength(463);
    expect(rules.limits).toEqual([]);
    // Lantz, Machine Learning with R, ch. 8 (the same arules run): the top rule by lift.
    const top = rules.rules[0]!;
    expect(keyOf(rules, top)).toBe('herbs>root vegetables');
    expect(top.lift).toBeCloseTo(3.956477, 5);
    expect(top.confidence).toBeCloseTo(0.43125, 6);
  });

  it('finds 410 rules at support 0.001, confidence 0.8, well under 5 s', () => {
    const t0 = performance.now();
    const rules = mineRules(tx, { minSupport: 0.001, minConfidence: 0.8 });
    const ms = performance.now() - t0;
    console.log(`[metrics-rules] groceries 0.001/0.8: ${rules.rules.length} rules, ${rules.itemsetsBySize.reduce((a, b) => a + b, 0)} frequent itemsets in ${ms.toFixed(0)} ms`);
    expect(rules.rules).toHaveLength(410);
    // The best-known rule of this run: {liquor, red/blush wine} → {bottled beer}, lift 11.235.
    expect(keyOf(rules, rules.rules[0]!)).toBe('liquor,red/blush wine>bottled beer');
    expect(rules.rules[0]!.lift).toBeCloseTo(11.235269, 5);
    expect(ms).toBeLessThan(5000);
  });
});

describe.skipIf(!existsSync(BREAD))('basketItemsSql on bread_basket (reference.md: counts, bread_basket)', () => {
  it('counts 9,531 transactions, and leaves NONE out with a filter', async () => {
    const { table } = await loadDelimited(db, { fileName: 'BreadBasket_DMS.csv', bytes: new Uint8Array(readFileSync(BREAD)) });
    const all = (await db.query(basketItemsSql(table.name, 'Transaction', 'Item').items)).rows;
    expect(all[0]!.total_baskets).toBe(9531);
    const none = all.find((r) => r.item === 'NONE');
    expect(none).toBeDefined();
    const q = basketItemsSql(table.name, 'Transaction', 'Item', [{ column: 'Item', op: '<>', value: 'NONE' }]);
    const tx = await fetchTransactions(db, q);
    expect(tx.items).not.toContain('NONE');
    expect(tx.items[0]).toBe('Coffee');
    const rules = mineRules(tx, { minSupport: 0.01, minConfidence: 0.3 });
    console.log(`[metrics-rules] bread_basket: ${tx.baskets} baskets without NONE, ${rules.totalRules} rules at 0.01/0.3; top: ${topRules(rules, 1).map((r) => describeRule(rules, r, 'en')).join('')}`);
    expect(rules.totalRules).toBeGreaterThan(0);
  });
});
