/**
 * Building the lines index (lines.ts): the lines as read, sorted by category
 * and by day within each, ids re-coded along that order, dimension codes
 * narrowed to a byte where they fit, and the order bits set (FIRST_IN_SEGMENT
 * in lines.ts).
 */
import type { DimensionFilter } from '../../metrics/filters.ts';
import { NO_DAY } from '../../metrics/cube.ts';
import {
  FIRST_IN_SEGMENT, FIRST_OF_ORDER, MIXED_ORDER, NO_ORDER, RETURN, type Codes, type CustomerLines, type DimColumn, type LinesIndex,
} from './lines.ts';

/** The lines as read, in any order (no segments yet): `day` may hold `NO_DAY`, codes as above. */
export type LinesInput = Omit<LinesIndex, 'segments' | 'finite' | 'mixedOrders' | 'byCustomer'>;

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

/** A dimension's codes in `order`, a byte each when its values fit: a read of the lines then moves a quarter of the bytes. */
function dimCodes(col: DimColumn, order: Int32Array): Codes {
  const out = col.values.length <= 256 ? new Uint8Array(order.length) : new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) out[j] = col.codes[order[j]!]!;
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
  for (const [d, col] of Object.entries(input.dims) as [DimensionFilter, DimColumn][]) dims[d] = { codes: dimCodes(col, order), values: col.values };
  const ix: LinesIndex = {
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
    finite: allFinite(input.amount) && allFinite(input.quantity),
    mixedOrders: 0,
    byCustomer: { start: new Int32Array(1), day: new Int32Array(0), flags: new Uint8Array(0), amount: new Float64Array(0), order: new Int32Array(0), segment: new Uint8Array(0), dims: {}, orphans: new Int32Array(0) },
  };
  ix.mixedOrders = flagOrders(ix);
  ix.byCustomer = customerLines(ix, lo, span);
  return ix;
}

/** The index's lines with a customer, by customer, each customer's in day order (see `CustomerLines`); after the order bits are set. */
function customerLines(ix: LinesIndex, lo: number, span: number): CustomerLines {
  const { customer } = ix;
  const start = new Int32Array(ix.customers + 1);
  for (let i = 0; i < ix.rows; i++) if (customer[i]! >= 0) start[customer[i]! + 1]!++;
  for (let c = 0; c < ix.customers; c++) start[c + 1]! += start[c]!;
  // Days first (a counting sort over the days' range, `lo` … `lo + span − 1`, as the index's), then stably by customer.
  const byDay = countingOrder((i) => (ix.day[i] === NO_DAY ? 0 : ix.day[i]! - lo + 1), span + 1, ix.rows);
  const at = start.slice(0, ix.customers);
  const order = new Int32Array(start[ix.customers]!);
  for (let j = 0; j < ix.rows; j++) {
    const i = byDay[j]!;
    const c = customer[i]!;
    if (c >= 0) order[at[c]!++] = i;
  }
  const segment = ix.segments.length - 1 <= 256 ? new Uint8Array(order.length) : new Int32Array(order.length);
  const segOf = new Int32Array(ix.rows);
  for (let s = 0; s + 1 < ix.segments.length; s++) segOf.fill(s, ix.segments[s]!, ix.segments[s + 1]!);
  for (let j = 0; j < order.length; j++) segment[j] = segOf[order[j]!]!;
  const dims: CustomerLines['dims'] = {};
  for (const [d, col] of Object.entries(ix.dims) as [DimensionFilter, DimColumn][]) dims[d] = permutedCodes(col.codes, order);
  const orphans = new Int32Array(ix.rows - order.length);
  for (let i = 0, k = 0; i < ix.rows; i++) if (customer[i]! < 0) orphans[k++] = i;
  return { start, day: permuted(ix.day, order), flags: permuted(ix.flags, order), amount: permuted(ix.amount, order), order: permuted(ix.order, order), segment, dims, orphans };
}

function permutedCodes(codes: Codes, order: Int32Array): Codes {
  const out = codes instanceof Uint8Array ? new Uint8Array(order.length) : new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) out[j] = codes[order[j]!]!;
  return out;
}

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/**
 * Sets the order bits on `ix.flags` (see FIRST_IN_SEGMENT; lines of returns or of no order get none), and NO_ORDER
 * where the code is −1; returns how many orders' lines disagree.
 */
function flagOrders(ix: LinesIndex): number {
  const { flags, order, day, segments } = ix;
  const others = (Object.entries(ix.dims) as [DimensionFilter, DimColumn][]).filter(([d]) => d !== 'category').map(([, c]) => c.codes);
  const first = new Int32Array(ix.orders).fill(-1);
  const mixed = new Uint8Array(ix.orders);
  let count = 0;
  for (let i = 0; i < ix.rows; i++) {
    const o = order[i]!;
    // The read takes a line's order from this flag, and its code only when it needs a mark.
    if (o < 0) flags[i]! |= NO_ORDER;
    if (o < 0 || (flags[i]! & RETURN) !== 0) continue;
    const f = first[o]!;
    if (f < 0) first[o] = i;
    else if (mixed[o] === 0) {
      // A line without the order's customer (or with another) is not read with the customer's other lines.
      let differs = day[i] !== day[f] || ix.customer[i] !== ix.customer[f];
      for (let k = 0; k < others.length && !differs; k++) differs = others[k]![i] !== others[k]![f];
      if (differs) {
        mixed[o] = 1;
        count++;
      }
    }
  }
  const lastSegment = new Int32Array(ix.orders).fill(-1);
  for (let s = 0; s + 1 < segments.length; s++) {
    for (let i = segments[s]!; i < segments[s + 1]!; i++) {
      const o = order[i]!;
      if (o < 0 || (flags[i]! & RETURN) !== 0) continue;
      if (mixed[o] !== 0) {
        flags[i]! |= MIXED_ORDER;
        continue;
      }
      if (first[o] === i) flags[i]! |= FIRST_OF_ORDER;
      if (lastSegment[o] !== s) {
        flags[i]! |= FIRST_IN_SEGMENT;
        lastSegment[o] = s;
      }
    }
  }
  return count;
}
