/**
 * The answers of the lines index (lines.ts): what `salesSql`, `compareSql`
 * and `sparklineSql` give on the base table, from the index's passes.
 */
import type { DimensionFilter, Filters } from '../../metrics/filters.ts';
import type { SalesRow } from '../../metrics/sales.ts';
import type { CompareRow, SparklineRow } from '../../metrics/compare.ts';
import { NO_DAY } from '../../metrics/cube.ts';
import {
  addRange, aggregate, dayOf, emptyAgg, isoOf, lowerBound, Marks, marks, monthStart, RETURN, segmentRange, selectionOf, windowRanges,
  type Agg, type LinesIndex, type SalesPass, type Selection, type Target,
} from './lines.ts';
import { loyaltyRow, lorenzRows, paretoRow, tierRows } from './customers.ts';
import { datedSpan, dropPasses } from './pass.ts';
import { cohortRows, lifecycleRows, newReturningRows, retentionRows, scopeRow, statusRows } from './activity.ts';

// ---------------------------------------------------------------- salesSql

function salesRow(ix: LinesIndex, a: Agg | null, period: string | null, group: string | null): SalesRow {
  const revenue = a && a.revenueLines > 0 ? a.revenue : null;
  return {
    period,
    group_value: group,
    revenue: ix.has.amount ? (revenue ?? 0) : null,
    orders: a?.orders ?? 0,
    aov: ix.has.amount && revenue !== null && a!.orders > 0 ? revenue / a!.orders : null,
    units: ix.has.quantity ? (a && a.unitLines > 0 ? a.units : 0) : null,
    customers: ix.has.customer ? (a?.customers ?? 0) : null,
    lines: a?.lines ?? 0,
  };
}

/** Byte order of two strings' UTF-8, as DuckDB orders VARCHAR (differs from `<` on UTF-16 for characters past U+FFFF). */
function compareText(a: string, b: string): number {
  const x = TEXT.encode(a);
  const y = TEXT.encode(b);
  for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
  return x.length - y.length;
}
const TEXT = new TextEncoder();

/** salesSql's order: revenue (largest first, NULL last), orders (most first), group (NULL last). */
function bySales(a: SalesRow, b: SalesRow): number {
  if (a.revenue !== b.revenue) {
    if (a.revenue === null) return 1;
    if (b.revenue === null) return -1;
    return b.revenue - a.revenue;
  }
  if (a.orders !== b.orders) return b.orders - a.orders;
  if (a.group_value === b.group_value) return 0;
  if (a.group_value === null) return 1;
  if (b.group_value === null) return -1;
  return compareText(a.group_value, b.group_value);
}



/** The first and last dated day among segment `seg`'s positions `lo … hi−1` (day-ordered); [∞, −∞] when none. */
function datedBounds(ix: LinesIndex, lo: number, hi: number): [number, number] {
  const a = lowerBound(ix.day, NO_DAY + 1, lo, hi);
  return a < hi ? [ix.day[a]!, ix.day[hi - 1]!] : [Infinity, -Infinity];
}

/**
 * The kept lines dated `from` … `to` (either open; undated ones only with
 * neither): their total, each month's aggregate, and each category's, in one
 * read with a set of marks each for the distinct counts. Kept per selection:
 * the KPIs, the monthly figures and sales by category of one filter change
 * share it.
 */
const passKey = (from: number | null, to: number | null): string => `sales:${from}:${to}`;

