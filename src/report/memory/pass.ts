/**
 * The lines index's one read of a date window, customer by customer: what
 * the per-customer measures (customers.ts) and the measures over time
 * (activity.ts) are taken from. It goes over the index's customer-ordered
 * copy (`CustomerLines` in lines.ts), so one customer's figures are in hand
 * at a time and each is written once, and in one go it makes:
 *
 * - each customer's spend, first and last day, orders and categories, and
 *   the gaps between their orders (the RFM measures and loyalty);
 * - which customers bought in which month (a bit per customer per month),
 *   and, by month and by first-purchase month, the customers who bought and
 *   their revenue (retention, new vs returning, cohorts);
 * - each customer's first and last kept day before the window (customer
 *   status counts every line up to the as-of day);
 * - spend in the last two 90-day windows to the window's end (life cycle);
 * - the scope's counts over the customers' lines (returns whatever the
 *   revenue basis, distinct orders).
 *
 * The window's bounds are normalized first (a bound beyond the lines' days
 * is none), so measures that ask with and without such a bound share the
 * read; the months the measures list are then placed on the read's months
 * (activity.ts), and a month outside them is one without lines.
 */
import { LINE_FLAGS, NO_DAY } from '../../metrics/cube.ts';
import {
  FIRST_OF_ORDER, inlineChecks, keptBeyondTwo, lowerBound, MIXED_ORDER, monthStart, NO_ORDER, RETURN, type LinesIndex, type Selection,
} from './lines.ts';

const NO_AMOUNT = LINE_FLAGS.noAmount;
/** A first day not seen. */
const UNSEEN = 0x7fffffff;

/** `last` of a customer with no kept line in the window. */
export const NOT_SEEN = -0x80000000;

/** The life cycle's two windows' length in days (`lifecycleStagesSql`'s default). */
export const WINDOW = 90;

/** At most this many months, and this many 32-bit words of month marks, in one read's activity (else the SQL answers). */
export const MAX_MONTHS = 1200;
const MAX_MARK_WORDS = 16_000_000;

/** Customers' marks per month of a date window, and revenue by month and by first-purchase month. */
export interface Activity {
  /** Month 0's first day; `months` months from it. */
  base: number;
  months: number;
  /** Customer `c` bought in month `m`: bit `c & 31` of `marks[m × words + (c >>> 5)]`. */
  words: number;
  marks: Uint32Array;
  /** By month: the customers whose first purchase is within the window's dates, in that month (the cohorts' sizes). */
  cohortSize: Int32Array;
  /** By month: revenue of customers in their first month, and of the others. */
  newRevenue: Float64Array;
  returningRevenue: Float64Array;
  /** By first-purchase month (a month of the window) × month: revenue (`cohortRevenue[f × months + m]`). */
  cohortRevenue: Float64Array;
  /** By first-purchase month (a month of the window) × month: the customers who bought (`cohortActive[f × months + m]`). */
  cohortActive: Int32Array;
  /** By month: the customers who bought in it whose first purchase (over every date up to the window's end) was in it. */
  newCustomers: Int32Array;
  /** The first and last day of a kept line with a customer; [∞, −∞] when none. */
  lo: number;
  hi: number;
}

