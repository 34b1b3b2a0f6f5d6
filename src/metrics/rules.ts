/**
 * Association rules for cross-selling ("customers who bought X also bought Y").
 *
 * Baskets come in as transactions (transactions.ts). Mining is Eclat: one
 * bitset per frequent item, tid lists filtered against those bitsets depth
 * first. Semantics follow R arules' `apriori(..., minlen = 2)`: support is a
 * share of all baskets, every rule has one item on the right and at least one
 * on the left, and every frequent itemset of 2…`maxLength` items yields each
 * rule that reaches the minimum confidence. Reading the rules: recommend.ts.
 *
 * Pure TypeScript with no DOM, so it runs unchanged in a worker.
 */
import { abortError } from '../lib/errors.ts';
import type { Transactions } from './transactions.ts';

export interface RuleOptions {
  /** Share of baskets, in (0, 1]. An itemset is frequent when its basket count ≥ ceil(minSupport · baskets). */
  minSupport: number;
  /** In [0, 1]. A rule X → y is kept when count(X ∪ y) / count(X) ≥ minConfidence. */
  minConfidence: number;
  /** Called as mining goes, with the share done (0–1): itemsets first item by item, then the rules. */
  onProgress?: ((fraction: number) => void) | undefined;
  /** Fewest items in a rule, left and right together; at least 2 (the default). */
  minLength?: number;
  /** Most items in a rule or itemset; default 10, as in arules. */
  maxLength?: number;
  /** Rules kept, highest lift first; default 100,000. The rest are counted, and `limits` says so. */
  maxRules?: number;
  /** Frequent itemsets allowed before mining gives up with an error; default 2,000,000. */
  maxItemsets?: number;
  /**
   * Memory for one bitset per frequent item over all baskets; default 64 MiB.
   * Past it the miner intersects sorted basket lists instead: same result, slower.
   */
  bitsetBudgetBytes?: number;
  signal?: AbortSignal;
}

/** One rule `lhs → rhs`; item codes index `RuleSet.items`. */
export interface Rule {
  /** Left-hand side, ascending codes, never empty. */
  lhs: readonly number[];
  rhs: number;
  /** Baskets holding every item of the rule. */
  count: number;
  /** count / baskets. */
  support: number;
  /** Support of the left-hand side alone: count(lhs) / baskets. */
  coverage: number;
  /** count / count(lhs): the share of baskets with lhs that also hold rhs. */
  confidence: number;
  /** confidence / support(rhs): how many times likelier rhs is given lhs. 1 means independent. */
  lift: number;
  /** support − support(lhs) · support(rhs). */
  leverage: number;
  /** (1 − support(rhs)) / (1 − confidence); Infinity when confidence is 1. */
  conviction: number;
}

export type RuleLimitCode = 'max_rules' | 'max_length';

/** A guard that changed the result, with a message for the user in both languages. */
export interface RuleLimit {
  code: RuleLimitCode;
  limit: number;
  en: string;
  zh: string;
}

export interface RuleSet {
  items: readonly string[];
  baskets: number;
  /** Basket count a frequent itemset needs. */
  minCount: number;
  /** Baskets holding each item (index = item code). */
  itemCounts: Uint32Array;
  /** Frequent itemsets by size: `itemsetsBySize[k]` itemsets of k items (index 0 unused). */
  itemsetsBySize: number[];
  /** Kept rules, highest lift first (then confidence, count, and item codes). */
  rules: Rule[];
  /** Rules that passed the thresholds, kept or not. */
  totalRules: number;
  limits: RuleLimit[];
}

const DEFAULT_MAX_LENGTH = 10;
const DEFAULT_MAX_RULES = 100_000;
const DEFAULT_MAX_ITEMSETS = 2_000_000;

function inputError(en: string, zh: string): Error {
  const e = new Error(`${en}\n${zh}`);
  e.name = 'RulesInputError';
  return e;
}

/** Frequent itemsets in the mining's internal item order. */
interface Itemsets {
  /** Frequent items, by mining rank → item code. */
  order: Uint32Array;
  /** Count of each itemset, keyed by its ascending ranks joined with ','. */
  counts: Map<string, number>;
  /** Itemsets of ≥ 2 items: ranks (ascending) and counts, in discovery order. */
  sets: number[][];
  setCounts: number[];
  bySize: number[];
  /** An itemset of `maxLength` items had a frequent extension that was not explored. */
  lengthCapped: boolean;
}

/** Basket count a frequent itemset needs: ceil(minSupport · baskets), at least 1 (a hair of slack for 0.006 · 10000 and the like). */
export function minSupportCount(minSupport: number, baskets: number): number {
  return Math.max(1, Math.ceil(minSupport * baskets - 1e-9));
}

const DEFAULT_BITSET_BUDGET = 64 * 1024 * 1024;