function salesPass(ix: LinesIndex, sel: Selection, from: number | null, to: number | null): SalesPass {
  const key = passKey(from, to);
  const hit = sel.passes.get(key);
  if (hit) return hit;
  const m = marks(ix);
  const segs: [number, number][] = [];
  for (let seg = 0; seg + 1 < ix.segments.length; seg++) segs.push(segmentRange(ix, seg, from, to));
  // The months from the first to the last dated line in range (kept or not).
  let lo = Infinity;
  let hi = -Infinity;
  for (const [a, b] of segs) {
    const [x, y] = datedBounds(ix, a, b);
    lo = Math.min(lo, x);
    hi = Math.max(hi, y);
  }
  const starts: number[] = [];
  if (hi >= lo) for (let mo = monthStart(lo); mo <= hi; mo = monthStart(mo, 1)) starts.push(mo);
  while (m.months.length < starts.length) m.months.push(new Marks(ix));
  const months: Target[] = starts.map((_, k) => ({ a: emptyAgg(), st: m.months[k]!.fresh(ix, sel), span: 'all' }));
  const total: Target = { a: emptyAgg(), st: m.total.fresh(ix, sel), span: 'all' };
  const grouped = ix.dims.category !== undefined;
  const groups: Agg[] | null = grouped ? [] : null;
  for (const [a, b] of segs) {
    const group: Target = { a: emptyAgg(), st: grouped ? m.one.fresh(ix, sel) : m.one, span: 'segment' };
    const also = grouped ? [total, group] : [total];
    // Undated lines (in range only without a date bound) count in the total and the group, in no month.
    const dated = lowerBound(ix.day, NO_DAY + 1, a, b);
    if (dated > a) addRange(ix, sel, a, dated, also);
    let p = dated;
    for (let k = 0; k < starts.length && p < b; k++) {
      const end = k + 1 < starts.length ? lowerBound(ix.day, starts[k + 1]!, p, b) : b;
      if (end > p) addRange(ix, sel, p, end, [months[k]!, ...also]);
      p = end;
    }
    groups?.push(group.a);
  }
  const byMonth = new Map<number, Agg>();
  starts.forEach((mo, k) => {
    if (months[k]!.a.lines > 0) byMonth.set(mo, months[k]!.a);
  });
  const out: SalesPass = { from, to, total: total.a, months: byMonth, groups };
  sel.passes.set(key, out);
  return out;
}

export interface SalesAsk {
  /** A dimension the index splits; by one other than the category, not by month too (null: the SQL answers). */
  by?: DimensionFilter;
  grain?: 'month';
}

/** At most this many values of a dimension other than the category are grouped by (a read of the window each). */
const MAX_GROUPS = 64;

/**
 * `salesSql` by a dimension other than the category (the lines are in category order): one read of the window
 * per value, under the selection with that value kept alone (within the filter's own values on that dimension),
 * so that each group's distinct orders and customers are counted as the SQL groups them. Null when the index does
 * not split the dimension or it has more than `MAX_GROUPS` values.
 */
function byDimensionRows(ix: LinesIndex, sel: Selection, from: number | null, to: number | null, dim: DimensionFilter): SalesRow[] | null {
  const col = ix.dims[dim];
  if (!col || col.values.length > MAX_GROUPS) return null;
  const ranges = windowRanges(ix, from, to);
  const j = sel.dims.indexOf(dim);
  const out: SalesRow[] = [];
  for (let code = 0; code < col.values.length; code++) {
    if (j >= 0 && sel.keep[j]![code] === 0) continue;
    const keep = new Uint8Array(col.values.length);
    keep[code] = 1;
    const one: Selection = j >= 0
      ? { ...sel, keep: sel.keep.map((k, i) => (i === j ? keep : k)), memo: new Map(), passes: new Map() }
      : { ...sel, codes: [...sel.codes, col.codes], keep: [...sel.keep, keep], dims: [...sel.dims, dim], memo: new Map(), passes: new Map() };
    const a = aggregate(ix, one, ranges, 'all');
    // A group with no kept line has no row (the SQL groups the kept lines).
    if (a.lines > 0) out.push(salesRow(ix, a, null, col.values[code] ?? null));
  }
  return out.sort(bySales);
}

/**
 * What `salesSql({ orders, by, grain, filters })` returns on the base table,
 * from the index; null when `by` is asked and the lines have no category.
 */
