/**
 * The lines index's per-customer answers: what `loyaltySql`, `tierSummarySql`,
 * `paretoSql` and `lorenzSql` give on the base table. Each of those groups
 * the filtered lines by customer (and by order) in SQL, which took 0.3–0.5 s a
 * measure at 1M lines in DuckDB-WASM; here the four are taken from the one
 * read of the window's kept lines (pass.ts): every customer's spend, first
 * and last day, orders and categories, and the orders' first days.
 *
 * The SQL stays the definition (the unit test compares both on awkward
 * generated lines). What the index cannot answer exactly, it refuses (null):
 * an order whose sales lines name two customers (the SQL counts it once per
 * customer, the index's order marks once), and, for loyalty, a sales line of
 * a customer without an order key (the SQL groups those lines as one order).
 */
import type { BigCustomersRow } from '../../metrics/customers.ts';
import type { LoyaltyRow } from '../../metrics/loyalty.ts';
import { TIERS, tierOf, type LorenzRow, type ParetoRow, type TierSummaryRow } from '../../metrics/tiers.ts';
import { RETURN, type LinesIndex, type Selection } from './lines.ts';
import { borrow, customerPass, giveBack, lend, NOT_SEEN, type CustomerPass, type Reusable } from './pass.ts';

/** What the whole index allows (read once per index). */
interface Checks {
  /** Every order's sales lines name at most one customer. */
  oneCustomerPerOrder: boolean;
  /** A customer's sales line has no order key. */
  orderlessSales: boolean;
}

const checksOf = new WeakMap<LinesIndex, Checks>();

export function checks(ix: LinesIndex): Checks {
  if (ix.whole) return ix.whole;
  let c = checksOf.get(ix);
  if (c) return c;
  const owner = new Int32Array(ix.orders).fill(-1);
  c = { oneCustomerPerOrder: true, orderlessSales: false };
  for (let i = 0; i < ix.rows; i++) {
    const who = ix.customer[i]!;
    if (who < 0 || (ix.flags[i]! & RETURN) !== 0) continue;
    const o = ix.order[i]!;
    if (o < 0) c.orderlessSales = true;
    else if (owner[o] === -1) owner[o] = who;
    else if (owner[o] !== who) c.oneCustomerPerOrder = false;
  }
  checksOf.set(ix, c);
  return c;
}

/**
 * DuckDB's `quantile_cont(x, q)` of `values` (in any order); null when empty. When their range is not much larger
 * than their number (days, gaps, order counts) the two ranks are found by counting, without sorting the values.
 */
export function intQuantile(values: Int32Array, q: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo > 4 * n + 4096) return quantileCont(values.slice().sort(), q);
  const counts = new Int32Array(hi - lo + 1);
  for (let k = 0; k < n; k++) counts[values[k]! - lo]!++;
  const rn = (n - 1) * q;
  const below = Math.floor(rn);
  const above = Math.ceil(rn);
  // The values at ranks `below` and `above` (0-based, ascending).
  let a = NaN;
  let seen = 0;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]!;
    if (Number.isNaN(a) && seen > below) a = v + lo;
    if (seen > above) return below === above ? a : a + (v + lo - a) * (rn - below);
  }
  return a;
}

/** DuckDB's `quantile_cont(x, q)` of ascending `sorted`: interpolated between the two nearest ranks; null when empty. */
export function quantileCont(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rn = (n - 1) * q;
  const lo = Math.floor(rn);
  const hi = Math.ceil(rn);
  const a = sorted[lo]!;
  return lo === hi ? a : a + (sorted[hi]! - a) * (rn - lo);
}

/**
 * `values` (each a `cents` result: whole cents as a double) in `sort()`'s order, by two counting passes over their
 * whole cents (−0 before 0) when there are 256 or more and their range fits in 32 bits, else by `sort()`. Node, 645k
 * customers' spend (10M lines): `sort()` 72–90 ms, the counting 17–19 ms on reused arrays (`alloc`). The values are
 * the same doubles, only reordered.
 */
