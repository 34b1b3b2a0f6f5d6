import type { Cell, ColumnInfo, QueryResult, Row } from './types.ts';

/** The subset of an Apache Arrow table that we read (DuckDB-WASM returns Arrow). */
interface ArrowLike {
  schema: { fields: { name: string; type: { toString(): string; scale?: number } }[] };
  numRows: number;
  getChildAt(i: number): { get(i: number): unknown } | null;
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
  const rows: Row[] = new Array<Row>(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    for (let c = 0; c < fields.length; c++) {
      const col = columns[c]!;
      row[col.name] = toCell(vectors[c]?.get(r), col.type, scales[c]!);
    }
    rows[r] = row;
  }
  return { columns, rows };
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
