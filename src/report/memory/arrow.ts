/**
 * The lines index from the lines as `linesIndexSql` returns them (an Arrow
 * IPC stream): ids and order keys get dense codes by their UTF-8 bytes (no
 * string per row), then build.ts orders them. Runs in the worker that then
 * holds the index in the browser (client.ts), in-process in Node.
 */
import { tableFromIPC } from 'apache-arrow';
import { arrowToRaw } from '../../db/rows.ts';
import type { TextColumn } from '../../db/types.ts';
import { ByteDict } from '../../db/byte-dict.ts';
import { LINE_FLAGS } from '../../metrics/cube.ts';
import type { DimensionFilter } from '../../metrics/filters.ts';
import { buildLinesIndex, type LinesInput } from './build.ts';
import type { DimColumn, LinesIndex } from './lines.ts';
import { inlineHost, type IndexHost } from './host.ts';

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

/** The index of `lines`: an Arrow IPC stream, whole or in pieces (the schema, then record batches). */
export function indexFromIpc(lines: readonly Uint8Array[], ask: IndexAsk): LinesIndex {
  return buildLinesIndex(linesFromIpc(lines, ask));
}

/**
 * The lines of the read as typed arrays, ids coded, not yet ordered. Read in pieces, the arrays are copies,
 * so the caller can let the pieces go before the index's sort copies the lines again (10M lines: ~600 MB).
 */
export function linesFromIpc(lines: readonly Uint8Array[], ask: IndexAsk): LinesInput {
  const table = tableFromIPC(lines);
  const n = table.numRows;
  // Numbers as the read gives them (32-bit integers, a byte, doubles), not widened: at 10M lines a double column is 80 MB.
  const column = (name: string) => {
    const v = table.getChild(name);
    if (!v) throw new Error(`The lines index read has no column "${name}"`);
    if (v.nullCount > 0) throw new Error(`The lines index read has NULLs in "${name}"`);
    return v.toArray() as ArrayLike<number>;
  };
  const typed = <T extends Int32Array | Uint8Array | Float64Array>(name: string, Type: { new (n: number): T; from(a: ArrayLike<number>): T }): T => {
    const a = column(name);
    return a instanceof Type ? a : Type.from(a);
  };
  const raw = arrowToRaw(table.select(['cid', 'okey']));
  const flags = typed('flags', Uint8Array);
  const customer = codes(raw.text.cid!, n, (i) => (flags[i]! & LINE_FLAGS.noCustomer) !== 0);
  const order = codes(raw.text.okey!, n, (i) => (flags[i]! & LINE_FLAGS.noOrder) !== 0);
  const dims: Partial<Record<DimensionFilter, DimColumn>> = {};
  for (const [d, values] of Object.entries(ask.dims) as [DimensionFilter, string[]][]) dims[d] = { codes: typed(`dim_${d}`, Int32Array), values: [null, ...values] };
  return {
    rows: n,
    day: typed('day', Int32Array),
    customer: customer.codes,
    customers: customer.count,
    order: order.codes,
    orders: order.count,
    flags,
    amount: typed('amount', Float64Array),
    quantity: typed('quantity', Float64Array),
    dims,
    has: ask.has,
  };
}

/** Builds an index from a promise of the lines' bytes and hosts it: in a worker in the browser (client.ts), in-process elsewhere. */
export type IndexBuilder = (lines: Promise<Uint8Array[]>, ask: IndexAsk, signal?: AbortSignal) => Promise<IndexHost>;

export const inlineIndexBuilder: IndexBuilder = async (lines, ask) => inlineHost(indexFromIpc(await lines, ask));
