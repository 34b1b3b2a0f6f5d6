/**
 * How the questions of a filter change are shared between the two parts of a
 * split index (split.ts), each held by a worker of its own in the browser
 * (client.ts): asked at once, answered in the questions' order.
 */
import type { IndexAnswer, IndexAnswers, IndexQuestion } from './host.ts';
import type { LinesIndex } from './lines.ts';

/** The measures the customer part answers (each reads the customer-ordered lines); the others need the category-ordered ones. */
const CUSTOMER_KINDS: ReadonlySet<IndexAnswer['kind']> = new Set(['loyalty', 'tiers', 'status', 'newReturning', 'retention', 'cohorts', 'lifecycle', 'scope', 'pareto', 'lorenz']);

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