export function sortedCents(values: Float64Array, alloc: Alloc = fresh, done: (use: string, a: Reusable) => void = () => undefined): Float64Array {
  const n = values.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const c = Math.round(values[k]! * 100);
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  if (n < 256 || !(2 * (hi - lo) + 1 < 2 ** 32)) return values.slice().sort();
  // Twice the cents from the lowest, plus one except for −0: ascending as `sort()` orders them.
  const keys = alloc('sort.keys', Uint32Array, n, null);
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    keys[k] = 2 * (Math.round(v * 100) - lo) + (v === 0 && 1 / v < 0 ? 0 : 1);
  }
  // By the low 16 bits, then (stably) by the high 16 bits.
  const counts = alloc('sort.counts', Int32Array, 1 << 16, 0);
  const byLow = alloc('sort.byLow', Uint32Array, n, null);
  for (let k = 0; k < n; k++) counts[keys[k]! & 0xffff]!++;
  toStarts(counts);
  for (let k = 0; k < n; k++) byLow[counts[keys[k]! & 0xffff]!++] = k;
  counts.fill(0);
  for (let k = 0; k < n; k++) counts[keys[k]! >>> 16]!++;
  toStarts(counts);
  const out = alloc('sort.out', Float64Array, n, null);
  for (let j = 0; j < n; j++) {
    const k = byLow[j]!;
    out[counts[keys[k]! >>> 16]!++] = values[k]!;
  }
  done('sort.keys', keys);
  done('sort.counts', counts);
  done('sort.byLow', byLow);
  return out;
}

/** Counts by bucket made into each bucket's first position (the counts before it). */
function toStarts(counts: Int32Array): void {
  for (let b = 0, at = 0; b < counts.length; b++) {
    const c = counts[b]!;
    counts[b] = at;
    at += c;
  }
}

/** Where an array of `n` comes from (`value`: every element's, null for one written before it is read). */
type Alloc = <T extends Reusable>(use: string, make: new (n: number) => T, n: number, value: number | null) => T;
const fresh: Alloc = (_, make, n, value) => {
  const a = new make(n);
  return value === null || value === 0 ? a : (a.fill(value) as typeof a);
};

/** DuckDB's `round(x, 2)`: halves away from zero. */
function cents(x: number): number {
  const r = Math.round(Math.abs(x) * 100) / 100;
  return x < 0 ? -r : r;
}

// ---------------------------------------------------------------- loyaltySql

/** `loyaltySql` on the base table under the selection's filters (`from`/`to` the date filters, as days); null when refused (above). */
export function loyaltyRow(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): LoyaltyRow | null {
  const ok = checks(ix);
  if (!ok.oneCustomerPerOrder || ok.orderlessSales) return null;
  const p = customerPass(ix, sel, from, to);
  let customers = 0;
  let orders = 0;
  let repeat = 0;
  let cross = 0;
  // Every sales line has an order key here: a buyer is a customer with an order.
  for (let c = 0; c < ix.customers; c++) {
    const n = p.orders[c]!;
    if (n === 0) continue;
    customers++;
    orders += n;
    if (n >= 2) repeat++;
    if (p.categories[c]! >= 2) cross++;
  }
  const gaps = p.gaps;
  let sum = 0;
  for (let k = 0; k < gaps.length; k++) sum += gaps[k]!;
  const share = (x: number): number | null => (customers > 0 ? x / customers : null);
  const hasCategory = ix.dims.category !== undefined;
  return {
    customers,
    orders,
    repeat_customers: repeat,
    repeat_rate: share(repeat),
    cross_customers: hasCategory ? cross : null,
    cross_rate: hasCategory ? share(cross) : null,
    purchase_frequency: share(orders),
    interpurchase_gaps: gaps.length,
    median_interpurchase_days: intQuantile(gaps, 0.5),
    avg_interpurchase_days: gaps.length > 0 ? sum / gaps.length : null,
  };
}

// ---------------------------------------------------------------- RFM: tierSummarySql, paretoSql, lorenzSql

/** `rfmSql`'s recency, frequency and monetary of each customer it scores (in no order), their medians, and monetary sorted. */
interface Rfm {
  n: number;
  recency: Int32Array;
  frequency: Int32Array;
  monetary: Float64Array;
  median: { recency: number | null; frequency: number | null; monetary: number | null };
  /** Monetary in ascending order (Pareto and Lorenz sum it so). */
  sortedMonetary: Float64Array;
  /** Spend of the `r` smallest spenders, `cum[r]` (`cum[0]` = 0). */
  cum: Float64Array;
}

/** Each `Rfm` made from a pass, by as-of day. */
const rfmsOf = new WeakMap<CustomerPass, Map<number, Rfm>>();

