/**
 * The lines index's answers on customers over time: what `customerStatusSql`
 * (without a customers table), `newReturningSql`, `retentionSql`,
 * `cohortRetentionSql`, `lifecycleStagesSql` and `scopeTotalsSql` give on the
 * base table, all taken from the window's one read (pass.ts): which
 * customers bought in which month (a bit per customer per month) and revenue
 * by first-purchase month, each customer's first and last day before the
 * window (status), spend in the last two 90-day windows (life cycle), and the
 * scope's counts over the customers' lines. The life cycle reads its windows
 * itself when the as-of day is not the window's end, and the scope the
 * customers' lines when it must count undated ones; the scope adds the lines
 * without a customer.
 * The SQL stays the definition; the unit test compares both.
 */
import { LINE_FLAGS, NO_DAY } from '../../metrics/cube.ts';
import type { CustomerStatusRow, NewReturningRow } from '../../metrics/customers.ts';
import type { RetentionRow } from '../../metrics/loyalty.ts';
import { LIFECYCLE_STAGES, type CohortRow, type LifecycleStage, type LifecycleStageRow } from '../../metrics/cohorts.ts';
import type { ScopeTotalsRow } from '../../metrics/drilldown.ts';
import { decimalDigits } from './customers.ts';
import { customerKept, customerPass, MAX_MONTHS, monthsBetween, NOT_SEEN, WINDOW, type Activity, type CustomerPass } from './pass.ts';
import { FIRST_OF_ORDER, isoOf, lowerBound, MIXED_ORDER, monthStart, NO_ORDER, RETURN, type LinesIndex, type Selection } from './lines.ts';

const NO_AMOUNT = LINE_FLAGS.noAmount;

/** Whether line `i` is kept by the selection's dimension filters (not its revenue basis). */
function keptByDims(sel: Selection, i: number): boolean {
  for (let k = 0; k < sel.codes.length; k++) if (sel.keep[k]![sel.codes[k]![i]!] === 0) return false;
  return true;
}