export function salesRows(ix: LinesIndex, sel: Selection, filters: Filters | undefined, ask: SalesAsk): SalesRow[] | null {
  const from = filters?.from !== undefined ? dayOf(filters.from) : null;
  const to = filters?.to !== undefined ? dayOf(filters.to) : null;
  const out: SalesRow[] = [];
  if (!ask.by) {
    const pass = salesPass(ix, sel, from, to);
    if (!ask.grain) return pass.total.lines > 0 ? [salesRow(ix, pass.total, null, null)] : [];
    // Months from the "from" filter, else the first kept dated line, to the "to" filter, else the last (none: no months).
    const seen = [...pass.months.keys()];
    if ((from === null || to === null) && seen.length === 0) return [];
    const first = from ?? seen[0]!;
    const last = to ?? seen[seen.length - 1]!;
    for (let m = monthStart(first); m <= last; m = monthStart(m, 1)) out.push(salesRow(ix, pass.months.get(m) ?? null, isoOf(m), null));
    return out;
  }
  if (ask.by !== 'category') return ask.grain ? null : byDimensionRows(ix, sel, from, to, ask.by);
  const col = ix.dims.category;
  if (!col) return null;
  const segs = col.values.map((label, seg) => ({ label, range: segmentRange(ix, seg, from, to) }));
  if (!ask.grain) {
    // From the sales pass when this filter change made one (the KPIs asked first), else a read per category.
    const groups = sel.passes.get(passKey(from, to))?.groups;
    for (const [seg, g] of segs.entries()) {
      const a = groups?.[seg] ?? aggregate(ix, sel, g.range, 'segment');
      // A group with no kept line has no row (the SQL groups the kept lines).
      if (a.lines > 0) out.push(salesRow(ix, a, null, g.label));
    }
    return out.sort(bySales);
  }
  // By month too: only dated lines; months from the filters, else from the first to the last kept dated line.
  const dated = segs.map((g) => ({ ...g, range: [lowerBound(ix.day, NO_DAY + 1, g.range[0], g.range[1]), g.range[1]] as [number, number] }));
  let first = from;
  let last = to;
  if (first === null || last === null) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const g of dated) {
      const [a, b] = keptDayBounds(ix, sel, g.range[0], g.range[1]);
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    if (hi < lo) return [];
    first ??= lo;
    last ??= hi;
  }
  // The groups with a kept dated line (the SQL lists the groups of its aggregate).
  const present = dated.filter((g) => aggregate(ix, sel, g.range, 'segment').lines > 0);
  for (let m = monthStart(first); m <= last; m = monthStart(m, 1)) {
    const end = monthStart(m, 1) - 1;
    const rows = present.map((g) => {
      const seg = col.values.indexOf(g.label);
      const a = aggregate(ix, sel, segmentRange(ix, seg, Math.max(m, from ?? m), Math.min(end, to ?? end)), 'segment');
      return salesRow(ix, a.lines > 0 ? a : null, isoOf(m), g.label);
    });
    out.push(...rows.sort(bySales));
  }
  return out;
}

/** The first and last day of a kept line among positions `lo … hi−1` (dated, day-ordered); [∞, −∞] when none. */
function keptDayBounds(ix: LinesIndex, sel: Selection, lo: number, hi: number): [number, number] {
  const keep = (i: number): boolean => {
    if (sel.gross && ix.flags[i]! & RETURN) return false;
    for (let k = 0; k < sel.codes.length; k++) if (sel.keep[k]![sel.codes[k]![i]!] === 0) return false;
    return true;
  };
  let a = lo;
  while (a < hi && !keep(a)) a++;
  if (a === hi) return [Infinity, -Infinity];
  let b = hi - 1;
  while (!keep(b)) b--;
  return [ix.day[a]!, ix.day[b]!];
}

// ---------------------------------------------------------------- compareSql and sparklineSql

/** The KPIs the index answers. */
export type IndexKpi = 'revenue' | 'orders' | 'aov' | 'buyers';

/**
 * The kept lines dated `start` … `end` as a sales pass of this filter change
 * already added them up: when the window is the part of one of its months
 * within its range (a month with no kept line is empty). Null when no pass has.
 */
function passMonth(sel: Selection, start: number, end: number): Agg | null {
  const m = monthStart(start);
  const mEnd = monthStart(m, 1) - 1;
  if (end > mEnd) return null;
  for (const p of sel.passes.values()) {
    const lo = p.from === null ? m : Math.max(p.from, m);
    const hi = p.to === null ? mEnd : Math.min(p.to, mEnd);
    if (lo === start && hi === end) return p.months.get(m) ?? emptyAgg();
  }
  return null;
}

