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
export type Query = { name: string; sales?: { grain?: 'month'; by?: 'category' }; compare?: Compare };

export const QUERIES: readonly Query[] = [
  { name: 'kpis', sales: {} },
  { name: 'monthly revenue', sales: { grain: 'month' } },
  { name: 'revenue by category', sales: { by: 'category' } },
  ...(['compare', 'spark'] as const).flatMap((which) =>
    (['revenue', 'orders', 'aov', 'buyers'] as const).map((kpi): Query => ({ name: `${which} ${kpi}`, compare: { which, kpi } }))),
];

/** What the dashboard asks for, in order: Overview figures, then the Analytics period comparisons and sparklines. */
export const DASHBOARD_QUERIES: readonly string[] = QUERIES.map((q) => q.name);

/**
 * Every dashboard query (`DASHBOARD_QUERIES`, in order) answered from the
 * index as the app answers its measures (src/report/memory): one batch per
 * filter change; null for one the index cannot answer under these filters.
 */
export function indexAnswers(ready: ReadyIndex, lastDay: string, filters?: Filters): Promise<(Record<string, unknown>[] | null)[]> {
  const f = filters ?? {};
  const asks = QUERIES.map((q): IndexAnswer => (q.sales ? { kind: 'sales', ...q.sales } : { kind: q.compare!.which, kpi: q.compare!.kpi as IndexKpi }));
  return answerFromIndex(ready, asks, f, f.to ?? lastDay) as Promise<(Record<string, unknown>[] | null)[]>;
}
