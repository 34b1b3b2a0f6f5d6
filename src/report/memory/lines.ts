/**
 * The order lines held in memory on typed arrays, so that a filter change
 * answers the Analytics page's sales and period-comparison measures without
 * a query: about a millisecond per measure at 1M lines, where each DuckDB-WASM
 * query costs 8–17 ms even on a cube of a few thousand rows, and distinct
 * customers cannot be summed from a cube at all.
 *
 * The SQL stays the definition. The lines are read once, through the same
 * facts and dimensions as the cubes (`linesIndexSql` in metrics/cube.ts), and
 * every answer here is what `salesSql`, `compareSql` or `sparklineSql` give
 * on the base table: same rows, same order, same NULLs (the unit tests
 * compare both on awkward generated lines, the e2e test on the demo and 1M
 * lines). What the index cannot answer exactly (risk or value-tier filters,
 * a dimension whose customers disagree) goes to the SQL routes.
 *
 * Building the index (sorting, coding, the order bits) is in build.ts;
 * answers (salesSql, compareSql, sparklineSql) are in answers.ts.
 *
 * Lines are kept by category, and in day order within each (undated first):
 * a category is one run of lines, a date window one range per category found
 * by binary search, so every pass reads memory in sequence. Distinct
 * customers are counted with bit marks (one bit per customer, cleared per
 * pass, so no set is built); distinct orders by a flag bit on each order's
 * first line where its lines agree, else with marks too (FIRST_IN_SEGMENT).
 */
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import { LINE_FLAGS, NO_DAY } from '../../metrics/cube.ts';

export const RETURN = LINE_FLAGS.return;
/** The positions of the no-amount and no-quantity bits: the read shifts them to 0 or 1. */
const NO_AMOUNT_BIT = Math.log2(LINE_FLAGS.noAmount);
const NO_QUANTITY_BIT = Math.log2(LINE_FLAGS.noQuantity);
/** A line without an order key (its order code is −1). */
export const NO_ORDER = LINE_FLAGS.noOrder;

/*
 * The index's own flag bits beside LINE_FLAGS (bits 0–4), set at build on
 * lines that are not returns and have an order. An order whose lines agree on
 * the customer, the day and every dimension but the category is kept or left
 * out whole by any filter (within a category, whatever the filter), and read
 * whole by a customer's reads, so its distinct count is a count of flagged
 * lines: no mark to read or write. Orders whose lines disagree are counted
 * with marks.
 */
const FIRST_IN_SEGMENT_BIT = 5;
const FIRST_OF_ORDER_BIT = 6;
/** The order's first line in its segment (category). */
export const FIRST_IN_SEGMENT = 1 << FIRST_IN_SEGMENT_BIT;
/** The order's first line in the index. */
export const FIRST_OF_ORDER = 1 << FIRST_OF_ORDER_BIT;
/** The order's lines disagree on the customer, the day or a dimension other than the category. */
export const MIXED_ORDER = 1 << 7;

/** A dimension's codes per line: one byte each in the index when its values fit (they usually do), else four. */
export type Codes = Uint8Array | Int32Array;

/** A dimension's value per line: codes into `values`, 0 for NULL (`values[0]` is null). */
export interface DimColumn {
  codes: Codes;
  values: (string | null)[];
}

export interface LinesIndex {
  rows: number;
  /** Days since 1970-01-01, ascending within each segment; `NO_DAY` for undated lines (first in their segment). */
  day: Int32Array;
  /** Segment `s` (category code `s`; one segment without a category) holds lines `segments[s]` … `segments[s+1]−1`. */
  segments: Int32Array;
  /** Customer code, −1 without one. */
  customer: Int32Array;
  customers: number;
  /** Order code, −1 without one (a NULL order key). */
  order: Int32Array;
  orders: number;
  /** `LINE_FLAGS` bits (return, no amount, no quantity), and the index's order bits (above). */
  flags: Uint8Array;
  /** Line amount (negative on return lines); 0 where `NO_AMOUNT`. */
  amount: Float64Array;
  /** 0 where `NO_QUANTITY`. */
  quantity: Float64Array;
  /** The dimensions a filter may act on (the cube's line dimensions). */
  dims: Partial<Record<DimensionFilter, DimColumn>>;
  /** What the orders table gives: a revenue, units, customers (else those columns are NULL, as in salesSql). */
  has: { amount: boolean; quantity: boolean; customer: boolean };
  /** Orders whose lines disagree on the day or a dimension other than the category (counted with marks). */
  mixedOrders: number;
  /** Every amount and quantity is a finite number (else the index answers nothing: its read adds 0 × a value for a line left out). */
  finite: boolean;
  /** The lines with a customer again, in customer order (the per-customer measures read them: customers.ts). */
  byCustomer: CustomerLines;
  /** Only on the customer part of a split index (split.ts), whose own category-ordered lines are those without a customer: what the whole index says. */
  whole?: WholeFigures;
}

