import type { Cell, ColumnInfo, ColumnsResult, QueryResult, RawColumns, Row } from './types.ts';

/** The subset of an Apache Arrow table that we read (DuckDB-WASM returns Arrow). */
interface ArrowLike {
  schema: { fields: { name: string; type: { toString(): string; scale?: number } }[] };
  numRows: number;
  getChildAt(i: number): { get(i: number): unknown; toArray(): ArrayLike<unknown>; nullCount: number } | null;
}

function toCell(v: unknown, type: string, scale: number): Cell {
  if (v === null || v === undefined) return null;
  // Arrow hands back dates and timestamps as epoch milliseconds, whatever the unit.
  if (type.startsWith('Date')) return new Date(Number(v)).toISOString().slice(0, 10);
  if (type.startsWith('Timestamp')) {
    return new Date(Number(v)).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (type.startsWith('Decimal')) return Number(String(v)) / 10 ** scale;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Convert an Arrow table into plain rows (numbers, strings, ISO dates). */
export function arrowToResult(table: ArrowLike): QueryResult {
  const fields = table.schema.fields;
  const columns: ColumnInfo[] = fields.map((f) => ({ name: f.name, type: f.type.toString() }));
  const vectors = fields.map((_, i) => table.getChildAt(i));
  const scales = fields.map((f) => f.type.scale ?? 0);
  // Arrow's numRows sums its record batches on every read: read it once, not once per row.
  const n = table.numRows;
  const rows: Row[] = new Array<Row>(n);
  for (let r = 0; r < n; r++) {
    const row: Row = {};
    for (let c = 0; c < fields.length; c++) {
      const col = columns[c]!;
      row[col.name] = toCell(vectors[c]?.get(r), col.type, scales[c]!);
    }
    rows[r] = row;
  }
  return { columns, rows };
}

const NUMERIC = /^(Int|Uint|Float)\d/;

/** A numeric Arrow column's values as doubles: typed arrays convert natively (no call per value); 64-bit integers come as BigInts and cannot. */
function toFloat64(raw: ArrayLike<number>): Float64Array {
  return ArrayBuffer.isView(raw) && !(raw instanceof BigInt64Array || raw instanceof BigUint64Array) ? new Float64Array(raw) : Float64Array.from(raw, Number);
}

/**
 * An Arrow table as one array per column: numeric columns as `Float64Array`
 * (NULL becomes NaN), others as cells. For results too long to turn into row
 * objects on the page's thread (pairs of basket and item codes, say).
 */
export function arrowToColumns(table: ArrowLike): ColumnsResult {
  const fields = table.schema.fields;
  const columns: ColumnInfo[] = fields.map((f) => ({ name: f.name, type: f.type.toString() }));
  const n = table.numRows;
  const values: ColumnsResult['values'] = {};
  fields.forEach((f, c) => {
    const vector = table.getChildAt(c);
    const type = columns[c]!.type;
    if (!vector) {
      values[f.name] = new Array<Cell>(n).fill(null);
    } else if (NUMERIC.test(type)) {
      const out = toFloat64(vector.toArray() as ArrayLike<number>);
      // toArray drops the validity bitmap: put the NULLs back as NaN.
      if (vector.nullCount > 0) for (let r = 0; r < n; r++) if (vector.get(r) === null) out[r] = NaN;
      values[f.name] = out;
    } else {
      const scale = f.type.scale ?? 0;
      const cells = new Array<Cell>(n);
      for (let r = 0; r < n; r++) cells[r] = toCell(vector.get(r), type, scale);
      values[f.name] = cells;
    }
  });
  return { columns, rows: n, values };
}

/** Record batches' columns end to end, as if they were one result (`columns` from the first, or `schema` when there was none). */
export function concatColumns(parts: readonly ColumnsResult[], schema: ColumnInfo[]): ColumnsResult {
  const columns = parts[0]?.columns ?? schema;
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const values: ColumnsResult['values'] = {};
  for (const { name, type } of columns) {
    if (NUMERIC.test(type)) {
      const out = new Float64Array(rows);
      let at = 0;
      for (const p of parts) {
        out.set(p.values[name] as Float64Array, at);
        at += p.rows;
      }
      values[name] = out;
    } else {
      // Filled in place: flatMap over a few hundred batches builds and copies arrays for each.
      const out = new Array<Cell>(rows);
      let at = 0;
      for (const p of parts) {
        const cells = p.values[name] as Cell[];
        for (let r = 0; r < p.rows; r++) out[at++] = cells[r] ?? null;
      }
      values[name] = out;
    }
  }
  return { columns, rows, values };
}

/** Settings that keep DuckDB-WASM from reaching for the network. */
export const OFFLINE_SETTINGS = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
];

/**
 * Browser only, after OFFLINE_SETTINGS: no later statement may change a setting
 * (turn extension loading back on, point at another repository). Not
 * `enable_external_access = false`: DuckDB then refuses the registered files
 * the app loads too, and it cannot be turned back on for a load.
 */
export const LOCKED_SETTINGS = ['SET lock_configuration = true'];

interface ArrowChunk {
  length: number;
  nullCount: number;
  valueOffsets?: Int32Array;
  values?: ArrayLike<number> & { subarray?: (a: number, b: number) => ArrayLike<number> };
}

/**
 * An Arrow table without NULLs as flat arrays: text columns as UTF-8 bytes
 * with offsets (record batches end to end), numeric columns as doubles. For
 * a consumer that groups or orders a million values itself (journeys'
 * sessions), where a JS string or cell per value is most of the cost.
 */
export function arrowToRaw(table: {
  schema: ArrowLike['schema'];
  numRows: number;
  getChildAt(i: number): { data: readonly ArrowChunk[]; toArray(): ArrayLike<unknown>; nullCount: number } | null;
}): RawColumns {
  const n = table.numRows;
  const out: RawColumns = { rows: n, text: {}, numbers: {} };
  table.schema.fields.forEach((f, c) => {
    const vector = table.getChildAt(c);
    const type = f.type.toString();
    if (!vector) throw new Error(`Column "${f.name}" is missing from the result`);
    if (vector.nullCount > 0) throw new Error(`Column "${f.name}" holds NULLs; the query must leave none`);
    if (type === 'Utf8') {
      const offsets = new Int32Array(n + 1);
      let size = 0;
      for (const d of vector.data) size += d.valueOffsets![d.length]! - d.valueOffsets![0]!;
      const bytes = new Uint8Array(size);
      let row = 0;
      let at = 0;
      for (const d of vector.data) {
        const o = d.valueOffsets!;
        const base = o[0]!;
        for (let i = 1; i <= d.length; i++) offsets[row + i] = at + o[i]! - base;
        bytes.set((d.values as Uint8Array).subarray(base, o[d.length]!), at);
        at += o[d.length]! - base;
        row += d.length;
      }
      out.text[f.name] = { offsets, bytes };
    } else if (NUMERIC.test(type)) {
      out.numbers[f.name] = toFloat64(vector.toArray() as ArrayLike<number>);
    } else {
      throw new Error(`Column "${f.name}" is ${type}; only text and numbers are read raw`);
    }
  });
  return out;
}
