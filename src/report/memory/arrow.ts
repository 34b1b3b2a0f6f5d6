/**
 * The lines index from the lines as `linesIndexSql` returns them (an Arrow
 * IPC stream): ids and order keys get dense codes by their UTF-8 bytes (no
 * string per row), then lines.ts orders them. Runs in a worker in the
 * browser (client.ts), in-process in Node.
 */
import { tableFromIPC } from 'apache-arrow';
import { arrowToRaw } from '../../db/rows.ts';
import type { TextColumn } from '../../db/types.ts';
import { ByteDict } from '../../db/byte-dict.ts';
import { LINE_FLAGS } from '../../metrics/cube.ts';
import type { DimensionFilter } from '../../metrics/filters.ts';
import { buildLinesIndex, type DimColumn, type LinesIndex } from './lines.ts';

/** Per line dimension of the read, its values by code (`lineDimValuesSql`; index 0, NULL, is added here). */
export type DimValues = Partial<Record<DimensionFilter, string[]>>;

export interface IndexAsk {
  dims: DimValues;
  has: LinesIndex['has'];
}

/** Dense codes of a text column's values, −1 where `skip` says the value is NULL. */
function codes(col: TextColumn, rows: number, skip: (i: number) => boolean): { codes: Int32Array; count: number } {
  const dict = new ByteDict(Math.min(rows, 1 << 16));
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = skip(i) ? -1 : dict.code(col, i);
  return { codes: out, count: dict.size };
}

export function indexFromIpc(lines: Uint8Array, ask: IndexAsk): LinesIndex {
  const raw = arrowToRaw(tableFromIPC(lines));
  const n = raw.rows;
  const num = (name: string): Float64Array => {
    const c = raw.numbers[name];
    if (!c) throw new Error(`The lines index read has no column "${name}"`);
    return c;
  };
  const flags = Uint8Array.from(num('flags'));
  const customer = codes(raw.text.cid!, n, (i) => (flags[i]! & LINE_FLAGS.noCustomer) !== 0);
  const order = codes(raw.text.okey!, n, (i) => (flags[i]! & LINE_FLAGS.noOrder) !== 0);
  const dims: Partial<Record<DimensionFilter, DimColumn>> = {};
  for (const [d, values] of Object.entries(ask.dims) as [DimensionFilter, string[]][]) dims[d] = { codes: Int32Array.from(num(`dim_${d}`)), values: [null, ...values] };
  return buildLinesIndex({
    rows: n,
    day: Int32Array.from(num('day')),
    customer: customer.codes,
    customers: customer.count,
    order: order.codes,
    orders: order.count,
    flags,
    amount: num('amount'),
    quantity: num('quantity'),
    dims,
    has: ask.has,
  });
}

/** Every buffer of an index, to move it between threads. */
export function indexBuffers(ix: LinesIndex): ArrayBuffer[] {
  const arrays = [ix.day, ix.segments, ix.customer, ix.order, ix.flags, ix.amount, ix.quantity, ...Object.values(ix.dims).map((d) => d.codes)];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/** Builds an index from a promise of the lines' bytes: a worker in the browser, in-process elsewhere. */
export type IndexBuilder = (lines: Promise<Uint8Array>, ask: IndexAsk, signal?: AbortSignal) => Promise<LinesIndex>;

export const inlineIndexBuilder: IndexBuilder = async (lines, ask) => indexFromIpc(await lines, ask);
