/** How the targets panel writes each KPI's numbers, and its rows; pure (the panel passes the locale and translator). */
import { formatCompact, formatInt, formatNumber, formatPercent, type Locale, type MessageKey, type Params } from '../../i18n/index.ts';
import type { TargetDim, TargetKpi } from '../../metrics/targets.ts';
import type { KpiActuals } from '../../report/targets.ts';
import { attainment, getTarget, TARGET_UNIT, type Attainment, type TargetKey, type TargetsDoc } from '../../report/targets-model.ts';
import type { NumberKind } from '../../report/doc/types.ts';

type T = (key: MessageKey, params?: Params) => string;

export function formatValue(locale: Locale, kpi: TargetKpi, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  switch (TARGET_UNIT[kpi]) {
    case 'amount': return Math.abs(v) >= 1e4 ? formatCompact(locale, v) : formatNumber(locale, v, 2);
    case 'count': return formatInt(locale, v);
    case 'percent': return formatPercent(locale, v, 1);
    case 'rating': return formatNumber(locale, v, 2);
  }
}

export function formatGap(locale: Locale, kpi: TargetKpi, gap: number | null, t: T): string {
  if (gap === null) return '—';
  const sign = gap > 0 ? '+' : gap < 0 ? '−' : '';
  if (TARGET_UNIT[kpi] === 'percent') return t('targets.pp', { n: `${sign}${formatNumber(locale, Math.abs(gap) * 100, 1)}` });
  return `${sign}${formatValue(locale, kpi, Math.abs(gap))}`;
}

/** The target as the input shows it: grouped digits, rates in percent (no sign, so it reads back as typed). */
export function inputText(locale: Locale, kpi: TargetKpi, target: number | undefined): string {
  if (target === undefined) return '';
  return TARGET_UNIT[kpi] === 'percent' ? formatNumber(locale, target * 100, 2) : formatNumber(locale, target, 2);
}

/** The report's format of a KPI's numbers. */
export function numberKind(kpi: TargetKpi): NumberKind {
  return { amount: 'amount', count: 'int', percent: 'percent', rating: 'number2' }[TARGET_UNIT[kpi]] as NumberKind;
}

export interface TargetRow {
  id: string;
  label: string;
  kpi: TargetKpi;
  key: TargetKey;
  actual: number | null;
  previous: number | null;
  target: number | undefined;
  a: Attainment;
}

/** One row per KPI (overall) or per level (breakdown), current period against its target. */
export function targetRows(results: readonly KpiActuals[], doc: TargetsDoc, period: string, grain: TargetKey['grain'], elapsed: number, label: (r: { kpi: TargetKpi; level: string | null; dim: TargetDim | null }) => string): TargetRow[] {
  const out: TargetRow[] = [];
  for (const res of results) {
    for (const cur of res.rows.filter((r) => r.which === 'current')) {
      const prev = res.rows.find((r) => r.which === 'previous' && r.level === cur.level);
      const key: TargetKey = { kpi: res.kpi, grain, period, dim: res.dim, level: res.dim ? cur.level : null };
      const target = getTarget(doc, key);
      out.push({
        id: `${res.kpi}|${res.dim ?? ''}|${cur.level ?? '\u0000'}`,
        label: label({ kpi: res.kpi, level: cur.level, dim: res.dim }),
        kpi: res.kpi, key, actual: cur.value, previous: prev?.value ?? null, target,
        a: attainment(res.kpi, cur.value, target, elapsed),
      });
    }
  }
  return out;
}