/** What the customer part of a split index takes from the whole one: its dated span (pass.ts) and its order checks (customers.ts). */
export interface WholeFigures {
  span: [number, number] | null;
  oneCustomerPerOrder: boolean;
  orderlessSales: boolean;
}

/**
 * The lines with a customer, by customer and in day order within each (undated first): customer `c`'s are
 * `start[c]` … `start[c+1]−1`. A per-customer read then keeps one customer's figures in hand at a time, where
 * reading the category-ordered lines touched every customer's figures all over memory (at 10M lines, 10× the
 * customers of 1M no longer fit the processor's cache: about 125 ns a line against 50).
 */
export interface CustomerLines {
  start: Int32Array;
  day: Int32Array;
  flags: Uint8Array;
  amount: Float64Array;
  order: Int32Array;
  /** The line's segment (its category code; 0 without a category column). */
  segment: Codes;
  /** Each dimension's codes, as `LinesIndex.dims`. */
  dims: Partial<Record<DimensionFilter, Codes>>;
  /** The lines without a customer: their positions in the index (category order). */
  orphans: Int32Array;
}

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` as days since 1970-01-01. */
export function dayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`Not a date: ${iso}`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the month of `day`, moved by `months`. */
export function monthStart(day: number, months = 0): number {
  const d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1) / DAY_MS);
}

/** First position in `day[lo … hi−1]` (ascending) at or after `value`. */
export function lowerBound(day: Int32Array, value: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (day[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------- selecting and aggregating

/** Which lines a filter keeps, beyond a date window. */
export interface Selection {
  /** Per dimension with an active filter: its codes per line, and which codes are kept (1). */
  codes: Codes[];
  keep: Uint8Array[];
  /** The dimension of each filter above (for the same codes in customer order: `CustomerLines.dims`). */
  dims: DimensionFilter[];
  /** Gross revenue: return lines are left out of everything (as the facts leave them out). */
  gross: boolean;
  /** A category filter: an order may then be kept in one of its categories and not another (orders counted with marks). */
  byCategory: boolean;
  /** Aggregates already made under this selection, by window (the KPIs of one window share one pass). */
  memo: Map<string, Agg>;
  /** Sales passes already made under this selection, by date range. */
  passes: Map<string, SalesPass>;
}

/**
 * The filters as a selection, or null when the index cannot answer them
 * (nor any filter, when an amount or quantity is not finite)
 * exactly: a risk or value-tier filter (per-customer tables), or a dimension
 * the lines have but the index does not split (`splittable`: the cube's line
 * dimensions; one of the orders' dimensions left out of them). A dimension
 * the orders have no column for is ignored, as on the base table.
 */
export function selectionOf(ix: LinesIndex, filters: Filters | undefined, orderDims: readonly DimensionFilter[]): Selection | null {
  const f = filters ?? {};
  if (f.risk?.length || f.valueTier?.length || !ix.finite) return null;
  const sel: Selection = { codes: [], keep: [], dims: [], gross: f.revenue === 'gross', byCategory: false, memo: new Map(), passes: new Map() };
  for (const d of orderDims) {
    const values = f[d];
    if (!values?.length) continue;
    const col = ix.dims[d];
    if (!col) return null;
    const keep = new Uint8Array(col.values.length);
    const wanted = new Set(values);
    col.values.forEach((v, code) => {
      if (v !== null && wanted.has(v)) keep[code] = 1;
    });
    sel.codes.push(col.codes);
    sel.dims.push(d);
    sel.keep.push(keep);
    if (d === 'category') sel.byCategory = true;
  }
  return sel;
}

/** Sums and distinct counts over some lines; `revenueLines`/`unitLines`: lines with a value (a sum of none is NULL). */
export interface Agg {
  lines: number;
  revenue: number;
  revenueLines: number;
  units: number;
  unitLines: number;
  orders: number;
  customers: number;
}

/**
 * Marks for distinct counts: one bit per order and per customer, cleared per
 * pass. Bits rather than a stamp per id keep the marks small enough to stay in
 * the processor's cache while lines are read in sequence (customers come in
 * no order): at 1M lines a pass took about half the time of one with 32-bit
 * stamps.
 */
export class Marks {
  readonly order: Uint32Array;
  readonly customer: Uint32Array;
  constructor(ix: LinesIndex) {
    this.order = new Uint32Array((ix.orders + 31) >>> 5);
    this.customer = new Uint32Array((ix.customers + 31) >>> 5);
  }
  /** Clears the marks for a new pass under `sel` (the order marks only where it marks orders), and returns them. */
  fresh(ix: LinesIndex, sel: Selection): this {
    if (marksOrders(ix, sel)) this.order.fill(0);
    this.customer.fill(0);
    return this;
  }
}

interface IndexMarks {
  /** One pass at a time (a window, a group). */
  one: Marks;
  /** The whole range of a sales pass. */
  total: Marks;
  /** A sales pass's months, one set each (grown as needed). */
  months: Marks[];
}

const marksOf = new WeakMap<LinesIndex, IndexMarks>();
export function marks(ix: LinesIndex): IndexMarks {
  let m = marksOf.get(ix);
  if (!m) marksOf.set(ix, (m = { one: new Marks(ix), total: new Marks(ix), months: [] }));
  return m;
}

/**
 * The aggregates over the kept lines of `ranges` (pairs of positions: from, to exclusive), with one set of marks;
 * `span` 'segment' when the ranges are within one segment.
 */
export function aggregate(ix: LinesIndex, sel: Selection, ranges: readonly number[], span: Span): Agg {
  const target: Target = { a: emptyAgg(), st: marks(ix).one.fresh(ix, sel), span };
  for (let r = 0; r < ranges.length; r += 2) addRange(ix, sel, ranges[r]!, ranges[r + 1]!, [target]);
  return target.a;
}

export const emptyAgg = (): Agg => ({ lines: 0, revenue: 0, revenueLines: 0, units: 0, unitLines: 0, orders: 0, customers: 0 });

/** Whether a target adds up lines of one segment only, or of several (then an order may come up in each). */
export type Span = 'segment' | 'all';

/** An aggregate being added up, with the marks of the orders and customers it has counted. */
export interface Target {
  a: Agg;
  st: Marks;
  span: Span;
}

/** Whether a read under `sel` counts some order with marks (see addRange): else a pass need not clear the order marks. */
const marksOrders = (ix: LinesIndex, sel: Selection): boolean => sel.byCategory || ix.mixedOrders > 0;

/** The position of the order bit that counts `t`'s distinct orders (without a category filter). */
const orderBit = (t: Target): number => (t.span === 'segment' ? FIRST_IN_SEGMENT_BIT : FIRST_OF_ORDER_BIT);

/**
 * Adds the kept lines of positions `lo … hi−1` to each of `targets` (one to
 * three: e.g. a month, the whole range and a category in one read), counting
 * the orders and customers not yet marked in each target's marks.
 */
export function addRange(ix: LinesIndex, sel: Selection, lo: number, hi: number, targets: readonly Target[]): void {
  const { flags, amount, quantity, order, customer } = ix;
  const nt = targets.length;
  if (nt < 1 || nt > 3) throw new Error(`addRange takes one to three targets, not ${nt}`);
  const t0 = targets[0]!;
  // No read past the end of `targets`: V8 leaves the compiled read for that once, mid-pass.
  const t1 = nt > 1 ? targets[1]! : t0;
  const t2 = nt > 2 ? targets[2]! : t0;
  const om0 = t0.st.order;
  const cm0 = t0.st.customer;
  const om1 = t1.st.order;
  const cm1 = t1.st.customer;
  const om2 = t2.st.order;
  const cm2 = t2.st.customer;
  const ob0 = orderBit(t0);
  const ob1 = orderBit(t1);
  const ob2 = orderBit(t2);
  const markAll = sel.byCategory;
  const skip = sel.gross ? RETURN : 0;
  // Up to two dimension filters checked inline (the usual case), any more in a loop.
  const { n: nChecks, c0, k0, c1, k1 } = inlineChecks(sel);
  let lines = 0;
  let revenue = 0;
  let revenueLines = 0;
  let units = 0;
  let unitLines = 0;
  let orders0 = 0;
  let orders1 = 0;
  let orders2 = 0;
  let customers0 = 0;
  let customers1 = 0;
  let customers2 = 0;
  // Without a branch on whether a line is kept (a filter keeps lines in no pattern; the branch cost a third of the
  // read at 1M lines): every sum and count adds its value times 0 or 1, and a mark is set with 0 or 1.
  for (let i = lo; i < hi; i++) {
    const fl = flags[i]!;
    let kept = (fl & skip) === 0 ? 1 : 0;
    if (nChecks > 0) {
      kept &= k0[c0[i]!]!;
      if (nChecks > 1) {
        kept &= k1[c1[i]!]!;
        if (nChecks > 2 && !keptBeyondTwo(sel, i)) kept = 0;
      }
    }
    lines += kept;
    const amountOk = kept & (((fl >>> NO_AMOUNT_BIT) & 1) ^ 1);
    revenue += amount[i]! * amountOk;
    revenueLines += amountOk;
    const quantityOk = kept & (((fl >>> NO_QUANTITY_BIT) & 1) ^ 1);
    units += quantity[i]! * quantityOk;
    unitLines += quantityOk;
    const cnt = kept & ((fl & RETURN) ^ 1);
    if ((fl & NO_ORDER) === 0) {
      if (markAll || (fl & MIXED_ORDER) !== 0) {
        const o = order[i]!;
        const w = o >>> 5;
        const b = o & 31;
        const m0 = om0[w]!;
        orders0 += cnt & (1 - ((m0 >>> b) & 1));
        om0[w] = m0 | (cnt << b);
        if (nt > 1) {
          const m1 = om1[w]!;
          orders1 += cnt & (1 - ((m1 >>> b) & 1));
          om1[w] = m1 | (cnt << b);
          if (nt > 2) {
            const m2 = om2[w]!;
            orders2 += cnt & (1 - ((m2 >>> b) & 1));
            om2[w] = m2 | (cnt << b);
          }
        }
      } else {
        orders0 += (fl >>> ob0) & cnt;
        orders1 += (fl >>> ob1) & cnt;
        orders2 += (fl >>> ob2) & cnt;
      }
    }
    const c = customer[i]!;
    if (c >= 0) {
      const w = c >>> 5;
      const b = c & 31;
      const m0 = cm0[w]!;
      customers0 += cnt & (1 - ((m0 >>> b) & 1));
      cm0[w] = m0 | (cnt << b);
      if (nt > 1) {
        const m1 = cm1[w]!;
        customers1 += cnt & (1 - ((m1 >>> b) & 1));
        cm1[w] = m1 | (cnt << b);
        if (nt > 2) {
          const m2 = cm2[w]!;
          customers2 += cnt & (1 - ((m2 >>> b) & 1));
          cm2[w] = m2 | (cnt << b);
        }
      }
    }
  }
  const counts = [[orders0, customers0], [orders1, customers1], [orders2, customers2]] as const;
  for (let k = 0; k < nt; k++) {
    const a = targets[k]!.a;
    a.lines += lines;
    a.revenue += revenue;
    a.revenueLines += revenueLines;
    a.units += units;
    a.unitLines += unitLines;
    a.orders += counts[k]![0];
    a.customers += counts[k]![1];
  }
}

/** Codes and keep flags standing in for a dimension filter that is not there: every line kept. */
const ALL_CODES = new Uint8Array(1);
const ALL_KEPT = Uint8Array.of(1);

/**
 * The selection's first two dimension filters (codes per line, kept codes), for a read that checks them inline; `n`
 * filters in all. `codes`: the same dimensions' codes in another order of the lines (`CustomerLines.dims`).
 */
export function inlineChecks(sel: Selection, codes: readonly Codes[] = sel.codes): { n: number; c0: Codes; k0: Uint8Array; c1: Codes; k1: Uint8Array } {
  return { n: codes.length, c0: codes[0] ?? ALL_CODES, k0: sel.keep[0] ?? ALL_KEPT, c1: codes[1] ?? ALL_CODES, k1: sel.keep[1] ?? ALL_KEPT };
}

/** Whether line `i` passes the selection's third and later dimension filters (the read checks two inline). */
export function keptBeyondTwo(sel: Selection, i: number, codes: readonly Codes[] = sel.codes): boolean {
  for (let k = 2; k < codes.length; k++) if (sel.keep[k]![codes[k]![i]!] === 0) return false;
  return true;
}

/**
 * Positions of segment `seg`'s lines dated `from` … `to`, either bound open;
 * undated lines only with neither (a date bound is never true of NULL).
 */
export function segmentRange(ix: LinesIndex, seg: number, from: number | null, to: number | null): [number, number] {
  const lo = ix.segments[seg]!;
  const hi = ix.segments[seg + 1]!;
  const a = from === null ? (to === null ? lo : lowerBound(ix.day, NO_DAY + 1, lo, hi)) : lowerBound(ix.day, from, lo, hi);
  const b = to === null ? hi : lowerBound(ix.day, to + 1, lo, hi);
  return [a, Math.max(a, b)];
}

/** The ranges of every segment's lines dated `from` … `to` (as `segmentRange`). */
export function windowRanges(ix: LinesIndex, from: number | null, to: number | null): number[] {
  const out: number[] = [];
  for (let seg = 0; seg + 1 < ix.segments.length; seg++) {
    const [a, b] = segmentRange(ix, seg, from, to);
    if (b > a) out.push(a, b);
  }
  return out;
}

/** The total of a date range, each month's (dated lines; months with a kept line only), and each category's. */
export interface SalesPass {
  /** The range's bounds (days; null: open). */
  from: number | null;
  to: number | null;
  total: Agg;
  /** By month start (days), in order. */
  months: Map<number, Agg>;
  /** By segment (category code; null without a category column), as `aggregate` over the segment's range. */
  groups: Agg[] | null;
}