interface MineLimits {
  minCount: number;
  maxLength: number;
  maxItemsets: number;
  bitsetBudgetBytes: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

function mineItemsets(tx: Transactions, { minCount, maxLength, maxItemsets, bitsetBudgetBytes, signal, onProgress }: MineLimits): Itemsets & { itemCounts: Uint32Array } {
  const nItems = tx.items.length;
  const nBaskets = tx.offsets.length - 1;
  const itemCounts = new Uint32Array(nItems);
  for (let k = 0; k < tx.codes.length; k++) itemCounts[tx.codes[k]!]!++;

  // Rarest first: prefixes then carry the shortest tid lists.
  const frequent: number[] = [];
  for (let c = 0; c < nItems; c++) if (itemCounts[c]! >= minCount) frequent.push(c);
  frequent.sort((a, b) => itemCounts[a]! - itemCounts[b]! || a - b);
  const order = Uint32Array.from(frequent);
  const m = order.length;
  const rank = new Int32Array(nItems).fill(-1);
  order.forEach((c, r) => (rank[c] = r));

  // Each frequent item's tid list (ascending basket numbers) and, memory allowing, its bitset over baskets.
  const words = (nBaskets + 31) >>> 5;
  const useBits = m * words * 4 <= bitsetBudgetBytes;
  const bits = new Uint32Array(useBits ? m * words : 0);
  const tids = Array.from(order, (c) => new Uint32Array(itemCounts[c]!));
  const fill = new Uint32Array(m);
  for (let b = 0; b < nBaskets; b++) {
    for (let k = tx.offsets[b]!; k < tx.offsets[b + 1]!; k++) {
      const r = rank[tx.codes[k]!]!;
      if (r < 0) continue;
      if (useBits) bits[r * words + (b >>> 5)]! |= 1 << (b & 31);
      tids[r]![fill[r]!++] = b;
    }
  }
  const scratch = new Uint32Array(nBaskets);
  /** Writes list ∩ tids(j) into `scratch`, returns its length. */
  const intersect = (list: Uint32Array, j: number): number => {
    let n = 0;
    if (useBits) {
      const base = j * words;
      for (let k = 0; k < list.length; k++) {
        const t = list[k]!;
        if ((bits[base + (t >>> 5)]! >>> (t & 31)) & 1) scratch[n++] = t;
      }
      return n;
    }
    // Galloping search: `list` is usually far shorter than an item's whole tid list.
    const other = tids[j]!;
    let lo = 0;
    for (let a = 0; a < list.length && lo < other.length; a++) {
      const x = list[a]!;
      let step = 1;
      let hi = lo;
      while (hi < other.length && other[hi]! < x) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      hi = Math.min(hi, other.length);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (other[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo < other.length && other[lo] === x) scratch[n++] = x;
    }
    return n;
  };

  const counts = new Map<string, number>();
  const sets: number[][] = [];
  const setCounts: number[] = [];
  const bySize = [0, m];
  let lengthCapped = false;
  let total = m;
  for (let r = 0; r < m; r++) counts.set(String(r), itemCounts[order[r]!]!);

  const record = (set: number[], count: number): void => {
    if ((total & 0xfff) === 0 && signal?.aborted) throw abortError();
    if (++total > maxItemsets) {
      throw inputError(
        `More than ${maxItemsets.toLocaleString('en')} frequent itemsets at this minimum support (${minCount} baskets). Raise the minimum support or lower the maximum rule length.`,
        `在当前最小支持度（${minCount} 个购物篮）下频繁项集超过 ${maxItemsets} 个。请提高最小支持度或降低规则最大长度。`,
      );
    }
    counts.set(set.join(','), count);
    sets.push(set);
    setCounts.push(count);
    bySize[set.length] = (bySize[set.length] ?? 0) + 1;
  };

  // Depth first: `prefix` has tid list `list`; `exts` are ranks that extend its parent frequently.
  const extend = (prefix: number[], list: Uint32Array, exts: readonly number[]): void => {
    if (prefix.length + 1 > maxLength) {
      // Only to tell the user whether longer frequent itemsets exist.
      lengthCapped ||= exts.some((j) => intersect(list, j) >= minCount);
      return;
    }
    const children: { item: number; list: Uint32Array }[] = [];
    for (const j of exts) {
      const n = intersect(list, j);
      if (n >= minCount) children.push({ item: j, list: scratch.slice(0, n) });
    }
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      const set = [...prefix, child.item];
      record(set, child.list.length);
      if (c + 1 < children.length) extend(set, child.list, children.slice(c + 1).map((x) => x.item));
    }
  };

  for (let r = 0; r < m; r++) {
    if (signal?.aborted) throw abortError();
    // The most frequent items come first and take longest: a rough share, but one that moves.
    onProgress?.((0.9 * r) / m);
    const exts: number[] = [];
    for (let j = r + 1; j < m; j++) exts.push(j);
    extend([r], tids[r]!, exts);
  }
  return { order, counts, sets, setCounts, bySize, lengthCapped, itemCounts };
}

/** Total order on rules: lift, then confidence, then count (all descending), then item codes. */
export function compareRules(a: Rule, b: Rule): number {
  if (a.lift !== b.lift) return b.lift - a.lift;
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  if (a.count !== b.count) return b.count - a.count;
  if (a.lhs.length !== b.lhs.length) return a.lhs.length - b.lhs.length;
  for (let k = 0; k < a.lhs.length; k++) if (a.lhs[k] !== b.lhs[k]) return a.lhs[k]! - b.lhs[k]!;
  return a.rhs - b.rhs;
}

/**
 * Frequent itemsets and association rules (R arules semantics, see the file
 * comment). For each frequent itemset S of minLength…maxLength items and each
 * y in S, the rule (S − y) → y is kept when count(S) / count(S − y) ≥
 * minConfidence. Rules are sorted by lift (`compareRules`); past `maxRules`
 * only the highest-lift ones are kept, and `limits` explains any guard that
 * changed the result.
 */
export function mineRules(tx: Transactions, opts: RuleOptions): RuleSet {
  const { minSupport, minConfidence } = opts;
  const minLength = Math.max(2, Math.trunc(opts.minLength ?? 2));
  const maxLength = Math.trunc(opts.maxLength ?? DEFAULT_MAX_LENGTH);
  const maxRules = Math.max(1, Math.trunc(opts.maxRules ?? DEFAULT_MAX_RULES));
  if (!(minSupport > 0 && minSupport <= 1)) {
    throw inputError(`Minimum support must be a share of baskets between 0 and 1, got ${minSupport}.`, `最小支持度应为 0 到 1 之间的购物篮占比，当前为 ${minSupport}。`);
  }
  if (!(minConfidence >= 0 && minConfidence <= 1)) {
    throw inputError(`Minimum confidence must be between 0 and 1, got ${minConfidence}.`, `最小置信度应在 0 到 1 之间，当前为 ${minConfidence}。`);
  }
  if (!(maxLength >= 2)) {
    throw inputError(`The maximum rule length must be at least 2 items, got ${opts.maxLength}.`, `规则最大长度至少为 2 个商品，当前为 ${opts.maxLength}。`);
  }
  const n = tx.baskets;
  const minCount = minSupportCount(minSupport, n);
  const mined = mineItemsets(tx, {
    minCount,
    maxLength,
    maxItemsets: opts.maxItemsets ?? DEFAULT_MAX_ITEMSETS,
    bitsetBudgetBytes: opts.bitsetBudgetBytes ?? DEFAULT_BITSET_BUDGET,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  opts.onProgress?.(0.9);
  const { order, counts, sets, setCounts, itemCounts } = mined;

  let rules: Rule[] = [];
  let totalRules = 0;
  const sub: number[] = [];
  for (let s = 0; s < sets.length; s++) {
    if ((s & 0xfff) === 0 && opts.signal?.aborted) throw abortError();
    const set = sets[s]!;
    if (set.length < minLength) continue;
    const count = setCounts[s]!;
    for (let drop = 0; drop < set.length; drop++) {
      sub.length = 0;
      for (let k = 0; k < set.length; k++) if (k !== drop) sub.push(set[k]!);
      const lhsCount = counts.get(sub.join(','))!;
      const confidence = count / lhsCount;
      if (confidence < minConfidence) continue;
      totalRules++;
      const rhs = order[set[drop]!]!;
      const rhsSupport = itemCounts[rhs]! / n;
      const support = count / n;
      const coverage = lhsCount / n;
      rules.push({
        lhs: sub.map((r) => order[r]!).sort((a, b) => a - b),
        rhs,
        count,
        support,
        coverage,
        confidence,
        lift: confidence / rhsSupport,
        leverage: support - coverage * rhsSupport,
        conviction: confidence === 1 ? Infinity : (1 - rhsSupport) / (1 - confidence),
      });
      if (rules.length >= 2 * maxRules) rules = rules.sort(compareRules).slice(0, maxRules);
    }
  }
  rules.sort(compareRules);
  if (rules.length > maxRules) rules = rules.slice(0, maxRules);

  const limits: RuleLimit[] = [];
  if (totalRules > maxRules) {
    limits.push({
      code: 'max_rules',
      limit: maxRules,
      en: `Found ${totalRules.toLocaleString('en')} rules; kept the ${maxRules.toLocaleString('en')} with the highest lift. Raise the minimum support or confidence to see them all.`,
      zh: `共找到 ${totalRules} 条规则，仅保留提升度最高的 ${maxRules} 条。提高最小支持度或置信度可查看全部规则。`,
    });
  }
  if (mined.lengthCapped) {
    limits.push({
      code: 'max_length',
      limit: maxLength,
      en: `Some frequent itemsets have more than ${maxLength} items; rules were mined only up to ${maxLength} items. Raise the maximum length or the minimum support.`,
      zh: `部分频繁项集超过 ${maxLength} 个商品，规则只挖掘到 ${maxLength} 个商品。可提高最大长度或最小支持度。`,
    });
  }
  const bySize = mined.bySize.map((v) => v ?? 0);
  bySize[0] = 0;
  return { items: tx.items, baskets: n, minCount, itemCounts, itemsetsBySize: bySize, rules, totalRules, limits };
}
