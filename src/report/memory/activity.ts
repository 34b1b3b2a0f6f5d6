/**
 * The lines index's answers on customers over time: what `customerStatusSql`
 * (without a customers table), `newReturningSql`, `retentionSql`,
 * `cohortRetentionSql`, `lifecycleStagesSql` and `scopeTotalsSql` give on the
 * base table, from the customer pass (customers.ts) and one read of the
 * window's kept lines that marks which customers bought in which month (a
 * bit per customer per month) and adds up revenue by first-purchase month.
 * Every read here goes customer by customer over the index's customer-ordered
 * copy (`CustomerLines`); the scope adds the lines without a customer.
 * The SQL stays the definition; the unit test compares both.
 */
import { LINE_FLAGS, NO_DAY } from '../../metrics/cube.ts';
import type { CustomerStatusRow, NewReturningRow } from '../../metrics/customers.ts';
import type { RetentionRow } from '../../metrics/loyalty.ts';
import { LIFECYCLE_STAGES, type CohortRow, type LifecycleStage, type LifecycleStageRow } from '../../metrics/cohorts.ts';
import type { ScopeTotalsRow } from '../../metrics/drilldown.ts';
import { customerPass, datedSpan, decimalDigits, NOT_SEEN } from './customers.ts';
import {
  FIRST_OF_ORDER, isoOf, inlineChecks, keptBeyondTwo, lowerBound, MIXED_ORDER, monthStart, NO_ORDER, RETURN, type LinesIndex, type Selection,
} from './lines.ts';

const NO_AMOUNT = LINE_FLAGS.noAmount;

/** At most this many months, and this many 32-bit words of month marks, in one activity read (else the SQL answers). */
const MAX_MONTHS = 1200;
const MAX_MARK_WORDS = 16_000_000;

/** Whether line `i` is kept by the selection's dimension filters (not its revenue basis). */
function keptByDims(sel: Selection, i: number): boolean {
  for (let k = 0; k < sel.codes.length; k++) if (sel.keep[k]![sel.codes[k]![i]!] === 0) return false;
  return true;
}

/** Whether a line of the customer-ordered copy (`CustomerLines`) is kept: by the dimension filters, and with `basis` by the revenue basis. */
function customerKept(ix: LinesIndex, sel: Selection, basis = true): (i: number) => boolean {
  const codes = sel.dims.map((d) => ix.byCustomer.dims[d]!);
  const { n, c0, k0, c1, k1 } = inlineChecks(sel, codes);
  const { flags } = ix.byCustomer;
  const skip = basis && sel.gross ? RETURN : 0;
  return (i) => (flags[i]! & skip) === 0 && (n === 0 || (k0[c0[i]!] !== 0 && (n === 1 || (k1[c1[i]!] !== 0 && (n === 2 || keptBeyondTwo(sel, i, codes))))));
}

// ---------------------------------------------------------------- months

