/**
 * A chart's text description, generated from the figures it draws: for each
 * series its name, how many points, and where it is highest and lowest. Screen
 * readers read it in place of the picture; the exported report prints it too.
 */
import { formatNumber, translate, type Locale } from '../../i18n/index.ts';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Category names of the first category axis (x or y), if any. */
function categories(option: Rec): string[] {
  for (const axis of [...asList(option.xAxis), ...asList(option.yAxis)]) {
    if (isRec(axis) && Array.isArray(axis.data)) return axis.data.map((c) => (isRec(c) ? String(c.value ?? '') : String(c)));
  }
  return [];
}

/** A data point as [label, value]; the value is the last number of an array point (x, y → y). */
function point(d: unknown, i: number, cats: readonly string[]): [string, number] | null {
  let label = cats[i] ?? String(i + 1);
  let v: unknown = d;
  if (isRec(d)) {
    if (typeof d.name === 'string') label = d.name;
    v = d.value;
  }
  if (Array.isArray(v)) {
    const nums = v.filter((x): x is number => typeof x === 'number');
    if (typeof v[0] === 'string') label = v[0];
    v = nums[nums.length - 1];
  }
  return typeof v === 'number' && Number.isFinite(v) ? [label, v] : null;
}

export function describeChart(option: Rec, title: string, locale: Locale): string {
  const cats = categories(option);
  const fmt = (n: number) => formatNumber(locale, n, 2);
  const parts = asList(option.series).flatMap((s, k) => {
    // A chart's own helpers (a forecast band's hidden base, named with a leading underscore) are not read out.
    if (!isRec(s) || (typeof s.name === 'string' && s.name.startsWith('_'))) return [];
    const points = asList(s.data).flatMap((d, i) => {
      const p = point(d, i, cats);
      return p ? [p] : [];
    });
    const name = typeof s.name === 'string' && s.name !== '' ? s.name : translate(locale, 'report.series', { n: k + 1 });
    if (points.length === 0) return [translate(locale, 'report.descEmpty', { name })];
    let hi = points[0] as [string, number];
    let lo = hi;
    for (const p of points) {
      if (p[1] > hi[1]) hi = p;
      if (p[1] < lo[1]) lo = p;
    }
    return [translate(locale, 'report.descSeries', { name, n: points.length, hiLabel: hi[0], hi: fmt(hi[1]), loLabel: lo[0], lo: fmt(lo[1]) })];
  });
  return [translate(locale, 'report.descChart', { title }), ...parts].join(' ');
}
