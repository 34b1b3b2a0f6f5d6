/**
 * The index in two parts, so that a filter change's two reads run at once on
 * two cores: the sales pass and the comparisons read the category-ordered
 * lines (answers.ts), the per-customer measures read the customer-ordered
 * copy (pass.ts, customers.ts, activity.ts). In the browser each part lives
 * in a worker of its own (client.ts): the customer part's arrays are moved
 * to the second worker, not copied, so the two hold no more than one did.
 *
 * The customer part is an index whose category-ordered lines are the lines
 * without a customer only (the scope counts them), with what the
 * per-customer answers take from the whole index given in `whole`: the dated
 * span and the order checks.
 */
import type { DimensionFilter } from '../../metrics/filters.ts';
import type { Codes, CustomerLines, DimColumn, LinesIndex } from './lines.ts';
import { datedSpan } from './pass.ts';
import { checks } from './customers.ts';
import { customerBuffers } from './parts.ts';

/** An index without its customer-ordered lines (they moved to the customer part): what the lines part keeps. */
const NO_CUSTOMER_LINES: CustomerLines = {
  start: new Int32Array(1), day: new Int32Array(0), flags: new Uint8Array(0), amount: new Float64Array(0), order: new Int32Array(0), segment: new Uint8Array(0), dims: {}, orphans: new Int32Array(0),
};

/** `a`'s values at `at`. */
function picked<T extends Int32Array | Uint8Array | Float64Array>(a: T, at: Int32Array): T {
  const out = new (a.constructor as new (n: number) => T)(at.length);
  for (let k = 0; k < at.length; k++) out[k] = a[at[k]!]!;
  return out;
}

/**
 * `ix` in its two parts: the lines part (`ix` without its customer-ordered lines) and the customer part, with the
 * buffers to move when the customer part goes to another worker (its own category-ordered lines are copies of
 * the lines without a customer). `ix` itself is left whole.
 */
export function splitIndex(ix: LinesIndex): { lines: LinesIndex; customers: LinesIndex; transfer: ArrayBuffer[] } {
  const cl = ix.byCustomer;
  const at = cl.orphans;
  const dims: Partial<Record<DimensionFilter, DimColumn>> = {};
  for (const [d, col] of Object.entries(ix.dims) as [DimensionFilter, DimColumn][]) dims[d] = { codes: picked(col.codes as Codes, at), values: col.values };
  const { oneCustomerPerOrder, orderlessSales } = checks(ix);
  const part: LinesIndex = {
    rows: at.length,
    day: picked(ix.day, at),
    // Only their number: no category-ordered read runs on the part.
    segments: new Int32Array(ix.segments.length),
    customer: new Int32Array(at.length).fill(-1),
    customers: ix.customers,
    order: picked(ix.order, at),
    orders: ix.orders,
    flags: picked(ix.flags, at),
    amount: picked(ix.amount, at),
    quantity: picked(ix.quantity, at),
    dims,
    has: ix.has,
    mixedOrders: ix.mixedOrders,
    finite: ix.finite,
    byCustomer: { ...cl, orphans: Int32Array.from({ length: at.length }, (_, k) => k) },
    whole: { span: datedSpan(ix), oneCustomerPerOrder, orderlessSales },
  };
  return { lines: { ...ix, byCustomer: NO_CUSTOMER_LINES }, customers: part, transfer: customerBuffers(part) };
}
