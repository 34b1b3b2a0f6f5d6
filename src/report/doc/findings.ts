/**
 * Problems and opportunities, found in the figures the report's items carry:
 * the largest period-over-period move of each time series, the funnel step
 * that loses the most, and how concentrated each category breakdown is. Each
 * says its number and points at the item it came from; ranked by how large
 * the effect is; the segment that differs most from the rest. Also the first draft of the conclusions, from a tiers table.
 */
import { formatInt, formatNumber, formatPercent, translate, type Locale } from '../../i18n/index.ts';
import type { Finding, ReportItem } from './types.ts';
import { cellText } from './numbers.ts';
import { tableFindings } from './table-findings.ts';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const PERIOD = /^\d{4}(-\d{2}(-\d{2})?|-W\d{2}|-Q\d)?$/;

function categoryAxis(option: Rec): string[] {
  for (const axis of [...asList(option.xAxis), ...asList(option.yAxis)]) {
    if (isRec(axis) && Array.isArray(axis.data)) return axis.data.map(String);
  }
  return [];
}

function values(series: Rec): (number | null)[] {
  return asList(series.data).map((d) => {
    const v = isRec(d) ? d.value : d;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  });
}

/** Largest relative change between consecutive periods of one series. */
function biggestMove(item: ReportItem, cats: string[], s: Rec, name: string, key: number, locale: Locale, chartMax: number): Finding | null {
  const vs = values(s);
  let best: { i: number; rel: number } | null = null;
  for (let i = 1; i < vs.length; i++) {
    const a = vs[i - 1], b = vs[i];
    if (a === null || a === undefined || b === null || b === undefined || a <= 0) continue;
    const rel = (b - a) / a;
    if (!best || Math.abs(rel) > Math.abs(best.rel)) best = { i, rel };
  }
  if (!best || Math.abs(best.rel) < 0.05) return null;
  const a = vs[best.i - 1] as number, b = vs[best.i] as number;
  // A large share of a small number matters less: weigh the move by its size against the chart's largest value.
  const scale = chartMax > 0 ? Math.min(1, (a + b) / (2 * chartMax)) : 0;
  const text = translate(locale, best.rel > 0 ? 'report.fRise' : 'report.fFall', {
    name,
    rel: formatPercent(locale, Math.abs(best.rel)),
    from: cats[best.i - 1] ?? '',
    to: cats[best.i] ?? '',
    a: formatNumber(locale, a, 0),
    b: formatNumber(locale, b, 0),
  });
  return { id: `move:${item.id}:${key}`, text, weight: Math.min(Math.abs(best.rel), 3) * scale, itemId: item.id, kept: true };
}

/** The step of a funnel that loses the most, and how many it loses. */
function bottleneck(item: ReportItem, s: Rec, locale: Locale): Finding | null {
  const steps = asList(s.data).flatMap((d) => (isRec(d) && typeof d.value === 'number' ? [{ name: String(d.name ?? ''), value: d.value }] : []));
  let best: { i: number; lost: number; rate: number } | null = null;
  for (let i = 1; i < steps.length; i++) {
    const a = steps[i - 1]!.value, b = steps[i]!.value;
    if (a <= 0) continue;
    const lost = a - b;
    if (!best || lost / a > best.rate) best = { i, lost, rate: lost / a };
  }
  if (!best || best.lost <= 0) return null;
  const text = translate(locale, 'report.fBottleneck', { from: steps[best.i - 1]!.name, to: steps[best.i]!.name, rate: formatPercent(locale, best.rate), lost: formatInt(locale, best.lost) });
  return { id: `funnel:${item.id}`, text, weight: 1 + best.rate, itemId: item.id, kept: true };
}

/** Share of the total held by the largest category of a breakdown. */
function concentration(item: ReportItem, cats: string[], s: Rec, name: string, key: number, locale: Locale): Finding | null {
  const vs = values(s);
  const total = vs.reduce<number>((t, v) => t + (v !== null && v > 0 ? v : 0), 0);
  if (total <= 0 || vs.length < 3) return null;
  let top = 0;
  vs.forEach((v, i) => {
    if (v !== null && v > (vs[top] ?? -Infinity)) top = i;
  });
  const share = (vs[top] as number) / total;
  if (share < 1.5 / vs.length) return null;
  const text = translate(locale, 'report.fConcentration', { cat: cats[top] ?? '', share: formatPercent(locale, share), name, n: vs.length });
  return { id: `share:${item.id}:${key}`, text, weight: share * 1.5, itemId: item.id, kept: true };
}

