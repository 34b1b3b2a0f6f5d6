/**
 * The dashboard the bench renders (bench/dashboard-queries.ts runs it as SQL
 * on both engines), and its answers from the in-memory lines index. Apart
 * from the rest so that the bench page (bench/browser/main.ts) can import it:
 * nothing here needs Node.
 */
import type { CompareKpi } from '../src/metrics/compare.ts';
import type { Filters } from '../src/metrics/filters.ts';
import type { IndexKpi } from '../src/report/memory/answers.ts';
import type { IndexAnswer } from '../src/report/memory/host.ts';
import { answerFromIndex, type ReadyIndex } from '../src/report/memory/route.ts';

export type Compare = { which: 'compare' | 'spark'; kpi: CompareKpi };
/** `ask`: one of the Analytics page's per-customer measures, as the index is asked it (its SQL: `indexedQuery`, src/report/analytics.ts). */
export type Query = { name: string; sales?: { grain?: 'month'; by?: 'category' }; compare?: Compare; ask?: IndexAnswer };

export const QUERIES: readonly Query[] = [
  { name: 'kpis', sales: {} },
  { name: 'monthly revenue', sales: { grain: 'month' } },
  { name: 'revenue by category', sales: { by: 'category' } },
  ...(['compare', 'spark'] as const).flatMap((which) =>
    (['revenue', 'orders', 'aov', 'buyers'] as const).map((kpi): Query => ({ name: `${which} ${kpi}`, compare: { which, kpi } }))),
  // The Analytics page's measures per customer (without a customers table, as the bench's files have none).
  ...([
    ['customer status', { kind: 'status' }],
    ['new and returning', { kind: 'newReturning' }],
    ['loyalty', { kind: 'loyalty' }],
    ['retention', { kind: 'retention' }],
    ['value tiers', { kind: 'tiers' }],
    ['pareto', { kind: 'pareto', topShare: 0.2 }],
    ['lorenz', { kind: 'lorenz', points: 40 }],
    ['cohorts', { kind: 'cohorts', maxMonths: 12 }],
    ['life cycle', { kind: 'lifecycle' }],
    ['scope', { kind: 'scope' }],
  ] as const).map(([name, ask]): Query => ({ name, ask })),
];

/** What the dashboard asks for, in order: Overview figures, the Analytics period comparisons and sparklines, then its per-customer measures. */
export const DASHBOARD_QUERIES: readonly string[] = QUERIES.map((q) => q.name);

/**
 * Every dashboard query (`DASHBOARD_QUERIES`, in order) answered from the
 * index as the app answers its measures (src/report/memory): one batch per
 * filter change; null for one the index cannot answer under these filters.
 */
export function indexAnswers(ready: ReadyIndex, lastDay: string, filters?: Filters): Promise<(Record<string, unknown>[] | null)[]> {
  const f = filters ?? {};
  const asks = QUERIES.map((q): IndexAnswer => q.ask ?? (q.sales ? { kind: 'sales', ...q.sales } : { kind: q.compare!.which, kpi: q.compare!.kpi as IndexKpi }));
  return answerFromIndex(ready, asks, f, f.to ?? lastDay) as Promise<(Record<string, unknown>[] | null)[]>;
}
