/**
 * Typed result rows. A measure's row interface lives next to its SQL builder
 * (src/metrics); a `RowShape` names each column's kind, and TypeScript checks
 * that the shape matches the interface column for column. `readRows` reads a
 * result through the shape once, here, so pages get `rows[0].customers` as a
 * number (or null where the interface allows it) instead of `num(r, 'customers')`.
 */
import type { Cell, Row } from '../db/types.ts';

type Base<T> = [T] extends [boolean] ? 'boolean' : [T] extends [number] ? 'number' : [T] extends [string] ? 'string' : never;
/** A column's kind: `number`, `string` or `boolean`; with `?` when the interface admits NULL. */
export type ColumnKind<T> = null extends T ? `${Base<NonNullable<T>>}?` : Base<T>;
export type RowShape<R> = { readonly [K in keyof R]-?: ColumnKind<R[K]> };

/** A result that does not fit its declared row (a builder and its interface disagree): a bug, said with where. */
export class RowShapeError extends Error {
  constructor(what: string, column: string, value: Cell | undefined, kind: string) {
    const got = value === undefined ? 'no such column' : value === null ? 'NULL' : `${typeof value} ${JSON.stringify(value)}`;
    super(`${what}: column "${column}" should be ${kind} but holds ${got}`);
    this.name = 'RowShapeError';
  }
}

function readCell(v: Cell | undefined, kind: string, what: string, column: string): Cell {
  const nullable = kind.endsWith('?');
  const base = nullable ? kind.slice(0, -1) : kind;
  if (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) {
    if (nullable && v !== undefined) return null;
    throw new RowShapeError(what, column, v, kind);
  }
  if (base === 'number') {
    if (typeof v === 'number') return v;
    // DECIMAL and HUGEINT arrive as text from some paths: read them; anything else is a mismatch.
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  } else if (base === 'string') {
    // Group keys can be numbers (a year, a numeric segment code): as text, as a label.
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  } else if (base === 'boolean') {
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
  }
  throw new RowShapeError(what, column, v, kind);
}

/**
 * Rows read through `shape`: only its columns, each coerced to its kind (numbers
 * from numeric text, labels from numbers, NaN as NULL). Throws a `RowShapeError`
 * naming `what` and the column when a value cannot be (a NULL in a column the
 * interface says is never NULL, a missing column).
 */
export function readRows<R>(rows: readonly Row[], shape: RowShape<R>, what: string): R[] {
  const columns = Object.entries(shape) as [string, string][];
  return rows.map((row) => {
    const out: Record<string, Cell> = {};
    for (const [column, kind] of columns) out[column] = readCell(row[column], kind, what, column);
    return out as R;
  });
}
