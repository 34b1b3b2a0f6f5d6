/**
 * The in-memory route (lines.ts): the lines index is built in the background
 * after the cubes, once per workspace version of the orders and customers,
 * and from then on answers the Analytics page's sales-by-category, period
 * comparisons and sparklines of revenue, orders, AOV and buyers under any
 * filter it can answer exactly. Until it is ready, or where it cannot answer,
 * those measures take the cube or base-table route as before.
 */
import type { Db } from '../../db/types.ts';
import { errorMessage, isAbortError } from '../../lib/errors.ts';
import { lineDimValuesSql, linesIndexSql, type CubeSpec } from '../../metrics/cube.ts';
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import { hasRevenue } from '../../metrics/measures.ts';
import { orderDateBoundsSql } from '../../metrics/bounds.ts';
import type { DimValues, IndexBuilder } from './arrow.ts';
import type { IndexAnswer, IndexAnswers, IndexHost } from './host.ts';

/**
 * Above this many order lines no index is built: measured at 10M (bench), where the build raised the tab's
 * peak memory from 4.1 to 5.5–5.7 GB (the read passes through DuckDB's WASM heap, then the worker codes and sorts
 * the lines) and the index then held about 40 bytes a line in its worker; about 60 since it also keeps the lines
 * in customer order (`CustomerLines`), and the peak with it built before the first Analytics run was 5.1 GB.
 */
export const MAX_INDEX_ROWS = 10_000_000;

/** The tab's peak rose by about 1.6 GB for 10M lines: 160 bytes a line while the index is built. */
const BUILD_BYTES_PER_LINE = 160;

/**
 * The most lines to index on a device with `deviceMemoryGb` of memory (`navigator.deviceMemory`, which
 * Chromium reports rounded, at most 8): a quarter of it for the build, never above `MAX_INDEX_ROWS`.
 * Unknown memory (other browsers, Node) gets `MAX_INDEX_ROWS`.
 */
export function indexRowLimit(deviceMemoryGb: number | undefined): number {
  if (!deviceMemoryGb || !Number.isFinite(deviceMemoryGb) || deviceMemoryGb <= 0) return MAX_INDEX_ROWS;
  return Math.min(MAX_INDEX_ROWS, Math.floor((deviceMemoryGb * 2 ** 30) / 4 / BUILD_BYTES_PER_LINE));
}

const deviceMemory = (): number | undefined => (globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory;

/** What a build is doing, for the page to say: reading the lines out of DuckDB, then indexing them in the workers; null once done. */
export type IndexStage = 'read' | 'index';
export type StageListener = (stage: IndexStage | null, rows: number) => void;

interface Held {
  db: Db;
  key: string;
  /** The build's stage (null once it is over), and who is told when it changes. */
  stage: IndexStage | null;
  listeners: Set<StageListener>;
  /** Set once built; null again when it fails later (its worker died): the SQL routes answer. */
  host: IndexHost | null;
  /** The last order date as the Analytics page reads it (`orderDateBoundsSql`): the comparisons' as-of day without a "to" filter. */
  lastDay: string | null;
  done: Promise<IndexHost | null>;
  /** The dimensions the orders can be filtered on (the cube shape's): one the index lacks sends a filter to SQL. */
  shapeDims: DimensionFilter[];
}

let held: Held | null = null;
/** Milliseconds the last build took, read included (the e2e test and the bench log it). */
export let lastIndexBuildMs = 0;

/** The index for `key` on `db` when it is ready, with the dimensions a filter can act on; null otherwise. */
export function readyIndex(db: Db, key: string): ReadyIndex | null {
  return held && held.db === db && held.key === key && held.host ? { host: held.host, shapeDims: held.shapeDims, lastDay: held.lastDay } : null;
}

export interface ReadyIndex {
  host: IndexHost;
  shapeDims: DimensionFilter[];
  lastDay: string | null;
}

/**
 * Starts the build for `key` unless one for it is held (ready, running or
 * failed: a failure is not retried for the same tables). Resolves to the
 * index, or null when none is built (too many lines, no way to read Arrow,
 * a failure, which is logged: the SQL routes answer instead).
 */
export function buildLinesIndex(db: Db, spec: CubeSpec, key: string, builder: IndexBuilder, onStage?: StageListener): Promise<IndexHost | null> {
  const orders = spec.shape.orders;
  if (held && held.db === db && held.key === key) {
    // A build already under way tells this caller too, from its present stage on.
    const h = held;
    if (onStage && h.stage !== null) {
      h.listeners.add(onStage);
      onStage(h.stage, orders.rowCount);
    }
    return h.done;
  }
  const shapeDims = Object.keys(spec.shape.dims) as DimensionFilter[];
  dropLinesIndex();
  const entry: Held = { db, key, stage: null, listeners: new Set(onStage ? [onStage] : []), host: null, lastDay: null, done: Promise.resolve(null), shapeDims };
  held = entry;
  if (!(db.queryIpcParts || db.queryIpc) || orders.rowCount > indexRowLimit(deviceMemory())) return entry.done;
  let over = false;
  const stage = (s: IndexStage | null): void => {
    // Nothing after the end (a read that comes back after its build failed).
    if (over) return;
    over = s === null;
    entry.stage = s;
    for (const tell of entry.listeners) tell(s, orders.rowCount);
    if (over) entry.listeners.clear();
  };
  // In pieces where the database can (the browser), so the page's queries run between the pieces of a long read.
  const read = (sql: string): Promise<Uint8Array[]> => (db.queryIpcParts ? db.queryIpcParts(sql) : db.queryIpc!(sql).then((b) => [b]));
  entry.done = (async () => {
    const t0 = performance.now();
    stage('read');
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
      lines.then(() => stage('index'), () => undefined);
      const host = await builder(lines, { dims, has: { amount: hasRevenue(orders), quantity: orders.roles.quantity !== undefined, customer: orders.roles.customer_id !== undefined } });
      lastIndexBuildMs = performance.now() - t0;
      if (held !== entry) {
        // Replaced while it was built: nobody will ask it.
        host.close();
        return null;
      }
      entry.host = host;
      return host;
    } catch (e) {
      console.warn(`The in-memory lines index was not built (${errorMessage(e)}); the measures read DuckDB instead.`);
      return null;
    } finally {
      stage(null);
    }
  })();
  return entry.done;
}

/** Drops the held index and ends its workers (tests, a new workspace version, a database that closes). */
export function dropLinesIndex(): void {
  held?.host?.close();
  held = null;
}

/**
 * The rows the base tables' queries give for `asks` (as host.ts says) under
 * `filters`, from the index: one batch, so the measures of a filter change
 * share one selection and one trip to each of the two workers. Null per ask the index
 * cannot answer exactly; all null when the index fails (logged, and dropped:
 * the SQL routes answer from then on).
 */
export async function answerFromIndex(ready: ReadyIndex, asks: readonly IndexAnswer[], filters: Filters, asOf: string | null): Promise<IndexAnswers> {
  try {
    return await ready.host.answer({ asks, filters, asOf, shapeDims: ready.shapeDims });
  } catch (e) {
    // Closed (a newer workspace version replaced it) is no failure.
    if (!isAbortError(e)) console.warn(`The in-memory lines index failed (${errorMessage(e)}); the measures read DuckDB instead.`);
    if (held?.host === ready.host) {
      ready.host.close();
      held.host = null;
    }
    return asks.map(() => null);
  }
}
