/**
 * Where the lines index lives and how it is asked: a host answers a batch of
 * questions (the measures of one filter change) under one selection. The
 * index is split in two parts (split.ts), each answered by an Answerer of its
 * own: in the browser each part is kept by a worker (client.ts), so no pass
 * runs on the page's thread and the two parts' reads run at once; in Node and
 * in the unit tests both are in-process.
 */
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import { selectionOf, type LinesIndex, type Selection } from './lines.ts';
import { compareRow, kpiAvailable, salesRows, sparkRows, warmUp, type IndexPart } from './answers.ts';
import { bigRows, loyaltyRow, lorenzRows, paretoRow, tierRows } from './customers.ts';
import { cohortRows, lifecycleRows, newReturningRows, retentionRows, scopeRow, statusRows } from './activity.ts';
import { dayOf } from './lines.ts';
import { dropPasses } from './pass.ts';
import { askParts, readsCustomers, type IndexAnswer, type IndexAnswers, type IndexQuestion } from './parts.ts';
import { splitIndex } from './split.ts';

export type { IndexAnswer, IndexAnswers, IndexQuestion } from './parts.ts';

/**
 * Answers questions on one index, keeping the last filters' selection and
 * answers: the page's quick answers and the full run's ask the same again.
 */
export class Answerer {
  private last: { key: string; sel: Selection | null; rows: Map<string, unknown[] | null> } | null = null;
  /** `index`: one part of a split index (split.ts), which answers its own share of the measures only. */
  constructor(readonly index: LinesIndex, readonly part: IndexPart) {}

  answer(q: IndexQuestion): IndexAnswers {
    const key = JSON.stringify([q.filters, q.shapeDims]);
    if (this.last?.key !== key) {
      // The last filters' reads are not asked again: their arrays serve the next ones (pass.ts).
      if (this.last?.sel) dropPasses(this.index, this.last.sel);
      this.last = { key, sel: selectionOf(this.index, q.filters, q.shapeDims), rows: new Map() };
    }
    const { sel, rows } = this.last;
    return q.asks.map((ask) => {
      if (readsCustomers(ask) !== (this.part === 'customers')) throw new Error(`The ${this.part} part of the lines index cannot answer "${ask.kind}"`);
      if (!sel) return null;
      const k = JSON.stringify([ask, q.asOf]);
      if (!rows.has(k)) rows.set(k, answerOne(this.index, sel, ask, q.filters, q.asOf));
      return rows.get(k)!;
    });
  }
}

function answerOne(ix: LinesIndex, sel: Selection, ask: IndexAnswer, filters: Filters, asOf: string | null): unknown[] | null {
  const from = filters.from !== undefined ? dayOf(filters.from) : null;
  const to = filters.to !== undefined ? dayOf(filters.to) : null;
  const rfmAsOf = asOf && ix.has.customer && ix.has.amount ? dayOf(asOf) : null;
  switch (ask.kind) {
    case 'sales':
      return salesRows(ix, sel, filters, ask);
    case 'compare':
    case 'spark':
      if (!asOf || !kpiAvailable(ix, ask.kpi)) return null;
      return ask.kind === 'compare' ? [compareRow(ix, sel, ask.kpi, asOf, true)] : sparkRows(ix, sel, ask.kpi, asOf, 12);
    case 'loyalty':
      return ix.has.customer ? rowOrNull(loyaltyRow(ix, sel, from, to)) : null;
    case 'tiers':
      return rfmAsOf === null ? null : tierRows(ix, sel, from, to, rfmAsOf);
    case 'pareto':
      return rfmAsOf === null ? null : rowOrNull(paretoRow(ix, sel, from, to, rfmAsOf, ask.topShare));
    case 'lorenz':
      return rfmAsOf === null ? null : lorenzRows(ix, sel, from, to, rfmAsOf, ask.points);
    case 'status':
      return asOf && ix.has.customer ? statusRows(ix, sel, from, to, dayOf(asOf)) : null;
    case 'newReturning':
      return ix.has.customer ? newReturningRows(ix, sel, from, to) : null;
    case 'retention':
      return ix.has.customer ? retentionRows(ix, sel, from, to) : null;
    case 'cohorts':
      return ix.has.customer ? cohortRows(ix, sel, from, to, ask.maxMonths) : null;
    case 'lifecycle':
      return asOf && ix.has.customer ? lifecycleRows(ix, sel, from, dayOf(asOf)) : null;
    case 'scope':
      return [scopeRow(ix, sel, from, to)];
    case 'big':
      return ix.has.customer && ix.has.amount ? bigRows(ix, sel, from, to, ask.topShare) : null;
  }
}

const rowOrNull = <T>(row: T | null): T[] | null => (row === null ? null : [row]);

/** A held index: asked in batches; closed when its workspace version is replaced (a worker ends, freeing its memory). */
export interface IndexHost {
  /** Lines held. */
  readonly rows: number;
  /** The dimensions the index splits (a filter on another one is refused). */
  readonly dims: readonly DimensionFilter[];
  answer(q: IndexQuestion): Promise<IndexAnswers>;
  close(): void;
}

/** The host of an index built in this thread (Node, tests): split as in the browser's two workers (split.ts), each part warmed up, then asked directly. */
export function inlineHost(ix: LinesIndex): IndexHost {
  const { lines, customers } = splitIndex(ix);
  warmUp(lines, 'lines');
  warmUp(customers, 'customers');
  const ofLines = new Answerer(lines, 'lines');
  const ofCustomers = new Answerer(customers, 'customers');
  return {
    rows: ix.rows,
    dims: Object.keys(ix.dims) as DimensionFilter[],
    answer: (q) => askParts(q, async (p) => ofLines.answer(p), async (p) => ofCustomers.answer(p)),
    close: () => undefined,
  };
}