/** Months from the month of day `a` to that of day `b`. */
function monthsBetween(a: number, b: number): number {
  const x = new Date(a * 86_400_000);
  const y = new Date(b * 86_400_000);
  return (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + y.getUTCMonth() - x.getUTCMonth();
}

/** Customers' marks per month of a date window, and revenue by month and by first-purchase month. */
interface Activity {
  /** Month 0's first day; `months` months from it. */
  base: number;
  months: number;
  /** Customer `c` bought in month `m`: bit `c & 31` of `marks[m × words + (c >>> 5)]`. */
  words: number;
  marks: Uint32Array;
  /** Each customer's first-purchase month (over every date up to the window's end), as a month of this window (−1 before it). */
  firstMonth: Int32Array;
  /** By month: the customers whose first purchase is within the window's dates, in that month (the cohorts' sizes). */
  cohortSize: Int32Array;
  /** By month: revenue of customers in their first month, and of the others. */
  newRevenue: Float64Array;
  returningRevenue: Float64Array;
  /** By first-purchase month (a month of the window) × month: revenue (`cohortRevenue[f × months + m]`). */
  cohortRevenue: Float64Array;
  /** The first and last day of a kept line with a customer; [∞, −∞] when none. */
  lo: number;
  hi: number;
}

const activityOf = new WeakMap<Selection, Map<string, Activity | null>>();

/** The kept dated lines with a customer from `from` to `to` (either open), read once per selection; null when too many months. */
function activity(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): Activity | null {
  let cache = activityOf.get(sel);
  if (!cache) activityOf.set(sel, (cache = new Map()));
  const key = `${from}:${to}`;
  if (cache.has(key)) return cache.get(key)!;
  const span = datedSpan(ix);
  const start = from ?? span?.[0] ?? 0;
  const end = to ?? span?.[1] ?? 0;
  const base = monthStart(start);
  const months = Math.max(0, monthsBetween(start, end) + 1);
  const words = (ix.customers + 31) >>> 5;
  if (months > MAX_MONTHS || months * words > MAX_MARK_WORDS) {
    cache.set(key, null);
    return null;
  }
  const a: Activity = {
    base, months, words, marks: new Uint32Array(months * words), firstMonth: new Int32Array(ix.customers).fill(-1), cohortSize: new Int32Array(months),
    newRevenue: new Float64Array(months), returningRevenue: new Float64Array(months), cohortRevenue: new Float64Array(months * months),
    lo: Infinity, hi: -Infinity,
  };
  // The month of each day of the window.
  const monthOf = new Int32Array(Math.max(0, end - start + 1));
  for (let m = 0, d = start; m < months; m++) for (const next = Math.min(end + 1, monthStart(base, m + 1)); d < next; d++) monthOf[d - start] = m;
  // By customer (`CustomerLines`, day order): the first kept line up to the window's end is the first purchase, then the window's lines.
  const { start: runs, day, flags, amount } = ix.byCustomer;
  const { marks, firstMonth, cohortSize, newRevenue, returningRevenue, cohortRevenue } = a;
  const kept = customerKept(ix, sel);
  let first = Infinity;
  let last = -Infinity;
  for (let c = 0; c < ix.customers; c++) {
    const e = to === null ? runs[c + 1]! : lowerBound(day, to + 1, runs[c]!, runs[c + 1]!);
    let i = lowerBound(day, NO_DAY + 1, runs[c]!, e);
    while (i < e && !kept(i)) i++;
    if (i === e) continue;
    // A first purchase before the window but in its first month is in month 0 (months, not days, are compared).
    const f = day[i]! >= start ? monthOf[day[i]! - start]! : day[i]! >= base ? 0 : -1;
    firstMonth[c] = f;
    if (from === null || day[i]! >= from) cohortSize[f]!++;
    if (from !== null && day[i]! < from) i = lowerBound(day, from, i, e);
    const word = c >>> 5;
    const bit = 1 << (c & 31);
    for (; i < e; i++) {
      if (!kept(i)) continue;
      const d = day[i]!;
      if (d < first) first = d;
      if (d > last) last = d;
      const m = monthOf[d - start]!;
      marks[m * words + word]! |= bit;
      if ((flags[i]! & NO_AMOUNT) !== 0) continue;
      const x = amount[i]!;
      if (f === m) newRevenue[m]! += x;
      else returningRevenue[m]! += x;
      if (f >= 0) cohortRevenue[f * months + m]! += x;
    }
  }
  a.lo = first;
  a.hi = last;
  cache.set(key, a);
  return a;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Customers marked in month `m` (and, with `next`, also in month `m + 1`). */
function marked(a: Activity, m: number, next = false): number {
  let n = 0;
  const row = m * a.words;
  for (let w = 0; w < a.words; w++) n += popcount(next ? a.marks[row + w]! & a.marks[row + a.words + w]! : a.marks[row + w]!);
  return n;
}

/** Calls `f` with each customer marked in month `m`. */
function eachMarked(a: Activity, m: number, f: (c: number) => void): void {
  const row = m * a.words;
  for (let w = 0; w < a.words; w++) {
    let x = a.marks[row + w]!;
    while (x !== 0) {
      const b = 31 - Math.clz32(x & -x);
      f(w * 32 + b);
      x &= x - 1;
    }
  }
}

/**
 * The months the SQL lists, as months of the activity: from the month of `from`, else of the first kept line, to that
 * of `to`, else of the last; null when a bound is open and no line is kept (the SQL's span is then empty).
 */
function listed(a: Activity, from: number | null, to: number | null): [number, number] | null {
  if ((from === null || to === null) && a.hi < a.lo) return null;
  return [monthsBetween(a.base, from ?? a.lo), monthsBetween(a.base, to ?? a.hi)];
}

// ---------------------------------------------------------------- the measures

/** A row per month the SQL lists (see `listed`), made by `row`; null when the activity read is refused (too many months). */
function perListedMonth<R>(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, row: (a: Activity, m: number, last: number) => R): R[] | null {
  const a = activity(ix, sel, from, to);
  if (!a) return null;
  const span = listed(a, from, to);
  const out: R[] = [];
  if (span) for (let m = span[0]; m <= span[1]; m++) out.push(row(a, m, span[1]));
  return out;
}

/** `retentionSql` at grain month. */
export function retentionRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): RetentionRow[] | null {
  return perListedMonth(ix, sel, from, to, (a, m, last) => {
    const active = marked(a, m);
    const retained = m < last ? marked(a, m, true) : null;
    const rate = retained !== null && active > 0 ? retained / active : null;
    return { period: isoOf(monthStart(a.base, m)), active_customers: active, retained, retention_rate: rate, churn_rate: rate === null ? null : 1 - rate };
  });
}

/** `newReturningSql` at grain month. */
export function newReturningRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): NewReturningRow[] | null {
  return perListedMonth(ix, sel, from, to, (a, m) => {
    let customers = 0;
    let fresh = 0;
    eachMarked(a, m, (c) => {
      customers++;
      if (a.firstMonth[c] === m) fresh++;
    });
    return {
      period: isoOf(monthStart(a.base, m)),
      customers,
      new_customers: fresh,
      returning_customers: customers - fresh,
      new_revenue: ix.has.amount ? a.newRevenue[m]! : null,
      returning_revenue: ix.has.amount ? a.returningRevenue[m]! : null,
    };
  });
}

