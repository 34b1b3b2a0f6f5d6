/**
 * The in-memory route (lines.ts): the lines index is built in the background
 * after the cubes, once per workspace version of the orders and customers,
 * and from then on answers the Analytics page's sales-by-category, period
 * comparisons and sparklines of revenue, orders, AOV and buyers under any
 * filter it can answer exactly. Until it is ready, or where it cannot answer,
 * those measures take the cube or base-table route as before.
 */
import type { Db } from '../../db/types.ts';
import { errorMessage } from '../../lib/errors.ts';
import { lineDimValuesSql, linesIndexSql, type CubeSpec } from '../../metrics/cube.ts';
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import { hasRevenue } from '../../metrics/measures.ts';
import { orderDateBoundsSql } from '../../metrics/bounds.ts';
import type { DimValues, IndexBuilder } from './arrow.ts';
import { selectionOf, type LinesIndex, type Selection } from './lines.ts';
import { compareRow, kpiAvailable, salesRows, sparkRows, warmUp, type IndexKpi } from './answers.ts';

/**
 * Above this many order lines no index is built: its arrays take about 40 bytes a line beside DuckDB's copy,
 * and the read goes through DuckDB's WASM heap; measured up to 1M lines so far, so 10M stays on the SQL routes.
 */
export const MAX_INDEX_ROWS = 5_000_000;

interface Held {
  db: Db;
  key: string;
  index: LinesIndex | null;
  /** The last order date as the Analytics page reads it (`orderDateBoundsSql`): the comparisons' as-of day without a "to" filter. */
  lastDay: string | null;
  done: Promise<LinesIndex | null>;
  /** The dimensions the orders can be filtered on (the cube shape's): one the index lacks sends a filter to SQL. */
  shapeDims: DimensionFilter[];
}

let held: Held | null = null;
/** Milliseconds the last build took, read included (the e2e test and the bench log it). */
export let lastIndexBuildMs = 0;

/** The index for `key` on `db` when it is ready, with the dimensions a filter can act on; null otherwise. */
export function readyIndex(db: Db, key: string): ReadyIndex | null {
  return held && held.db === db && held.key === key && held.index ? { index: held.index, shapeDims: held.shapeDims, lastDay: held.lastDay } : null;
}

export interface ReadyIndex {
  index: LinesIndex;
  shapeDims: DimensionFilter[];
  lastDay: string | null;
}

/**
 * Starts the build for `key` unless one for it is held (ready, running or
 * failed: a failure is not retried for the same tables). Resolves to the
 * index, or null when none is built (too many lines, no way to read Arrow,
 * a failure, which is logged: the SQL routes answer instead).
 */
export function buildLinesIndex(db: Db, spec: CubeSpec, key: string, builder: IndexBuilder): Promise<LinesIndex | null> {
  if (held && held.db === db && held.key === key) return held.done;
  const orders = spec.shape.orders;
  const shapeDims = Object.keys(spec.shape.dims) as DimensionFilter[];
  const entry: Held = { db, key, index: null, lastDay: null, done: Promise.resolve(null), shapeDims };
  held = entry;
  if (!db.queryIpc || orders.rowCount > MAX_INDEX_ROWS) return entry.done;
  const read = db.queryIpc.bind(db);
  entry.done = (async () => {
    const t0 = performance.now();
    try {
      const dims: DimValues = {};
      for (const d of spec.lineDims) {
        const values: string[] = [];
        for (const r of (await db.query(lineDimValuesSql(d))).rows) values[Number(r.code) - 1] = String(r.v);
        dims[d] = values;
      }
      const bounds = orderDateBoundsSql(orders);
      const hi = bounds ? (await db.query(bounds)).rows[0]?.hi : null;
      entry.lastDay = typeof hi === 'string' ? hi : null;
      const lines = read(linesIndexSql(spec));
      // Its failure is the builder's too; read it there.
      lines.catch(() => undefined);
      const index = await builder(lines, { dims, has: { amount: hasRevenue(orders), quantity: orders.roles.quantity !== undefined, customer: orders.roles.customer_id !== undefined } });
      lastIndexBuildMs = performance.now() - t0;
      if (held !== entry) return index;
      warmUp(index);
      entry.index = index;
      return index;
    } catch (e) {
      console.warn(`The in-memory lines index was not built (${errorMessage(e)}); the measures read DuckDB instead.`);
      return null;
    }
  })();
  return entry.done;
}

/** Drops the held index (tests, and a database that closes). */
export function dropLinesIndex(): void {
  held = null;
  lastSelection = null;
}

let lastSelection: { index: LinesIndex; key: string; sel: Selection | null } | null = null;

/** The selection for these filters, kept for the next measure of the same run (they share its window aggregates). */
function selectionFor(ready: ReadyIndex, filters: Filters): Selection | null {
  const key = JSON.stringify(filters);
  if (lastSelection?.index !== ready.index || lastSelection.key !== key) lastSelection = { index: ready.index, key, sel: selectionOf(ready.index, filters, ready.shapeDims) };
  return lastSelection.sel;
}

/** What the in-memory route answers: sales by category, and the comparisons and sparklines of these KPIs. */
export type IndexAnswer = { kind: 'salesByCategory' } | { kind: 'compare' | 'spark'; kpi: IndexKpi };

/**
 * The rows the base table's query gives for `ask` (salesSql by category,
 * compareSql to date at grain month, sparklineSql of 12 months), from the
 * index; null when the index cannot answer these filters exactly.
 */
export function answerFromIndex(ready: ReadyIndex, ask: IndexAnswer, filters: Filters, asOf: string | null): unknown[] | null {
  const ix = ready.index;
  const sel = selectionFor(ready, filters);
  if (!sel) return null;
  if (ask.kind === 'salesByCategory') return salesRows(ix, sel, filters, { by: 'category' });
  if (!asOf || !kpiAvailable(ix, ask.kpi)) return null;
  return ask.kind === 'compare' ? [compareRow(ix, sel, ask.kpi, asOf, true)] : sparkRows(ix, sel, ask.kpi, asOf, 12);
}