/** What the kept dated lines of a date window say per customer (arrays by customer code), and month by month. */
export interface CustomerPass {
  /** The last day of any line (returns too); `NOT_SEEN` for a customer with no kept line. */
  last: Int32Array;
  /** The first day of any line (returns too). */
  first: Int32Array;
  /** Sum of the line amounts (returns negative; lines without an amount add nothing). */
  spend: Float64Array;
  /** Distinct orders of sales lines (returns and lines without an order key left out). */
  orders: Int32Array;
  /** Distinct non-NULL categories of sales lines. */
  categories: Int32Array;
  /**
   * The days from each customer's order to their next (orders by first day), in no order. A customer's lines are
   * read in day order, so each order is met first on its first day (when its lines name one customer: else loyalty,
   * which reads these, is refused).
   */
  gaps: Int32Array;
  /** The window's last day (its `to`, else the lines' last dated day). */
  end: number;
  /** Over every date up to the window's end (before its start too): each customer's first and last day (`UNSEEN`, `NOT_SEEN` when none). */
  everFirst: Int32Array;
  everLast: Int32Array;
  /** Spend in the last `WINDOW` days to the window's end, and in the `WINDOW` days before those (within the window). */
  recent: Float64Array;
  previous: Float64Array;
  /** The window's months; null when there are too many (`MAX_MONTHS`). */
  activity: Activity | null;
  /** The scope's counts over the window's customer lines kept by the dimension filters (scopeTotalsSql; activity.ts adds the rest). */
  scope: CustomerScope;
  /** Arrays lent for what was made from this read (`lend`), by use. */
  lent: [string, Reusable][];
}

/**
 * What `scopeTotalsSql` counts of the window's customer lines kept by the dimension filters: returns whatever the
 * revenue basis, lines and revenue by it, and the distinct orders of sales lines (those in `orderSeen` by code when
 * an order is marked, else one a flagged line).
 */
export interface CustomerScope {
  lines: number;
  revenue: number;
  revenueLines: number;
  returns: number;
  returnAmount: number;
  orders: number;
  /** Customers with a kept sales line. */
  buyers: number;
  /** By order code, 1 when the order was marked in the read; empty when no order is marked (then none is). */
  orderSeen: Uint8Array;
  /** Some customer has undated lines (the scope without date bounds counts them: activity.ts reads them then). */
  undated: boolean;
}