/** `cohortRetentionSql` with `maxMonths`. */
export function cohortRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, maxMonths: number): CohortRow[] | null {
  const a = activity(ix, sel, from, to);
  if (!a) return null;
  if (a.hi < a.lo) return [];
  // A cohort is counted by the customers whose first purchase is within the dates; its activity is every customer's of that month.
  const size = a.cohortSize;
  const last = monthsBetween(a.base, to ?? a.hi);
  const active = new Int32Array(a.months * a.months);
  for (let m = 0; m < a.months; m++) {
    eachMarked(a, m, (c) => {
      const f = a.firstMonth[c]!;
      if (f >= 0) active[f * a.months + m]!++;
    });
  }
  const out: CohortRow[] = [];
  for (let f = 0; f < a.months; f++) {
    const n = size[f]!;
    if (n === 0) continue;
    for (let k = 0; k <= Math.min(maxMonths, last - f); k++) {
      const customers = f + k < a.months ? active[f * a.months + f + k]! : 0;
      const revenue = f + k < a.months ? a.cohortRevenue[f * a.months + f + k]! : 0;
      out.push({
        cohort: isoOf(monthStart(a.base, f)),
        months_since: k,
        cohort_size: n,
        customers,
        retention: customers / n,
        revenue: ix.has.amount ? revenue : null,
        revenue_per_customer: ix.has.amount ? revenue / n : null,
      });
    }
  }
  return out;
}

/** `customerStatusSql` without a customers table (default thresholds: active ≤ 90 days, churned > 180). */
export function statusRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, asOf: number): CustomerStatusRow[] {
  // Dates do not choose the customers: every line up to the as-of day does.
  const p = customerPass(ix, sel, null, asOf);
  const periodTo = to ?? asOf;
  const row: CustomerStatusRow = { group_value: null, customers: 0, active: 0, dormant: 0, churned: 0, no_orders: 0, new_customers: 0, first_orders: 0 };
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    row.customers++;
    const recency = asOf - p.last[c]!;
    if (recency <= 90) row.active++;
    else if (recency <= 180) row.dormant++;
    else row.churned++;
    const f = p.first[c]!;
    if ((from === null || f >= from) && f <= periodTo) row.new_customers++;
  }
  row.first_orders = row.new_customers;
  return row.customers > 0 ? [row] : [];
}