/** A KPI over the kept lines dated `start` … `end`, as compare.ts's value: empty windows 0, or NULL for AOV. */
function kpiValue(ix: LinesIndex, sel: Selection, kpi: IndexKpi, start: number, end: number): number | null {
  const key = `${start}:${end}`;
  let a = sel.memo.get(key);
  if (!a) sel.memo.set(key, (a = passMonth(sel, start, end) ?? aggregate(ix, sel, windowRanges(ix, start, end), 'all')));
  const revenue = a.revenueLines > 0 ? a.revenue : null;
  switch (kpi) {
    case 'revenue':
      return revenue ?? 0;
    case 'orders':
      return a.orders;
    case 'buyers':
      return a.customers;
    case 'aov':
      return revenue !== null && a.orders > 0 ? revenue / a.orders : null;
  }
}

/** The KPI's availability on these orders, as compare.ts requires its roles. */
export function kpiAvailable(ix: LinesIndex, kpi: IndexKpi): boolean {
  return kpi === 'orders' || (kpi === 'buyers' ? ix.has.customer : ix.has.amount);
}

function change(cur: number | null, other: number | null): [number | null, number | null] {
  if (cur === null || other === null) return [null, null];
  const d = cur - other;
  return [d, other === 0 ? null : d / Math.abs(other)];
}

/** `compareSql` at grain month (`toDate` as given) on the base table, from the index. */
export function compareRow(ix: LinesIndex, sel: Selection, kpi: IndexKpi, asOf: string, toDate: boolean): CompareRow {
  const as = dayOf(asOf);
  const cur = monthStart(as);
  const elapsed = as - cur;
  const cut = (from: number): number => {
    const end = monthStart(from, 1) - 1;
    return toDate ? Math.min(from + elapsed, end) : end;
  };
  const prev = monthStart(cur, -1);
  const ly = monthStart(cur, -12);
  const value = (a: number, b: number) => kpiValue(ix, sel, kpi, a, b);
  const current = value(cur, as);
  const previous = value(prev, cut(prev));
  const lastYear = value(ly, cut(ly));
  const [dp, dpp] = change(current, previous);
  const [dy, dyp] = change(current, lastYear);
  return {
    current_start: isoOf(cur), current_end: isoOf(as), current_value: current,
    previous_start: isoOf(prev), previous_end: isoOf(cut(prev)), previous_value: previous,
    change_vs_previous: dp, change_vs_previous_pct: dpp,
    last_year_start: isoOf(ly), last_year_end: isoOf(cut(ly)), last_year_value: lastYear,
    change_vs_last_year: dy, change_vs_last_year_pct: dyp,
  };
}

/** `sparklineSql` at grain month on the base table, from the index: `periods` months ending with the one of `asOf` (cut there). */
export function sparkRows(ix: LinesIndex, sel: Selection, kpi: IndexKpi, asOf: string, periods: number): SparklineRow[] {
  const as = dayOf(asOf);
  const cur = monthStart(as);
  const out: SparklineRow[] = [];
  for (let k = 1 - periods; k <= 0; k++) {
    const start = monthStart(cur, k);
    const end = k === 0 ? as : monthStart(start, 1) - 1;
    out.push({ period_start: isoOf(start), period_end: isoOf(end), value: kpiValue(ix, sel, kpi, start, end) });
  }
  return out;
}

/** A part of a split index (split.ts): the category-ordered lines, or the customer-ordered ones. */
export type IndexPart = 'lines' | 'customers';

/** The warm-up's answers that read the category-ordered lines, under `sel` and the window of `f`. */
function warmLines(ix: LinesIndex, sel: Selection, f: Filters & { from: string; to: string }): void {
  salesRows(ix, sel, f, {});
  salesRows(ix, sel, f, { grain: 'month' });
  salesRows(ix, sel, f, { by: 'category' });
  for (const kpi of ['revenue', 'buyers'] as const) {
    compareRow(ix, sel, kpi, f.to, true);
    sparkRows(ix, sel, kpi, f.to, 3);
  }
  // The reads the answers above took from the sales pass, made on their own too (as when no pass came first):
  // without them the JIT compiled the read for the pass's calls only, and recompiled it mid-change.
  aggregate(ix, sel, windowRanges(ix, dayOf(f.from), dayOf(f.to)), 'all');
  aggregate(ix, sel, segmentRange(ix, 0, dayOf(f.from), dayOf(f.to)), 'segment');
}