function rfmOf(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, asOf: number): Rfm | null {
  if (!checks(ix).oneCustomerPerOrder) return null;
  // rfmSql leaves out the lines after the as-of day, within the date filters.
  const p = customerPass(ix, sel, from, to === null ? asOf : Math.min(to, asOf));
  let made = rfmsOf.get(p);
  if (!made) rfmsOf.set(p, (made = new Map()));
  const hit = made.get(asOf);
  if (hit) return hit;
  let n = 0;
  for (let c = 0; c < ix.customers; c++) if (p.last[c] !== NOT_SEEN) n++;
  // The arrays go back to the read's pool with the read (pass.ts): at 10M lines, allocating them took longer than filling them.
  const recency = lend(ix, p, 'rfm.recency', Int32Array, n, null);
  const frequency = lend(ix, p, 'rfm.frequency', Int32Array, n, null);
  const monetary = lend(ix, p, 'rfm.monetary', Float64Array, n, null);
  let k = 0;
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    recency[k] = asOf - p.last[c]!;
    frequency[k] = p.orders[c]!;
    monetary[k++] = cents(p.spend[c]!);
  }
  // The sorted copy stays with the read; the sort's working arrays go back as soon as it is done.
  const sortedMonetary = sortedCents(
    monetary,
    (use, make, size, value) => (use === 'sort.out' ? lend(ix, p, use, make, size, value) : borrow(ix, use, make, size, value)),
    (use, a) => giveBack(ix, use, a),
  );
  const median = { recency: intQuantile(recency, 0.5), frequency: intQuantile(frequency, 0.5), monetary: quantileCont(sortedMonetary, 0.5) };
  const cum = lend(ix, p, 'rfm.cum', Float64Array, n + 1, null);
  cum[0] = 0;
  for (let j = 0; j < n; j++) cum[j + 1] = cum[j]! + sortedMonetary[j]!;
  const r: Rfm = { n, recency, frequency, monetary, median, sortedMonetary, cum };
  made.set(asOf, r);
  return r;
}

/** `tierSummarySql`: the four tiers in order, with the medians the flags were cut at. */
export function tierRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, asOf: number): TierSummaryRow[] | null {
  const r = rfmOf(ix, sel, from, to, asOf);
  if (!r) return null;
  const { recency: medRecency, frequency: medFrequency, monetary: medMonetary } = r.median;
  // By the three flags (recent 4, frequent 2, high value 1): the tier's place in TIERS.
  const place = Int32Array.from({ length: 8 }, (_, f) => TIERS.findIndex((t) => t.tier === tierOf((f & 4) !== 0, (f & 2) !== 0, (f & 1) !== 0)));
  const count = new Int32Array(TIERS.length);
  const revenue = new Float64Array(TIERS.length);
  const recency = new Float64Array(TIERS.length);
  const frequency = new Float64Array(TIERS.length);
  let total = 0;
  // With customers there are medians (NULL compares as false only when there are none).
  const mr = medRecency!;
  const mf = medFrequency!;
  const mm = medMonetary!;
  for (let k = 0; k < r.n; k++) {
    const rec = r.recency[k]!;
    const fr = r.frequency[k]!;
    const mo = r.monetary[k]!;
    const t = place[(rec < mr ? 4 : 0) | (fr > mf ? 2 : 0) | (mo > mm ? 1 : 0)]!;
    count[t]!++;
    revenue[t]! += mo;
    recency[t]! += rec;
    frequency[t]! += fr;
    total += mo;
  }
  return TIERS.map(({ tier, zh, action }, i) => {
    const t = { n: count[i]!, revenue: revenue[i]!, recency: recency[i]!, frequency: frequency[i]! };
    return {
      tier,
      tier_zh: zh,
      action,
      customers: t.n,
      customer_share: r.n > 0 ? t.n / r.n : null,
      revenue: t.revenue,
      revenue_share: r.n > 0 && total !== 0 ? t.revenue / total : null,
      avg_recency_days: t.n > 0 ? t.recency / t.n : null,
      avg_frequency: t.n > 0 ? t.frequency / t.n : null,
      median_recency_days: medRecency,
      median_frequency: medFrequency,
      median_monetary: medMonetary,
    };
  });
}

/** The Lorenz curve's value `lorenzAt` in tiers.ts gives at `whole + frac` customers; null when the total is 0 or there are none. */
function lorenzAt(cum: Float64Array, whole: number, frac: number): number | null {
  const n = cum.length - 1;
  const total = cum[n]!;
  if (n === 0 || total === 0) return null;
  const c0 = cum[whole]!;
  const c1 = whole + 1 <= n ? cum[whole + 1]! : c0;
  return (c0 + frac * (c1 - c0)) / total;
}

/** `paretoSql` with `topShare`. */
export function paretoRow(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, asOf: number, topShare: number): ParetoRow | null {
  const r = rfmOf(ix, sel, from, to, asOf);
  if (!r) return null;
  const { cum } = r;
  const total = cum[r.n]!;
  // The SQL computes (1 − topShare) × n in decimals: the same exactly, in integers scaled by the share's digits.
  const digits = decimalDigits(topShare);
  const scale = 10 ** digits;
  const scaled = (scale - Math.round(topShare * scale)) * r.n;
  const whole = Math.floor(scaled / scale);
  const y = lorenzAt(cum, whole, (scaled - whole * scale) / scale);
  let sumCum = 0;
  for (let k = 1; k <= r.n; k++) sumCum += cum[k]!;
  return {
    customers: r.n,
    revenue: r.n > 0 ? total : null,
    top_share: topShare,
    top_revenue_share: y === null ? null : 1 - y,
    gini: r.n > 0 && total !== 0 ? 1 - (2 * sumCum / total - 1) / r.n : null,
  };
}

