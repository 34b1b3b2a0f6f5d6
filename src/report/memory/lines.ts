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
 * Lines are kept by category, and in day order within each (undated first):
 * a category is one run of lines, a date window one range per category found
 * by binary search, so every pass reads memory in sequence. Distinct orders
 * and customers are counted with stamp arrays: one integer per order and per
 * customer, marked with the pass's number, so no set is built.
 */
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import type { SalesRow } from '../../metrics/sales.ts';
import type { CompareRow, SparklineRow } from '../../metrics/compare.ts';
import { LINE_FLAGS, NO_DAY } from '../../metrics/cube.ts';

const RETURN = LINE_FLAGS.return;
const NO_AMOUNT = LINE_FLAGS.noAmount;
const NO_QUANTITY = LINE_FLAGS.noQuantity;

/** A dimension's value per line: codes into `values`, 0 for NULL (`values[0]` is null). */
export interface DimColumn {
  codes: Int32Array;
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
  /** `LINE_FLAGS` bits (return, no amount, no quantity). */
  flags: Uint8Array;
  /** Line amount (negative on return lines); 0 where `NO_AMOUNT`. */
  amount: Float64Array;
  /** 0 where `NO_QUANTITY`. */
  quantity: Float64Array;
  /** The dimensions a filter may act on (the cube's line dimensions). */
  dims: Partial<Record<DimensionFilter, DimColumn>>;
  /** What the orders table gives: a revenue, units, customers (else those columns are NULL, as in salesSql). */
  has: { amount: boolean; quantity: boolean; customer: boolean };
}

// ---------------------------------------------------------------- building

/** The lines as read, in any order: `day` may hold `NO_DAY`, codes as above. */
export interface LinesInput {
  rows: number;
  day: Int32Array;
  customer: Int32Array;
  customers: number;
  order: Int32Array;
  orders: number;
  flags: Uint8Array;
  amount: Float64Array;
  quantity: Float64Array;
  dims: Partial<Record<DimensionFilter, DimColumn>>;
  has: LinesIndex['has'];
}

/** Stable counting sort of `0 … n−1` by `key` (small non-negative integers below `keys`), optionally of `within`'s order. */
function countingOrder(key: (i: number) => number, keys: number, n: number, within?: Int32Array): Int32Array {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < n; i++) start[key(i) + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = within ? within[j]! : j;
    out[start[key(i)]!++] = i;
  }
  return out;
}

function permuted<T extends Int32Array | Uint8Array | Float64Array>(a: T, order: Int32Array): T {
  const out = new (a.constructor as new (n: number) => T)(order.length);
  for (let j = 0; j < order.length; j++) out[j] = a[order[j]!]!;
  return out;
}

/**
 * `codes` in `order`, re-coded 0, 1, … by first appearance in that order (−1
 * kept): codes then grow along the lines, so the distinct counts' marks are
 * written nearly in sequence rather than all over memory.
 */
function recoded(codes: Int32Array, count: number, order: Int32Array): Int32Array {
  const to = new Int32Array(count).fill(-1);
  const out = new Int32Array(order.length);
  let next = 0;
  for (let j = 0; j < order.length; j++) {
    const c = codes[order[j]!]!;
    if (c < 0) {
      out[j] = -1;
      continue;
    }
    if (to[c] === -1) to[c] = next++;
    out[j] = to[c]!;
  }
  return out;
}

/** The index of `input`: lines grouped by category (when there is one), in day order within each. */
export function buildLinesIndex(input: LinesInput): LinesIndex {
  const n = input.rows;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = input.day[i]!;
    if (d === NO_DAY) continue;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const span = hi >= lo ? hi - lo + 1 : 0;
  // Bucket 0: undated; then one bucket per day; then, stably, by category.
  let order = countingOrder((i) => (input.day[i] === NO_DAY ? 0 : input.day[i]! - lo + 1), span + 1, n);
  const cat = input.dims.category;
  const k = cat ? cat.values.length : 1;
  if (cat) order = countingOrder((i) => cat.codes[i]!, k, n, order);
  const segments = new Int32Array(k + 1);
  if (cat) for (let i = 0; i < n; i++) segments[cat.codes[i]! + 1]!++;
  else segments[1] = n;
  for (let c = 0; c < k; c++) segments[c + 1]! += segments[c]!;
  const dims: LinesIndex['dims'] = {};
  for (const [d, col] of Object.entries(input.dims) as [DimensionFilter, DimColumn][]) dims[d] = { codes: permuted(col.codes, order), values: col.values };
  return {
    rows: n,
    day: permuted(input.day, order),
    segments,
    customer: recoded(input.customer, input.customers, order),
    customers: input.customers,
    order: recoded(input.order, input.orders, order),
    orders: input.orders,
    flags: permuted(input.flags, order),
    amount: permuted(input.amount, order),
    quantity: permuted(input.quantity, order),
    dims,
    has: input.has,
  };
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
function monthStart(day: number, months = 0): number {
  const d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1) / DAY_MS);
}

