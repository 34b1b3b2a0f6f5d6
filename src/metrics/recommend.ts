/**
 * Reading mined rules (rules.ts): the strongest rules, "customers who bought X
 * also bought …" recommendations, and a rule in plain words. Pure.
 */
import { compareRules, type Rule, type RuleSet } from './rules.ts';

export type RuleMeasure = 'lift' | 'confidence' | 'support' | 'leverage' | 'conviction';

/** The first `n` rules by `by` (descending; ties as in `compareRules`). */
export function topRules(rules: RuleSet, n: number, by: RuleMeasure = 'lift'): Rule[] {
  const sorted = by === 'lift' ? rules.rules : [...rules.rules].sort((a, b) => b[by] - a[by] || compareRules(a, b));
  return sorted.slice(0, Math.max(0, n));
}

export interface Recommendation {
  /** The recommended item's label and code. */
  item: string;
  code: number;
  /** The rule behind it (its strongest, when several rules recommend the same item). */
  rule: Rule;
}

export interface RecommendOptions {
  /** Default 5. */
  limit?: number;
  /** Ranking; default lift (confidence favours items everybody buys). */
  by?: RuleMeasure;
}

function rank(candidates: Rule[], rules: RuleSet, opts: RecommendOptions): Recommendation[] {
  const by = opts.by ?? 'lift';
  const best = new Map<number, Rule>();
  for (const r of candidates) {
    const cur = best.get(r.rhs);
    if (!cur || r[by] > cur[by] || (r[by] === cur[by] && compareRules(r, cur) < 0)) best.set(r.rhs, r);
  }
  return [...best.values()]
    .sort((a, b) => b[by] - a[by] || compareRules(a, b))
    .slice(0, Math.max(0, opts.limit ?? 5))
    .map((rule) => ({ item: rules.items[rule.rhs]!, code: rule.rhs, rule }));
}

/**
 * "Customers who bought `item` also bought …": the right-hand sides of the
 * rules whose left-hand side is exactly {item}, best first by `by`. Empty when
 * the item is unknown or has no such rule.
 */
export function recommendations(rules: RuleSet, item: string, opts: RecommendOptions = {}): Recommendation[] {
  const code = rules.items.indexOf(item);
  if (code < 0) return [];
  return rank(rules.rules.filter((r) => r.lhs.length === 1 && r.lhs[0] === code), rules, opts);
}

/**
 * Items to suggest for a basket: right-hand sides of rules whose left-hand
 * side lies inside `basket` and whose right-hand side does not, one per item
 * (its strongest rule), best first by `by`.
 */
export function basketRecommendations(rules: RuleSet, basket: readonly string[], opts: RecommendOptions = {}): Recommendation[] {
  const have = new Set<number>();
  for (const label of basket) {
    const code = rules.items.indexOf(label);
    if (code >= 0) have.add(code);
  }
  return rank(rules.rules.filter((r) => !have.has(r.rhs) && r.lhs.every((c) => have.has(c))), rules, opts);
}

/** `recommendations` for every item that has one, by item label (labels in code order). */
export function recommendationsByItem(rules: RuleSet, opts: RecommendOptions = {}): Map<string, Recommendation[]> {
  const byLhs = new Map<number, Rule[]>();
  for (const r of rules.rules) {
    if (r.lhs.length !== 1) continue;
    const c = r.lhs[0]!;
    let list = byLhs.get(c);
    if (!list) byLhs.set(c, (list = []));
    list.push(r);
  }
  const out = new Map<string, Recommendation[]>();
  for (const c of [...byLhs.keys()].sort((a, b) => a - b)) out.set(rules.items[c]!, rank(byLhs.get(c)!, rules, opts));
  return out;
}

/** A rule's items as labels. */
export function ruleLabels(rules: RuleSet, rule: Rule): { lhs: string[]; rhs: string } {
  return { lhs: rule.lhs.map((c) => rules.items[c]!), rhs: rules.items[rule.rhs]! };
}

/**
 * A rule in plain words, e.g. "Customers who bought phone case and charger also
 * bought screen protector in 62% of cases (2.4× as often as all customers)."
 */
export function describeRule(rules: RuleSet, rule: Rule, lang: 'en' | 'zh'): string {
  const { lhs, rhs } = ruleLabels(rules, rule);
  const pct = `${Math.round(rule.confidence * 100)}%`;
  const lift = rule.lift.toFixed(1);
  if (lang === 'zh') return `购买了${lhs.join('、')}的顾客中，有 ${pct} 也购买了${rhs}（是全部顾客的 ${lift} 倍）。`;
  const left = lhs.length === 1 ? lhs[0]! : `${lhs.slice(0, -1).join(', ')} and ${lhs[lhs.length - 1]!}`;
  return `Customers who bought ${left} also bought ${rhs} in ${pct} of cases (${lift}× as often as all customers).`;
}