/** `lifecycleStagesSql` with its defaults (new < 90 days, lost > 180, two 90-day windows, growth 0.2); null without an amount. */
export function lifecycleRows(ix: LinesIndex, sel: Selection, from: number | null, asOf: number): LifecycleStageRow[] | null {
  if (!ix.has.amount) return null;
  const window = 90;
  const growth = 0.2;
  const p = customerPass(ix, sel, from, asOf);
  // Spend in the last window and the one before it: the end of each customer's lines (in day order).
  const recent = new Float64Array(ix.customers);
  const previous = new Float64Array(ix.customers);
  const kept = customerKept(ix, sel);
  const { start, day, flags, amount } = ix.byCustomer;
  const earliest = Math.max(from ?? -Infinity, asOf - 2 * window + 1);
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    const e = lowerBound(day, asOf + 1, start[c]!, start[c + 1]!);
    for (let i = lowerBound(day, earliest, start[c]!, e); i < e; i++) {
      if ((flags[i]! & NO_AMOUNT) !== 0 || !kept(i)) continue;
      if (asOf - day[i]! < window) recent[c]! += amount[i]!;
      else previous[c]! += amount[i]!;
    }
  }
  // (1 ± growth) as the SQL's decimals give them.
  const scale = 10 ** decimalDigits(growth);
  const up = (scale + Math.round(growth * scale)) / scale;
  const down = (scale - Math.round(growth * scale)) / scale;
  const per = new Map<LifecycleStage, { n: number; value: number }>(LIFECYCLE_STAGES.map((s) => [s, { n: 0, value: 0 }]));
  let total = 0;
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    const stage: LifecycleStage = asOf - p.last[c]! > 180 ? 'lost'
      : asOf - p.first[c]! < 90 ? 'new'
      : recent[c]! > up * previous[c]! ? 'growing'
      : recent[c]! < down * previous[c]! ? 'declining'
      : 'mature';
    const s = per.get(stage)!;
    s.n++;
    s.value += p.spend[c]!;
    total++;
  }
  return LIFECYCLE_STAGES.map((stage) => {
    const s = per.get(stage)!;
    return { stage, customers: s.n, share: total > 0 ? s.n / total : null, value: s.value };
  });
}

/** `scopeTotalsSql` on the orders: counts over the net lines of the filters (returns counted, whatever the revenue basis). */
export function scopeRow(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): ScopeTotalsRow {
  const t = { orders: 0, lines: 0, revenue: 0, revenueLines: 0, returns: 0, returnAmount: 0 };
  // Distinct orders: an order whose lines agree is counted on its flagged line (lines.ts), others with a mark each.
  const marksAll = sel.byCategory;
  const orderSeen = marksAll || ix.mixedOrders > 0 ? new Uint8Array(ix.orders) : new Uint8Array(0);
  const add = (fl: number, amount: number, o: number): void => {
    const isReturn = (fl & RETURN) !== 0;
    if (isReturn) {
      t.returns++;
      if ((fl & NO_AMOUNT) === 0) t.returnAmount += amount;
    } else if (!marksAll && (fl & MIXED_ORDER) === 0) {
      if ((fl & FIRST_OF_ORDER) !== 0) t.orders++;
    } else if ((fl & NO_ORDER) === 0 && o >= 0 && orderSeen[o] === 0) {
      orderSeen[o] = 1;
      t.orders++;
    }
    if (sel.gross && isReturn) return;
    t.lines++;
    if ((fl & NO_AMOUNT) === 0) {
      t.revenue += amount;
      t.revenueLines++;
    }
  };
  // The customers' lines by customer (a buyer counted once), undated ones too when no date bounds the scope.
  const cl = ix.byCustomer;
  const kept = customerKept(ix, sel, false);
  let customers = 0;
  for (let c = 0; c < ix.customers; c++) {
    const s = cl.start[c]!;
    const e = cl.start[c + 1]!;
    const a = from === null && to === null ? s : lowerBound(cl.day, from ?? NO_DAY + 1, s, e);
    const b = to === null ? e : lowerBound(cl.day, to + 1, a, e);
    let buyer = false;
    for (let i = a; i < b; i++) {
      if (!kept(i)) continue;
      add(cl.flags[i]!, cl.amount[i]!, cl.order[i]!);
      if ((cl.flags[i]! & RETURN) === 0) buyer = true;
    }
    if (buyer) customers++;
  }
  // Then the lines without a customer.
  let noCustomer = 0;
  for (let k = 0; k < cl.orphans.length; k++) {
    const i = cl.orphans[k]!;
    const d = ix.day[i]!;
    if ((from !== null || to !== null) && (d === NO_DAY || (from !== null && d < from) || (to !== null && d > to))) continue;
    if (!keptByDims(sel, i)) continue;
    noCustomer++;
    add(ix.flags[i]!, ix.amount[i]!, ix.order[i]!);
  }
  return {
    customers: ix.has.customer ? customers : null,
    orders: t.orders,
    lines: t.lines,
    revenue: ix.has.amount && t.revenueLines > 0 ? t.revenue : null,
    no_customer_lines: ix.has.customer ? noCustomer : null,
    return_lines: t.returns,
    return_amount: ix.has.amount ? t.returnAmount : null,
  };
}