/** First position in `day[lo … hi−1]` (ascending) at or after `value`. */
function lowerBound(day: Int32Array, value: number, lo: number, hi: number): number {
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
  codes: Int32Array[];
  keep: Uint8Array[];
  /** Gross revenue: return lines are left out of everything (as the facts leave them out). */
  gross: boolean;
  /** Aggregates already made under this selection, by window (the KPIs of one window share one pass). */
  memo: Map<string, Agg>;
  /** Sales passes already made under this selection, by date range. */
  passes: Map<string, SalesPass>;
}

/**
 * The filters as a selection, or null when the index cannot answer them
 * exactly: a risk or value-tier filter (per-customer tables), or a dimension
 * the lines have but the index does not split (`splittable`: the cube's line
 * dimensions; one of the orders' dimensions left out of them). A dimension
 * the orders have no column for is ignored, as on the base table.
 */
export function selectionOf(ix: LinesIndex, filters: Filters | undefined, orderDims: readonly DimensionFilter[]): Selection | null {
  const f = filters ?? {};
  if (f.risk?.length || f.valueTier?.length) return null;
  const sel: Selection = { codes: [], keep: [], gross: f.revenue === 'gross', memo: new Map(), passes: new Map() };
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
    sel.keep.push(keep);
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

/** Marks per order and per customer for distinct counts, renewed per pass by a pass number. */
class Stamps {
  readonly order: Int32Array;
  readonly customer: Int32Array;
  private pass = 0;
  constructor(ix: LinesIndex) {
    this.order = new Int32Array(ix.orders);
    this.customer = new Int32Array(ix.customers);
  }
  next(): number {
    if (this.pass === 0x7fffffff) {
      this.order.fill(0);
      this.customer.fill(0);
      this.pass = 0;
    }
    return ++this.pass;
  }
}

interface IndexMarks {
  /** One pass at a time (a window, a group). */
  one: Stamps;
  /** The months of a sales pass. */
  months: Stamps;
}

const marksOf = new WeakMap<LinesIndex, IndexMarks>();
function marks(ix: LinesIndex): IndexMarks {
  let m = marksOf.get(ix);
  if (!m) marksOf.set(ix, (m = { one: new Stamps(ix), months: new Stamps(ix) }));
  return m;
}
function stamps(ix: LinesIndex): Stamps {
  return marks(ix).one;
}

/** The aggregates over the kept lines of `ranges` (pairs of positions: from, to exclusive), with one set of marks. */
function aggregate(ix: LinesIndex, sel: Selection, ranges: readonly number[]): Agg {
  const st = stamps(ix);
  const pass = st.next();
  const a: Agg = { lines: 0, revenue: 0, revenueLines: 0, units: 0, unitLines: 0, orders: 0, customers: 0 };
  for (let r = 0; r < ranges.length; r += 2) addRange(ix, sel, ranges[r]!, ranges[r + 1]!, a, st, pass);
  return a;
}

/**
 * Adds the kept lines of positions `lo … hi−1` to `a`, counting orders and
 * customers not yet marked with `pass` in `st`; and to `also` (its own marks
 * and pass) when given: a month and the whole range in one read.
 */
function addRange(ix: LinesIndex, sel: Selection, lo: number, hi: number, a: Agg, st: Stamps, pass: number, also?: { a: Agg; st: Stamps; pass: number }): void {
  const { flags, amount, quantity, order, customer } = ix;
  const orderMark = st.order;
  const customerMark = st.customer;
  const skip = sel.gross ? RETURN : 0;
  const nChecks = sel.codes.length;
  // Up to two dimension filters checked inline (the usual case), any more in a loop.
  const c0 = sel.codes[0] ?? ALL_CODES;
  const k0 = sel.keep[0] ?? ALL_KEPT;
  const c1 = sel.codes[1] ?? ALL_CODES;
  const k1 = sel.keep[1] ?? ALL_KEPT;
  let lines = 0;
  let revenue = 0;
  let revenueLines = 0;
  let units = 0;
  let unitLines = 0;
  let orders = 0;
  let customers = 0;
  const two = also !== undefined;
  const orderMark2 = also?.st.order ?? orderMark;
  const customerMark2 = also?.st.customer ?? customerMark;
  const pass2 = also?.pass ?? pass;
  let orders2 = 0;
  let customers2 = 0;
  for (let i = lo; i < hi; i++) {
    const fl = flags[i]!;
    if ((fl & skip) !== 0) continue;
    if (nChecks > 0) {
      if (k0[c0[i]!] === 0) continue;
      if (nChecks > 1) {
        if (k1[c1[i]!] === 0) continue;
        if (nChecks > 2 && !keptBeyondTwo(sel, i)) continue;
      }
    }
    lines++;
    if ((fl & NO_AMOUNT) === 0) {
      revenue += amount[i]!;
      revenueLines++;
    }
    if ((fl & NO_QUANTITY) === 0) {
      units += quantity[i]!;
      unitLines++;
    }
    if ((fl & RETURN) !== 0) continue;
    const o = order[i]!;
    if (o >= 0) {
      if (orderMark[o] !== pass) {
        orderMark[o] = pass;
        orders++;
      }
      if (two && orderMark2[o] !== pass2) {
        orderMark2[o] = pass2;
        orders2++;
      }
    }
    const c = customer[i]!;
    if (c >= 0) {
      if (customerMark[c] !== pass) {
        customerMark[c] = pass;
        customers++;
      }
      if (two && customerMark2[c] !== pass2) {
        customerMark2[c] = pass2;
        customers2++;
      }
    }
  }
  if (also) {
    const b = also.a;
    b.lines += lines;
    b.revenue += revenue;
    b.revenueLines += revenueLines;
    b.units += units;
    b.unitLines += unitLines;
    b.orders += orders2;
    b.customers += customers2;
  }
  a.lines += lines;
  a.revenue += revenue;
  a.revenueLines += revenueLines;
  a.units += units;
  a.unitLines += unitLines;
  a.orders += orders;
  a.customers += customers;
}

const ALL_CODES = new Int32Array(1);
const ALL_KEPT = Uint8Array.of(1);

function keptBeyondTwo(sel: Selection, i: number): boolean {
  for (let k = 2; k < sel.codes.length; k++) if (sel.keep[k]![sel.codes[k]![i]!] === 0) return false;
  return true;
}

/**
 * Positions of segment `seg`'s lines dated `from` … `to`, either bound open;
 * undated lines only with neither (a date bound is never true of NULL).
 */
function segmentRange(ix: LinesIndex, seg: number, from: number | null, to: number | null): [number, number] {
  const lo = ix.segments[seg]!;
  const hi = ix.segments[seg + 1]!;
  const a = from === null ? (to === null ? lo : lowerBound(ix.day, NO_DAY + 1, lo, hi)) : lowerBound(ix.day, from, lo, hi);
  const b = to === null ? hi : lowerBound(ix.day, to + 1, lo, hi);
  return [a, Math.max(a, b)];
}

/** The ranges of every segment's lines dated `from` … `to` (as `segmentRange`). */
function windowRanges(ix: LinesIndex, from: number | null, to: number | null): number[] {
  const out: number[] = [];
  for (let seg = 0; seg + 1 < ix.segments.length; seg++) {
    const [a, b] = segmentRange(ix, seg, from, to);
    if (b > a) out.push(a, b);
  }
  return out;
}

// ---------------------------------------------------------------- salesSql

function salesRow(ix: LinesIndex, a: Agg | null, period: string | null, group: string | null): SalesRow {
  const revenue = a && a.revenueLines > 0 ? a.revenue : null;
  return {
    period,
    group_value: group,
    revenue: ix.has.amount ? (revenue ?? 0) : null,
    orders: a?.orders ?? 0,
    aov: ix.has.amount && revenue !== null && a!.orders > 0 ? revenue / a!.orders : null,
    units: ix.has.quantity ? (a && a.unitLines > 0 ? a.units : 0) : null,
    customers: ix.has.customer ? (a?.customers ?? 0) : null,
    lines: a?.lines ?? 0,
  };
}

/** Byte order of two strings' UTF-8, as DuckDB orders VARCHAR (differs from `<` on UTF-16 for characters past U+FFFF). */
function compareText(a: string, b: string): number {
  const x = TEXT.encode(a);
  const y = TEXT.encode(b);
  for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
  return x.length - y.length;
}
const TEXT = new TextEncoder();

/** salesSql's order: revenue (largest first, NULL last), orders (most first), group (NULL last). */
function bySales(a: SalesRow, b: SalesRow): number {
  if (a.revenue !== b.revenue) {
    if (a.revenue === null) return 1;
    if (b.revenue === null) return -1;
    return b.revenue - a.revenue;
  }
  if (a.orders !== b.orders) return b.orders - a.orders;
  if (a.group_value === b.group_value) return 0;
  if (a.group_value === null) return 1;
  if (b.group_value === null) return -1;
  return compareText(a.group_value, b.group_value);
}

/** The total of a date range, and each month's (dated lines; months with a kept line only). */
interface SalesPass {
  total: Agg;
  /** By month start (days), in order. */
  months: Map<number, Agg>;
}

const emptyAgg = (): Agg => ({ lines: 0, revenue: 0, revenueLines: 0, units: 0, unitLines: 0, orders: 0, customers: 0 });

/** The first and last dated day among segment `seg`'s positions `lo … hi−1` (day-ordered); [∞, −∞] when none. */
function datedBounds(ix: LinesIndex, lo: number, hi: number): [number, number] {
  const a = lowerBound(ix.day, NO_DAY + 1, lo, hi);
  return a < hi ? [ix.day[a]!, ix.day[hi - 1]!] : [Infinity, -Infinity];
}

/**
 * The kept lines dated `from` … `to` (either open; undated ones only with
 * neither): their total, and each month's aggregate with its own marks for
 * the distinct counts. Kept per selection: the KPIs and the monthly figures
 * of one filter change share it.
 */
function salesPass(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): SalesPass {
  const key = `sales:${from}:${to}`;
  const hit = sel.passes.get(key);
  if (hit) return hit;
  const m = marks(ix);
  const ranges = windowRanges(ix, from, to);
  // The total is added up with the months (one read), plus the undated lines when no date bound leaves them out.
  const total = { a: emptyAgg(), st: m.one, pass: m.one.next() };
  if (from === null && to === null) {
    for (let r = 0; r < ranges.length; r += 2) {
      const undated = lowerBound(ix.day, NO_DAY + 1, ranges[r]!, ranges[r + 1]!);
      if (undated > ranges[r]!) addRange(ix, sel, ranges[r]!, undated, total.a, total.st, total.pass);
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < ranges.length; r += 2) {
    const [a, b] = datedBounds(ix, ranges[r]!, ranges[r + 1]!);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  const months = new Map<number, Agg>();
  if (hi >= lo) {
    for (let mo = monthStart(lo); mo <= hi; mo = monthStart(mo, 1)) {
      const end = monthStart(mo, 1) - 1;
      const pass = m.months.next();
      const agg = emptyAgg();
      for (let seg = 0; seg + 1 < ix.segments.length; seg++) {
        const [a, b] = segmentRange(ix, seg, Math.max(mo, from ?? mo), Math.min(end, to ?? end));
        if (b > a) addRange(ix, sel, a, b, agg, m.months, pass, total);
      }
      if (agg.lines > 0) months.set(mo, agg);
    }
  }
  const out: SalesPass = { total: total.a, months };
  sel.passes.set(key, out);
  return out;
}

export interface SalesAsk {
  by?: 'category';
  grain?: 'month';
}

/**
 * What `salesSql({ orders, by, grain, filters })` returns on the base table,
 * from the index; null when `by` is asked and the lines have no category.
 */
export function salesRows(ix: LinesIndex, sel: Selection, filters: Filters | undefined, ask: SalesAsk): SalesRow[] | null {
  const from = filters?.from !== undefined ? dayOf(filters.from) : null;
  const to = filters?.to !== undefined ? dayOf(filters.to) : null;
  const out: SalesRow[] = [];
  if (!ask.by) {
    const pass = salesPass(ix, sel, from, to);
    if (!ask.grain) return pass.total.lines > 0 ? [salesRow(ix, pass.total, null, null)] : [];
    // Months from the "from" filter, else the first kept dated line, to the "to" filter, else the last (none: no months).
    const seen = [...pass.months.keys()];
    if ((from === null || to === null) && seen.length === 0) return [];
    const first = from ?? seen[0]!;
    const last = to ?? seen[seen.length - 1]!;
    for (let m = monthStart(first); m <= last; m = monthStart(m, 1)) out.push(salesRow(ix, pass.months.get(m) ?? null, isoOf(m), null));
    return out;
  }
  const col = ix.dims.category;
  if (!col) return null;
  const segs = col.values.map((label, seg) => ({ label, range: segmentRange(ix, seg, from, to) }));
  if (!ask.grain) {
    for (const g of segs) {
      const a = aggregate(ix, sel, g.range);
      // A group with no kept line has no row (the SQL groups the kept lines).
      if (a.lines > 0) out.push(salesRow(ix, a, null, g.label));
    }
    return out.sort(bySales);
  }
  // By month too: only dated lines; months from the filters, else from the first to the last kept dated line.
  const dated = segs.map((g) => ({ ...g, range: [lowerBound(ix.day, NO_DAY + 1, g.range[0], g.range[1]), g.range[1]] as [number, number] }));
  let first = from;
  let last = to;
  if (first === null || last === null) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const g of dated) {
      const [a, b] = keptDayBounds(ix, sel, g.range[0], g.range[1]);
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    if (hi < lo) return [];
    first ??= lo;
    last ??= hi;
  }
  // The groups with a kept dated line (the SQL lists the groups of its aggregate).
  const present = dated.filter((g) => aggregate(ix, sel, g.range).lines > 0);
  for (let m = monthStart(first); m <= last; m = monthStart(m, 1)) {
    const end = monthStart(m, 1) - 1;
    const rows = present.map((g) => {
      const seg = col.values.indexOf(g.label);
      const a = aggregate(ix, sel, segmentRange(ix, seg, Math.max(m, from ?? m), Math.min(end, to ?? end)));
      return salesRow(ix, a.lines > 0 ? a : null, isoOf(m), g.label);
    });
    out.push(...rows.sort(bySales));
  }
  return out;
}

/** The first and last day of a kept line among positions `lo … hi−1` (dated, day-ordered); [∞, −∞] when none. */
function keptDayBounds(ix: LinesIndex, sel: Selection, lo: number, hi: number): [number, number] {
  const keep = (i: number): boolean => {
    if (sel.gross && ix.flags[i]! & RETURN) return false;
    for (let k = 0; k < sel.codes.length; k++) if (sel.keep[k]![sel.codes[k]![i]!] === 0) return false;
    return true;
  };
  let a = lo;
  while (a < hi && !keep(a)) a++;
  if (a === hi) return [Infinity, -Infinity];
  let b = hi - 1;
  while (!keep(b)) b--;
  return [ix.day[a]!, ix.day[b]!];
}

// ---------------------------------------------------------------- compareSql and sparklineSql

/** The KPIs the index answers. */
export type IndexKpi = 'revenue' | 'orders' | 'aov' | 'buyers';

/** A KPI over the kept lines dated `start` … `end`, as compare.ts's value: empty windows 0, or NULL for AOV. */
function kpiValue(ix: LinesIndex, sel: Selection, kpi: IndexKpi, start: number, end: number): number | null {
  const key = `${start}:${end}`;
  let a = sel.memo.get(key);
  if (!a) sel.memo.set(key, (a = aggregate(ix, sel, windowRanges(ix, start, end))));
  const revenue = a.revenueLines > 0 ? a.revenue : null;
  switch (kpi) {
    case 'revenue':
      return revenue ?? 0;
    case 'orders':
      return a.orders;
    case 'buyers':
      return a.customers;
    case 'aov':
      return revenue !== null && a.orders > 0 ? revenue / a.orders : null;
  }
}

/** The KPI's availability on these orders, as compare.ts requires its roles. */
export function kpiAvailable(ix: LinesIndex, kpi: IndexKpi): boolean {
  return kpi === 'orders' || (kpi === 'buyers' ? ix.has.customer : ix.has.amount);
}

function change(cur: number | null, other: number | null): [number | null, number | null] {
  if (cur === null || other === null) return [null, null];
  const d = cur - other;
  return [d, other === 0 ? null : d / Math.abs(other)];
}

/** `compareSql` at grain month (`toDate` as given) on the base table, from the index. */
export function compareRow(ix: LinesIndex, sel: Selection, kpi: IndexKpi, asOf: string, toDate: boolean): CompareRow {
  const as = dayOf(asOf);
  const cur = monthStart(as);
  const elapsed = as - cur;
  const cut = (from: number): number => {
    const end = monthStart(from, 1) - 1;
    return toDate ? Math.min(from + elapsed, end) : end;
  };
  const prev = monthStart(cur, -1);
  const ly = monthStart(cur, -12);
  const value = (a: number, b: number) => kpiValue(ix, sel, kpi, a, b);
  const current = value(cur, as);
  const previous = value(prev, cut(prev));
  const lastYear = value(ly, cut(ly));
  const [dp, dpp] = change(current, previous);
  const [dy, dyp] = change(current, lastYear);
  return {
    current_start: isoOf(cur), current_end: isoOf(as), current_value: current,
    previous_start: isoOf(prev), previous_end: isoOf(cut(prev)), previous_value: previous,
    change_vs_previous: dp, change_vs_previous_pct: dpp,
    last_year_start: isoOf(ly), last_year_end: isoOf(cut(ly)), last_year_value: lastYear,
    change_vs_last_year: dy, change_vs_last_year_pct: dyp,
  };
}

/** `sparklineSql` at grain month on the base table, from the index: `periods` months ending with the one of `asOf` (cut there). */
export function sparkRows(ix: LinesIndex, sel: Selection, kpi: IndexKpi, asOf: string, periods: number): SparklineRow[] {
  const as = dayOf(asOf);
  const cur = monthStart(as);
  const out: SparklineRow[] = [];
  for (let k = 1 - periods; k <= 0; k++) {
    const start = monthStart(cur, k);
    const end = k === 0 ? as : monthStart(start, 1) - 1;
    out.push({ period_start: isoOf(start), period_end: isoOf(end), value: kpiValue(ix, sel, kpi, start, end) });
  }
  return out;
}

/**
 * Runs every answer once on a slice of the lines (at most `slice` of them, from the first dated), under
 * no filter and under one and two dimension filters keeping everything, so that the JIT has compiled the
 * passes before the first filter change: a cold first change took 60–110 ms at 1M lines in Chromium.
 */
export function warmUp(ix: LinesIndex, slice = 100_000): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let seg = 0; seg + 1 < ix.segments.length; seg++) {
    const [a, b] = datedBounds(ix, ix.segments[seg]!, ix.segments[seg + 1]!);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  if (hi < lo) return;
  // About `slice` lines' worth of days.
  const days = Math.max(1, Math.round(((hi - lo + 1) * Math.min(slice, ix.rows)) / Math.max(1, ix.rows)));
  const from = isoOf(lo);
  const to = isoOf(Math.min(hi, lo + days - 1));
  const dims = (Object.keys(ix.dims) as DimensionFilter[]).slice(0, 2);
  const everything = (d: DimensionFilter): string[] => ix.dims[d]!.values.filter((v): v is string => v !== null);
  const filters: Filters[] = [{ from, to }, ...dims.map((_, n) => ({ from, to, ...Object.fromEntries(dims.slice(0, n + 1).map((d) => [d, everything(d)])) }))];
  for (let round = 0; round < 3; round++) {
    for (const f of filters) {
      const sel = selectionOf(ix, f, Object.keys(ix.dims) as DimensionFilter[]);
      if (!sel) continue;
      salesRows(ix, sel, f, {});
      salesRows(ix, sel, f, { grain: 'month' });
      salesRows(ix, sel, f, { by: 'category' });
      for (const kpi of ['revenue', 'buyers'] as const) {
        compareRow(ix, sel, kpi, to, true);
        sparkRows(ix, sel, kpi, to, 3);
      }
    }
  }
}
