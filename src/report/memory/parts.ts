/**
 * The questions the lines index answers (host.ts answers them), and how a
 * filter change's questions are shared between the two parts of a split
 * index (split.ts), each held by a worker of its own in the browser
 * (client.ts): asked at once, answered in the questions' order.
 */
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import type { IndexKpi, SalesAsk } from './answers.ts';
import type { LinesIndex } from './lines.ts';

/**
 * One measure the index answers: `salesSql` (optionally by category and/or
 * month), `compareSql` to date at grain month, `sparklineSql` of 12 months;
 * per customer (customers.ts) `loyaltySql` and `bigCustomersSql`, and as of the question's day
 * `tierSummarySql`, `paretoSql` and `lorenzSql`; over time (activity.ts)
 * `customerStatusSql` (asked only without a customers table),
 * `newReturningSql` and `retentionSql` by month, `cohortRetentionSql`,
 * `lifecycleStagesSql`, and `scopeTotalsSql` on the orders.
 */
export type IndexAnswer =
  | ({ kind: 'sales' } & SalesAsk)
  | { kind: 'compare' | 'spark'; kpi: IndexKpi }
  | { kind: 'loyalty' }
  | { kind: 'tiers' }
  | { kind: 'status' }
  | { kind: 'newReturning' }
  | { kind: 'retention' }
  | { kind: 'cohorts'; maxMonths: number }
  | { kind: 'lifecycle' }
  | { kind: 'scope' }
  | { kind: 'pareto'; topShare: number }
  | { kind: 'big'; topShare: number }
  | { kind: 'lorenz'; points: number };

export interface IndexQuestion {
  asks: readonly IndexAnswer[];
  filters: Filters;
  /** The comparisons' as-of day (the "to" filter, else the last order date); null: no comparison is answered. */
  asOf: string | null;
  /** The dimensions the orders can be filtered on (the cube shape's): one the index lacks sends the filters to SQL. */
  shapeDims: readonly DimensionFilter[];
}

/** Per ask, the rows the base table's query gives, or null where the index cannot answer exactly. */
export type IndexAnswers = (unknown[] | null)[];

/** The measures the customer part answers (each reads the customer-ordered lines); the others need the category-ordered ones. */
const CUSTOMER_KINDS: ReadonlySet<IndexAnswer['kind']> = new Set(['loyalty', 'tiers', 'status', 'newReturning', 'retention', 'cohorts', 'lifecycle', 'scope', 'pareto', 'lorenz', 'big']);

export const readsCustomers = (ask: IndexAnswer): boolean => CUSTOMER_KINDS.has(ask.kind);

/** The buffers of an index's customer-ordered lines: moved, not copied, with its customer part. */
export function customerBuffers(ix: LinesIndex): ArrayBuffer[] {
  const cl = ix.byCustomer;
  return [...new Set([cl.start, cl.day, cl.flags, cl.amount, cl.order, cl.segment, ...Object.values(cl.dims)].map((a) => a.buffer as ArrayBuffer))];
}

/**
 * Asks each part of a split index its share of `q`'s asks, both at once, and gives the answers in `q`'s order:
 * the filter change then takes as long as the slower part, not both.
 */
export async function askParts(q: IndexQuestion, lines: (q: IndexQuestion) => Promise<IndexAnswers>, customers: (q: IndexQuestion) => Promise<IndexAnswers>): Promise<IndexAnswers> {
  const mine = q.asks.map(readsCustomers);
  const share = (c: boolean, ask: (q: IndexQuestion) => Promise<IndexAnswers>): Promise<IndexAnswers> => {
    const asks = q.asks.filter((_, k) => mine[k] === c);
    return asks.length > 0 ? ask({ ...q, asks }) : Promise.resolve([]);
  };
  const [a, b] = await Promise.all([share(false, lines), share(true, customers)]);
  let i = 0;
  let j = 0;
  return mine.map((c) => (c ? b[j++] : a[i++]) ?? null);
}
