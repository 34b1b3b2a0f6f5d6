/**
 * Findings from the report's tables whose role says what they hold (see
 * tables.ts for their columns): the churn model against its best baseline,
 * its strongest drivers, the customers at high risk, and the top cross-sell
 * rules by lift. Numbers are written in the report's language.
 */
import { translate, type Locale } from '../../i18n/index.ts';
import { cellText } from './numbers.ts';
import type { Cell, Finding, ItemBody, ReportItem } from './types.ts';

type Table = Extract<ItemBody, { kind: 'table' }>;
const num = (c: Cell | undefined): number | null => (typeof c === 'number' && Number.isFinite(c) ? c : null);
const TOP = 3;

function model(item: ReportItem, b: Table, locale: Locale): Finding | null {
  // Rows: models (the chosen first), then baselines; columns: label, ROC AUC, std, PR AUC, F1, accuracy, kind.
  const chosen = b.rows[0];
  // The kind column is in the language the table was added in.
  const words = (['en', 'zh-CN'] as const).map((l) => translate(l, 'report.kindBaseline'));
  const baselines = b.rows.filter((r) => typeof r[6] === 'string' && words.some((w) => String(r[6]).startsWith(w)) && num(r[1]) !== null);
  const auc = num(chosen?.[1]);
  if (!chosen || auc === null || baselines.length === 0) return null;
  const best = baselines.reduce((a, r) => ((num(r[1]) ?? -1) > (num(a[1]) ?? -1) ? r : a));
  const base = num(best[1]) as number;
  const text = translate(locale, 'report.fModel', {
    model: String(chosen[0] ?? ''),
    auc: cellText(locale, auc, 'number3'),
    sd: cellText(locale, num(chosen[2]), 'number3'),
    base: cellText(locale, base, 'number3'),
    baseline: String(best[0] ?? ''),
  });
  return { id: `model:${item.id}`, text, weight: 1 + Math.max(0, auc - base), itemId: item.id, kept: true };
}

function drivers(item: ReportItem, b: Table, locale: Locale): Finding | null {
  const top = b.rows.filter((r) => (num(r[1]) ?? 0) > 0).slice(0, TOP);
  if (!top.length) return null;
  const list = top.map((r) => `${String(r[0])} (${cellText(locale, r[1] ?? null, 'number3')})`).join(locale === 'zh-CN' ? '、' : ', ');
  return { id: `drivers:${item.id}`, text: translate(locale, 'report.fDrivers', { list }), weight: 1.4, itemId: item.id, kept: true };
}

function highRisk(item: ReportItem, b: Table, locale: Locale): Finding | null {
  const high = b.rows[0];
  const n = num(high?.[1]);
  if (!high || n === null || n === 0) return null;
  const share = num(high[2]) ?? 0;
  const text = translate(locale, 'report.fHighRisk', { n: cellText(locale, n, 'int'), share: cellText(locale, share, 'percent') });
  return { id: `risk:${item.id}`, text, weight: 1 + share, itemId: item.id, kept: true };
}

function rules(item: ReportItem, b: Table, locale: Locale): Finding | null {
  const top = [...b.rows].filter((r) => num(r[3]) !== null).sort((x, y) => (num(y[3]) as number) - (num(x[3]) as number)).slice(0, TOP);
  if (!top.length) return null;
  const lift = translate(locale, 'report.colLift');
  const list = top.map((r) => `${String(r[0])} (${lift} ${cellText(locale, r[3] ?? null, 'number2')})`).join(locale === 'zh-CN' ? '；' : '; ');
  return { id: `rules:${item.id}`, text: translate(locale, 'report.fRules', { list }), weight: 1.3, itemId: item.id, kept: true };
}

export function tableFindings(item: ReportItem, locale: Locale): Finding | null {
  const b = item.body;
  if (b.kind !== 'table') return null;
  if (b.role === 'churnScores') return model(item, b, locale);
  if (b.role === 'churnDrivers') return drivers(item, b, locale);
  if (b.role === 'churnTiers') return highRisk(item, b, locale);
  if (b.role === 'rules') return rules(item, b, locale);
  return null;
}