/** The category whose value differs most from the mean of the others (a segment's churn rate, say). */
function outlier(item: ReportItem, cats: string[], s: Rec, name: string, key: number, locale: Locale): Finding | null {
  const pts = values(s).flatMap((v, i) => (v === null ? [] : [{ cat: cats[i] ?? '', v }]));
  if (pts.length < 3) return null;
  const total = pts.reduce((t, p) => t + p.v, 0);
  let best: { cat: string; v: number; rest: number } | null = null;
  for (const p of pts) {
    const rest = (total - p.v) / (pts.length - 1);
    if (!best || Math.abs(p.v - rest) > Math.abs(best.v - best.rest)) best = { cat: p.cat, v: p.v, rest };
  }
  if (!best || best.v === best.rest) return null;
  const rel = Math.abs(best.v - best.rest) / Math.max(Math.abs(best.rest), 1e-9);
  if (rel < 0.1) return null;
  const text = translate(locale, best.v > best.rest ? 'report.fAbove' : 'report.fBelow', { cat: best.cat, name, v: formatNumber(locale, best.v, 1), rest: formatNumber(locale, best.rest, 1) });
  return { id: `segment:${item.id}:${key}`, text, weight: Math.min(rel, 3), itemId: item.id, kept: true };
}

export function findFindings(items: readonly ReportItem[], locale: Locale): Finding[] {
  const out: Finding[] = [];
  for (const item of items) {
    const fromTable = tableFindings(item, locale);
    if (fromTable) out.push(fromTable);
    if (item.body.kind !== 'chart') continue;
    const option = item.body.option;
    const cats = categoryAxis(option);
    const timeline = cats.length > 2 && cats.every((c) => PERIOD.test(c));
    // Not the chart's own helpers (a forecast band's hidden base), stacked line bands or projected (dashed) lines: only observed figures.
    const observed = asList(option.series).filter((s): s is Rec => isRec(s) && !(typeof s.name === 'string' && s.name.startsWith('_')) && !(s.stack !== undefined && s.type === 'line') && !(isRec(s.lineStyle) && s.lineStyle.type === 'dashed'));
    const chartMax = Math.max(0, ...observed.flatMap((s) => values(s).filter((v): v is number => v !== null)));
    for (const s of observed) {
      const name = typeof s.name === 'string' && s.name ? s.name : item.title;
      // Keyed by the series' place, not its name: the same finding in the report's other language keeps what the user did to it.
      const key = asList(option.series).indexOf(s);
      const f = s.type === 'funnel' ? bottleneck(item, s, locale) : timeline ? biggestMove(item, cats, s, name, key, locale, chartMax) : s.type === 'bar' && cats.length ? concentration(item, cats, s, name, key, locale) : s.type === 'line' && cats.length ? outlier(item, cats, s, name, key, locale) : null;
      if (f) out.push(f);
    }
  }
  return out.sort((a, b) => b.weight - a.weight);
}

/** A first draft of the conclusions from a tiers table (tier, customers, …, action): one line per tier with its count. */
export function draftConclusions(items: readonly ReportItem[], findings: readonly Finding[], locale: Locale): string {
  const lines: string[] = [];
  const kept = findings.filter((f) => f.kept).slice(0, 3);
  if (kept.length) lines.push(translate(locale, 'report.draftFindings', { list: kept.map((f) => f.text).join(' ') }));
  for (const item of items) {
    const b = item.body;
    if (b.kind !== 'table' || b.customerLevel || b.columns.length < 4) continue;
    const rows = b.rows.filter((r) => typeof r[0] === 'string' && r[3] !== null && r[3] !== undefined);
    if (!rows.length || (b.role !== 'rfmTiers' && !/tier|层级|分层/i.test(item.title + b.columns.join(' ')))) continue;
    lines.push(translate(locale, 'report.draftTiers'));
    for (const r of rows) lines.push(`• ${String(r[0])} (${cellText(locale, r[1] ?? null, b.formats?.[1])}): ${String(r[3])}`);
    break;
  }
  return lines.join('\n');
}