/**
 * Runs every answer of one part of a split index (split.ts) once on a slice of the lines (at most `slice` of
 * them, from the first dated), under no filter and under one and two dimension filters keeping everything, so
 * that the JIT has compiled the passes before the first filter change: a cold first change took 60–110 ms at 1M
 * lines in Chromium. Then once over every date (below).
 */
export function warmUp(ix: LinesIndex, part: IndexPart, slice = 100_000): void {
  const span = datedSpan(ix);
  if (!span) return;
  const [lo, hi] = span;
  // About `slice` lines' worth of days (the customer part's own category-ordered lines are those without a customer only).
  const rows = part === 'customers' ? ix.byCustomer.day.length + ix.byCustomer.orphans.length : ix.rows;
  const days = Math.max(1, Math.round(((hi - lo + 1) * Math.min(slice, rows)) / Math.max(1, rows)));
  const from = isoOf(lo);
  const to = isoOf(Math.min(hi, lo + days - 1));
  // A window that starts within the slice: the per-customer read then also looks at each customer's lines before it.
  const mid = isoOf(lo + Math.floor(days / 2));
  const all = Object.keys(ix.dims) as DimensionFilter[];
  const dims = all.slice(0, 3);
  const everything = (d: DimensionFilter): string[] => ix.dims[d]!.values.filter((v): v is string => v !== null);
  const half = (d: DimensionFilter): string[] => everything(d).filter((_, k) => k % 2 === 0);
  // No filter, one to three dimensions, a category alone (orders then counted with marks), gross revenue: every path of the read;
  // then filters that keep some lines and leave others, in a window that starts within the slice (the branches a real filter takes).
  const filters: (Filters & { from: string; to: string })[] = [
    { from, to },
    ...dims.map((_, n) => ({ from, to, ...Object.fromEntries(dims.slice(0, n + 1).map((d) => [d, everything(d)])) })),
    ...(ix.dims.category ? [{ from, to, category: everything('category') }] : []),
    { from, to, revenue: 'gross' },
    ...dims.slice(0, 2).map((_, n) => ({ from: mid, to, ...Object.fromEntries(dims.slice(0, n + 1).map((d) => [d, half(d)])), ...(n === 1 ? { revenue: 'gross' as const } : {}) })),
  ];
  // Last, once, every date under half of a dimension's values: the reads' arrays (months of marks, gaps) are then
  // sized for the widest window, and its open bounds compiled, before a filter change needs them.
  // Node, 1M lines, three years then web + app after four narrower changes: the customer part took 80–81 ms the
  // first time without it, 38–43 ms with it (as every later time).
  const whole = { from: isoOf(lo), to: isoOf(hi) };
  const last = dims.length > 0 ? dims.slice(0, 1).map((d) => ({ ...whole, [d]: half(d) })) : [whole];
  for (let round = 0; round < 4; round++) {
    for (const f of round < 3 ? filters : last) {
      const sel = selectionOf(ix, f, all);
      if (!sel) continue;
      if (part === 'lines') warmLines(ix, sel, f);
      // The per-customer reads (pass.ts, activity.ts), every round: with two, the first filter change in Chromium still took twice the next.
      if (ix.has.customer && part === 'customers') {
        const a = dayOf(f.from);
        const b = dayOf(f.to);
        loyaltyRow(ix, sel, a, b);
        if (ix.has.amount) {
          tierRows(ix, sel, a, b, b);
          paretoRow(ix, sel, a, b, b, 0.2);
          lorenzRows(ix, sel, a, b, b, 10);
          lifecycleRows(ix, sel, a, b);
        }
        statusRows(ix, sel, a, b, b);
        newReturningRows(ix, sel, a, b);
        retentionRows(ix, sel, a, b);
        cohortRows(ix, sel, a, b, 12);
        scopeRow(ix, sel, a, b);
      }
      // Their arrays then serve the next reads (and the first filter change's).
      dropPasses(ix, sel);
    }
  }
}