/** How many decimals `x` is written with (at most 12). */
export function decimalDigits(x: number): number {
  let d = 0;
  while (d < 12 && Math.abs(x * 10 ** d - Math.round(x * 10 ** d)) > 1e-9) d++;
  return d;
}

/** `lorenzSql` with `points` steps. */
export function lorenzRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, asOf: number, points: number): LorenzRow[] | null {
  const r = rfmOf(ix, sel, from, to, asOf);
  if (!r) return null;
  const { cum } = r;
  const out: LorenzRow[] = [];
  for (let i = 0; i <= points; i++) {
    const pos = (i * r.n) / points;
    const whole = Math.floor(pos);
    out.push({ x: i / points, y: lorenzAt(cum, whole, pos - whole) });
  }
  return out;
}

// ---------------------------------------------------------------- bigCustomersSql

/** Spends this close (relative) may sum to either side of each other in the SQL, which adds a customer's lines in another order. */
const SPEND_TIE = 1e-11;

/**
 * `bigCustomersSql` with `topShare`: each customer's spend and orders over the window's kept lines (the read of
 * pass.ts), the top ⌈share × n⌉ by spend `big`. The SQL breaks ties by customer id, which the index does not
 * order by: where customers whose spends tie (within `SPEND_TIE`) straddle the cut and differ in orders, which of
 * them is big changes the tiers' orders, and the index refuses (null), as it does for an order naming two customers,
 * and without date bounds when some lines are undated.
 */
export function bigRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, topShare: number): BigCustomersRow[] | null {
  if (!checks(ix).oneCustomerPerOrder) return null;
  const p = customerPass(ix, sel, from, to);
  // Without date bounds the SQL adds undated lines too, which the read leaves out.
  if (p.scope.undated && from === null && to === null) return null;
  let n = 0;
  for (let c = 0; c < ix.customers; c++) if (p.last[c] !== NOT_SEEN) n++;
  if (n === 0) return [];
  const spends = borrow(ix, 'big.spend', Float64Array, n, null);
  let k = 0;
  for (let c = 0; c < ix.customers; c++) if (p.last[c] !== NOT_SEEN) spends[k++] = p.spend[c]!;
  spends.sort();
  // The SQL rounds share × n to 9 decimals before its ceiling: the same in integers scaled by the share's digits.
  const scale = 10 ** decimalDigits(topShare);
  const big = Math.min(n, Math.max(1, Math.ceil((Math.round(topShare * scale) * n) / scale)));
  const cut = spends[n - big]!;
  giveBack(ix, 'big.spend', spends);
  const tol = SPEND_TIE * Math.max(1, Math.abs(cut));
  // Above the tie band: big whatever the order; in it, as many as the cut leaves room for.
  let above = 0;
  let tied = 0;
  let tiedOrders = -1;
  let same = true;
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    const s = p.spend[c]!;
    if (s > cut + tol) above++;
    else if (s >= cut - tol) {
      tied++;
      if (tiedOrders < 0) tiedOrders = p.orders[c]!;
      else if (p.orders[c] !== tiedOrders) same = false;
    }
  }
  let room = big - above;
  if (tied > room && !same) return null;
  const tiers = [
    { tier: 'big' as const, customers: 0, revenue: 0, orders: 0, min: Infinity, max: -Infinity },
    { tier: 'small' as const, customers: 0, revenue: 0, orders: 0, min: Infinity, max: -Infinity },
  ];
  let total = 0;
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    const s = p.spend[c]!;
    let isBig = s > cut + tol;
    if (!isBig && s >= cut - tol && room > 0) {
      isBig = true;
      room--;
    }
    const t = tiers[isBig ? 0 : 1]!;
    t.customers++;
    t.revenue += s;
    t.orders += p.orders[c]!;
    if (s < t.min) t.min = s;
    if (s > t.max) t.max = s;
    total += s;
  }
  return tiers
    .filter((t) => t.customers > 0)
    .map((t) => ({
      tier: t.tier, customers: t.customers, customer_share: t.customers / n, revenue: t.revenue, revenue_share: total !== 0 ? t.revenue / total : null,
      orders: t.orders, avg_spend: t.revenue / t.customers, min_spend: t.min, max_spend: t.max,
    }));
}