/** The window's months (its read's), or null when there are too many. */
function activity(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): Activity | null {
  return customerPass(ix, sel, from, to).activity;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Whether `m` is a month of the activity (the months the SQL lists may reach beyond the lines': none bought then). */
const within = (a: Activity, m: number): boolean => m >= 0 && m < a.months;

/** Customers marked in month `m` (and, with `next`, also in month `m + 1`). */
function marked(a: Activity, m: number, next = false): number {
  if (!within(a, m) || (next && !within(a, m + 1))) return 0;
  let n = 0;
  const row = m * a.words;
  for (let w = 0; w < a.words; w++) n += popcount(next ? a.marks[row + w]! & a.marks[row + a.words + w]! : a.marks[row + w]!);
  return n;
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
  if (span && span[1] - span[0] >= MAX_MONTHS) return null;
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
    const customers = marked(a, m);
    const fresh = within(a, m) ? a.newCustomers[m]! : 0;
    return {
      period: isoOf(monthStart(a.base, m)),
      customers,
      new_customers: fresh,
      returning_customers: customers - fresh,
      new_revenue: ix.has.amount ? (within(a, m) ? a.newRevenue[m]! : 0) : null,
      returning_revenue: ix.has.amount ? (within(a, m) ? a.returningRevenue[m]! : 0) : null,
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
  const active = a.cohortActive;
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
  // Dates do not choose the customers: every line up to the as-of day does (the read's first and last days "ever").
  const p = customerPass(ix, sel, from, asOf);
  const periodTo = to ?? asOf;
  const row: CustomerStatusRow = { group_value: null, customers: 0, active: 0, dormant: 0, churned: 0, no_orders: 0, new_customers: 0, first_orders: 0 };
  for (let c = 0; c < ix.customers; c++) {
    if (p.everLast[c] === NOT_SEEN) continue;
    row.customers++;
    const recency = asOf - p.everLast[c]!;
    if (recency <= 90) row.active++;
    else if (recency <= 180) row.dormant++;
    else row.churned++;
    const f = p.everFirst[c]!;
    if ((from === null || f >= from) && f <= periodTo) row.new_customers++;
  }
  row.first_orders = row.new_customers;
  return row.customers > 0 ? [row] : [];
}

/**
 * Each customer's spend in the last `WINDOW` days to `asOf` and in the `WINDOW` days before, from `from` on: the
 * read's, when its window ends on the as-of day (the page's case), else read here from the end of each customer's lines.
 */
function lifecycleSpend(ix: LinesIndex, sel: Selection, p: CustomerPass, from: number | null, asOf: number): { recent: Float64Array; previous: Float64Array } {
  if (p.end === asOf) return p;
  const recent = new Float64Array(ix.customers);
  const previous = new Float64Array(ix.customers);
  const kept = customerKept(ix, sel);
  const { start, day, flags, amount } = ix.byCustomer;
  const earliest = Math.max(from ?? -Infinity, asOf - 2 * WINDOW + 1);
  for (let c = 0; c < ix.customers; c++) {
    if (p.last[c] === NOT_SEEN) continue;
    const e = lowerBound(day, asOf + 1, start[c]!, start[c + 1]!);
    for (let i = lowerBound(day, earliest, start[c]!, e); i < e; i++) {
      if ((flags[i]! & NO_AMOUNT) !== 0 || !kept(i)) continue;
      if (asOf - day[i]! < WINDOW) recent[c]! += amount[i]!;
      else previous[c]! += amount[i]!;
    }
  }
  return { recent, previous };
}

/** `lifecycleStagesSql` with its defaults (new < 90 days, lost > 180, two `WINDOW`-day windows, growth 0.2); null without an amount. */
export function lifecycleRows(ix: LinesIndex, sel: Selection, from: number | null, asOf: number): LifecycleStageRow[] | null {
  if (!ix.has.amount) return null;
  const growth = 0.2;
  const p = customerPass(ix, sel, from, asOf);
  const { recent, previous } = lifecycleSpend(ix, sel, p, from, asOf);
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

/** The scope's sums as they are counted. */
interface Totals {
  orders: number;
  lines: number;
  revenue: number;
  revenueLines: number;
  returns: number;
  returnAmount: number;
}

/**
 * Adds a line (flags, amount, order code) to the scope's `t`. Distinct orders: an order whose lines agree is
 * counted on its flagged line (lines.ts), others on their first line read, as `seen` (by code) marks them.
 */
function scopeAdder(sel: Selection, t: Totals, seen: Uint8Array): (fl: number, amount: number, o: number) => void {
  const marksAll = sel.byCategory;
  return (fl, amount, o) => {
    const isReturn = (fl & RETURN) !== 0;
    if (isReturn) {
      t.returns++;
      if ((fl & NO_AMOUNT) === 0) t.returnAmount += amount;
    } else if (!marksAll && (fl & MIXED_ORDER) === 0) {
      if ((fl & FIRST_OF_ORDER) !== 0) t.orders++;
    } else if ((fl & NO_ORDER) === 0 && o >= 0 && seen[o] === 0) {
      seen[o] = 1;
      t.orders++;
    }
    if (sel.gross && isReturn) return;
    t.lines++;
    if ((fl & NO_AMOUNT) === 0) {
      t.revenue += amount;
      t.revenueLines++;
    }
  };
}

/**
 * `scopeTotalsSql` on the orders: counts over the net lines of the filters (returns counted, whatever the revenue
 * basis). The customers' lines are counted by the window's read (pass.ts), then the lines without a customer here.
 * Without date bounds the scope counts undated lines too: when a customer has some, the customers' lines are read
 * here as well.
 */
export function scopeRow(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): ScopeTotalsRow {
  const p = customerPass(ix, sel, from, to);
  const whole = from === null && to === null;
  const marked = sel.byCategory || ix.mixedOrders > 0;
  const cl = ix.byCustomer;
  let t: Totals;
  let customers = 0;
  let seen: Uint8Array;
  if (!(whole && p.scope.undated)) {
    const { orderSeen, buyers, ...counted } = p.scope;
    t = counted;
    customers = buyers;
    // The orders the read marked are counted already.
    seen = marked && cl.orphans.length > 0 ? orderSeen.slice() : new Uint8Array(0);
  } else {
    t = { orders: 0, lines: 0, revenue: 0, revenueLines: 0, returns: 0, returnAmount: 0 };
    seen = new Uint8Array(marked ? ix.orders : 0);
    const add = scopeAdder(sel, t, seen);
    // Every line of each customer (a buyer counted once).
    const kept = customerKept(ix, sel, false);
    for (let c = 0; c < ix.customers; c++) {
      let buyer = false;
      for (let i = cl.start[c]!; i < cl.start[c + 1]!; i++) {
        if (!kept(i)) continue;
        add(cl.flags[i]!, cl.amount[i]!, cl.order[i]!);
        if ((cl.flags[i]! & RETURN) === 0) buyer = true;
      }
      if (buyer) customers++;
    }
  }
  // Then the lines without a customer.
  const add = scopeAdder(sel, t, seen);
  let noCustomer = 0;
  for (let k = 0; k < cl.orphans.length; k++) {
    const i = cl.orphans[k]!;
    const d = ix.day[i]!;
    if (!whole && (d === NO_DAY || (from !== null && d < from) || (to !== null && d > to))) continue;
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
