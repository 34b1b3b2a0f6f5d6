/**
 * Data-driven attribution by a first-order Markov chain over journeys
 * (start → channel → … → conversion or no conversion) and each channel's
 * removal effect: the share of the chain's conversion probability lost when
 * that channel's touches lead nowhere. Credit = removal effect / sum of
 * removal effects × conversions. Pure; the journeys come from
 * `journeyPathsSql`.
 */

export interface Journey {
  path: readonly string[];
  converted: boolean;
  /** How many customers took this journey. */
  count: number;
}

export interface MarkovResult {
  /** Conversion probability of the whole chain (equals the converting share of journeys). */
  conversionProbability: number;
  conversions: number;
  channels: { channel: string; removalEffect: number; credit: number }[];
}

/** The separator `journeyPathsSql` joins a path's channels with. */
export const PATH_SEPARATOR = '\u001f';

/** Read `journeyPathsSql` rows (`path`, `converted`, `customers`). */
export function journeysFromRows(rows: readonly Record<string, unknown>[]): Journey[] {
  return rows.map((r) => ({
    path: r.path === null || r.path === undefined || r.path === '' ? [] : String(r.path).split(PATH_SEPARATOR),
    converted: r.converted === true,
    count: Number(r.customers ?? 1),
  }));
}

/**
 * Probability of reaching conversion from `start` in the chain with
 * transition counts `counts` (row: from state, column: to state; index 0 is
 * start, 1…m channels, m+1 conversion, m+2 no conversion), with the channels
 * in `removed` sending everything to no conversion. Solves (I − Q) x = b by
 * Gaussian elimination with partial pivoting.
 */
function conversionProbability(counts: readonly Float64Array[], m: number, removed: number): number {
  const size = m + 1;
  const a: Float64Array[] = [];
  const b = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const row = new Float64Array(size);
    row[i] = 1;
    const c = counts[i]!;
    let total = 0;
    for (let j = 0; j < m + 3; j++) total += c[j]!;
    if (i !== removed && total > 0) {
      for (let j = 0; j < size; j++) if (j !== removed) row[j]! -= c[j]! / total;
      b[i] = c[m + 1]! / total;
    }
    a.push(row);
  }
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) continue;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      if (f === 0) continue;
      for (let k = col; k < size; k++) a[r]![k]! -= f * a[col]![k]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x0 = a[0]![0]!;
  return x0 === 0 ? 0 : b[0]! / x0;
}

export function markovAttribution(journeys: readonly Journey[]): MarkovResult {
  const names = [...new Set(journeys.flatMap((j) => j.path))].sort();
  const index = new Map(names.map((n, i) => [n, i + 1]));
  const m = names.length;
  const counts = Array.from({ length: m + 1 }, () => new Float64Array(m + 3));
  let conversions = 0;
  for (const j of journeys) {
    if (j.path.length === 0 || !(j.count > 0)) continue;
    let from = 0;
    for (const ch of j.path) {
      const to = index.get(ch)!;
      counts[from]![to]! += j.count;
      from = to;
    }
    counts[from]![j.converted ? m + 1 : m + 2]! += j.count;
    if (j.converted) conversions += j.count;
  }
  const base = conversionProbability(counts, m, -1);
  const effects = names.map((_, i) => (base > 0 ? Math.max(0, 1 - conversionProbability(counts, m, i + 1) / base) : 0));
  const sum = effects.reduce((a, b) => a + b, 0);
  const channels = names
    .map((channel, i) => ({ channel, removalEffect: effects[i]!, credit: sum > 0 ? (effects[i]! / sum) * conversions : 0 }))
    .sort((x, y) => y.credit - x.credit || x.channel.localeCompare(y.channel));
  return { conversionProbability: base, conversions, channels };
}