/** Months from the month of day `a` to that of day `b`. */
export function monthsBetween(a: number, b: number): number {
  const x = new Date(a * 86_400_000);
  const y = new Date(b * 86_400_000);
  return (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + y.getUTCMonth() - x.getUTCMonth();
}

/** The first and last dated day of the lines (null when none), read once per index. */
const datedSpanOf = new WeakMap<LinesIndex, [number, number] | null>();
export function datedSpan(ix: LinesIndex): [number, number] | null {
  if (ix.whole) return ix.whole.span;
  if (datedSpanOf.has(ix)) return datedSpanOf.get(ix)!;
  let lo = Infinity;
  let hi = -Infinity;
  for (let seg = 0; seg + 1 < ix.segments.length; seg++) {
    const a = lowerBound(ix.day, NO_DAY + 1, ix.segments[seg]!, ix.segments[seg + 1]!);
    if (a === ix.segments[seg + 1]) continue;
    lo = Math.min(lo, ix.day[a]!);
    hi = Math.max(hi, ix.day[ix.segments[seg + 1]! - 1]!);
  }
  const span: [number, number] | null = hi >= lo ? [lo, hi] : null;
  datedSpanOf.set(ix, span);
  return span;
}

/** Whether a line of the customer-ordered copy (`CustomerLines`) is kept: by the dimension filters, and with `basis` by the revenue basis. */
export function customerKept(ix: LinesIndex, sel: Selection, basis = true): (i: number) => boolean {
  const codes = sel.dims.map((d) => ix.byCustomer.dims[d]!);
  const { n, c0, k0, c1, k1 } = inlineChecks(sel, codes);
  const { flags } = ix.byCustomer;
  const skip = basis && sel.gross ? RETURN : 0;
  return (i) => (flags[i]! & skip) === 0 && (n === 0 || (k0[c0[i]!] !== 0 && (n === 1 || (k1[c1[i]!] !== 0 && (n === 2 || keptBeyondTwo(sel, i, codes))))));
}

/** `a`'s values in a larger array of `size`. */
function grown(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(a);
  return out;
}

/** An empty activity for the months of `start` … `end`; null when too many. */
function newActivity(ix: LinesIndex, start: number, end: number): Activity | null {
  const months = Math.max(0, monthsBetween(start, end) + 1);
  const words = (ix.customers + 31) >>> 5;
  if (months > MAX_MONTHS || months * words > MAX_MARK_WORDS) return null;
  return {
    base: monthStart(start), months, words, marks: borrow(ix, 'marks', Uint32Array, months * words), cohortSize: new Int32Array(months),
    newRevenue: new Float64Array(months), returningRevenue: new Float64Array(months), cohortRevenue: new Float64Array(months * months),
    cohortActive: new Int32Array(months * months), newCustomers: new Int32Array(months),
    lo: Infinity, hi: -Infinity,
  };
}

/** A customer's revenue `x` in month `m` (first purchase in month `f`, −1 before the window) to the months' sums. */
function addMonth(act: Activity, f: number, m: number, x: number): void {
  if (f === m) act.newRevenue[m]! += x;
  else act.returningRevenue[m]! += x;
  if (f >= 0) act.cohortRevenue[f * act.months + m]! += x;
}

const passesOf = new WeakMap<Selection, Map<string, CustomerPass>>();

export type Reusable = Int32Array | Float64Array | Uint8Array | Uint32Array;
/** At most this many arrays kept per use. */
const FREE_PER_USE = 2;

/**
 * The arrays of reads whose selection was dropped (`dropPasses`), by index and use, to be filled again by the next
 * read: in Chromium, allocating them fresh took about a third of a read (1M lines).
 */
const freeOf = new WeakMap<LinesIndex, Map<string, Reusable[]>>();

/**
 * An array of `n` for `use`, every element `value` (null: any values, for an array written before it is read): a
 * dropped one when one is large enough, else a new one. Give it back (`giveBack`) when done, or `lend` it instead.
 */
export function borrow<T extends Reusable>(ix: LinesIndex, use: string, make: new (n: number) => T, n: number, value: number | null = 0): T {
  const free = freeOf.get(ix)?.get(use);
  const k = free ? free.findIndex((a) => a.length >= n) : -1;
  if (k < 0) {
    const a = new make(n);
    return value === null || value === 0 ? a : (a.fill(value) as T);
  }
  const a = (free!.splice(k, 1)[0] as T).subarray(0, n) as T;
  return value === null ? a : (a.fill(value) as T);
}

/** An array borrowed for something made from read `p` (RFM, customers.ts), given back with the read's own arrays. */
export function lend<T extends Reusable>(ix: LinesIndex, p: CustomerPass, use: string, make: new (n: number) => T, n: number, value: number | null = 0): T {
  const a = borrow(ix, use, make, n, value);
  p.lent.push([use, a]);
  return a;
}

/** `a` (borrowed for `use`) for the next reads. */
export function giveBack(ix: LinesIndex, use: string, a: Reusable): void {
  give(freeFor(ix), use, a);
}

function freeFor(ix: LinesIndex): Map<string, Reusable[]> {
  let free = freeOf.get(ix);
  if (!free) freeOf.set(ix, (free = new Map()));
  return free;
}

function give(free: Map<string, Reusable[]>, use: string, a: Reusable): void {
  if (a.buffer.byteLength === 0) return;
  let list = free.get(use);
  if (!list) free.set(use, (list = []));
  // Whole: a read may have used the start of a larger one.
  const whole = new (a.constructor as new (b: ArrayBufferLike) => Reusable)(a.buffer);
  if (list.length < FREE_PER_USE) list.push(whole);
  else {
    const k = list.findIndex((b) => b.length < whole.length);
    if (k >= 0) list[k] = whole;
  }
}

/**
 * Forgets the reads made for `sel`, keeping their arrays for the next reads: call it only when nothing made from those
 * reads is asked again (the Answerer, when its filters change; the answers are plain rows and keep none of them).
 */
export function dropPasses(ix: LinesIndex, sel: Selection): void {
  const cache = passesOf.get(sel);
  if (!cache) return;
  passesOf.delete(sel);
  const free = freeFor(ix);
  for (const p of cache.values()) {
    for (const use of ['last', 'first', 'spend', 'everFirst', 'everLast', 'recent', 'previous', 'orders', 'categories'] as const) give(free, use, p[use]);
    give(free, 'gaps', p.gaps);
    give(free, 'orderSeen', p.scope.orderSeen);
    if (p.activity) {
      give(free, 'marks', p.activity.marks);
    }
    for (const [use, a] of p.lent) give(free, use, a);
  }
}

const NONE = new Int32Array(0);

/** Days within about ±2.9 million years of 1970: `datedBound` compares them by the sign of a 32-bit difference. */
const SHORT_DAYS = 2 ** 30;
const short = (d: number | null): boolean => d === null || (d > -SHORT_DAYS && d < SHORT_DAYS);

/**
 * `lowerBound` over dated lines, without a branch on the comparison: a customer's few lines gave the binary
 * search's branches no pattern, and they took about a sixth of the read (Node, 1M lines). The days and `value`
 * must lie within ±2^30 (`SHORT_DAYS`), so that their difference keeps its sign in 32 bits.
 */
export function datedBound(day: Int32Array, value: number, lo: number, hi: number): number {
  let base = lo;
  let len = hi - lo;
  while (len > 1) {
    const half = len >>> 1;
    // 1 when the day is before `value`.
    base += ((day[base + half - 1]! - value) >>> 31) * half;
    len -= half;
  }
  return len === 1 ? base + ((day[base]! - value) >>> 31) : base;
}

/** Per customer, the position of their first dated line (their undated lines come first); `undated` when some has one. */
const firstDatedOf = new WeakMap<LinesIndex, Int32Array & { undated: boolean }>();
function firstDated(ix: LinesIndex): Int32Array & { undated: boolean } {
  let at = firstDatedOf.get(ix);
  if (at) return at;
  const { start, day } = ix.byCustomer;
  at = Object.assign(new Int32Array(ix.customers), { undated: false });
  for (let c = 0; c < ix.customers; c++) {
    at[c] = lowerBound(day, NO_DAY + 1, start[c]!, start[c + 1]!);
    if (at[c]! > start[c]!) at.undated = true;
  }
  firstDatedOf.set(ix, at);
  return at;
}

/** The read of the kept lines dated `from` … `to` (either open; undated lines never), kept per selection. */
export function customerPass(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): CustomerPass {
  let cache = passesOf.get(sel);
  if (!cache) passesOf.set(sel, (cache = new Map()));
  const span = datedSpan(ix);
  if (span && from !== null && from <= span[0]) from = null;
  if (span && to !== null && to >= span[1]) to = null;
  const key = `${from}:${to}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const cl = ix.byCustomer;
  const codes = sel.dims.map((d) => cl.dims[d]!);
  const { n: nChecks, c0, k0, c1, k1 } = inlineChecks(sel, codes);
  const kept = customerKept(ix, sel);
  const nc = ix.customers;
  const last = borrow(ix, 'last', Int32Array, nc, NOT_SEEN);
  const first = borrow(ix, 'first', Int32Array, nc, UNSEEN);
  const spend = borrow(ix, 'spend', Float64Array, nc);
  const everFirst = borrow(ix, 'everFirst', Int32Array, nc, UNSEEN);
  const everLast = borrow(ix, 'everLast', Int32Array, nc, NOT_SEEN);
  const recent = borrow(ix, 'recent', Float64Array, nc);
  const previous = borrow(ix, 'previous', Float64Array, nc);
  const orders = borrow(ix, 'orders', Int32Array, nc);
  const categories = borrow(ix, 'categories', Int32Array, nc);
  // By category code, the customer (plus one) whose categories last counted it.
  const counted = new Int32Array(ix.segments.length);
  const hasCategory = ix.dims.category !== undefined;
  // Distinct orders. An order whose lines agree (the order bits, lines.ts) is kept or left out whole outside a
  // category filter: its flagged line counts it. Others are marked by order code when first met.
  const marksAll = sel.byCategory;
  const orderSeen = borrow(ix, 'orderSeen', Uint8Array, marksAll || ix.mixedOrders > 0 ? ix.orders : 0);
  const spare = borrow(ix, 'gaps', Int32Array, Math.min(ix.orders, 1 << 16), null);
  // A dropped gap array is used whole (each gap is written before it is read).
  let gaps = new Int32Array(spare.buffer, 0, Math.min(ix.orders, spare.buffer.byteLength >>> 2));
  let gapCount = 0;
  // The months: each day's month of the window, the marks and the revenue by month.
  const start = from ?? span?.[0] ?? 0;
  const end = to ?? span?.[1] ?? 0;
  // The life cycle's windows: (end − WINDOW, end] and the WINDOW days before.
  const recentAfter = end - WINDOW;
  const previousAfter = end - 2 * WINDOW;
  const act = newActivity(ix, start, end);
  const months = act?.months ?? 0;
  const words = act?.words ?? 0;
  const monthOf = new Int32Array(act ? Math.max(0, end - start + 1) : 0);
  if (act) for (let m = 0, d = start; m < months; m++) for (const next = Math.min(end + 1, monthStart(act.base, m + 1)); d < next; d++) monthOf[d - start] = m;
  const marks = act?.marks ?? new Uint32Array(0);
  const gross = sel.gross;
  const scope: CustomerScope = { lines: 0, revenue: 0, revenueLines: 0, returns: 0, returnAmount: 0, orders: 0, buyers: 0, orderSeen, undated: false };
  let lines = 0;
  let revenue = 0;
  let revenueLines = 0;
  const { start: runs, day, flags, amount, order, segment } = cl;
  const datedAt = firstDated(ix);
  // Days and bounds a 32-bit difference compares (any real date): else the plain binary search.
  const branchless = span !== null && short(span[0]) && short(span[1]) && short(from) && short(to === null ? null : to + 1);
  scope.undated = datedAt.undated;
  // The activity's arrays in hand (the read writes them when a customer's month changes).
  const cohortSize = act?.cohortSize ?? NONE;
  const newCustomers = act?.newCustomers ?? NONE;
  const cohortActive = act?.cohortActive ?? NONE;
  let returns = 0;
  let returnAmount = 0;
  for (let c = 0; c < nc; c++) {
    const s = runs[c]!;
    const e = runs[c + 1]!;
    if (s === e) continue;
    const dated = datedAt[c]!;
    const a = from === null ? dated : branchless ? datedBound(day, from, dated, e) : lowerBound(day, from, dated, e);
    const b = to === null ? e : branchless ? datedBound(day, to + 1, a, e) : lowerBound(day, to + 1, a, e);
    // Room for a gap per line of the window (there are fewer gaps than orders).
    if (gaps.length < ix.orders && gapCount + (b - a) > gaps.length) gaps = grown(gaps, Math.min(ix.orders, Math.max(2 * gaps.length, gapCount + (b - a))));
    // The first and last kept lines before the window. The first purchase's month, when before the window: the
    // window's first when the same (months, not days, are compared), else none of the window's (−1).
    let f = -2;
    // Before the window and not after its end (a window may end before it starts).
    const before = to !== null && a > dated && day[a - 1]! > to ? (branchless ? datedBound(day, to + 1, dated, a) : lowerBound(day, to + 1, dated, a)) : a;
    if (before > dated) {
      let i = dated;
      while (i < before && !kept(i)) i++;
      if (i < before) {
        everFirst[c] = day[i]!;
        let j = before - 1;
        while (!kept(j)) j--;
        everLast[c] = day[j]!;
        if (act) f = day[i]! >= act.base ? 0 : -1;
      }
    }
    const tag = c + 1;
    const word = c >>> 5;
    const bit = 1 << (c & 31);
    let lastDay = NOT_SEEN;
    let firstSeen = UNSEEN;
    let sum = 0;
    let n = 0;
    // The first day of the customer's last order met.
    let orderDay = 0;
    let kinds = 0;
    let buyer = false;
    let rec = 0;
    let prev = 0;
    // The month being read and the customer's revenue in it so far (added to the months' sums when it ends).
    let month = -1;
    let inMonth = 0;
    for (let i = a; i < b; i++) {
      const fl = flags[i]!;
      if (nChecks > 0 && (k0[c0[i]!] === 0 || (nChecks > 1 && (k1[c1[i]!] === 0 || (nChecks > 2 && !keptBeyondTwo(sel, i, codes)))))) continue;
      // The scope counts returns whatever the revenue basis; all else here follows it.
      if ((fl & RETURN) !== 0) {
        returns++;
        if ((fl & NO_AMOUNT) === 0) returnAmount += amount[i]!;
        if (gross) continue;
      }
      lines++;
      // In day order: the first kept line is the first day, the last the last.
      const d = day[i]!;
      if (firstSeen === UNSEEN) firstSeen = d;
      lastDay = d;
      if (act) {
        const m = monthOf[d - start]!;
        if (m !== month) {
          if (f === -2) {
            // The first purchase is this line: a new customer of this month.
            f = m;
            cohortSize[m]!++;
          } else if (month >= 0) {
            addMonth(act, f, month, inMonth);
          }
          month = m;
          inMonth = 0;
          marks[m * words + word]! |= bit;
          // The first-purchase month is known by now (before the window, or this month's first line).
          if (f === m) newCustomers[m]!++;
          if (f >= 0) cohortActive[f * months + m]!++;
        }
      }
      if ((fl & NO_AMOUNT) === 0) {
        const x = amount[i]!;
        sum += x;
        revenue += x;
        revenueLines++;
        inMonth += x;
        if (d > recentAfter) rec += x;
        else if (d > previousAfter) prev += x;
      }
      if ((fl & RETURN) !== 0) continue;
      buyer = true;
      // A sales line without an order key still has a category (loyalty refuses such lines; RFM counts it).
      const g = segment[i]!;
      if (hasCategory && g !== 0 && counted[g] !== tag) {
        counted[g] = tag;
        kinds++;
      }
      if ((fl & NO_ORDER) !== 0) continue;
      if (!marksAll && (fl & MIXED_ORDER) === 0) {
        if ((fl & FIRST_OF_ORDER) === 0) continue;
      } else {
        const o = order[i]!;
        if (orderSeen[o] !== 0) continue;
        orderSeen[o] = 1;
      }
      // An order met for the first time: its first day.
      if (n > 0) gaps[gapCount++] = d - orderDay;
      orderDay = d;
      n++;
    }
    if (month >= 0) addMonth(act!, f, month, inMonth);
    recent[c] = rec;
    previous[c] = prev;
    if (buyer) scope.buyers++;
    scope.orders += n;
    if (lastDay === NOT_SEEN) continue;
    if (everFirst[c] === UNSEEN) everFirst[c] = firstSeen;
    everLast[c] = lastDay;
    last[c] = lastDay;
    first[c] = firstSeen;
    spend[c] = sum;
    orders[c] = n;
    categories[c] = kinds;
    if (act) {
      if (firstSeen < act.lo) act.lo = firstSeen;
      if (lastDay > act.hi) act.hi = lastDay;
    }
  }
  scope.returns = returns;
  scope.returnAmount = returnAmount;
  scope.lines = lines;
  scope.revenue = revenue;
  scope.revenueLines = revenueLines;
  const p: CustomerPass = {
    last, first, spend, orders, categories, gaps: gaps.subarray(0, gapCount), end, everFirst, everLast, recent, previous, activity: act, scope, lent: [],
  };
  cache.set(key, p);
  return p;
}
